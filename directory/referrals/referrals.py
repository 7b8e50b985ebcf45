"""Consented referrals: plain functions for the whole life of one, and the rules on who sees
what. The Accord (theme 9) separates signposting, which shares nothing, from referral, which
"directs a client to another specific organisation … sharing detailed client information
with the receiving organisation"; theme 5 asks that sharing be GDPR-compliant.

Who may read a resident's details: the referrer, and members of the receiving organisation
(once sent). Nobody else — not coordinators, not admins, not other organisations — and to
them a referral does not exist (`find` gives None; the views answer 404). Every reading of
the details and every change of state is audited; the audit log holds ids and statuses only.
The caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select, update

from accord import accounts, audit, emails, sealing
from accord.clock import to_uk, utcnow
from accord.extensions import db
from accord.models import Role, User
from accord.references import new_reference
from directory import schedules
from directory.models import Capacity, Service, ServiceStatus
from directory.referrals.models import CLOSED_STATUSES, DECLINE_REASONS, Referral, ReferralStatus

# Working days to answer when the service is no longer listed (a service's own default).
DEFAULT_DAYS = 5
# Details every referral carries; services may ask for more (models.REFERRAL_FIELDS).
ALWAYS = ("name", "reason")
CONSENT_BY = {
    "resident": "The person themselves",
    "parent_or_guardian": "A parent or guardian (for a child)",
    "attorney": "Someone with lasting power of attorney",
    "carer": "A carer, with the person's agreement",
}
CONSENT_HOW = {
    "in_person": "In person",
    "phone": "By phone",
    "video": "By video call",
    "writing": "In writing or by email",
}
# What the resident agreed may be shared (the service sees only these).
CONSENT_SCOPE = {
    "contact": "How and when to contact them",
    "needs": "What help they need",
    "access": "Their accessibility needs and language",
}


class NotAccepting(Exception):
    """The service does not take referrals now: the message says why, before anything is
    typed."""


class WrongState(Exception):
    """The referral is not in a state this change can be made from (e.g. a replayed POST)."""


# --- whether a service takes referrals ------------------------------------------------------


def why_not_accepting(service: Service) -> str | None:
    """None when professionals can refer to the service now; otherwise what to tell them."""
    if "professional_referral" not in (service.access_routes or []):
        return "This service does not take referrals from professionals. Signpost instead."
    if service.status != ServiceStatus.active:
        return "This service is not running at the moment, so it cannot take referrals."
    if service.capacity == Capacity.at_capacity:
        return "This service is at capacity and is not taking new referrals at the moment."
    if service.capacity == Capacity.closed_to_referrals:
        return "This service is closed to referrals at the moment."
    return None


def asked_for(service: Service) -> list[str]:
    """The details this service asks for: the person's name and the reason, then its own."""
    return [*ALWAYS, *[key for key in service.referral_fields or [] if key not in ALWAYS]]


# --- who sees what ------------------------------------------------------------------------


def is_referrer(user: User, referral: Referral) -> bool:
    return referral.referrer_id is not None and referral.referrer_id == user.id


def is_receiver(user: User, referral: Referral) -> bool:
    """A member of the receiving organisation, once the referral has been sent to it."""
    return (
        referral.status != ReferralStatus.draft
        and referral.organisation_id is not None
        and referral.organisation_id in user.organisation_ids(Role.member)
    )


def find(user: User, referral_uuid: str) -> Referral | None:
    """The referral if this user may see it, else None (never say it exists)."""
    referral = db.session.scalar(select(Referral).where(Referral.uuid == referral_uuid))
    if referral is None or not (is_referrer(user, referral) or is_receiver(user, referral)):
        return None
    return referral


def details(user: User, referral: Referral) -> dict:
    """The resident's details, opened for someone allowed to see them; the viewing is
    audited. The receiving organisation sees only what consent allows."""
    if not (is_referrer(user, referral) or is_receiver(user, referral)):
        raise PermissionError("not a party to this referral")
    opened = sealing.unseal(referral.sealed)
    if referral.purged_at is None:
        audit.record("referral.viewed", "referral", referral.id, actor_id=user.id)
    if is_referrer(user, referral):
        return opened
    allowed = {*ALWAYS, "consent_note", *referral.consent_scope}
    return {key: value for key, value in opened.items() if key.split("_")[0] in allowed}


# --- making one ---------------------------------------------------------------------------


def start(service: Service, referrer: User, token: str) -> Referral:
    """A draft referral to `service`; the same form token again gives the same draft."""
    found = db.session.scalar(select(Referral).where(Referral.start_token == token))
    if found is not None and found.referrer_id == referrer.id:
        return found
    reason = why_not_accepting(service)
    if reason:
        raise NotAccepting(reason)
    referral = Referral(
        reference=new_reference("R", Referral.reference),
        service=service,
        # Received by whoever keeps the listing: after an approved claim, its manager.
        organisation_id=service.manager_id,
        referrer_id=referrer.id,
        start_token=token if found is None else None,
        need_codes=sorted(term.code for term in service.terms),
    )
    db.session.add(referral)
    db.session.flush()
    audit.record("referral.started", "referral", referral.id, actor_id=referrer.id)
    return referral


