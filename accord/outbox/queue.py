"""Putting messages in the outbox, and taking them out again (retries, erasure, old ones)."""

from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, or_

from accord.clock import utcnow
from accord.extensions import db
from accord.models import Channel, OutboxMessage, OutboxStatus
from accord.phones import uk_mobile

MAX_ATTEMPTS = 8


def queue_email(
    to: str, subject: str, body: str, kind: str = "", *, html: str = "", transient: bool = False
) -> OutboxMessage:
    """Add a message to the outbox; the caller's commit keeps it with the change that caused it.
    `html`: an HTML part beside the plain text; `transient`: forgotten once sent (`blank`)."""
    # Header injection: no line breaks in a subject or address.
    message = OutboxMessage(
        to=" ".join(to.split()),
        subject=" ".join(subject.split()),
        body=body,
        kind=kind,
        html=html,
        transient=transient,
    )
    db.session.add(message)
    return message


def queue_sms(to: str, body: str, kind: str = "", *, transient: bool = False) -> OutboxMessage:
    """A text message to a UK mobile number; the caller's commit keeps it with its change.
    Raises ValueError for a number that is not one (numbers are checked when given)."""
    number = uk_mobile(to)
    if number is None:
        raise ValueError("not a UK mobile number")
    message = OutboxMessage(
        channel=Channel.sms, to=number, subject="", body=body, kind=kind, transient=transient
    )
    db.session.add(message)
    return message


def blank(message: OutboxMessage) -> None:
    """A transient message once it is settled: nothing of whom it went to or what it said is
    kept (the error too, which can quote the address), only that it went and how."""
    message.to, message.body, message.html = "", "", ""
    message.last_error = message.last_error.split(":", 1)[0][:60]


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 … minutes between tries, capped at 2 hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 120))


def retry(message: OutboxMessage) -> None:
    """Put a failed message back in the queue (admin action; never a transient one, which
    has nothing left to send)."""
    message.status = OutboxStatus.pending
    message.next_attempt_at = utcnow()


def forget(*addresses: str) -> int:
    """Delete every message to these addresses or mobile numbers, sent or not: the person's
    details have been purged or erased, and the outbox must not keep a copy (names, links,
    answers in bodies)."""
    wanted = [" ".join(a.split()) for a in addresses if a and a.strip()]
    wanted += [number for a in wanted if (number := uk_mobile(a))]
    if not wanted:
        return 0
    gone = db.session.execute(
        delete(OutboxMessage)
        .where(OutboxMessage.to.in_(wanted))
        .execution_options(synchronize_session=False)
    )
    return cast(CursorResult[Any], gone).rowcount or 0


def prune(now: datetime, keep_days: int) -> int:
    """Delete messages sent, or given up on, more than `keep_days` ago: long enough to answer
    "did my email go?", no longer. Pending messages always stay (they are still to be sent)."""
    before = now - timedelta(days=keep_days)
    sent_long_ago = (OutboxMessage.status == OutboxStatus.sent) & (OutboxMessage.sent_at < before)
    failed_long_ago = (OutboxMessage.status == OutboxStatus.failed) & (
        OutboxMessage.created_at < before
    )
    gone = db.session.execute(
        delete(OutboxMessage)
        .where(or_(sent_long_ago, failed_long_ago))
        .execution_options(synchronize_session=False)
    )
    return cast(CursorResult[Any], gone).rowcount or 0
