"""Mutual-aid networks: registering, review by CVEC, who covers a place, activation in incidents.

Theme 15 of the Shropshire Accord asks partners to "involve neighbourhood level mutual aid
networks". A network registers itself; CVEC checks it before it is published; during an
incident CVEC marks which networks are active. Plain functions: no `request` here.

What the public may see of a network is decided in one place, `public_view`.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, fields

from sqlalchemy import Select, func, select

from accord import audit, geo, geocoding
from accord.extensions import db
from accord.geo import Point
from accord.models import Review
from emergency import incidents
from emergency.models import Incident
from emergency.networks import areas, notices
from emergency.networks.areas import place_named
from emergency.networks.areas import town_key as _key
from emergency.networks.models import MutualAidNetwork, NetworkActivation

# What networks commonly offer: ticked on the form, stored as readable words in `offers`.
OFFERS = {
    "shopping": "shopping",
    "prescriptions": "collecting prescriptions",
    "befriending": "phone befriending",
    "checking_in": "checking on neighbours",
    "transport": "transport to appointments",
    "meals": "meals",
    "dog_walking": "dog walking",
}

MIN_RADIUS_MILES = 0.1
MAX_RADIUS_MILES = 30.0
MAX_ITEMS = 50
# The county boundary is at most 29 miles from its middle; a few more allow for networks that
# straddle the border (Llanymynech is half in Wales). Farther than that is not a county network.
COUNTY_MIDDLE = Point(52.65, -2.73)
COUNTY_REACH_MILES = 32.0
# The public sees a circle's centre to about half a mile, so a home postcode given as the
# centre of a network's area does not point at someone's house.
PUBLIC_DECIMALS = 2


class UnknownPlace(ValueError):
    """The circle's centre is not a place we can find; the message is for a person to read."""


@dataclass
class Details:
    """A network's details as the forms collect them, already checked."""

    name: str
    offers: str
    towns: list[str]
    outcodes: list[str]
    place: str
    radius_miles: float | None
    public_contact: str
    show_contact: bool
    private_contact: str


# --- words and places -----------------------------------------------------------------------


def split_list(text: str | None) -> list[str]:
    """'Wem, Prees\\nWhixall' → ['Wem', 'Prees', 'Whixall'], without blanks or repeats."""
    items: list[str] = []
    for raw in re.split(r"[,;\n\r]+", text or ""):
        item = " ".join(raw.split())
        if item and item.lower() not in {i.lower() for i in items}:
            items.append(item)
    return items


@functools.cache
def _place_outcodes() -> frozenset[str]:
    return frozenset(p.outcode for p in geo.places())


def shropshire_outcode(raw: str) -> str | None:
    """'sy1' → 'SY1' when it is a postcode district in or touching Shropshire, else None."""
    outcode = geo.outcode_of(raw)
    if outcode is None or geo.district_point(outcode) is None:
        return None
    if outcode in _place_outcodes() or outcode.startswith(("SY", "TF")):
        return outcode
    return None


def _sort_out(text: str | None, find: Callable[[str], str | None]) -> tuple[list[str], list[str]]:
    """The items of a list `find` knows, as it names them (no repeats), and those it does not."""
    known: list[str] = []
    unknown: list[str] = []
    for item in split_list(text):
        name = find(item)
        if name is None:
            unknown.append(item)
        elif name not in known:
            known.append(name)
    return known, unknown


def towns_of(text: str | None) -> tuple[list[str], list[str]]:
    """The towns and villages named in `text` (as the place list spells them), and the rest."""
    return _sort_out(text, lambda item: place.name if (place := place_named(item)) else None)


def outcodes_of(text: str | None) -> tuple[list[str], list[str]]:
    """The Shropshire postcode districts in `text` (a full postcode counts as its district)."""
    return _sort_out(text, shropshire_outcode)