def check_safeguarding(referral: Referral) -> None:
    """The referrer confirmed the person is not at immediate risk (or that they have followed
    their safeguarding procedure) before anything about the person was typed."""
    _must_be(referral, ReferralStatus.draft)
    referral.safeguarding_checked = True


@dataclass
class Consent:
    by: str
    how: str
    at: datetime
    scope: list[str]
    note: str = ""  # e.g. the guardian's name: sealed with the details


def record_consent(referral: Referral, consent: Consent, safeguarding_checked: bool) -> None:
    _must_be(referral, ReferralStatus.draft)
    referral.safeguarding_checked = safeguarding_checked
    referral.consent_by = consent.by
    referral.consent_how = consent.how
    referral.consent_at = consent.at
    referral.consent_scope = [key for key in CONSENT_SCOPE if key in consent.scope]
    opened = sealing.unseal(referral.sealed)
    opened["consent_note"] = consent.note
    referral.sealed = sealing.seal(opened)
    audit.record(
        "referral.consent_recorded",
        "referral",
        referral.id,
        actor_id=referral.referrer_id,
        details={"by": consent.by, "how": consent.how, "scope": referral.consent_scope},
    )


def record_details(referral: Referral, answers: dict[str, str], outcode: str = "") -> None:
    """The resident's details, sealed; only the postcode district is kept in the open."""
    _must_be(referral, ReferralStatus.draft)
    opened = sealing.unseal(referral.sealed)
    opened.update({key: value for key, value in answers.items() if value is not None})
    referral.sealed = sealing.seal(opened)
    referral.outcode = outcode[:4]
    referral.subject_key = subject_key(opened.get("name", ""))
    audit.record(
        "referral.details_recorded", "referral", referral.id, actor_id=referral.referrer_id
    )


def subject_key(name: str) -> str:
    """Blind index of the person's name, to find their referrals for subject access. Names
    are not unique: whoever answers a request checks each referral found is theirs."""
    return sealing.blind_index(name) if name.strip() else ""


def send(referral: Referral) -> bool:
    """Draft → sent, once: a double click or replayed POST changes nothing and returns
    False. The receiving organisation's members are emailed a link, never the details."""
    if not referral.consent_at or not referral.safeguarding_checked or not referral.subject_key:
        raise WrongState("consent, the safeguarding check and the details come first")
    now = utcnow()
    # An UPDATE's result is a CursorResult, which counts the rows it changed.
    moved = cast(
        CursorResult[Any],
        db.session.execute(
            update(Referral)
            .where(Referral.id == referral.id, Referral.status == ReferralStatus.draft)
            .values(status=ReferralStatus.sent, sent_at=now, updated_at=now)
            .execution_options(synchronize_session=False)
        ),
    ).rowcount
    if not moved:
        return False
    db.session.refresh(referral)
    audit.record("referral.sent", "referral", referral.id)
    service = referral.service.name if referral.service else "your service"
    for email in accounts.member_emails(referral.organisation_id):
        emails.queue(
            email, "directory/referral_sent", kind="referral", referral=referral, service=service
        )
    return True


# --- answering one ------------------------------------------------------------------------


def _must_be(referral: Referral, *states: str) -> None:
    if referral.status not in states:
        raise WrongState(f"the referral is {referral.status}")


def _respond(referral: Referral, status: ReferralStatus, by: User, **audit_details) -> None:
    now = utcnow()
    referral.status = status
    referral.first_response_at = referral.first_response_at or now
    if status == ReferralStatus.accepted:
        referral.accepted_at = now
    if status in CLOSED_STATUSES:
        referral.closed_at = now
    audit.record(
        f"referral.{status}", "referral", referral.id, actor_id=by.id, details=audit_details
    )
    referrer = referral.referrer
    if referrer is not None and referrer.active and referrer.id != by.id:
        service = referral.service.name if referral.service else "the service"
        emails.queue(
            referrer.email,
            "directory/referral_answered",
            kind="referral",
            referral=referral,
            service=service,
        )


def accept(referral: Referral, by: User) -> None:
    _must_be(referral, ReferralStatus.sent)
    _respond(referral, ReferralStatus.accepted, by)


def decline(referral: Referral, by: User, reason: str) -> None:
    if reason not in DECLINE_REASONS:
        raise ValueError(f"unknown reason {reason!r}")
    _must_be(referral, ReferralStatus.sent, ReferralStatus.accepted)
    referral.decline_reason = reason
    _respond(referral, ReferralStatus.declined, by, reason=reason)


def complete(referral: Referral, by: User) -> None:
    _must_be(referral, ReferralStatus.accepted)
    _respond(referral, ReferralStatus.completed, by)


