"""Delivering the outbox: claim what is due, hand each message to its sender, record what
happened. Run by `flask outbox send` (cron, the safety net), by RQ jobs the moment a message
is queued (accord/outbox/jobs.py), or both at once: a message is sent once.

A sender claims its messages first, in a transaction of their own: `pending` becomes
`sending` with a lease (UPDATE … WHERE status = 'pending' RETURNING id, so of two senders
reaching for one row only one gets it, on PostgreSQL and on SQLite alike), and each result is
committed as soon as it is known. A message Notify accepted is therefore never offered again;
one whose sender died mid-way is looked up at Notify by its reference when its lease ends,
and only sent again if Notify never had it.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from flask import Flask, current_app
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient
from sqlalchemy import select, update

from accord.clock import utcnow
from accord.extensions import db
from accord.models import OutboxMessage, OutboxStatus
from accord.outbox import senders
from accord.outbox.queue import MAX_ATTEMPTS, backoff, blank

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)  # a claimed message not settled by then is looked at again


def claim(limit: int, ids: list[int] | None = None) -> list[int]:
    """Take up to `limit` due messages (of `ids`, if given) for this sender, committed."""
    now = utcnow()
    due = (
        select(OutboxMessage.id)
        .where(OutboxMessage.status == OutboxStatus.pending)
        .where(OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id)
        .limit(limit)
        # PostgreSQL: a row another sender is claiming is passed over, not waited for.
        .with_for_update(skip_locked=True)
    )
    if ids is not None:
        due = due.where(OutboxMessage.id.in_(ids))
    wanted = list(db.session.scalars(due))
    taken: list[int] = []
    if wanted:
        taken = list(
            db.session.scalars(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(wanted))
                .where(OutboxMessage.status == OutboxStatus.pending)
                .values(
                    status=OutboxStatus.sending,
                    attempts=OutboxMessage.attempts + 1,
                    next_attempt_at=now + LEASE,
                )
                .returning(OutboxMessage.id)
                .execution_options(synchronize_session=False)
            )
        )
    db.session.commit()
    return sorted(taken)


def deliver(ids: list[int]) -> dict[str, int]:
    """Send claimed messages, a few at once (senders.sender), committing each group's
    results. A service failure puts that message and the rest of the run back in the queue:
    one timeout a run, not one a message."""
    send, at_once = senders.sender()
    counts = {"sent": 0, "retrying": 0, "failed": 0, "held": 0}
    for start in range(0, len(ids), at_once):
        group = [db.session.get(OutboxMessage, i) for i in ids[start : start + at_once]]
        # Erased meanwhile (a volunteer left), or settled by a lease check: left alone.
        ready = [m for m in group if m is not None and m.status == OutboxStatus.sending]
        outcomes = _attempts(send, ready)
        for message, (answer, failure) in zip(ready, outcomes, strict=True):
            counts[_settle(message, answer, failure)] += 1
        db.session.commit()
        if any(isinstance(failure, senders.Unavailable) for _, failure in outcomes):
            if rest := ids[start + at_once :]:
                _release(rest)
                log.warning("message service failing: %d messages left for later", len(rest))
            break
    return counts


Attempt = tuple[str, Exception | None]  # the provider's id, or what went wrong


def _attempts(send: senders.Sender, messages: list[OutboxMessage]) -> list[Attempt]:
    """Each message handed to the sender: in threads when several (HTTP calls that wait),
    each reading a copy of the message, never the session."""
    letters = [senders.letter(message) for message in messages]
    if len(letters) < 2:
        return [_attempt(None, send, letter) for letter in letters]
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with ThreadPoolExecutor(max_workers=len(letters)) as pool:
        return list(pool.map(lambda letter: _attempt(app, send, letter), letters))


def _attempt(app: Flask | None, send: senders.Sender, letter: senders.Letter) -> Attempt:
    try:
        if app is None:
            return send(letter), None
        with app.app_context():
            return send(letter), None
    except (senders.Held, senders.Refused, senders.Unavailable) as failure:
        return "", failure


def _settle(message: OutboxMessage, answer: str, failure: Exception | None) -> str:
    """Record what became of one message; which count it goes in. A transient message that
    went, or never will, is blanked there and then."""
    outcome = _outcome(message, answer, failure)
    if message.transient and outcome != "retrying":
        blank(message)
    return outcome


def _outcome(message: OutboxMessage, answer: str, failure: Exception | None) -> str:
    if failure is None:
        message.status, message.sent_at, message.last_error = OutboxStatus.sent, utcnow(), ""
        message.provider_id = answer
        return "sent"
    message.last_error = str(failure)
    if isinstance(failure, senders.Held):
        message.status = OutboxStatus.held
        return "held"
    if isinstance(failure, senders.Refused):
        message.status = OutboxStatus.failed
        log.warning("outbox message %s refused: it can never be delivered as it is", message.id)
        return "failed"
    log.warning("outbox message %s not delivered: the service failed", message.id)
    if message.attempts >= MAX_ATTEMPTS:
        message.status = OutboxStatus.failed
        return "failed"
    wait = backoff(message.attempts)
    if isinstance(failure, senders.Unavailable) and failure.retry_after_s:
        wait = max(wait, timedelta(seconds=failure.retry_after_s))
    message.status, message.next_attempt_at = OutboxStatus.pending, utcnow() + wait
    return "retrying"


def _release(ids: list[int]) -> None:
    """Claimed but not tried: back in the queue, due now, the claim's attempt not counted."""
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.sending)
        .values(
            status=OutboxStatus.pending,
            next_attempt_at=utcnow(),
            attempts=OutboxMessage.attempts - 1,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def send_pending(limit: int = 100) -> dict[str, int]:
    """Deliver what is due (the cron line and `flask outbox send`)."""
    recover()
    return deliver(claim(limit))


def recover() -> int:
    """Messages whose sender died mid-send (lease over): back in the queue, unless Notify
    has them already, which makes them sent. Returns how many were looked at."""
    stale = list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.sending)
            .where(OutboxMessage.next_attempt_at < utcnow())
            .with_for_update(skip_locked=True)
        )
    )
    for message in stale:
        found = _at_notify(message.reference)
        if found:
            message.status, message.provider_id, message.sent_at = (
                OutboxStatus.sent,
                found,
                utcnow(),
            )
            if message.transient:
                blank(message)
        else:
            message.status, message.next_attempt_at = OutboxStatus.pending, utcnow()
    db.session.commit()
    return len(stale)


def _at_notify(reference: str) -> str:
    """Notify's id for the message with our reference, "" when it has none (or no Notify)."""
    cfg = current_app.config
    if not cfg.get("NOTIFY_API_KEY"):
        return ""
    client = NotificationsAPIClient(
        cfg["NOTIFY_API_KEY"], base_url=cfg["NOTIFY_API_URL"], timeout=cfg["MAIL_TIMEOUT_S"]
    )
    try:
        found = client.get_all_notifications(reference=reference).get("notifications", [])
    except APIError:
        return ""  # not known: sending again risks a copy, not sending risks none arriving
    return str(found[0].get("id", "")) if found else ""
