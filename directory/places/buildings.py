"""Adding and editing an organisation's community buildings: plain values in and out.

A building's details travel as a dict of FIELDS (the draft holds one; a revision holds the one
a published building had before an edit). A new building from a member waits for the
coordinator; an edit to a published building is live at once. Callers commit."""

from __future__ import annotations

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from accord import audit, geo, geocoding
from accord.clock import utcnow
from accord.extensions import db
from accord.models import Location, Organisation, Review
from directory import listings
from directory.models import Service, ServiceAtLocation
from directory.places.models import LocationRevision

# What a member sets; latitude and longitude come from the postcode.
ANSWERS = (
    "name",
    "description",
    "address",
    "town",
    "postcode",
    "accessibility",
    "facilities",
    "capacity",
    "opening_hours",
    "bookable",
    "booking",
    "booking_contact",
    "booking_contact_public",
    "owner",
    "hub_ready",
)
FIELDS = (*ANSWERS, "latitude", "longitude")
YES_NO = ("bookable", "hub_ready")


class RevertRefused(Exception):
    """The revision was reverted already, or its building is no longer published."""


def place(postcode: str) -> tuple[geo.Point | None, str]:
    """The point of a building's postcode, or the message for the postcode field."""
    try:
        found = geocoding.lookup_postcode(postcode)
    except geocoding.GeocoderUnavailable:
        return None, "We cannot look up postcodes at the moment. Try again in a few minutes"
    if found is None or found.point is None:
        return None, "We could not find that postcode. Check it and try again"
    return found.point, ""


def values_of(location: Location) -> dict:
    return {name: getattr(location, name) for name in FIELDS}


def values_from(answers: dict, point: geo.Point) -> dict:
    """A valid form's data → the values a Location takes."""
    values = {name: answers.get(name) for name in ANSWERS}
    for name in YES_NO:
        values[name] = answers.get(name) == "yes"
    values["postcode"] = geo.normalise_postcode(answers["postcode"]) or answers["postcode"]
    values["accessibility"] = list(answers.get("accessibility") or [])
    values["facilities"] = list(answers.get("facilities") or [])
    values["booking_contact_public"] = bool(answers.get("booking_contact_public"))
    for name in ("description", "opening_hours", "booking", "booking_contact"):
        values[name] = values[name] or ""
    values["latitude"], values["longitude"] = point.latitude, point.longitude
    return values


def form_data(values: dict) -> MultiDict:
    """Values → what the form would have posted, so "Change" shows the answers again."""
    data: MultiDict = MultiDict()
    for name in ANSWERS:
        value = values.get(name)
        if name in YES_NO:
            data.add(name, "yes" if value else "no")
        elif isinstance(value, list):
            for item in value:
                data.add(name, item)
        elif name == "booking_contact_public":
            if value:
                data.add(name, "y")
        elif value is not None:
            data.add(name, str(value))
    return data


def _apply(location: Location, values: dict) -> None:
    for name in FIELDS:
        if name in values:
            setattr(location, name, values[name])


def _reindex(location: Location) -> None:
    """Services at the building carry its name and town in their search text."""
    services = db.session.scalars(
        select(Service)
        .join(ServiceAtLocation)
        .where(ServiceAtLocation.location_id == location.id, Service.review == Review.published)
    )
    for service in services:
        listings.index(service)


def add(org: Organisation, values: dict, *, trusted: bool) -> Location:
    """A new building run by `org`: waiting for the coordinator, unless the coordinator adds it."""
    location = Location(operator=org, review=Review.published if trusted else Review.pending)
    _apply(location, values)
    db.session.add(location)
    db.session.flush()
    audit.record("location.created", "location", location.id, details={"review": location.review})
    return location


def edit(
    location: Location, values: dict, *, trusted: bool, by_id: int | None
) -> LocationRevision | None:
    """Change a building. Published, it stays published and its old values are kept as a
    revision (returned); a refused one goes back to the coordinator."""
    before = values_of(location)
    changed = [name for name in FIELDS if name in values and values[name] != before[name]]
    revision = None
    if location.review == Review.published and changed:
        revision = LocationRevision(
            location=location, before=before, changed=changed, edited_by_id=by_id
        )
        db.session.add(revision)
    elif location.review == Review.rejected:
        location.review = Review.published if trusted else Review.pending
    _apply(location, values)
    db.session.flush()
    if location.review == Review.published:
        _reindex(location)
    details: dict[str, object] = {"review": location.review, "changed": changed}
    if revision is not None:
        details["revision_id"] = revision.id
    audit.record("location.edited", "location", location.id, details=details)
    return revision


def revert(revision: LocationRevision, by_id: int | None) -> LocationRevision:
    """Put back what a published building held before an edit. What it holds now is kept as a
    revision too, so a revert can itself be reverted."""
    location = revision.location
    if revision.reverted_at is not None or location.review != Review.published:
        raise RevertRefused
    current = values_of(location)
    changed = [name for name in FIELDS if revision.before.get(name) != current[name]]
    undo = LocationRevision(
        location=location, before=current, changed=changed, kind="revert", edited_by_id=by_id
    )
    db.session.add(undo)
    _apply(location, {name: revision.before[name] for name in FIELDS if name in revision.before})
    revision.reverted_at = utcnow()
    revision.reverted_by_id = by_id
    db.session.flush()
    _reindex(location)
    audit.record(
        "location.reverted",
        "location",
        location.id,
        actor_id=by_id,
        details={"revision_id": revision.id, "undo_revision_id": undo.id},
    )
    return undo
