"""What the service keeps about a resident, and for how long: the retention purge, subject
access and erasure (by a blind index of the name, never the name itself), and re-sealing
under a new key. Each is audited; the caller commits."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import select

from accord import audit, sealing
from accord.clock import utcnow
from accord.extensions import db
from directory.referrals.models import Referral, ReferralStatus
from directory.referrals.referrals import subject_key


def forget(referral: Referral, action: str) -> None:
    referral.sealed = ""
    referral.subject_key = ""
    referral.purged_at = utcnow()
    audit.record(action, "referral", referral.id)


def purge(retention_days: int, unaccepted_days: int, now: datetime | None = None) -> int:
    """Forget the resident in closed referrals past `retention_days`, in referrals never
    accepted after `unaccepted_days`, and in drafts abandoned for a day; statistics stay."""
    now = now or utcnow()
    rows = db.session.scalars(select(Referral).where(Referral.purged_at.is_(None)))
    count = 0
    for referral in rows:
        closed = referral.closed_at and referral.closed_at < now - timedelta(days=retention_days)
        never_accepted = (
            referral.status != ReferralStatus.draft
            and referral.accepted_at is None
            and (referral.sent_at or referral.created_at) < now - timedelta(days=unaccepted_days)
        )
        abandoned = referral.status == ReferralStatus.draft and (
            referral.created_at < now - timedelta(days=1)
        )
        if closed or never_accepted or abandoned:
            forget(referral, "referral.purged")
            count += 1
    return count


def of_subject(name: str) -> list[Referral]:
    key = subject_key(name)
    if not key:
        return []
    return list(
        db.session.scalars(
            select(Referral).where(Referral.subject_key == key).order_by(Referral.id)
        )
    )


def subject_access(name: str) -> list[dict]:
    """Everything held about the person named, for a subject access request."""
    found = []
    for referral in of_subject(name):
        audit.record("referral.subject_access", "referral", referral.id)
        found.append(
            {
                "reference": referral.reference,
                "service": referral.service.name if referral.service else "",
                "status": referral.status,
                "decline_reason": referral.decline_reason,
                "sent_at": referral.sent_at.isoformat() if referral.sent_at else None,
                "consent_by": referral.consent_by,
                "consent_how": referral.consent_how,
                "consent_at": referral.consent_at.isoformat() if referral.consent_at else None,
                "consent_scope": referral.consent_scope,
                "details": sealing.unseal(referral.sealed),
            }
        )
    return found


def erase(found: Iterable[Referral]) -> int:
    """Forget the person in these referrals (their right to erasure); statistics stay. Find
    them with `of_subject` and check each is theirs first: names are not unique."""
    count = 0
    for referral in found:
        forget(referral, "referral.erased")
        count += 1
    return count


def rotate_keys() -> int:
    """Re-seal every referral with the newest key (after a new key is put first)."""
    count = 0
    for referral in db.session.scalars(select(Referral).where(Referral.sealed != "")):
        referral.sealed = sealing.reseal(referral.sealed)
        count += 1
    return count
