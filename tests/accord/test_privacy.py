"""Retention and people's rights across the jobs: the outbox pruned and forgotten, concerns
and sign-up contacts purged (`flask privacy purge`), subject access and erasure by email for
volunteers, sign-up contacts and concern parties (`flask privacy subject-access`, `erase`),
and an audit log that keeps no free text."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select, text

from accord import audit, outbox
from accord.clock import today_uk, utcnow
from accord.extensions import db
from accord.maps import tiles
from accord.models import AuditEvent, OutboxMessage, OutboxStatus, Role
from emergency.volunteers import retention as volunteer_retention
from emergency.volunteers.models import Volunteer
from registry.concerns.models import Concern, ConcernStep, Mediator, Stage
from registry.models import AccordVersion
from registry.signatories.models import (
    Signatory,
    SignatoryStatus,
    SignUp,
    SignUpDraft,
    SignUpStatus,
)

LONG_AGO = timedelta(days=7 * 365)


def run(app, *args, input: str | None = None):
    return app.test_cli_runner().invoke(args=list(args), input=input)


def message(to: str, status: str = OutboxStatus.pending, age: timedelta = timedelta()) -> None:
    then = utcnow() - age
    db.session.add(
        OutboxMessage(
            to=to,
            subject="About you",
            body="Dear Robin",
            status=status,
            created_at=then,
            sent_at=then if status == OutboxStatus.sent else None,
        )
    )
    db.session.commit()


def addresses() -> list[str]:
    return list(db.session.scalars(select(OutboxMessage.to).order_by(OutboxMessage.id)))


def volunteer(email: str = "robin@example.org", **fields) -> Volunteer:
    values = {
        "name": "Robin Helper",
        "email": email,
        "phone": "07700 900982",
        "outcode": "SY3",
        "consent": "I agree",
        "retain_until": today_uk() + timedelta(days=300),
        **fields,
    }
    record = Volunteer(**values)
    db.session.add(record)
    db.session.commit()
    return record


# --- the outbox ---------------------------------------------------------------------------


def test_sent_emails_go_after_30_days_waiting_ones_never(app):
    message("old@example.org", OutboxStatus.sent, timedelta(days=31))
    message("given-up@example.org", OutboxStatus.failed, timedelta(days=31))
    message("recent@example.org", OutboxStatus.sent, timedelta(days=29))
    message("waiting@example.org", OutboxStatus.pending, timedelta(days=40))
    result = run(app, "privacy", "purge")
    assert result.exit_code == 0, result.output
    assert "emails: 2 purged" in result.output
    assert addresses() == ["recent@example.org", "waiting@example.org"]


def test_a_volunteers_emails_go_with_them(app):
    gone, purged, other = volunteer(), volunteer("old@example.org"), "cvec@example.org"
    purged.retain_until = today_uk() - timedelta(days=1)
    db.session.commit()
    for to in (gone.email, purged.email, other):
        message(to, OutboxStatus.sent)
    volunteer_retention.delete(gone)
    volunteer_retention.purge(today_uk())
    db.session.commit()
    assert addresses() == [other]


def test_forget_matches_the_address_only(app):
    message("a@example.org")
    message("ab@example.org")
    assert outbox.forget("a@example.org", "", "  ") == 1
    assert addresses() == ["ab@example.org"]


# --- concerns and sign-ups ----------------------------------------------------------------


def organisations_and_version(make):
    raiser, concerned = make.organisation(), make.organisation(sector="public")
    version = AccordVersion(version="2025", title="The Accord")
    db.session.add(version)
    db.session.commit()
    return raiser, concerned, version


def concern(raiser, concerned, by=None, closed_ago: timedelta | None = None, n: int = 1):
    record = Concern(
        reference=f"C-{n:04d}",
        raiser_organisation_id=raiser.id,
        concerned_organisation_id=concerned.id,
        raised_by_id=by.id if by else None,
        what_happened="Ms Jones was told on the phone that our grant was cut",
        tried="I rang Mr Smith twice",
        good_outcome="An apology",
        outcome_summary="Both agreed to meet monthly",
        lessons="Tell grant holders in writing, early.",
        stage=Stage.closed if closed_ago else Stage.acknowledged,
        closed_at=utcnow() - closed_ago if closed_ago else None,
    )
    db.session.add(record)
    db.session.flush()
    db.session.add(
        ConcernStep(
            concern=record,
            kind="statement",
            party="raiser",
            actor_id=by.id if by else None,
            text="Our statement, by Sam",
        )
    )
    db.session.commit()
    return record


def test_closed_concerns_lose_names_and_words_after_six_years(app, make):
    raiser, concerned, _ = organisations_and_version(make)
    member = make.user(role=Role.member, organisation=raiser)
    old = concern(raiser, concerned, member, closed_ago=LONG_AGO, n=1)
    recent = concern(raiser, concerned, member, closed_ago=timedelta(days=365), n=2)
    still_open = concern(raiser, concerned, member, n=3)
    result = run(app, "privacy", "purge")
    assert "Accord concerns: 1 purged" in result.output, result.output
    db.session.expire_all()
    assert old.what_happened == old.tried == old.good_outcome == old.outcome_summary == ""
    assert old.raised_by_id is None and [s.text for s in old.steps] == [""]
    assert old.lessons and old.stage == Stage.closed  # the review still counts it
    for kept in (recent, still_open):
        assert kept.what_happened and kept.raised_by_id == member.id
    assert "Accord concerns: 0 purged" in run(app, "privacy", "purge").output  # once only


def test_rejected_unconfirmed_and_withdrawn_contacts_go_after_their_time(app, make):
    raiser, _, version = organisations_and_version(make)
    long_ago = utcnow() - timedelta(days=400)
    contacts = {
        "signer_name": "Sam Signer",
        "signer_email": "sam@example.org",
        "lead_name": "Lee Lead",
        "lead_email": "lee@example.org",
        "token_nonce": "n",
    }
    rejected = SignUp(
        name="Gone Trust",
        status=SignUpStatus.rejected,
        decided_at=long_ago,
        decision_note="Not a real group, says Sam",
        **contacts,
    )
    unconfirmed = SignUp(name="Never Trust", created_at=utcnow() - timedelta(days=31), **contacts)
    pending = SignUp(
        name="Waiting Trust", status=SignUpStatus.pending, created_at=long_ago, **contacts
    )
    withdrawn = Signatory(
        organisation_id=raiser.id,
        accord_version_id=version.id,
        status=SignatoryStatus.withdrawn,
        withdrawn_at=long_ago,
        withdrawal_reason="Sam left",
        **{k: v for k, v in contacts.items() if k != "token_nonce"},
    )
    db.session.add_all([rejected, unconfirmed, pending, withdrawn])
    db.session.commit()
    result = run(app, "privacy", "purge")
    assert "sign-ups and signatures: 3 purged" in result.output, result.output
    db.session.expire_all()
    for forgotten in (rejected, unconfirmed, withdrawn):
        assert (forgotten.signer_name, forgotten.signer_email, forgotten.lead_email) == ("", "", "")
    assert rejected.decision_note == "" and withdrawn.withdrawal_reason == ""
    assert pending.signer_email == "sam@example.org"  # still waiting for the coordinator


def test_abandoned_sign_up_drafts_go_when_they_expire(app):
    answers = {"people": {"signer_email": "sam@example.org"}}
    old = SignUpDraft(key="old", answers=answers, expires_at=utcnow() - timedelta(minutes=1))
    live = SignUpDraft(key="live", answers=answers, expires_at=utcnow() + timedelta(hours=2))
    db.session.add_all([old, live])
    db.session.commit()
    assert "sign-ups and signatures: 1 purged" in run(app, "privacy", "purge").output
    assert db.session.scalars(select(SignUpDraft.key)).all() == ["live"]


# --- subject access and erasure -----------------------------------------------------------


def test_subject_access_and_erasure_cover_volunteers_sign_ups_and_concern_parties(app, make):
    raiser, concerned, version = organisations_and_version(make)
    email = "sam@example.org"
    member = make.user(role=Role.member, organisation=raiser, email=email)
    volunteer(email)
    db.session.add(
        SignUp(
            name="Sam's Trust",
            signer_name="Sam Signer",
            signer_email="Sam@Example.org",
            lead_email="lee@example.org",
            token_nonce="n",
        )
    )
    db.session.add(Mediator(name="Sam Mediator", contact=email))
    case = concern(raiser, concerned, member)
    message(email, OutboxStatus.sent)
    found = run(app, "privacy", "subject-access", "SAM@example.org ")
    assert found.exit_code == 0, found.output
    held = json.loads(found.stdout)
    assert held["emergency volunteers"][0]["phone"] == "07700 900982"
    assert held["sign-ups and signatures"][0]["signer"]["signer_name"] == "Sam Signer"
    assert held["sign-ups and signatures"][0]["lead"] is None  # Lee's details are Lee's
    kinds = [row["as"] for row in held["Accord concerns"]]
    assert kinds == ["raised it", "recorded: statement", "mediator"]
    assert held["emails sent to them"][0]["subject"] == "About you"
    assert (
        db.session.scalar(select(func.count()).where(AuditEvent.action.like("%subject_access")))
        >= 5
    )

    refused = run(app, "privacy", "erase", email, input="n\n")
    assert refused.exit_code != 0 and db.session.scalar(select(func.count(Volunteer.id))) == 1
    done = run(app, "privacy", "erase", email, "--yes")
    assert done.exit_code == 0, done.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Volunteer.id))) == 0
    signup = db.session.scalar(select(SignUp))
    assert (signup.signer_name, signup.signer_email, signup.lead_email) == (
        "",
        "",
        "lee@example.org",
    )
    assert case.raised_by_id is None and case.steps[0].actor_id is None
    assert db.session.scalar(select(Mediator.contact)) == ""
    assert addresses() == []
    left = json.loads(run(app, "privacy", "subject-access", email).stdout)
    assert not any(left.values())
    assert run(app, "privacy", "erase", email, "--yes").exit_code != 0  # nothing held


# --- the audit log ------------------------------------------------------------------------


def test_the_audit_log_keeps_ids_and_statuses_never_free_text(app):
    audit.record(
        "signup.rejected",
        "signup",
        1,
        details={
            "reason": "Sam Smith says this group is not real",
            "note": "Spam",
            "contact": "sam@example.org",
            "status": "declined",
            "by": "in_person",
            "organisation_id": 4,
            "linked": True,
            "fields": ["name", "Pat Example", "phone"],
            "on": "2026-12-03",
        },
    )
    db.session.commit()
    assert db.session.scalar(select(AuditEvent.details)) == {
        "status": "declined",
        "by": "in_person",
        "organisation_id": 4,
        "linked": True,
        "fields": ["name", "phone"],
        "on": "2026-12-03",
    }


def test_the_migration_takes_free_text_out_of_stored_events(app):
    import importlib.util

    from tests.conftest import MIGRATIONS

    spec = importlib.util.spec_from_file_location(
        "m0018", f"{MIGRATIONS}/versions/0018_audit_without_free_text.py"
    )
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    db.session.add(
        AuditEvent(
            action="signatory.withdrawn",
            target_type="signatory",
            target_id="1",
            details={"reason": "Our chair, Sam, resigned", "kind": "change"},
        )
    )
    db.session.add(
        AuditEvent(
            action="user.created", target_type="user", target_id="2", details={"role": "admin"}
        )
    )
    db.session.commit()

    class Op:
        @staticmethod
        def get_bind():
            return db.session.connection()

    migration.op = Op
    migration.upgrade()
    db.session.commit()
    rows = db.session.execute(text("SELECT details FROM audit_event ORDER BY id")).scalars()
    assert [json.loads(r) if isinstance(r, str) else r for r in rows] == [
        {"kind": "change"},
        {"role": "admin"},
    ]


# --- the privacy notice -------------------------------------------------------------------


def test_the_privacy_notice_names_controller_purposes_bases_periods_services_and_rights(
    client, make_app
):
    page = client.get_page("/privacy")
    words = " ".join(page.get_text(" ").split())
    assert "The data controller is the Shropshire VCS Assembly" in words
    assert "privacy@shropshire-accord.example" in words
    for purpose in (
        "Signing the Accord",
        "Your account",
        "Referrals of residents",
        "Emergency volunteers",
        "Accord concerns",
        "Emails we send",
    ):
        assert page.find("h3", string=purpose), purpose
    assert words.count("Lawful basis:") >= 6
    for period in (
        "1 year after a referral is closed",
        "2 years after you sign up",
        "6 years after it closes",
        "then for 30 days",
        "90 days after one is sent",
    ):
        assert period in words, period
    for service in ("postcodes.io", "Environment Agency"):
        assert service in words
    assert "subject access request" in words and "erased" in words
    assert "as a volunteer, as someone who signed or leads for an organisation" in words
    assert page.find("a", href="tel:03031231113")

    assert "Map tiles: none" in words  # the tests' setting

    other = make_app(TILE_URL=tiles.DEFAULT_URL, REFERRAL_RETENTION_DAYS=730)
    with other.app_context():
        words = " ".join(other.test_client().get_page("/privacy").get_text(" ").split())
    assert "maps from the OpenStreetMap Foundation (tile.openstreetmap.org)" in words
    assert "2 years after a referral is closed" in words