def parse_miles(raw: str | None) -> float | None:
    """'2', '2.5 miles' → a number of miles; None when it is not a number (or NaN, infinity)."""
    text = (raw or "").strip().lower().removesuffix("miles").removesuffix("mile").strip()
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def locate(place: str) -> Point | None:
    """The centre of a network's circle: a postcode, a postcode district or a Shropshire place.

    None when the postcode service is down and we have no offline answer: the place is kept
    and the circle drawn later (`draw_circle`). UnknownPlace when no such place exists.
    """
    place = " ".join(place.split())
    point: Point | None
    if geo.normalise_postcode(place):
        try:
            found = geocoding.lookup_postcode(place)
        except geocoding.GeocoderUnavailable:
            return None
        if found is None or found.point is None:
            raise UnknownPlace(f"We could not find the postcode {place[:20]}. Check it is right")
        point = found.point
    elif town := place_named(place):
        point = town.point
    elif geo.outcode_of(place) and (district := geocoding.lookup_outcode(place)):
        point = district.point
    else:
        raise UnknownPlace(
            f"We could not find “{place[:40]}”. Enter a Shropshire town or village, "
            "or a postcode, like SY1 1AA"
        )
    if point is None or geo.miles_between(point, COUNTY_MIDDLE) > COUNTY_REACH_MILES:
        raise UnknownPlace(
            "That place is not in Shropshire. Enter a place or postcode in the county"
        )
    return point


def compose_offers(keys: list[str], other: str) -> str:
    """Ticked boxes and free text → readable words: 'Shopping and meals. Lifts on Fridays'."""
    words = [OFFERS[k] for k in OFFERS if k in keys]
    text = ""
    if words:
        listed = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
        text = listed[0].upper() + listed[1:] + "."
    return " ".join(part for part in (text, other.strip()) if part)


# --- registering and reviewing --------------------------------------------------------------


def _set_circle(network: MutualAidNetwork, place: str, radius: float | None) -> None:
    """Place and radius, and the centre when we can find it now (UnknownPlace if never)."""
    place = " ".join(place.split())
    if not place or radius is None:
        network.place, network.radius_miles = "", None
        network.latitude = network.longitude = None
        return
    if place != network.place or network.latitude is None:
        point = locate(place)
        network.latitude = point.latitude if point else None
        network.longitude = point.longitude if point else None
    network.place, network.radius_miles = place, radius


def _copy(network: MutualAidNetwork, details: Details) -> None:
    # The circle first: an unknown place raises before anything else has changed.
    _set_circle(network, details.place, details.radius_miles)
    for f in fields(Details):
        if f.name not in ("place", "radius_miles"):
            setattr(network, f.name, getattr(details, f.name))


def circle_pending(network: MutualAidNetwork) -> bool:
    """It has a place for its circle that the geocoder could not find yet."""
    return bool(network.place) and network.latitude is None


def register(details: Details) -> MutualAidNetwork:
    """A network registers itself: pending until CVEC approves. UnknownPlace for a bad centre."""
    network = MutualAidNetwork(review=Review.pending)
    _copy(network, details)
    db.session.add(network)
    db.session.flush()
    audit.record("network.registered", "mutual_aid_network", network.id)
    notices.registered(network)
    return network


def update(network: MutualAidNetwork, details: Details) -> list[str]:
    """CVEC edits a network's details; returns the names of the fields that changed."""
    before = {f.name: getattr(network, f.name) for f in fields(Details)}
    _copy(network, details)
    changed = [f.name for f in fields(Details) if getattr(network, f.name) != before[f.name]]
    if changed:
        audit.record(
            "network.updated", "mutual_aid_network", network.id, details={"fields": changed}
        )
    return changed


def draw_circle(network: MutualAidNetwork) -> bool:
    """Try again to find the centre of a circle the geocoder could not find at registration."""
    if not circle_pending(network):
        return False
    try:
        point = locate(network.place)
    except UnknownPlace:
        return False
    if point is None:
        return False
    network.latitude, network.longitude = point.latitude, point.longitude
    audit.record("network.circle_drawn", "mutual_aid_network", network.id)
    return True


def approve(network: MutualAidNetwork) -> None:
    draw_circle(network)
    was_published = network.review == Review.published
    network.review = Review.published
    network.review_note = ""
    audit.record("network.approved", "mutual_aid_network", network.id)
    if not was_published:
        notices.approved(network)


def reject(network: MutualAidNetwork, reason: str) -> None:
    network.review = Review.rejected
    network.review_note = reason
    audit.record("network.rejected", "mutual_aid_network", network.id)


