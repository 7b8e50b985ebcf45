"""Claiming a listing, as plain functions: who may claim, the domain match, the coordinator's
decision (once), the switch, lapsed claims, and what is emailed and audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from accord.clock import utcnow
from accord.extensions import db
from accord.models import AuditEvent, OutboxMessage, Role
from directory.claims import claims
from directory.claims.models import ClaimStatus, DecidedBy, ListingClaim
from directory.models import Service
from tests import factories


def sent_to() -> list[str]:
    return sorted(db.session.scalars(select(OutboxMessage.to)))


@pytest.mark.parametrize(
    ("listing_email", "member_email", "match"),
    [
        ("info@riverside.org.uk", "jo@RIVERSIDE.org.uk", True),
        ("info@riverside.org.uk", "jo@riverside.org", False),
        ("info@riverside.org.uk", "jo@mail.riverside.org.uk", False),
        ("riverside@gmail.com", "jo@gmail.com", False),  # anyone can have one
        ("riverside@btinternet.com", "jo@BTinternet.com", False),
        ("riverside@hotmail.co.uk", "jo@hotmail.co.uk", False),
        ("", "jo@riverside.org.uk", False),
        ("not an address", "jo@riverside.org.uk", False),
    ],
)
def test_domains_match(listing_email, member_email, match):
    assert claims.domains_match(listing_email, member_email) is match


def test_a_claim_waits_then_the_coordinator_approves_it(app, listing, charity, member):
    owner = factories.user(Role.member, listing.organisation, email="feed@example.org")
    claim = claims.make_claim(listing, charity, member)
    db.session.commit()
    assert claim.status == ClaimStatus.pending and listing.managed_by_id is None
    assert sent_to() == []
    # Asking again finds the same claim: one waiting per service per organisation.
    assert claims.make_claim(listing, charity, member).id == claim.id
    assert claims.queue() == [claim]

    coordinator = factories.user(Role.coordinator, email="co@example.org")
    claims.decide(claim, True, coordinator)
    db.session.commit()
    assert claim.status == ClaimStatus.approved and claim.decided_by == DecidedBy.coordinator
    assert listing.managed_by_id == charity.id and listing.manager_id == charity.id
    assert sent_to() == sorted([member.email, owner.email])
    # Decided once: the same claim cannot be decided again, and leaves the queue.
    with pytest.raises(claims.ClaimError):
        claims.decide(claim, False, coordinator)
    assert claims.queue() == []
    # The charity manages it now, so cannot claim it; the old owner's member can claim back.
    assert claims.claimable_for(member, listing) == []
    assert claims.claimable_for(owner, listing) == [listing.organisation]


def test_the_audit_has_ids_and_statuses_only(app, listing, charity, member):
    claim = claims.make_claim(listing, charity, member)
    claims.decide(claim, True, factories.user(Role.coordinator))
    db.session.commit()
    ours = AuditEvent.target_type.in_(["listing_claim", "service"])
    events = db.session.scalars(select(AuditEvent).where(ours).order_by(AuditEvent.id)).all()
    actions = [e.action for e in events]
    assert actions == ["claim.requested", "claim.approved", "service.managed_by"]
    assert events[-1].details == {"from": listing.organisation_id, "to": charity.id}
    for event in events:
        text = str(event.details)
        assert "@" not in text and "Riverside" not in text


def test_a_rejected_claim_changes_nothing_and_is_told(app, listing, charity, member):
    claim = claims.make_claim(listing, charity, member)
    claims.decide(claim, False, factories.user(Role.coordinator))
    db.session.commit()
    assert claim.status == ClaimStatus.rejected and listing.managed_by_id is None
    assert sent_to() == [member.email]
    body = db.session.scalar(select(OutboxMessage.body))
    assert "was not approved" in db.session.scalar(select(OutboxMessage.subject))
    assert "Riverside Lunch Club" in body and "did not approve" in body


def test_the_approval_emails_say_who_manages_it(app, listing, charity, member):
    owner = factories.user(Role.member, listing.organisation, email="feed@example.org")
    claims.decide(
        claims.make_claim(listing, charity, member), True, factories.user(Role.coordinator)
    )
    db.session.commit()
    mail = {m.to: m for m in db.session.scalars(select(OutboxMessage))}
    assert mail[member.email].subject == "You now manage the listing “Riverside Lunch Club”"
    assert "/directory/manage" in mail[member.email].body
    assert mail[owner.email].subject == "Another organisation now manages “Riverside Lunch Club”"
    assert "Riverside Friends now manages" in mail[owner.email].body
    assert "coordinator agreed" in mail[owner.email].body


def test_a_matching_domain_is_approved_at_once_unless_switched_off(app, listing, charity):
    colleague = factories.user(Role.member, charity, email="jo@riverside.org.uk")
    coordinator = factories.user(Role.coordinator)
    claims.set_automatic(False, coordinator)
    db.session.commit()
    assert claims.automatic() is False
    claim = claims.make_claim(listing, charity, colleague)
    assert claim.status == ClaimStatus.pending and listing.managed_by_id is None
    claims.decide(claim, False, coordinator)

    claims.set_automatic(True, coordinator)
    claim = claims.make_claim(listing, charity, colleague)
    db.session.commit()
    assert claim.status == ClaimStatus.approved and claim.decided_by == DecidedBy.domain
    assert listing.managed_by_id == charity.id
    assert claims.queue() == []
    setting_events = db.session.scalars(
        select(AuditEvent.details).where(AuditEvent.action == "setting.changed")
    ).all()
    assert setting_events == [{"value": "off"}, {"value": "on"}]


def test_a_member_who_never_set_a_password_is_not_verified(app, listing, charity):
    invited = factories.user(Role.member, charity, email="jo@riverside.org.uk", password=None)
    assert invited.password_hash == ""
    assert claims.make_claim(listing, charity, invited).status == ClaimStatus.pending


def test_only_ones_own_organisations_may_claim(app, listing, charity, member):
    other = factories.organisation(name="Someone Else")
    with pytest.raises(claims.ClaimError):
        claims.make_claim(listing, other, member)
    # The owner's own members have nothing to claim.
    owner = factories.user(Role.member, listing.organisation)
    assert claims.claimable_for(owner, listing) == []
    frontline = factories.user(Role.frontline)
    assert claims.claimable_for(frontline, listing) == []


def test_one_pending_claim_per_service_and_organisation_in_the_database(
    app, listing, charity, member
):
    claims.make_claim(listing, charity, member)
    db.session.commit()
    db.session.add(ListingClaim(service_id=listing.id, organisation_id=charity.id))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_claim_lapses_after_thirty_days(app, listing, charity, member):
    old = claims.make_claim(listing, charity, member)
    old.created_at = utcnow() - timedelta(days=claims.CLAIM_DAYS + 1)
    db.session.commit()
    assert claims.queue() == [] and not claims.is_open(old)
    with pytest.raises(claims.ClaimError):
        claims.decide(old, True, factories.user(Role.coordinator))
    fresh = claims.make_claim(listing, charity, member)
    db.session.commit()
    assert fresh.id != old.id and old.status == ClaimStatus.expired
    assert claims.queue() == [fresh]


def test_the_owner_claiming_back_manages_its_own_again(app, listing, charity, member):
    owner = factories.user(Role.member, listing.organisation)
    coordinator = factories.user(Role.coordinator)
    claims.decide(claims.make_claim(listing, charity, member), True, coordinator)
    back = claims.make_claim(listing, listing.organisation, owner)
    claims.decide(back, True, coordinator)
    db.session.commit()
    assert listing.managed_by_id is None and listing.manager_id == listing.organisation_id


def test_referrals_go_to_the_organisation_managing_the_listing(app, listing, charity, member):
    from directory.referrals import referrals

    listing.access_routes = ["professional_referral"]
    worker = factories.user(Role.frontline)
    before = referrals.start(listing, worker, "token-before")
    claims.decide(
        claims.make_claim(listing, charity, member), True, factories.user(Role.coordinator)
    )
    after = referrals.start(listing, worker, "token-after")
    db.session.commit()
    assert before.organisation_id == listing.organisation_id
    assert after.organisation_id == charity.id


def test_a_feed_no_longer_overwrites_a_claimed_listing(app, charity, member):
    from directory.oruk import upsert
    from tests.directory.oruk.test_upsert import SOURCE, lunch_club

    upsert.import_services([lunch_club()], SOURCE)
    db.session.commit()
    club = db.session.scalar(select(Service).where(Service.name == "Wem Lunch Club"))
    claims.decide(claims.make_claim(club, charity, member), True, factories.user(Role.coordinator))
    club.name = "Wem Lunch Club (Thursdays)"
    db.session.commit()
    changed = lunch_club() | {"name": "Wem Lunch Club renamed by the feed"}
    result = upsert.import_services([changed], SOURCE)
    db.session.commit()
    assert result.skipped == 1 and "manages this service" in result.lines[-1]
    assert club.name == "Wem Lunch Club (Thursdays)"


def test_reports_of_a_wrong_listing_go_to_its_manager(app, listing, charity, member):
    from directory import upkeep

    factories.user(Role.member, listing.organisation, email="feed@example.org")
    claims.decide(
        claims.make_claim(listing, charity, member), True, factories.user(Role.coordinator)
    )
    db.session.query(OutboxMessage).delete()
    upkeep.report(listing, "The times have changed")
    db.session.commit()
    assert sent_to() == [member.email]
