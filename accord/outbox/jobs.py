"""Sending starts at once: each queued message becomes a job on Redis the moment its
transaction commits, and `flask worker` (RQ) delivers it; any number of workers, on any
number of machines, and `flask outbox send` on cron as the safety net. A message is claimed
before it is sent (sending.py), so workers and the cron sender never send one twice.

Without REDIS_URL, or with Redis down, nothing is enqueued: the cron sender (or `flask
outbox send --watch` in development) delivers instead. Never before the commit: a worker
must find the row, and a rolled-back message must never go.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, has_app_context
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue
from sqlalchemy import event
from sqlalchemy.orm import Session

from accord.extensions import db
from accord.models import OutboxMessage

log = logging.getLogger(__name__)

QUEUE = "outbox"
BATCH = 10  # messages a job: a call-out of 200 is 20 jobs, shared among the workers
_NEW = "outbox_new_ids"  # in session.info: messages added since the last commit


def init_app(app: Flask) -> None:
    app.extensions[QUEUE] = {}
    # db.session is one for every app: listened to once, reading the app of the moment.
    if not event.contains(db.session, "after_commit", _committed):
        event.listen(db.session, "after_flush", _noted)
        event.listen(db.session, "after_commit", _committed)
        event.listen(db.session, "after_soft_rollback", _forgotten)


def _noted(session: Session, _context: object) -> None:
    # After a flush `session.new` still lists what was added, now with ids.
    added = [m.id for m in session.new if isinstance(m, OutboxMessage) and m.id is not None]
    if added:
        session.info.setdefault(_NEW, []).extend(added)


def _forgotten(session: Session, _previous: object) -> None:
    session.info.pop(_NEW, None)


def _committed(session: Session) -> None:
    ids = session.info.pop(_NEW, None)
    if ids and has_app_context() and current_app.config.get("REDIS_URL"):
        enqueue(sorted(set(ids)))


def queue() -> Queue:
    """The outbox's RQ queue on REDIS_URL (one connection pool per app)."""
    found = current_app.extensions[QUEUE].get("queue")
    if found is None:
        redis = Redis.from_url(current_app.config["REDIS_URL"], socket_timeout=2)
        found = current_app.extensions[QUEUE]["queue"] = Queue(QUEUE, connection=redis)
    return found


def enqueue(ids: list[int]) -> int:
    """Jobs delivering these messages, BATCH a job; how many jobs were queued (0 when Redis
    failed: the cron sender will deliver them)."""
    batches = [ids[at : at + BATCH] for at in range(0, len(ids), BATCH)]
    try:
        jobs = queue().enqueue_many(
            [Queue.prepare_data(deliver_now, args=(batch,), result_ttl=0) for batch in batches]
        )
    except RedisError as exc:
        log.warning("outbox: %d messages not queued on Redis (%s)", len(ids), type(exc).__name__)
        return 0
    return len(jobs)


def deliver_now(ids: list[int]) -> dict[str, int]:
    """The job: deliver these messages unless another sender has them already."""
    from accord.outbox.sending import claim, deliver

    try:
        return deliver(claim(len(ids), ids))
    finally:
        db.session.remove()
