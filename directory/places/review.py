"""The coordinator's side: new buildings waiting to be published, and recent edits to
published ones (each can be reverted). Plain functions; callers commit."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from accord import accounts, audit, emails
from accord.clock import utcnow
from accord.extensions import db
from accord.models import Location, Review
from directory.places.models import LocationRevision

# Edits shown to the coordinator: the last few weeks' (older ones can still be seen in the
# audit log, but by then the building's organisation has had its say).
RECENT = timedelta(days=60)
RECENT_MAX = 50


def waiting() -> list[Location]:
    """New buildings from organisations, oldest first."""
    return list(
        db.session.scalars(
            select(Location)
            .where(Location.review == Review.pending)
            .options(selectinload(Location.operator))
            .order_by(Location.created_at, Location.id)
        )
    )


def decide(location: Location, publish: bool) -> None:
    """Publish a new building or not; its organisation's members are told by email."""
    location.review = Review.published if publish else Review.rejected
    audit.record("location.reviewed", "location", location.id, details={"published": publish})
    for to in accounts.member_emails(location.operator_id):
        emails.queue(
            to,
            "directory/building_review",
            kind="building-review",
            building=location,
            published=publish,
        )


def recent_edits() -> list[LocationRevision]:
    """Edits to published buildings, newest first."""
    return list(
        db.session.scalars(
            select(LocationRevision)
            .where(LocationRevision.edited_at >= utcnow() - RECENT)
            .options(selectinload(LocationRevision.location))
            .order_by(LocationRevision.edited_at.desc(), LocationRevision.id.desc())
            .limit(RECENT_MAX)
        )
    )
