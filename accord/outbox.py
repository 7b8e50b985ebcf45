"""Every email is an OutboxMessage first; send_pending delivers (SMTP, or the log) and retries."""

import logging
import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any, cast

from flask import current_app
from sqlalchemy import CursorResult, delete, or_, select

from accord.clock import utcnow
from accord.extensions import db
from accord.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8

# Refusals of one message (its address, its content); any other failure is the server's (down,
# slow, talking nonsense), which would fail every message the same way.
MESSAGE_FAULTS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


def queue_email(to: str, subject: str, body: str, kind: str = "") -> OutboxMessage:
    """Add a message to the outbox; the caller's commit keeps it with the change that caused it."""
    # Header injection: no line breaks in a subject or address.
    message = OutboxMessage(
        to=" ".join(to.split()),
        subject=" ".join(subject.split()),
        body=body,
        kind=kind,
    )
    db.session.add(message)
    return message


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 … minutes between tries, capped at 2 hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 120))


def _deliver_smtp(message: OutboxMessage) -> None:
    cfg = current_app.config
    email = EmailMessage()
    email["From"] = cfg["MAIL_FROM"]
    email["To"] = message.to
    email["Subject"] = message.subject
    email["Message-ID"] = f"<outbox-{message.id}@accord-hub>"
    email.set_content(message.body)
    with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=cfg["MAIL_TIMEOUT_S"]) as smtp:
        if cfg["MAIL_USE_TLS"]:
            smtp.starttls()
        if cfg["MAIL_USERNAME"]:
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
        smtp.send_message(email)


def _deliver_log(message: OutboxMessage) -> None:
    # No recipient or body in the log: both can hold personal data. Read `flask outbox list`.
    log.info("outbox message %s (%s) delivered to the log transport", message.id, message.kind)


def due_messages(limit: int) -> list[OutboxMessage]:
    """Pending messages whose time has come, locked so several senders never send one twice."""
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.pending)
        .where(OutboxMessage.next_attempt_at <= utcnow())
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    # Several runners never take one row twice (PostgreSQL; SQLite has one writer and
    # SQLAlchemy leaves FOR UPDATE out there).
    query = query.with_for_update(skip_locked=True)
    return list(db.session.scalars(query))


def send_pending(limit: int = 100) -> dict[str, int]:
    """Deliver what is due; a failure is recorded and retried later, never dropped.

    When the server itself fails, the run stops there: the messages after it are left as they
    were for the next run, so a slow server costs one MAIL_TIMEOUT_S, not one per message.
    """
    deliver = _deliver_smtp if current_app.config["MAIL_SERVER"] else _deliver_log
    counts = {"sent": 0, "retrying": 0, "failed": 0}
    due = due_messages(limit)
    for done, message in enumerate(due):
        message.attempts += 1
        try:
            deliver(message)
        except (OSError, smtplib.SMTPException) as exc:
            message.last_error = f"{type(exc).__name__}: {exc}"[:500]
            if message.attempts >= MAX_ATTEMPTS:
                message.status = OutboxStatus.failed
                counts["failed"] += 1
            else:
                message.next_attempt_at = utcnow() + backoff(message.attempts)
                counts["retrying"] += 1
            log.warning("outbox message %s not delivered: %s", message.id, type(exc).__name__)
            if not isinstance(exc, MESSAGE_FAULTS):
                if left := len(due) - done - 1:
                    log.warning("mail server failing: %d due messages left for the next run", left)
                break
        else:
            message.status = OutboxStatus.sent
            message.sent_at = utcnow()
            message.last_error = ""
            counts["sent"] += 1
    db.session.commit()
    return counts


def retry(message: OutboxMessage) -> None:
    """Put a failed message back in the queue (admin action)."""
    message.status = OutboxStatus.pending
    message.next_attempt_at = utcnow()


def forget(*addresses: str) -> int:
    """Delete every message to these addresses, sent or not: the person's details have been
    purged or erased, and the outbox must not keep a copy (names, links, answers in bodies)."""
    wanted = [" ".join(a.split()) for a in addresses if a and a.strip()]
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