def by_review() -> dict[str, list[MutualAidNetwork]]:
    """Every network, grouped pending (oldest first), published and rejected (A to Z)."""
    found: dict[str, list[MutualAidNetwork]] = {r.value: [] for r in Review}
    everything = db.session.scalars(select(MutualAidNetwork).order_by(MutualAidNetwork.created_at))
    for network in everything:
        found.setdefault(network.review, []).append(network)
    for review in (Review.published, Review.rejected):
        found[review].sort(key=lambda n: n.name.lower())
    return found


def published_statement() -> Select:
    """Published networks, A to Z (the public list pages through it)."""
    statement = select(MutualAidNetwork).where(MutualAidNetwork.review == Review.published)
    return statement.order_by(func.lower(MutualAidNetwork.name), MutualAidNetwork.id)


def published() -> list[MutualAidNetwork]:
    return list(db.session.scalars(published_statement()))


def published_network(network_id: int) -> MutualAidNetwork | None:
    network = db.session.get(MutualAidNetwork, network_id)
    return network if network is not None and network.review == Review.published else None


# --- who covers a place ---------------------------------------------------------------------


def _centres(network: MutualAidNetwork) -> list[Point]:
    points = []
    if network.latitude is not None and network.longitude is not None:
        points.append(Point(network.latitude, network.longitude))
    points += [town.point for t in network.towns if (town := place_named(t))]
    points += [centre for o in network.outcodes if (centre := geo.district_point(o))]
    return points


def _distance(network: MutualAidNetwork, origin: Point | None) -> float:
    """How far the nearest part of the network's area is from the origin (its middle)."""
    if origin is None:
        return 0.0
    return min((geo.miles_between(origin, c) for c in _centres(network)), default=math.inf)


def _in_circle(network: MutualAidNetwork, point: Point | None) -> bool:
    if point is None or network.latitude is None or network.longitude is None:
        return False
    centre = Point(network.latitude, network.longitude)
    return geo.miles_between(point, centre) <= (network.radius_miles or 0)


def _candidates(
    inside: Point | None, outcode: str | None, place: geo.Place | None, town_key: str
) -> list[MutualAidNetwork]:
    """Published networks that may cover the place, from their precomputed areas (areas.py):
    those of its district or town. A point with no district of its own (a place only a
    geocoder knew) could be in any circle, so then every published network is tested."""
    districts = {outcode} if outcode else set()
    if place is not None and place.outcode:
        districts.add(place.outcode)
    placed = outcode is not None or (place is not None and inside == place.point)
    if inside is not None and not placed:
        return published()
    statement = published_statement().where(areas.candidates(districts, town_key or None))
    return list(db.session.scalars(statement))


def covering(
    point: Point | None, outcode: str | None = None, town: str | None = None
) -> list[MutualAidNetwork]:
    """Published networks whose area holds the point (in its circle), the postcode district or
    the town (any case, English or Welsh name).

    Most specific first: a circle round the point, then naming the town, then the postcode
    district; within each, nearest first, then the one covering less ground.
    """
    outcode = geo.outcode_of(outcode) if outcode else None
    place = place_named(town) if town else None
    town_key = _key(place.name if place else town or "")
    # A town's own centre counts as a point in it; a district's centre may be in open fields.
    inside = point or (place.point if place else None)
    origin = inside or (geo.district_point(outcode) if outcode else None)
    found = []
    for network in _candidates(inside, outcode, place, town_key):
        if _in_circle(network, inside):
            tier = 0
        elif town_key and town_key in {_key(t) for t in network.towns}:
            tier = 1
        elif outcode and outcode in network.outcodes:
            tier = 2
        else:
            continue
        breadth = len(network.towns) + len(network.outcodes) + (network.radius_miles or 0)
        key = (tier, _distance(network, origin), breadth, network.name.lower(), network.id)
        found.append((key, network))
    return [network for _, network in sorted(found, key=lambda pair: pair[0])]


