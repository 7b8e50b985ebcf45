"""A building's answers kept server-side between its form and the check page (the address and
booking text are too long for the session cookie). Only the member who wrote a draft finds
it; it lives a day after its last change. Plain functions; callers commit."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete

from accord.clock import utcnow
from accord.extensions import db
from accord.ids import MAX_ID
from directory.places.models import LocationDraft

LIFETIME = timedelta(hours=24)


def find(draft_id: int | None, user_id: int) -> LocationDraft | None:
    """The user's own draft, unless it has expired."""
    # From ?change=… too: a number no id can be is no draft (PostgreSQL would refuse it).
    if draft_id is None or not 1 <= draft_id <= MAX_ID:
        return None
    draft = db.session.get(LocationDraft, draft_id)
    if draft is None or draft.user_id != user_id or draft.expires_at <= utcnow():
        return None
    return draft


def save(
    draft: LocationDraft | None,
    *,
    user_id: int,
    organisation_id: int,
    location_id: int | None,
    values: dict,
) -> LocationDraft:
    """Keep the values (a new draft when `draft` is None or for another building)."""
    if draft is None or (draft.organisation_id, draft.location_id) != (
        organisation_id,
        location_id,
    ):
        purge_expired()  # a new draft is the moment to clear away abandoned ones
        draft = LocationDraft(
            user_id=user_id, organisation_id=organisation_id, location_id=location_id
        )
        db.session.add(draft)
    draft.answers = dict(values)  # a new dict, so the JSON column is written
    draft.expires_at = utcnow() + LIFETIME
    db.session.flush()
    return draft


def discard(draft: LocationDraft) -> None:
    db.session.delete(draft)


def purge_expired() -> None:
    db.session.execute(
        delete(LocationDraft)
        .where(LocationDraft.expires_at <= utcnow())
        .execution_options(synchronize_session=False)
    )
