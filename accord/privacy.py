"""People's rights over what the service holds about them, and its retention periods, across
the jobs: each job registers what it keeps about one kind of person (`register`), and the
`flask privacy …` commands (accord/cli.py) ask every one of them.

Residents in referrals are found by name, not email (their details are sealed): `flask
referrals subject-access` and `erase` serve them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from accord import audit
from accord.accounts import normalise_email
from accord.extensions import db
from accord.models import OutboxMessage


@dataclass(frozen=True)
class Holder:
    """What one job keeps about one kind of person, found by their email address."""

    kind: str  # who, for the operator: "emergency volunteers"
    # Everything held about the address, as plain values (the access is audited).
    find: Callable[[str], list[dict]]
    # Forget the person (right to erasure): how many records changed. The caller commits.
    erase: Callable[[str], int]
    # The retention purge at `now`, with the job's own periods: how many records forgotten.
    purge: Callable[[datetime], int] | None = None


_holders: list[Holder] = []


def register(holder: Holder) -> None:
    if all(h.kind != holder.kind for h in _holders):
        _holders.append(holder)


def holders() -> list[Holder]:
    return list(_holders)


def messages_to(email: str) -> list[dict]:
    """The emails in the outbox to this address (what they were about, not their bodies,
    which hold links that still work)."""
    found = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to == email).order_by(OutboxMessage.id)
    )
    rows = []
    for message in found:
        audit.record("outbox.subject_access", "outbox_message", message.id)
        rows.append(
            {
                "subject": message.subject,
                "kind": message.kind,
                "status": message.status,
                "created_at": message.created_at.isoformat(),
                "sent_at": message.sent_at.isoformat() if message.sent_at else None,
            }
        )
    return rows


def subject_access(email: str) -> dict[str, list[dict]]:
    """Everything every job holds under this email address, by kind of record."""
    found = {holder.kind: holder.find(email) for holder in _holders}
    found["emails sent to them"] = messages_to(email)
    return found


def normalised(email: str) -> str:
    return normalise_email(email)