def withdraw(referral: Referral, by: User) -> None:
    """The referrer takes it back before the service has accepted it. A draft was never
    sent, so it is deleted instead (`delete_draft`)."""
    _must_be(referral, ReferralStatus.sent)
    referral.status = ReferralStatus.withdrawn
    referral.closed_at = utcnow()
    audit.record("referral.withdrawn", "referral", referral.id, actor_id=by.id)


def delete_draft(referral: Referral, by: User) -> None:
    """The referrer deletes a draft they will not send: the row goes, and with it everything
    typed about the person; the audit log keeps its id. Only a draft: the DELETE is guarded
    by the status, so a send that wins a race is never deleted after its email went out."""
    if not is_referrer(by, referral):
        raise PermissionError("only the referrer deletes a draft")
    _must_be(referral, ReferralStatus.draft)
    # A DELETE's result is a CursorResult, which counts the rows it removed.
    gone = cast(
        CursorResult[Any],
        db.session.execute(
            delete(Referral)
            .where(Referral.id == referral.id, Referral.status == ReferralStatus.draft)
            .execution_options(synchronize_session=False)
        ),
    ).rowcount
    if not gone:
        raise WrongState("the referral is no longer a draft")
    db.session.expunge(referral)
    audit.record("referral.draft_deleted", "referral", referral.id, actor_id=by.id)


# --- lists ----------------------------------------------------------------------------------


def inbox(user: User) -> list[Referral]:
    """Referrals sent to the organisations this user is a member of, newest first."""
    orgs = user.organisation_ids(Role.member)
    if not orgs:
        return []
    return list(
        db.session.scalars(
            select(Referral)
            .where(Referral.organisation_id.in_(orgs), Referral.status != ReferralStatus.draft)
            .order_by(Referral.sent_at.desc(), Referral.id.desc())
        )
    )


def sent_by(user: User) -> list[Referral]:
    """The referrals this user has sent, newest first (their drafts are `drafts_of`)."""
    return list(
        db.session.scalars(
            select(Referral)
            .where(Referral.referrer_id == user.id, Referral.status != ReferralStatus.draft)
            .order_by(Referral.created_at.desc(), Referral.id.desc())
        )
    )


def drafts_of(user: User) -> list[Referral]:
    """The referrals this user started and has not sent, newest first."""
    return list(
        db.session.scalars(
            select(Referral)
            .where(Referral.referrer_id == user.id, Referral.status == ReferralStatus.draft)
            .order_by(Referral.created_at.desc(), Referral.id.desc())
        )
    )


def counts(referrals: list[Referral]) -> dict[str, int]:
    found = dict.fromkeys(ReferralStatus, 0)
    for referral in referrals:
        found[ReferralStatus(referral.status)] += 1
    return {str(status): n for status, n in found.items()}


# --- working days and overdue referrals -----------------------------------------------------


def working_days_after(start: date, days: int) -> date:
    """The date `days` working days after `start` (weekends and bank holidays skipped)."""
    closed = schedules.bank_holidays([start.year, start.year + 1])
    found, left = start, days
    while left > 0:
        found += timedelta(days=1)
        if found.weekday() < 5 and found not in closed:
            left -= 1
    return found


def answer_due(referral: Referral) -> date | None:
    """The last day the service has to answer: its working days after the UK day the
    referral was sent (None until it is sent)."""
    if referral.sent_at is None:
        return None
    days = referral.service.referral_response_days if referral.service else DEFAULT_DAYS
    return working_days_after(to_uk(referral.sent_at).date(), days)


def overdue(now: datetime | None = None, *, lock: bool = False) -> list[Referral]:
    """Sent referrals with no answer after their service's working days. `lock`: for the
    flag-overdue job, locked on PostgreSQL (SKIP LOCKED), so two runners never email about
    one twice."""
    now = now or utcnow()
    query = select(Referral).where(
        Referral.status == ReferralStatus.sent, Referral.first_response_at.is_(None)
    )
    if lock:  # several runners never take one row twice (SQLite has one writer)
        query = query.with_for_update(skip_locked=True)
    waiting = db.session.scalars(query)
    late = []
    today = to_uk(now).date()
    for referral in waiting:
        due = answer_due(referral)
        if due is not None and today > due:
            late.append(referral)
    return late


def flag_overdue(now: datetime | None = None) -> int:
    """Tell the provider and the referrer once about each overdue referral; the count told."""
    told = 0
    for referral in overdue(now, lock=True):
        if referral.overdue_flagged_at is not None:
            continue
        referral.overdue_flagged_at = utcnow()
        service = referral.service.name if referral.service else "the service"
        told_to = set(accounts.member_emails(referral.organisation_id))
        if referral.referrer is not None and referral.referrer.active:
            told_to.add(referral.referrer.email)
        for email in sorted(told_to):
            emails.queue(
                email,
                "directory/referral_overdue",
                kind="referral",
                referral=referral,
                service=service,
            )
        audit.record("referral.overdue", "referral", referral.id)
        told += 1
    return told
