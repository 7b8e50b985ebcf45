"""Emergency volunteers: sign-up, CVEC's search, deployments with check-in and out, deletion.

Plain functions the volunteer pages, the CLI and other emergency pages call; none reads
`request`. Callers commit. A volunteer's name, email and phone are personal data: they never go
into a log line, an audit event or the incident log, which name a volunteer by number ("V12").
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import String, cast, func, or_, select, update
from sqlalchemy import delete as delete_rows
from sqlalchemy.orm import selectinload

from accord import audit, geo, geocoding
from accord.accounts import normalise_email
from accord.extensions import db
from accord.geo import Point
from accord.models import OutboxMessage, OutboxStatus, utcnow
from accord.outbox import queue_email
from emergency import incidents
from emergency.models import Hub, Incident
from emergency.volunteers.models import Deployment, Volunteer

log = logging.getLogger(__name__)

# Stored keys are stable (other pages and exports read them); the labels may change.
SKILLS = {
    "first_aid": "First aid",
    "driving": "Driving, with my own car",
    "four_by_four": "Driving a 4x4",
    "boat": "Boat handling or water rescue",
    "languages": "Languages other than English",
    "catering": "Cooking and catering",
    "caring": "Caring and befriending",
    "lifting": "Lifting and carrying",
    "comms": "Admin, radio and communications",
}
AVAILABILITY = {
    "weekday_daytime": "Weekdays, daytime",
    "weekday_evenings": "Weekday evenings",
    "weekends": "Weekends",
    "overnight": "Overnight",
    "short_notice": "At short notice",
}
RADII = (1, 2, 5, 10, 20, 50)
PER_PAGE = 25
LOG_KIND = "volunteer"
LEAVE_MAX_AGE_S = 7 * 24 * 3600
CHANGE_MAX_AGE_S = 7 * 24 * 3600
CHANGE_KIND = "volunteer-change"
# Emails asking an address to confirm a change, per day: the per-address limit on the form
# stops one machine, this stops many from filling a volunteer's inbox.
CHANGE_EMAILS_PER_DAY = 3
CHANGE_EMAIL_REMOVED = (
    "[Removed: this email held a link to confirm a change to a volunteer's details. The link "
    "has expired, or the volunteer's details have been deleted.]"
)
# Runs of digits long enough to be a phone number, and email addresses: a task is read by
# everyone in the incident log, so residents' contact details must not go into it.
CONTACT_DETAILS = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+|(?:\d[\s()-]*){10,}")


class Refused(ValueError):
    """A change CVEC asked for cannot be made; the message says why, for a person to read."""


# --- sign-up ---------------------------------------------------------------------------------


def retention_words(days: int) -> str:
    """730 → "2 years": the retention period as the consent statement says it."""
    if days % 365 == 0:
        years = days // 365
        return f"{years} year{'' if years == 1 else 's'}"
    if days % 7 == 0:
        weeks = days // 7
        return f"{weeks} week{'' if weeks == 1 else 's'}"
    return f"{days} day{'' if days == 1 else 's'}"


def consent_text(retention_days: int) -> str:
    """The words a volunteer agrees to, stored with their record as they read them."""
    return (
        "I agree that the Community and Voluntary Emergency Cell (CVEC) may keep my details and "
        "contact me by email or phone to ask me to volunteer in an emergency in Shropshire. "
        "Only CVEC coordinators can see my details. They are kept for "
        f"{retention_words(retention_days)} from today and then deleted. I can ask for them to "
        "be deleted sooner at any time, using the “Stop volunteering” page linked from the "
        "sign-up form, or by asking a CVEC coordinator."
    )


@dataclass
class Details:
    """What a person tells us when they sign up."""

    name: str
    email: str
    outcode: str
    phone: str = ""
    skills: list[str] = field(default_factory=list)
    languages: str = ""
    dbs_checked: bool = False
    dbs_date: date | None = None
    availability: list[str] = field(default_factory=list)


def district(raw: str) -> tuple[str, Point] | None:
    """A full postcode or a postcode district → (its district, the district's centre).

    Offline (the imported Outcode table, else the bundled one): only the district is kept, so
    there is nothing to gain from asking postcodes.io, and a sign-up never waits on it.
    """
    found = geocoding.lookup_outcode(raw)
    if found is None or found.point is None or found.outcode is None:
        return None
    return found.outcode, found.point


def by_email(email: str) -> Volunteer | None:
    wanted = normalise_email(email)
    query = select(Volunteer).where(func.lower(Volunteer.email) == wanted).order_by(Volunteer.id)
    return db.session.scalars(query.limit(1)).first()


def sign_up(
    details: Details, consent: str, link_base: str, today: date | None = None
) -> Volunteer | None:
    """Create a volunteer, or, when the email is already on record, change nothing and email
    that address a link to confirm the change (anyone can type anyone's email address).

    The caller says the same either way, so nobody learns who has signed up. Returns the new
    volunteer, or None when the address was emailed instead.
    """
    existing = by_email(details.email)
    if existing is not None:
        _ask_to_confirm(existing, details, link_base)
        return None
    volunteer = Volunteer(email=normalise_email(details.email))
    _set_details(volunteer, details, consent, today or date.today())
    db.session.add(volunteer)
    db.session.flush()
    audit.record("volunteer.signed_up", "volunteer", volunteer.id)
    return volunteer


def _set_details(volunteer: Volunteer, details: Details, consent: str, today: date) -> None:
    """Everything but the email (the record's key) and `active` (CVEC's to change)."""
    centre = district(details.outcode)
    point = centre[1] if centre else None
    volunteer.name = details.name
    volunteer.phone = details.phone
    volunteer.outcode = details.outcode
    volunteer.latitude = point.latitude if point else None
    volunteer.longitude = point.longitude if point else None
    volunteer.skills = [s for s in SKILLS if s in details.skills]
    volunteer.languages = details.languages if "languages" in details.skills else ""
    volunteer.dbs_checked = details.dbs_checked
    volunteer.dbs_date = details.dbs_date if details.dbs_checked else None
    volunteer.availability = [a for a in AVAILABILITY if a in details.availability]
    volunteer.consent = consent
    volunteer.consent_at = utcnow()
    volunteer.retain_until = today + timedelta(days=current_app.config["VOLUNTEER_RETENTION_DAYS"])


# --- changing one's details: confirmed from the address on record ----------------------------
#
# The new details travel in the emailed link, signed (not encrypted: they are the person's
# own, sent to their own address), with only what the record needs. The link is bound to the
# record as it is now, so it works once and stops working after any other change.


def _change_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="volunteer-change")


def _state(volunteer: Volunteer) -> str:
    """A keyed digest of the record's details now; it reveals nothing of them to a link's reader.

    consent_at changes with every confirmed change, so a used link never matches again.
    """
    parts = [
        volunteer.id,
        volunteer.email,
        volunteer.created_at.isoformat(),
        volunteer.consent_at.isoformat(),
        volunteer.name,
        volunteer.phone,
        volunteer.outcode,
        list(volunteer.skills or []),
        volunteer.languages,
        bool(volunteer.dbs_checked),
        volunteer.dbs_date.isoformat() if volunteer.dbs_date else None,
        list(volunteer.availability or []),
    ]
    key = current_app.config["SECRET_KEY"]
    key = (key if isinstance(key, bytes) else str(key).encode()) + b"|volunteer-state"
    raw = json.dumps(parts, ensure_ascii=False).encode()
    return hmac.new(key, raw, hashlib.sha256).hexdigest()[:24]


def _pending(details: Details) -> dict:
    skills = [s for s in SKILLS if s in details.skills]
    dbs_date = details.dbs_date if details.dbs_checked else None
    return {
        "n": details.name,
        "p": details.phone,
        "o": details.outcode,
        "s": skills,
        "l": details.languages if "languages" in skills else "",
        "b": bool(details.dbs_checked),
        "d": dbs_date.isoformat() if dbs_date else None,
        "a": [a for a in AVAILABILITY if a in details.availability],
    }


def _text(value: object, limit: int) -> bool:
    return isinstance(value, str) and len(value) <= limit


def _keys(value: object, allowed: dict) -> bool:
    return isinstance(value, list) and all(isinstance(k, str) and k in allowed for k in value)


def _details_from(data: object, email: str) -> Details | None:
    """The details a link carries, or None if they are not what `_pending` makes."""
    if not isinstance(data, dict):
        return None
    try:
        dbs_date = date.fromisoformat(data["d"]) if data.get("d") is not None else None
    except (TypeError, ValueError):
        return None
    if not (
        _text(data.get("n"), 120)
        and data["n"]
        and _text(data.get("p"), 40)
        and _text(data.get("o"), 4)
        and _keys(data.get("s"), SKILLS)
        and _text(data.get("l"), 200)
        and isinstance(data.get("b"), bool)
        and _keys(data.get("a"), AVAILABILITY)
    ):
        return None
    return Details(
        name=data["n"],
        email=email,
        outcode=data["o"],
        phone=data["p"],
        skills=data["s"],
        languages=data["l"],
        dbs_checked=data["b"],
        dbs_date=dbs_date,
        availability=data["a"],
    )


def change_token(volunteer: Volunteer, details: Details) -> str:
    return _change_serializer().dumps(
        {"v": volunteer.id, "f": _state(volunteer), "d": _pending(details)}
    )


def change_for_token(token: str, *, lock: bool = False) -> tuple[Volunteer, Details] | None:
    """The volunteer a change link was sent to and the details it carries; None when the link
    is forged, expired, for a deleted record, or the record has changed since it was sent.

    `lock` (before applying): on PostgreSQL a second press of the same link waits for the
    first, then finds the record changed.
    """
    try:
        data = _change_serializer().loads(token, max_age=CHANGE_MAX_AGE_S)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("v"), int):
        return None
    if not 0 < data["v"] <= 2**31 - 1 or not isinstance(data.get("f"), str):
        return None
    if lock:
        db.session.execute(select(Volunteer.id).where(Volunteer.id == data["v"]).with_for_update())
    volunteer = db.session.get(Volunteer, data["v"], populate_existing=lock)
    if volunteer is None or not hmac.compare_digest(_state(volunteer), data["f"]):
        return None
    details = _details_from(data.get("d"), volunteer.email)
    return (volunteer, details) if details is not None else None


def _ask_to_confirm(volunteer: Volunteer, details: Details, link_base: str) -> None:
    since = utcnow() - timedelta(days=1)
    sent_today = db.session.scalar(
        select(func.count(OutboxMessage.id)).where(
            OutboxMessage.to == volunteer.email,
            OutboxMessage.kind == CHANGE_KIND,
            OutboxMessage.created_at > since,
        )
    )
    if sent_today >= CHANGE_EMAILS_PER_DAY:
        log.info("%s: no change email, %s sent today already", number(volunteer), sent_today)
        return
    link = f"{link_base.rstrip('/')}/volunteer/confirm/{change_token(volunteer, details)}"
    queue_email(
        volunteer.email,
        "Confirm the change to your volunteer details",
        "Someone filled in the form to volunteer in an emergency in Shropshire with this email "
        "address, which is already on the list of emergency volunteers kept by Shropshire's "
        "Community and Voluntary Emergency Cell (CVEC).\n\n"
        "We have not changed your details. To change them to the ones given on the form, open "
        f"this link within 7 days, check them and confirm:\n{link}\n\n"
        "If you did not fill in the form, ignore this email: nothing will change.",
        kind=CHANGE_KIND,
    )
    audit.record("volunteer.change_requested", "volunteer", volunteer.id)


def apply_change(
    volunteer: Volunteer, details: Details, consent: str, today: date | None = None
) -> None:
    """The change a volunteer confirmed from their link: new details, consent in the words they
    were shown, and retention from today. Whether CVEC marked them inactive is CVEC's to change.
    """
    _set_details(volunteer, details, consent, today or date.today())
    db.session.flush()
    audit.record("volunteer.updated_own_details", "volunteer", volunteer.id)


def forget_change_emails(*, to: str | None = None, before: datetime | None = None) -> None:
    """Change emails carry the new details in their link. Once the link is dead (expired, or
    the volunteer deleted) the outbox keeps no details: one not yet sent is dropped, and the
    body of one sent (or given up on) is replaced."""
    which = [OutboxMessage.kind == CHANGE_KIND]
    if to is not None:
        which.append(OutboxMessage.to == to)
    if before is not None:
        which.append(OutboxMessage.created_at < before)
    db.session.execute(
        delete_rows(OutboxMessage)
        .where(*which, OutboxMessage.status == OutboxStatus.pending)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(OutboxMessage)
        .where(*which, OutboxMessage.body != CHANGE_EMAIL_REMOVED)
        .values(body=CHANGE_EMAIL_REMOVED)
        .execution_options(synchronize_session=False)
    )


def first_name(name: str) -> str:
    return (name.split() or [""])[0][:60]


# --- asking to leave (the right to erasure, without needing an account) ----------------------


def _leave_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="volunteer-leave")


def _fingerprint(volunteer: Volunteer) -> str:
    # Ties a link to this record: a later record reusing the id (SQLite may) does not match.
    raw = f"{volunteer.email}|{volunteer.created_at.isoformat()}".encode()
    return hashlib.sha256(raw).hexdigest()[:16]


def leave_token(volunteer: Volunteer) -> str:
    return _leave_serializer().dumps({"v": volunteer.id, "f": _fingerprint(volunteer)})


def volunteer_for_leave_token(token: str) -> Volunteer | None:
    try:
        data = _leave_serializer().loads(token, max_age=LEAVE_MAX_AGE_S)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("v"), int) or data["v"] > 2**31 - 1:
        return None
    volunteer = db.session.get(Volunteer, data["v"])
    if volunteer is None or _fingerprint(volunteer) != data.get("f"):
        return None
    return volunteer


def request_leave(email: str, link_base: str) -> None:
    """Email a deletion link if the address is a volunteer's; the caller says the same either
    way, so the form does not tell anyone who has signed up."""
    volunteer = by_email(email)
    if volunteer is None:
        return
    link = f"{link_base.rstrip('/')}/volunteer/leave/{leave_token(volunteer)}"
    queue_email(
        volunteer.email,
        "Delete your details from Shropshire's emergency volunteers",
        "You asked us to delete your details from the list of emergency volunteers kept by "
        "Shropshire's Community and Voluntary Emergency Cell (CVEC).\n\n"
        f"To delete them, open this link within 7 days and confirm:\n{link}\n\n"
        "If you did not ask for this, ignore this email: nothing will change.",
        kind="volunteer-leave",
    )
    audit.record("volunteer.leave_requested", "volunteer", volunteer.id)


# --- CVEC's search ---------------------------------------------------------------------------


@dataclass
class Filters:
    words: str = ""
    skills: list[str] = field(default_factory=list)  # every one of these
    availability: list[str] = field(default_factory=list)  # any one of these
    dbs: bool | None = None
    origin: Point | None = None
    radius: float = 10.0
    include_inactive: bool = False


@dataclass
class Row:
    volunteer: Volunteer
    miles: float | None
    current: Deployment | None


@dataclass
class Found:
    rows: list[Row]
    total: int
    page: int
    pages: int


def locate(text: str) -> Point | None:
    """A postcode, postcode district or Shropshire town → a point; None when unknown.

    The bundled tables come first: volunteers are placed at their district's centre, so they
    are as precise as this search can be, and they still work when the internet does not.
    postcodes.io is asked only about full postcodes outside Shropshire, and failing soft.
    """
    text = " ".join(text.split())[:100]
    if not text:
        return None
    if point := geo.postcode_point(text):
        return point
    if geo.normalise_postcode(text):
        try:
            found = geocoding.lookup_postcode(text)
        except geocoding.GeocoderUnavailable:
            found = None
        if found is not None and found.point is not None:
            return found.point
    if (found := geocoding.lookup_outcode(text)) and found.point:
        return found.point
    place = geo.place_named(text)
    return place.point if place else None


def _json_has(column, key: str):
    # JSON lists differ per engine (SQLite text, PostgreSQL json); their text form is the same,
    # and keys are plain words, so '"first_aid"' can only match that whole element.
    return cast(column, String).contains(f'"{key}"', autoescape=True)


def _filtered(filters: Filters):
    query = select(Volunteer)
    if not filters.include_inactive:
        query = query.where(Volunteer.active.is_(True))
    if filters.words:
        words = filters.words.lower()
        query = query.where(
            or_(
                func.lower(Volunteer.name).contains(words, autoescape=True),
                func.lower(Volunteer.email).contains(words, autoescape=True),
            )
        )
    for skill in filters.skills:
        query = query.where(_json_has(Volunteer.skills, skill))
    if filters.availability:
        times = [_json_has(Volunteer.availability, a) for a in filters.availability]
        query = query.where(or_(*times))
    if filters.dbs is not None:
        query = query.where(Volunteer.dbs_checked.is_(filters.dbs))
    return query


def _pages(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))


def search(filters: Filters, page: int = 1, per_page: int = PER_PAGE) -> Found:
    """Volunteers matching the filters, nearest first when there is an origin (else by name);
    `page` past the end gives an empty page (the caller says so)."""
    query = _filtered(filters)
    start = (page - 1) * per_page
    if filters.origin is None:
        total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        shown = db.session.scalars(
            query.order_by(func.lower(Volunteer.name), Volunteer.id).offset(start).limit(per_page)
        ).all()
        rows = [Row(v, None, None) for v in shown]
    else:
        rows, total = _nearest(query, filters.origin, filters.radius, start, per_page)
    current = _current_of([row.volunteer.id for row in rows])
    for row in rows:
        row.current = current.get(row.volunteer.id)
    return Found(rows, total, page, _pages(total, per_page))


def _nearest(query, origin: Point, radius: float, start: int, per_page: int):
    # A box in SQL narrows the county to the few candidates measured exactly here.
    dlat = radius / 69.0 * 1.01
    dlon = dlat / max(math.cos(math.radians(origin.latitude)), 0.01)
    ids_and_points = db.session.execute(
        query.with_only_columns(Volunteer.id, Volunteer.latitude, Volunteer.longitude).where(
            Volunteer.latitude.between(origin.latitude - dlat, origin.latitude + dlat),
            Volunteer.longitude.between(origin.longitude - dlon, origin.longitude + dlon),
        )
    ).all()
    measured = sorted(
        (geo.miles_between(origin, Point(lat, lon)), vid) for vid, lat, lon in ids_and_points
    )
    within = [(miles, vid) for miles, vid in measured if miles <= radius]
    shown = within[start : start + per_page]
    loaded = {
        v.id: v
        for v in db.session.scalars(
            select(Volunteer).where(Volunteer.id.in_([vid for _, vid in shown]))
        )
    }
    return [Row(loaded[vid], miles, None) for miles, vid in shown], len(within)


def _current_of(volunteer_ids: list[int]) -> dict[int, Deployment]:
    if not volunteer_ids:
        return {}
    open_ones = db.session.scalars(
        select(Deployment)
        .where(Deployment.volunteer_id.in_(volunteer_ids), Deployment.checked_out_at.is_(None))
        .options(selectinload(Deployment.hub).selectinload(Hub.location))
        .order_by(Deployment.deployed_at)
    )
    return {d.volunteer_id: d for d in open_ones}


def current(volunteer: Volunteer) -> Deployment | None:
    """The deployment not yet checked out, if any."""
    return _current_of([volunteer.id]).get(volunteer.id)


def history(volunteer: Volunteer) -> list[Deployment]:
    return list(
        db.session.scalars(
            select(Deployment)
            .where(Deployment.volunteer_id == volunteer.id)
            .options(selectinload(Deployment.hub).selectinload(Hub.location))
            .options(selectinload(Deployment.incident))
            .order_by(Deployment.deployed_at.desc(), Deployment.id.desc())
        )
    )


def hubs() -> list[Hub]:
    """Every hub, by town then name, for the deploy form."""
    found = db.session.scalars(select(Hub).options(selectinload(Hub.location))).all()
    return sorted(found, key=lambda h: (h.location.town.lower(), h.location.name.lower()))


# --- deployments -----------------------------------------------------------------------------


def number(volunteer: Volunteer | int) -> str:
    """How logs and other people's pages name a volunteer: "Volunteer V12", never the name."""
    volunteer_id = volunteer if isinstance(volunteer, int) else volunteer.id
    return f"Volunteer V{volunteer_id}"


def where(deployment: Deployment) -> str:
    """Where a deployment sends someone, in words (a hub's public name, or the task)."""
    if deployment.hub is not None:
        place = deployment.hub.location
        return f"{place.name}, {place.town}" if place.town else place.name
    return f"task: {deployment.task}" if deployment.task else "no destination recorded"


def task_problem(task: str) -> str | None:
    if CONTACT_DETAILS.search(task):
        return (
            "Remove the phone number or email address: the task is shown in the incident log, "
            "so it must not hold anyone's contact details"
        )
    return None


def _lock(volunteer: Volunteer) -> None:
    # On PostgreSQL two coordinators deploying one volunteer at once take turns here, so the
    # second sees the first's deployment. SQLite has one writer at a time anyway.
    db.session.execute(select(Volunteer.id).where(Volunteer.id == volunteer.id).with_for_update())


def deploy(
    volunteer: Volunteer,
    incident: Incident,
    *,
    hub: Hub | None = None,
    task: str = "",
    by_id: int | None = None,
) -> Deployment:
    """Send a volunteer to a hub or a task in an active incident; logged by number.

    On Refused the caller rolls back: the volunteer's row may be locked by then.
    """
    task = task.strip()
    if not incident.active:
        raise Refused(f"{incident.name} has been stood down. Choose an active incident.")
    if (hub is None) == (not task):
        raise Refused("Choose a hub or describe a task")
    if task and (problem := task_problem(task)):
        raise Refused(problem)
    _lock(volunteer)
    if not volunteer.active:
        raise Refused(
            f"{number(volunteer)} is marked inactive. Mark them active before deploying them."
        )
    if (now := current(volunteer)) is not None:
        raise Refused(
            f"{number(volunteer)} is already deployed ({where(now)}). "
            "Check them out before deploying them again."
        )
    deployment = Deployment(
        volunteer=volunteer,
        incident_id=incident.id,
        hub=hub,
        task="" if hub else task,
        by_id=by_id,
        deployed_at=utcnow(),
    )
    db.session.add(deployment)
    db.session.flush()
    audit.record(
        "volunteer.deployed",
        "volunteer",
        volunteer.id,
        actor_id=by_id,
        details={
            "deployment_id": deployment.id,
            "incident_id": incident.id,
            "hub_id": hub.id if hub else None,
        },
    )
    incidents.log(incident, LOG_KIND, f"{number(volunteer)} deployed to {where(deployment)}", by_id)
    return deployment


def check_in(deployment: Deployment, by_id: int | None = None) -> None:
    if deployment.checked_out_at is not None:
        raise Refused(f"{number(deployment.volunteer_id)} has already checked out of this.")
    if deployment.checked_in_at is not None:
        raise Refused(f"{number(deployment.volunteer_id)} has already checked in.")
    deployment.checked_in_at = utcnow()
    _record(deployment, "volunteer.checked_in", "checked in at", by_id)


def check_out(deployment: Deployment, by_id: int | None = None) -> None:
    """End a deployment; before check-in it means they were stood down before arriving."""
    if deployment.checked_out_at is not None:
        raise Refused(f"{number(deployment.volunteer_id)} has already checked out of this.")
    arrived = deployment.checked_in_at is not None
    deployment.checked_out_at = utcnow()
    said = "checked out of" if arrived else "stood down before arriving at"
    _record(deployment, "volunteer.checked_out", said, by_id)


def _record(deployment: Deployment, action: str, said: str, by_id: int | None) -> None:
    audit.record(
        action,
        "volunteer",
        deployment.volunteer_id,
        actor_id=by_id,
        details={"deployment_id": deployment.id, "incident_id": deployment.incident_id},
    )
    if deployment.incident_id is not None:
        text = f"{number(deployment.volunteer_id)} {said} {where(deployment)}"
        incidents.log(deployment.incident_id, LOG_KIND, text, by_id)


def _incidents_of(volunteer: Volunteer) -> list[int]:
    """Active incidents this volunteer has been deployed in: the logs a change matters to."""
    query = (
        select(Incident.id)
        .join(Deployment, Deployment.incident_id == Incident.id)
        .where(Deployment.volunteer_id == volunteer.id, Incident.ended_at.is_(None))
        .distinct()
    )
    return sorted(db.session.scalars(query))


def set_active(volunteer: Volunteer, active: bool, by_id: int | None = None) -> None:
    if volunteer.active == active:
        return
    volunteer.active = active
    said = "marked active" if active else "marked inactive"
    audit.record(f"volunteer.{said.replace(' ', '_')}", "volunteer", volunteer.id, actor_id=by_id)
    for incident_id in _incidents_of(volunteer):
        incidents.log(incident_id, LOG_KIND, f"{number(volunteer)} {said}", by_id)


def delete(volunteer: Volunteer, by_id: int | None = None, *, by_volunteer: bool = False) -> None:
    """Delete a volunteer and their deployments now, at their request (audited by id)."""
    logs = _incidents_of(volunteer)
    deployments = len(volunteer.deployments)
    audit.record(
        "volunteer.deleted",
        "volunteer",
        volunteer.id,
        actor_id=by_id,
        details={"deployments": deployments, "by": "volunteer" if by_volunteer else "cvec"},
    )
    for incident_id in logs:
        text = f"{number(volunteer)}'s details deleted at their request"
        incidents.log(incident_id, LOG_KIND, text, by_id)
    forget_change_emails(to=volunteer.email)
    db.session.delete(volunteer)
    db.session.flush()


PURGE_BATCH = 500


def purge(today: date) -> int:
    """Delete volunteers whose retention ended before `today`, and their deployments; and take
    the details out of change emails whose links have expired.

    Safe on several machines at once: on PostgreSQL each takes rows the others have not
    locked (SKIP LOCKED). The caller commits.
    """
    forget_change_emails(before=utcnow() - timedelta(seconds=CHANGE_MAX_AGE_S))
    total = 0
    while True:
        ids = list(
            db.session.scalars(
                select(Volunteer.id)
                .where(Volunteer.retain_until < today)
                .order_by(Volunteer.id)
                .limit(PURGE_BATCH)
                .with_for_update(skip_locked=True)
            )
        )
        if not ids:
            break
        db.session.execute(delete_rows(Deployment).where(Deployment.volunteer_id.in_(ids)))
        db.session.execute(delete_rows(Volunteer).where(Volunteer.id.in_(ids)))
        total += len(ids)
    if total:
        db.session.expire_all()
        audit.record(
            "volunteer.purged",
            "volunteer",
            "retention",
            details={"count": total, "retained_until_before": today.isoformat()},
        )
    return total


# --- for other emergency pages (the CVEC map, the situation report) --------------------------


def counts_by_outcode() -> dict[str, int]:
    """Active volunteers per postcode district: counts only, for the map's density layer."""
    query = (
        select(Volunteer.outcode, func.count(Volunteer.id))
        .where(Volunteer.active.is_(True))
        .group_by(Volunteer.outcode)
    )
    return {outcode: count for outcode, count in db.session.execute(query)}


def deployed(incident: Incident | int) -> list[Deployment]:
    """Every deployment in an incident, oldest first (name volunteers with `number`)."""
    incident_id = incident if isinstance(incident, int) else incident.id
    return list(
        db.session.scalars(
            select(Deployment)
            .where(Deployment.incident_id == incident_id)
            .options(selectinload(Deployment.hub).selectinload(Hub.location))
            .order_by(Deployment.deployed_at, Deployment.id)
        )
    )


def on_duty(incident: Incident | int) -> int:
    """Volunteers checked in and not yet out in an incident."""
    incident_id = incident if isinstance(incident, int) else incident.id
    query = select(func.count(Deployment.id)).where(
        Deployment.incident_id == incident_id,
        Deployment.checked_in_at.is_not(None),
        Deployment.checked_out_at.is_(None),
    )
    return db.session.scalar(query) or 0
