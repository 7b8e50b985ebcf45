"""Incidents and their log: plain functions the emergency pages and other streams call."""

from __future__ import annotations

from sqlalchemy import select

from accord.extensions import db
from accord.models import utcnow
from emergency.models import Incident, IncidentLog


def active() -> list[Incident]:
    """Incidents not yet stood down, newest first."""
    statement = select(Incident).where(Incident.ended_at.is_(None))
    return list(db.session.scalars(statement.order_by(Incident.started_at.desc())))


def log(incident: Incident | int, kind: str, text: str, by_id: int | None = None) -> IncidentLog:
    """Add a time-stamped line to an incident's log; the caller commits with the change.

    `text` is what coordinators read in the timeline and the sitrep: say what changed, never
    a resident's or a volunteer's personal details (use a volunteer's number, not their name).
    """
    incident_id = incident if isinstance(incident, int) else incident.id
    entry = IncidentLog(incident_id=incident_id, kind=kind, text=text, by_id=by_id, at=utcnow())
    db.session.add(entry)
    return entry


def log_everywhere(kind: str, text: str, by_id: int | None = None) -> list[IncidentLog]:
    """The same line in the log of every active incident (e.g. a hub opened)."""
    return [log(incident, kind, text, by_id) for incident in active()]