def near_incident(incident: Incident) -> tuple[list[MutualAidNetwork], list[MutualAidNetwork]]:
    """Published networks in the incident's area (nearest first), and the others (A to Z)."""
    centre = None
    if incident.latitude is not None and incident.longitude is not None:
        centre = Point(incident.latitude, incident.longitude)
    radius = incident.radius_miles or 0
    towns = {_key(t) for t in incident.towns or []}
    outcodes = {p.outcode for t in incident.towns or [] if (p := place_named(t))}
    if outcode := geo.outcode_of(incident.place):
        outcodes.add(outcode)
    inside, outside = [], []
    for network in published():
        reach = (network.radius_miles or 0) if network.latitude is not None else 0
        near = centre is not None and _distance(network, centre) <= radius + reach
        if near or towns & {_key(t) for t in network.towns} or outcodes & set(network.outcodes):
            inside.append(network)
        else:
            outside.append(network)
    inside.sort(key=lambda n: (_distance(n, centre), n.name.lower()))
    return inside, outside


# --- active in an incident ------------------------------------------------------------------


def active_in(incident: Incident) -> list[MutualAidNetwork]:
    """Published networks CVEC marked active in this incident, A to Z."""
    statement = (
        select(MutualAidNetwork)
        .join(NetworkActivation)
        .where(NetworkActivation.incident_id == incident.id)
        .where(MutualAidNetwork.review == Review.published)
        .order_by(func.lower(MutualAidNetwork.name))
    )
    return list(db.session.scalars(statement))


def active_ids(incident: Incident) -> set[int]:
    """The ids of active_in's networks, read as ids (no network loaded)."""
    statement = (
        select(NetworkActivation.network_id)
        .join(MutualAidNetwork)
        .where(NetworkActivation.incident_id == incident.id)
        .where(MutualAidNetwork.review == Review.published)
    )
    return set(db.session.scalars(statement))


class ActivationError(ValueError):
    """The network cannot be marked: the incident is over or the network is not published."""


def set_active(
    network: MutualAidNetwork, incident: Incident, active: bool, by_id: int | None = None
) -> bool:
    """Mark a network active or not in an incident, in its log and the audit; False if no change."""
    if not incident.active:
        raise ActivationError("That incident has been stood down")
    if active and network.review != Review.published:
        raise ActivationError("Only published networks can be marked active")
    existing = db.session.scalar(
        select(NetworkActivation).where(
            NetworkActivation.incident_id == incident.id,
            NetworkActivation.network_id == network.id,
        )
    )
    if active == (existing is not None):
        return False
    if active:
        db.session.add(NetworkActivation(incident_id=incident.id, network_id=network.id))
        state = "active"
    else:
        db.session.delete(existing)
        state = "not active"
    # The network's name is public; its contacts never go into the log.
    incidents.log(incident, "network", f"Mutual-aid network {network.name} marked {state}", by_id)
    audit.record(
        "network.activated" if active else "network.deactivated",
        "mutual_aid_network",
        network.id,
        actor_id=by_id,
        details={"incident_id": incident.id},
    )
    return True


# --- what the public sees -------------------------------------------------------------------


def _contact_url(contact: str) -> str:
    """A web address to link to, only http(s) (never javascript: or data:)."""
    text = contact.strip()
    if not text or any(c.isspace() for c in text) or "<" in text or '"' in text:
        return ""
    if text.lower().startswith("www."):
        text = "https://" + text
    if re.match(r"^https?://[^/\s]+\.[^/\s]+", text, re.IGNORECASE):
        return text
    return ""


def public_view(network: MutualAidNetwork) -> dict:
    """The only fields of a published network the public may see: pages, maps, GeoJSON.

    Never the private contact or the review note; the public contact only if the network said
    so; a full postcode at the circle's centre is shown as its district, the centre rounded.
    Raises ValueError for a network that is not published.
    """
    if network.review != Review.published:
        raise ValueError("only published networks are public")
    contact = network.public_contact.strip() if network.show_contact else ""
    place = network.place
    if postcode := geo.normalise_postcode(place):
        place = postcode.split(" ")[0]
    latitude = longitude = None
    if network.latitude is not None and network.longitude is not None:
        latitude = round(network.latitude, PUBLIC_DECIMALS)
        longitude = round(network.longitude, PUBLIC_DECIMALS)
    return {
        "id": network.id,
        "name": network.name,
        "offers": network.offers,
        "towns": list(network.towns),
        "outcodes": list(network.outcodes),
        "place": place,
        "radius_miles": network.radius_miles if place else None,
        "latitude": latitude,
        "longitude": longitude,
        "contact": contact,
        "contact_url": _contact_url(contact),
    }
