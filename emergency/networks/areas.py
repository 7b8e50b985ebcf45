"""Where mutual-aid networks help, worked out once a network changes, not on every search.

`covering()` (networks.py) tests a network three ways: a circle holding the searched point,
a town it names, a postcode district it names. Testing every published network per request
cost most of /help, so each network's area is kept as index rows (`NetworkArea`):

- ("town", key) for each town it names (keys as `town_key` spells them);
- ("district", outcode) for each district it names, and each district its circle may reach:
  one whose centre is within the radius plus the district's own reach (the farthest of its
  postcodes from its centre), or that holds a place inside the circle;
- ("none", "") when it has none of these, so "no rows" always means "not worked out yet".

The rows are a superset: covering() still applies its exact tests, to these candidates only.
They are rewritten whenever a network is inserted or updated through the ORM (the mapper
events below); `rebuild()` (`flask emergency network-areas`) does every network, for rows
written around the ORM. A network with no rows yet is a candidate everywhere.
"""

from __future__ import annotations

import functools
import re

from sqlalchemy import ColumnElement, Connection, delete, event, exists, insert, or_, select
from sqlalchemy.orm import Mapper

from accord import geo
from accord.extensions import db
from accord.geo import Point
from emergency.networks.models import MutualAidNetwork, NetworkArea

# Welsh names of Shropshire towns, so a Welsh speaker on the border finds the same network.
WELSH_NAMES = {
    "Amwythig": "Shrewsbury",
    "Croesoswallt": "Oswestry",
    "Llwydlo": "Ludlow",
    "Yr Eglwys Wen": "Whitchurch",
    "Trefesgob": "Bishop's Castle",
}
# A district outside SY and TF (no bundled postcodes): assume it reaches this far.
UNKNOWN_REACH_MILES = 12.0
# A postcode newer than the bundled table may lie a little beyond the known ones.
SLACK_MILES = 0.5
TOWN, DISTRICT, NONE = "town", "district", "none"


def town_key(name: str) -> str:
    # "St. Martins" and "St Martin's", "Bishops Castle" and "Bishop's Castle" are the same.
    cleaned = re.sub(r"[’‘'`.]", "", name).replace("-", " ")
    return " ".join(cleaned.lower().split())


@functools.cache
def _places() -> dict[str, geo.Place]:
    table = {town_key(p.name): p for p in geo.places()}
    for welsh, english in WELSH_NAMES.items():
        table.setdefault(town_key(welsh), table[town_key(english)])
    return table


def place_named(name: str) -> geo.Place | None:
    """A Shropshire town or village by its name, in English or Welsh, any case."""
    return _places().get(town_key(name))


@functools.cache
def _reach() -> dict[str, float]:
    """Each SY and TF district's reach: its farthest bundled postcode from its centre."""
    reach: dict[str, float] = {}
    for postcode, point in geo._postcodes().items():
        outcode = postcode.split(" ")[0]
        if centre := geo.district_point(outcode):
            reach[outcode] = max(reach.get(outcode, 0.0), geo.miles_between(centre, point))
    return reach


@functools.cache
def _district_centres() -> tuple[tuple[str, Point], ...]:
    return tuple((outcode, point) for outcode, (point, _) in geo._districts().items())


def circle_districts(centre: Point, radius: float) -> set[str]:
    """The districts a circle may reach (a superset: covering() tests the point itself)."""
    reach = _reach()
    found = set()
    for outcode, middle in _district_centres():
        # A degree of latitude is 69 miles: skip the far ones before the trigonometry.
        if abs(middle.latitude - centre.latitude) * 69 > radius + UNKNOWN_REACH_MILES + 1:
            continue
        extent = reach.get(outcode, UNKNOWN_REACH_MILES) + SLACK_MILES
        if geo.miles_between(centre, middle) <= radius + extent:
            found.add(outcode)
    for place in geo.places():
        if place.outcode and geo.miles_between(centre, place.point) <= radius:
            found.add(place.outcode)
    return found


def keys(network: MutualAidNetwork) -> set[tuple[str, str]]:
    found = {(TOWN, town_key(t)) for t in network.towns or []}
    found |= {(DISTRICT, o) for o in network.outcodes or []}
    if network.latitude is not None and network.longitude is not None and network.radius_miles:
        centre = Point(network.latitude, network.longitude)
        found |= {(DISTRICT, o) for o in circle_districts(centre, network.radius_miles)}
    return found or {(NONE, "")}


def _write(connection: Connection, network: MutualAidNetwork) -> None:
    connection.execute(delete(NetworkArea).where(NetworkArea.network_id == network.id))
    rows = [{"network_id": network.id, "kind": k, "key": v} for k, v in sorted(keys(network))]
    connection.execute(insert(NetworkArea), rows)


@event.listens_for(MutualAidNetwork, "after_insert")
@event.listens_for(MutualAidNetwork, "after_update")
def _kept(mapper: Mapper, connection: Connection, network: MutualAidNetwork) -> None:
    _write(connection, network)


def rebuild() -> int:
    """Every network's rows again (after a bulk load or an upgrade); the caller commits."""
    everything = list(db.session.scalars(select(MutualAidNetwork)))
    connection = db.session.connection()
    for network in everything:
        _write(connection, network)
    return len(everything)


def candidates(districts: set[str], town: str | None) -> ColumnElement[bool]:
    """A WHERE clause: networks with a row for one of these districts or this town key, or
    with no rows at all (not worked out yet)."""
    match: ColumnElement[bool] = (NetworkArea.kind == DISTRICT) & NetworkArea.key.in_(
        sorted(districts)
    )
    if town:
        match = or_(match, (NetworkArea.kind == TOWN) & (NetworkArea.key == town))
    own = NetworkArea.network_id == MutualAidNetwork.id
    return or_(exists().where(own, match), ~exists().where(own))
