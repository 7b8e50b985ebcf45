"""Referrals as plain functions: who sees a resident's details, sending once, answering,
overdue flags, retention, subject access, erasure and key rotation."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select, text

from accord.clock import utcnow
from accord.extensions import db
from accord.models import AuditEvent, OutboxMessage, Role
from directory.models import Capacity
from directory.referrals import figures, referrals, retention
from directory.referrals.models import Referral, ReferralStatus
from tests import factories
from tests.directory.data import service as make_service

NAME = "Ann Persona"
ANSWERS = {
    "name": NAME,
    "reason": "Needs food this week after losing work",
    "contact": "07700 900123, mornings",
    "needs": "Food parcel; has a baby",
    "access": "Speaks Polish; wheelchair user",
}


@pytest.fixture
def parties(app):
    provider_org = factories.organisation(name="Larder Trust")
    provider = factories.user(Role.member, provider_org, email="larder@example.org")
    worker = factories.user(Role.frontline, email="worker@example.org")
    service = make_service(
        "Community Larder",
        "food",
        "shrewsbury",
        access_routes=["professional_referral"],
        referral_fields=["contact", "needs", "access"],
    )
    service.organisation = provider_org
    db.session.commit()
    return service, worker, provider


def sent(service, worker, *, scope=("contact", "needs", "access"), start="t1") -> Referral:
    referral = referrals.start(service, worker, start)
    consent = referrals.Consent("resident", "in_person", utcnow(), list(scope))
    referrals.record_consent(referral, consent, safeguarding_checked=True)
    referrals.record_details(referral, ANSWERS, outcode="SY1")
    assert referrals.send(referral)
    db.session.commit()
    return referral


def test_the_database_holds_no_resident_in_plain_text(parties):
    referral = sent(*parties[:2])
    row = db.session.execute(text("SELECT * FROM referral WHERE id = :id"), {"id": referral.id})
    dumped = " ".join(str(value) for value in row.one())
    # Each secret holds a space, which base64 tokens and hex digests never do, so a
    # random ciphertext cannot contain one by chance (it once held "Ann").
    for secret in ("Ann Persona", "07700 900123", "Speaks Polish", "a baby"):
        assert secret not in dumped
    assert referral.outcode == "SY1" and referral.need_codes == ["food"]


def test_only_the_referrer_and_the_receiving_members_find_it(parties):
    service, worker, provider = parties
    referral = sent(service, worker)
    outsiders = [
        factories.user(Role.member),  # a member of another organisation
        factories.user(Role.frontline),  # another frontline worker
        factories.user(Role.coordinator),
        factories.user(Role.cvec),
        factories.user(Role.admin),
    ]
    assert referrals.find(worker, referral.uuid) is referral
    assert referrals.find(provider, referral.uuid) is referral
    for outsider in outsiders:
        assert referrals.find(outsider, referral.uuid) is None
        with pytest.raises(PermissionError):
            referrals.details(outsider, referral)


def test_a_draft_is_the_referrers_alone(parties):
    service, worker, provider = parties
    draft = referrals.start(service, worker, "draft-token")
    db.session.commit()
    assert referrals.find(worker, draft.uuid) is draft
    assert referrals.find(provider, draft.uuid) is None
    assert referrals.inbox(provider) == []


def test_the_service_sees_only_what_consent_allows_and_each_view_is_audited(parties):
    service, worker, provider = parties
    referral = sent(service, worker, scope=["needs"])
    seen = referrals.details(provider, referral)
    assert seen["name"] == NAME and seen["needs"] == ANSWERS["needs"]
    assert "contact" not in seen and "access" not in seen
    assert referrals.details(worker, referral)["contact"] == ANSWERS["contact"]
    db.session.commit()
    views = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "referral.viewed")
    ).all()
    assert [v.actor_id for v in views] == [provider.id, worker.id]


def test_the_audit_log_and_emails_hold_no_personal_details(parties):
    service, worker, provider = parties
    referral = sent(service, worker)
    referrals.accept(referral, provider)
    referrals.details(provider, referral)
    db.session.commit()
    logged = " ".join(
        f"{e.action} {e.target_id} {e.details}" for e in db.session.scalars(select(AuditEvent))
    )
    mailed = " ".join(f"{m.to} {m.subject} {m.body}" for m in db.session.scalars(
        select(OutboxMessage)))  # fmt: skip
    for secret in ("Ann", "Persona", "07700", "Polish", "baby", "losing work"):  # no tokens here
        assert secret not in logged and secret not in mailed
    assert "larder@example.org" in mailed and "worker@example.org" in mailed
    assert referral.reference in mailed


def test_sending_twice_or_starting_twice_makes_one_referral(parties):
    service, worker, _ = parties
    referral = sent(service, worker, start="same")
    assert referrals.start(service, worker, "same") is referral
    assert referrals.send(referral) is False  # a replayed POST
    assert db.session.scalar(select(db.func.count()).select_from(Referral)) == 1
    mails = db.session.scalars(select(OutboxMessage)).all()
    assert len(mails) == 1


def test_sending_needs_consent_safeguarding_and_details(parties):
    service, worker, _ = parties
    referral = referrals.start(service, worker, "early")
    with pytest.raises(referrals.WrongState):
        referrals.send(referral)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"access_routes": ["self_referral"]}, "does not take referrals from professionals"),
        ({"capacity": Capacity.at_capacity}, "at capacity"),
        ({"capacity": Capacity.closed_to_referrals}, "closed to referrals"),
        ({"status": "temporarily closed"}, "not running"),
    ],
)
def test_a_service_that_cannot_take_referrals_says_so_first(parties, change, message):
    service, worker, _ = parties
    for key, value in change.items():
        setattr(service, key, value)
    assert message in referrals.why_not_accepting(service)
    with pytest.raises(referrals.NotAccepting, match=message):
        referrals.start(service, worker, "refused")


def test_answers_move_only_forward_and_tell_the_referrer(parties):
    service, worker, provider = parties
    referral = sent(service, worker)
    with pytest.raises(referrals.WrongState):
        referrals.complete(referral, provider)
    referrals.accept(referral, provider)
    with pytest.raises(referrals.WrongState):
        referrals.accept(referral, provider)
    referrals.complete(referral, provider)
    db.session.commit()
    assert referral.status == ReferralStatus.completed and referral.closed_at
    subjects = [
        m.subject for m in db.session.scalars(select(OutboxMessage)) if m.to == worker.email
    ]
    assert subjects == [f"Referral {referral.reference}: accepted",
                        f"Referral {referral.reference}: completed"]  # fmt: skip


def test_a_decline_needs_a_known_reason(parties):
    service, worker, provider = parties
    referral = sent(service, worker)
    with pytest.raises(ValueError):
        referrals.decline(referral, provider, "bored")
    referrals.decline(referral, provider, "no_capacity")
    assert referral.decline_reason == "no_capacity" and referral.status == "declined"


def test_working_days_skip_weekends_and_bank_holidays():
    # Friday 19 December 2025 + 5 working days: 22, 23, 24, (25, 26 bank holidays), 29, 30.
    assert referrals.working_days_after(date(2025, 12, 19), 5) == date(2025, 12, 30)
    assert referrals.working_days_after(date(2026, 11, 20), 1) == date(2026, 11, 23)


def test_unanswered_referrals_are_flagged_once_to_both_sides(parties):
    service, worker, provider = parties
    referral = sent(service, worker)
    referral.sent_at = datetime(2026, 11, 2, 10)  # a Monday
    db.session.commit()
    assert referrals.flag_overdue(now=datetime(2026, 11, 9, 10)) == 0
    assert referrals.flag_overdue(now=datetime(2026, 11, 10, 10)) == 1
    assert referrals.flag_overdue(now=datetime(2026, 11, 11, 10)) == 0
    db.session.commit()
    told = {m.to for m in db.session.scalars(select(OutboxMessage)) if "no answer" in m.subject}
    assert told == {worker.email, provider.email}


def test_purge_forgets_the_resident_and_keeps_the_statistics(parties):
    service, worker, provider = parties
    done = sent(service, worker, start="a")
    referrals.accept(done, provider)
    referrals.complete(done, provider)
    waiting = sent(service, worker, start="b")
    fresh = sent(service, worker, start="c")
    draft = referrals.start(service, worker, "d")
    db.session.commit()
    now = utcnow()
    done.closed_at = now - timedelta(days=366)
    waiting.sent_at = now - timedelta(days=91)
    draft.created_at = now - timedelta(days=2)
    db.session.commit()
    assert retention.purge(365, 90, now) == 3
    db.session.commit()
    for gone in (done, waiting, draft):
        assert gone.sealed == "" and gone.subject_key == "" and gone.purged_at
    assert fresh.sealed and fresh.purged_at is None
    assert figures.statistics()["total"] == 3  # drafts are not referrals yet
    assert figures.statistics()["by_need"] == {"food": 3}


def test_subject_access_finds_the_person_however_their_name_is_typed_and_erasure_forgets(
    parties,
):
    service, worker, _ = parties
    referral = sent(service, worker)
    found = retention.subject_access("  ann PERSONA ")
    assert [f["reference"] for f in found] == [referral.reference]
    assert found[0]["details"]["contact"] == ANSWERS["contact"]
    assert retention.subject_access("Someone Else") == []
    assert retention.erase(retention.of_subject("Ann Persona")) == 1
    db.session.commit()
    assert referral.sealed == "" and retention.subject_access("Ann Persona") == []


def test_rotating_keys_reseals_every_referral(parties, make_app, database_url):
    service, worker, provider = parties
    referral_id = sent(service, worker).id  # read here: the other apps have other engines
    new = Fernet.generate_key().decode()
    with make_app(SEALING_KEYS=new).app_context():
        assert retention.rotate_keys() == 1
        db.session.commit()
    with make_app(SEALING_KEYS=new, SECRET_KEY="a-different-secret").app_context():
        again = db.session.get(Referral, referral_id)
        assert referrals.details(again.referrer, again)["name"] == NAME


def test_statistics_count_outcomes_and_unmet_need_by_area(parties):
    service, worker, provider = parties
    referrals.decline(sent(service, worker, start="x"), provider, "no_capacity")
    referrals.accept(sent(service, worker, start="y"), provider)
    db.session.commit()
    found = figures.statistics()
    assert found["by_outcome"] == {"no_capacity": 1, "accepted": 1}
    assert found["unmet"] == {("food", "SY1"): 1}
    assert found["by_service"] == {"Community Larder": {"declined": 1, "accepted": 1}}
    assert found["median_hours_to_answer"] is not None


def test_unmet_need_shows_small_cells_only_as_one_sum():
    unmet = {("food", "SY1"): 7, ("housing", "SY1"): 5, ("food", "TF9"): 1, ("debt", "SY7"): 4}
    shown, small = figures.unmet_shown(unmet)
    assert shown == [(("food", "SY1"), 7), (("housing", "SY1"), 5)]
    assert small == 5
    assert figures.unmet_shown({}) == ([], 0)


# --- the commands ---------------------------------------------------------------------------


def cli(app, *args, input=None):
    result = app.test_cli_runner().invoke(args=["referrals", *args], input=input)
    assert result.exit_code == 0, result.output
    return result.output


def test_purge_command_uses_the_retention_settings(app, parties, make_app):
    service, worker, provider = parties
    referral = sent(service, worker)
    referral.sent_at = utcnow() - timedelta(days=40)
    db.session.commit()
    assert "were purged: 0" in cli(app, "purge")
    short = make_app(REFERRAL_UNACCEPTED_DAYS=30)
    with short.app_context():
        assert "were purged: 1" in cli(short, "purge")
    db.session.expire_all()
    assert referral.sealed == ""


def test_flag_overdue_command_emails_a_link_to_the_referral(app, parties):
    service, worker, _ = parties
    referral = sent(service, worker)
    referral.sent_at = utcnow() - timedelta(days=30)
    db.session.commit()
    assert "overdue referrals flagged: 1" in cli(app, "flag-overdue")
    bodies = [m.body for m in db.session.scalars(select(OutboxMessage)) if "no answer" in m.subject]
    assert bodies and all(f"/referrals/{referral.uuid}" in body for body in bodies)


def test_subject_access_and_erase_commands(app, parties):
    service, worker, _ = parties
    one = sent(service, worker, start="one")
    two = sent(service, worker, start="two")
    output = cli(app, "subject-access", "ann persona")
    assert one.reference in output and two.reference in output and "07700 900123" in output
    assert "Forget the person in 1 referrals" in cli(
        app, "erase", "Ann Persona", "--reference", one.reference, input="y\n"
    )
    db.session.expire_all()
    assert one.sealed == "" and two.sealed != ""
    assert (
        "Aborted"
        in app.test_cli_runner()
        .invoke(args=["referrals", "erase", "Ann Persona"], input="n\n")
        .output
    )
    assert two.sealed != ""


def test_rotate_keys_command(app, parties, make_app):
    service, worker, _ = parties
    sent(service, worker)
    rotated = make_app(SEALING_KEYS=Fernet.generate_key().decode())
    with rotated.app_context():
        assert "re-sealed 1 referrals" in cli(rotated, "rotate-keys")
