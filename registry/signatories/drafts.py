"""Sign-up answers kept server-side between the form's steps, under an opaque random key (the
only thing the session cookie holds). A draft lives a day after its last change."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select

from accord.clock import utcnow
from accord.extensions import db
from registry.signatories.models import SignUpDraft

LIFETIME = timedelta(hours=24)


def find(key: object) -> SignUpDraft | None:
    """The draft under a key, unless there is none or it has expired."""
    if not isinstance(key, str) or not key:
        return None
    draft = db.session.scalar(select(SignUpDraft).where(SignUpDraft.key == key))
    if draft is None or draft.expires_at <= utcnow():
        return None
    return draft


def save(draft: SignUpDraft | None, answers: dict, amend_id: int | None = None) -> SignUpDraft:
    """Keep the answers (a new draft when there is none); each change gives it another day."""
    if draft is None:
        purge_expired()  # a new draft is the moment to clear away abandoned ones
        draft = SignUpDraft(key=secrets.token_urlsafe(32), amend_id=amend_id)
        db.session.add(draft)
    draft.answers = dict(answers)  # a new dict, so the JSON column is written
    draft.expires_at = utcnow() + LIFETIME
    db.session.flush()
    return draft


def discard(draft: SignUpDraft) -> None:
    db.session.delete(draft)


def purge_expired() -> int:
    """Delete drafts past their expiry (personal data: names and emails); returns how many."""
    # A DELETE's result is a CursorResult, which counts the rows it removed.
    result = cast(
        CursorResult[Any],
        db.session.execute(
            delete(SignUpDraft)
            .where(SignUpDraft.expires_at <= utcnow())
            .execution_options(synchronize_session=False)
        ),
    )
    return result.rowcount
