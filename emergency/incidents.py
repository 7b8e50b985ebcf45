"""Incidents and their log: declaring, standing down, the public message and the site banner.

Plain functions: the views parse forms and call these; other streams (volunteers, networks)
call `active()` and `log()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Row, select

from accord import audit, geo
from accord.clock import utcnow
from accord.extensions import db
from emergency.models import Incident, IncidentLog


@dataclass(frozen=True)
class Area:
    """The affected area as declared: a circle and/or named towns."""

    place: str
    point: geo.Point | None
    radius_miles: float | None
    towns: list[str]

    def as_dict(self) -> dict:
        """Plain values, to keep between declaring's form and its check page."""
        point = [self.point.latitude, self.point.longitude] if self.point else None
        return {
            "place": self.place,
            "point": point,
            "radius": self.radius_miles,
            "towns": self.towns,
        }

    @classmethod
    def from_dict(cls, kept: dict) -> Area:
        point = geo.Point(*kept["point"]) if kept["point"] else None
        return cls(kept["place"], point, kept["radius"] if point else None, list(kept["towns"]))


def active() -> list[Incident]:
    """Incidents not yet stood down, newest first."""
    statement = select(Incident).where(Incident.ended_at.is_(None))
    return list(db.session.scalars(statement.order_by(Incident.started_at.desc())))


def real_active() -> list[Incident]:
    """Active incidents that are not exercises: the only ones residents are told of (theme 15:
    an exercise works as a real incident for those taking part, and residents never see it)."""
    statement = select(Incident).where(Incident.ended_at.is_(None), Incident.exercise.is_(False))
    return list(db.session.scalars(statement.order_by(Incident.started_at.desc())))


# What begins every page heading, text and email about an exercise, so no one taking part (or
# forwarding it) mistakes a rehearsal for a real emergency.
EXERCISE = "EXERCISE"


def marked(incident: Incident, text: str) -> str:
    """`text` as sent about this incident: "EXERCISE: …" when it is an exercise."""
    return f"{EXERCISE}: {text}" if incident.exercise else text


def past(limit: int) -> list[Incident]:
    """Incidents stood down, the most recently ended first."""
    statement = select(Incident).where(Incident.ended_at.is_not(None))
    return list(db.session.scalars(statement.order_by(Incident.ended_at.desc()).limit(limit)))


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


def declare(
    name: str, kind: str, area: Area, message: str, by_id: int | None, exercise: bool = False
) -> Incident:
    """Declare an incident (or an exercise: the same for those taking part, kept from
    residents); commits."""
    incident = Incident(
        name=name,
        kind=kind,
        place=area.place,
        latitude=area.point.latitude if area.point else None,
        longitude=area.point.longitude if area.point else None,
        radius_miles=area.radius_miles if area.point else None,
        towns=area.towns,
        public_message=message,
        declared_by_id=by_id,
        started_at=utcnow(),
        exercise=exercise,
    )
    db.session.add(incident)
    db.session.flush()
    what = f"{EXERCISE} declared (not a real incident)" if exercise else "Incident declared"
    log(incident, "declared", f"{what}: {describe_area(incident)}", by_id)
    details = {"exercise": True} if exercise else None
    audit.record("incident.declared", "incident", incident.id, actor_id=by_id, details=details)
    db.session.commit()
    return incident


def update_message(incident: Incident, message: str, by_id: int | None) -> None:
    incident.public_message = message
    log(incident, "message", f"Public message changed to: {message}", by_id)
    audit.record("incident.message", "incident", incident.id, actor_id=by_id)
    db.session.commit()


def add_note(incident: Incident, text: str, by_id: int | None) -> None:
    log(incident, "note", text, by_id)
    db.session.commit()


def end(
    incident: Incident, debrief: str, done: str, by_id: int | None, at: datetime | None = None
) -> None:
    """Ends the incident; its record, log and hub history stay for the debrief. The last
    step of emergency.standing_down.stand_down, which first closes its hubs and checks its
    volunteers out (`done` says so in the log); commits all of it."""
    if not incident.active:
        return
    incident.ended_at = at or utcnow()
    incident.debrief = debrief
    log(incident, "stood_down", f"Incident stood down{': ' + done if done else ''}", by_id)
    audit.record("incident.stood_down", "incident", incident.id, actor_id=by_id)
    db.session.commit()


def describe_area(incident: Incident) -> str:
    parts = []
    if incident.radius_miles and incident.place:
        parts.append(f"{incident.radius_miles:g} miles round {incident.place}")
    if incident.towns:
        parts.append(", ".join(incident.towns))
    return "; ".join(parts) or "Shropshire"


def covers(incident: Incident, point: geo.Point | None, town: str = "") -> bool:
    """Is this point (or named town) inside the declared area?"""
    return miles_outside(incident, point, town) == 0


def miles_outside(incident: Incident, point: geo.Point | None, town: str = "") -> float | None:
    """How far outside the declared area a point (or named town) is: 0 inside it, None when
    it cannot be told (no point, and not one of the towns named)."""
    if town and town.lower() in {t.lower() for t in incident.towns}:
        return 0.0
    if point is None:
        return None
    circles = []
    if incident.latitude is not None and incident.longitude is not None:
        centre = geo.Point(incident.latitude, incident.longitude)
        circles.append((centre, incident.radius_miles or 0))
    # A named town counts as a circle of a couple of miles round its centre.
    for name in incident.towns:
        if place := geo.place_named(name):
            circles.append((place.point, TOWN_MILES))
    if not circles:
        return None
    return max(min(geo.miles_between(c, point) - r for c, r in circles), 0.0)


TOWN_MILES = 2.0
# A hub this far outside the area still serves it (people leave a flooded town for the next).
NEAR_MILES = 3.0


# What a banner shows of each active incident, newest first (exercises too for those signed
# in; residents are never shown one), built once: every page asks, and a statement built and
# loaded as objects per request cost more than its query.
_BANNERS = (
    select(Incident.name, Incident.public_message, Incident.exercise)
    .where(Incident.ended_at.is_(None))
    .order_by(Incident.started_at.desc())
)
_REAL_BANNERS = _BANNERS.where(Incident.exercise.is_(False))


def banners() -> list[dict]:
    """The site-wide banner: one per active incident, linking to /help. None on /help itself,
    which shows the message once, in the page, under the search box. An exercise's banner is
    for those signed in alone (they take part); residents are never shown one."""
    from flask import has_request_context, request, url_for
    from flask_login import current_user

    if has_request_context() and request.endpoint == "emergency.help_page":
        return []
    signed_in = has_request_context() and current_user.is_authenticated
    return [
        {
            "title": _banner_title(incident),
            "text": incident.public_message,
            "href": url_for("emergency.help_page"),
            "link_text": "Find where to get help now",
            "exercise": incident.exercise,
        }
        for incident in db.session.execute(_BANNERS if signed_in else _REAL_BANNERS)
    ]


def _banner_title(incident: Row) -> str:
    return f"{EXERCISE}: {incident.name}" if incident.exercise else f"Emergency: {incident.name}"
