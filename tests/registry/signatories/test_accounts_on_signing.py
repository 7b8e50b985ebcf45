"""An account on signing (issue 21): approving a new sign-up makes the person who signed and the
Accord lead members of their organisation, by a single-use link that lasts 7 days, or by adding
an account they already have."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from accord import accounts, clock
from accord.extensions import db
from accord.membership import Outcome
from accord.models import AuditEvent, Membership, OutboxMessage, Role, User
from registry.signatories import moderation
from registry.signatories.models import SignUp, SignUpKind, SignUpStatus
from tests.factories import PASSWORD
from tests.registry.signatories.journey import confirm_link, publish_accord, sign_up
from tests.registry.signatories.test_moderation import confirmed_and_coordinator as _confirmed
from tests.registry.signatories.test_moderation import pending

SIGNER = "pat.signer@ludlowlarder.example.org"
LEAD = "lee.lead@ludlowlarder.example.org"
INVITE_LINK = r"/account/invite/\S+"


def confirmed_and_coordinator(app, client, make):
    publish_accord()
    return _confirmed(app, client, make)


def invitation(to: str) -> OutboxMessage:
    return db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.to == to, OutboxMessage.kind == "invite")
    )


def link_for(to: str) -> str:
    return re.search(INVITE_LINK, invitation(to).body).group(0)


def approve_on_the_page(staff, **extra):
    signup_id = db.session.scalar(select(SignUp.id))
    page = f"/admin/registry/signups/{signup_id}"
    assert "Approving gives the person signing" in staff.get_page(page).get_text()
    response = staff.submit(page, {"decision": "approve", **extra})
    assert response.status_code == 302
    return staff.get_page(response.location).get_text()


def member_of(email: str):
    user = accounts.find_user(email)
    return user.organisation_ids() if user else None


def test_approval_invites_the_signer_and_the_lead_to_set_a_password(app, client, make):
    staff = confirmed_and_coordinator(app, client, make)
    said = " ".join(approve_on_the_page(staff).split())
    assert f"Invited to set a password as a member: {SIGNER}." in said
    assert f"Invited to set a password as a member: {LEAD}." in said

    org = db.session.scalar(select(SignUp)).organisation
    for email, name in ((SIGNER, "Pat Signer"), (LEAD, "Lee Lead")):
        user = accounts.find_user(email)
        assert (user.name, user.password_hash, user.organisation_ids()) == (name, "", {org.id})
        message = invitation(email)
        assert message.subject == (
            "Set a password to manage Ludlow Community Larder on the Shropshire Accord Hub"
        )
        assert "approved Ludlow Community Larder's sign-up" in message.body
        assert "within 7 days using this link (it works once)" in message.body
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "organisation.member_added")
    ).all()
    assert [e.target_id for e in events] == [str(org.id)] * 2
    assert [e.details for e in events] == [
        {"user_id": accounts.find_user(SIGNER).id, "role": "member", "via": "signup"},
        {"user_id": accounts.find_user(LEAD).id, "role": "member", "via": "signup"},
    ]

    # The signer sets a password from the email and manages the organisation's members.
    signer = app.test_client()
    link = link_for(SIGNER)
    signer.get_page(link)
    new = "a long password for the larder"
    assert signer.submit(link, {"password": new, "confirm": new}).location == "/account"
    account = signer.get_page("/account")
    assert account.find("a", href=f"/account/organisations/{org.slug}/members")
    assert LEAD in signer.get_page(f"/account/organisations/{org.slug}/members").get_text()


def test_the_invitation_link_works_once_and_for_7_days(app, client, make, monkeypatch):
    staff = confirmed_and_coordinator(app, client, make)
    approve_on_the_page(staff)
    signer_link, lead_link = link_for(SIGNER), link_for(LEAD)
    sent = clock.system_time()

    monkeypatch.setattr(clock, "system_time", lambda: sent + timedelta(days=7, seconds=-5))
    app.test_client().get_page(signer_link)
    new = "a long password for the larder"
    app.test_client().submit(signer_link, {"password": new, "confirm": new})
    assert accounts.find_user(SIGNER).password_hash
    # Used once, it opens nothing again.
    assert app.test_client().get(signer_link).status_code == 404

    monkeypatch.setattr(clock, "system_time", lambda: sent + timedelta(days=7, seconds=5))
    page = app.test_client().get_page(lead_link, status=404)
    assert page.h1.get_text(strip=True) == "This invitation link does not work"
    assert accounts.find_user(LEAD).password_hash == ""


def test_someone_with_an_account_is_added_not_invited(app, client, make):
    lead = make.user(role=Role.frontline, email=LEAD)
    before = lead.password_hash
    staff = confirmed_and_coordinator(app, client, make)
    said = " ".join(approve_on_the_page(staff).split())
    assert f"Added as a member (they had an account already): {LEAD}." in said
    org = db.session.scalar(select(SignUp)).organisation
    db.session.refresh(lead)
    assert lead.has_role(Role.frontline) and lead.organisation_ids() == {org.id}
    assert lead.password_hash == before and invitation(LEAD) is None
    told = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.to == LEAD, OutboxMessage.kind == "member-added")
    )
    assert (
        told.subject
        == "You are now a member of Ludlow Community Larder on the Shropshire Accord Hub"
    )
    assert "approved Ludlow Community Larder's sign-up" in told.body and "/sign-in" in told.body
    assert db.session.scalar(select(func.count(User.id)).where(User.email == LEAD)) == 1


def test_linking_to_an_organisation_tells_its_members_and_never_duplicates(app, client, make):
    org = make.organisation(name="Ludlow Community Larder", slug="ludlow-larder")
    make.user(role=Role.member, organisation=org, email=LEAD)
    other = make.user(role=Role.member, organisation=org, email="other@ludlowlarder.example.org")
    staff = confirmed_and_coordinator(app, client, make)
    said = " ".join(approve_on_the_page(staff, link_to=str(org.id)).split())
    assert f"A member already: {LEAD}." in said
    assert f"Invited to set a password as a member: {SIGNER}." in said
    memberships = select(func.count(Membership.id)).where(Membership.organisation_id == org.id)
    assert db.session.scalar(memberships) == 3
    told = db.session.scalars(
        select(OutboxMessage.to).where(OutboxMessage.kind == "member-added")
    ).all()
    assert sorted(told) == sorted([LEAD, other.email])
    body = db.session.scalar(select(OutboxMessage.body).where(OutboxMessage.to == other.email))
    assert body.startswith(f"The VCS Assembly coordinator has given {SIGNER} access")


def test_a_coordinator_approving_their_own_sign_up_is_not_given_the_organisation(app, client, make):
    publish_accord()
    sign_up(client, signer_email="coordinator@example.org")
    client.get(confirm_link())
    staff = app.test_client()
    make.user(role=Role.coordinator, email="coordinator@example.org")
    staff.sign_in("coordinator@example.org", PASSWORD)
    said = " ".join(approve_on_the_page(staff).split())
    assert "Not added, as that is you" in said and "coordinator@example.org" in said
    assert member_of("coordinator@example.org") == set()
    assert member_of(LEAD) == {db.session.scalar(select(SignUp)).organisation_id}
    assert db.session.scalar(select(SignUp.status)) == SignUpStatus.approved


def test_one_person_in_both_roles_gets_one_invitation(app):
    record = pending()
    record.lead_email = "Pat.Signer+accord@ludlowlarder.example.org"
    moderation.approve(record)
    given = moderation.give_accounts(record, None)
    db.session.commit()
    assert [(g.email, g.outcome) for g in given] == [(SIGNER, Outcome.invited)]
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.kind == "invite")) == 1  # fmt: skip


def test_no_lead_given_invites_the_signer_alone(app):
    record = pending()
    record.lead_email = ""
    moderation.approve(record)
    assert [g.email for g in moderation.give_accounts(record, None)] == [SIGNER]


def test_a_change_of_name_gives_no_accounts(app):
    record = pending()
    moderation.approve(record)
    moderation.give_accounts(record, None)
    db.session.commit()
    change = SignUp(
        kind=SignUpKind.change,
        status=SignUpStatus.pending,
        token_nonce="n",
        organisation=record.organisation,
        name="Ludlow Larder CIO",
        signer_email="someone.new@ludlowlarder.example.org",
        lead_email="",
    )
    db.session.add(change)
    moderation.approve(change)
    assert moderation.give_accounts(change, None) == []
    assert accounts.find_user("someone.new@ludlowlarder.example.org") is None
