"""A call-out's answers kept server-side between its form and the check page, under an opaque
random key (the only thing the session cookie holds). A draft lives a day after its last
change; it names no volunteer, only what is needed and whom to ask.

Plain functions; callers commit."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import delete, select

from accord.clock import utcnow
from accord.extensions import db
from emergency.callouts.models import CalloutDraft

LIFETIME = timedelta(hours=24)


def find(key: object, incident_id: int, user_id: int | None) -> CalloutDraft | None:
    """The draft under a key, for this incident and coordinator, unless it has expired."""
    if not isinstance(key, str) or not key or len(key) > 64:
        return None
    draft = db.session.scalar(select(CalloutDraft).where(CalloutDraft.key == key))
    if draft is None or draft.expires_at <= utcnow():
        return None
    if draft.incident_id != incident_id or draft.user_id != user_id:
        return None
    return draft


def save(
    draft: CalloutDraft | None, incident_id: int, user_id: int | None, answers: dict
) -> CalloutDraft:
    if draft is None:
        purge_expired()
        draft = CalloutDraft(key=secrets.token_urlsafe(32), incident_id=incident_id)
        draft.user_id = user_id
        db.session.add(draft)
    draft.answers = dict(answers)
    draft.expires_at = utcnow() + LIFETIME
    db.session.flush()
    return draft


def discard(draft: CalloutDraft) -> None:
    db.session.delete(draft)


def purge_expired() -> None:
    db.session.execute(
        delete(CalloutDraft)
        .where(CalloutDraft.expires_at <= utcnow())
        .execution_options(synchronize_session=False)
    )
