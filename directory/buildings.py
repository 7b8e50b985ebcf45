"""Community buildings by town: what /directory shows before a search, and a town's buildings a
page at a time (/directory/buildings?town=…&page=…).

Listing every published building on the first visit cost 1.9 s of CPU at 20,000 buildings
(issue 17): the first visit now counts them by town in one GROUP BY, and a town's page reads
one page of rows, ordered by name, through the index on (town, review, name, id).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import Float, func, literal, select

from accord import geo
from accord.extensions import db
from accord.models import Location, Review

PER_PAGE = 30
# Buildings near a place: the nearest this many within so many miles, read through the
# latitude/longitude index (a box round the place), nearest first.
NEAR_MAX, NEAR_MILES = 30, 5.0
# A town name no longer than the column can hold; anything else names no town.
TOWN_MAX = 100


@dataclass(frozen=True)
class Town:
    name: str  # "" for the buildings with no town recorded
    buildings: int


@dataclass(frozen=True)
class Building:
    id: int
    name: str
    address: str
    postcode: str


@dataclass(frozen=True)
class Nearby:
    building: Building
    miles: float


@dataclass(frozen=True)
class TownPage:
    town: str
    total: int
    page: int
    pages: int
    buildings: list[Building]


def _published():
    return Location.review == Review.published


def towns() -> list[Town]:
    """Every town with published buildings and how many, A to Z (no town recorded last)."""
    rows = db.session.execute(
        select(Location.town, func.count(Location.id))
        .where(_published())
        .group_by(Location.town)
        .order_by(Location.town)
    ).all()
    found = [Town(name, count) for name, count in rows]
    return [t for t in found if t.name] + [t for t in found if not t.name]


def valid_town(text: str) -> bool:
    # PostgreSQL refuses a NUL in a string parameter: such a town is simply not found.
    return len(text) <= TOWN_MAX and "\x00" not in text


def page_number(text: str | None) -> int | None:
    """`?page=` as a page number from 1; None for anything else (it names no page)."""
    if text is None or text == "":
        return 1
    if not text.isascii() or not text.isdigit() or len(text) > 9:
        return None
    number = int(text)
    return number if number >= 1 else None


def in_town(town: str, page: int, per_page: int = PER_PAGE) -> TownPage | None:
    """One page of a town's published buildings by name; None when the town has none or the
    page is past the last (the caller answers 404)."""
    if not valid_town(town):
        return None
    where = (_published(), Location.town == town)
    total = db.session.scalar(select(func.count(Location.id)).where(*where)) or 0
    pages = -(-total // per_page)
    if total == 0 or page > pages:
        return None
    # The page's ids first, from the index alone (town, review, name, id: migration 0023),
    # then their rows: a deep page skips index entries, not rows (PostgreSQL read and
    # sorted all 5,557 of Shrewsbury's rows for its last page, 8.5 ms; now 1.7 ms).
    chosen = (
        select(Location.id)
        .where(*where)
        .order_by(Location.name, Location.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
        .subquery()
    )
    rows = db.session.execute(
        select(Location.id, Location.name, Location.address, Location.postcode)
        .join(chosen, chosen.c.id == Location.id)
        .order_by(Location.name, Location.id)
    ).all()
    return TownPage(town, total, page, pages, [Building(*row) for row in rows])


def near(origin: geo.Point, miles: float = NEAR_MILES, limit: int = NEAR_MAX) -> list[Nearby]:
    """The published buildings nearest `origin` within `miles`, nearest first, at most
    `limit`: the database orders the box's buildings by a flat-earth distance (exact enough
    to choose them) and returns `limit` rows; their miles are then measured properly."""
    south, north, west, east = geo.box(origin, miles)
    k = math.cos(math.radians(origin.latitude))
    dlat = Location.latitude - literal(origin.latitude, Float)
    dlon = (Location.longitude - literal(origin.longitude, Float)) * literal(k, Float)
    d2 = dlat * dlat + dlon * dlon
    inside = (Location.latitude.between(south, north), Location.longitude.between(west, east))

    def nearest(*where) -> list:
        columns = (Location.id, Location.name, Location.address, Location.postcode)
        statement = select(*columns, Location.latitude, Location.longitude)
        return list(
            db.session.execute(
                statement.where(_published(), *where).order_by(d2, Location.id).limit(limit)
            ).all()
        )

    # The nearest ids first, from the latitude/longitude index alone (in the middle of
    # Shrewsbury the box holds 4,000 buildings: 11 ms to read their rows on SQLite, 3 ms
    # this way), twice as many as wanted for the few not published; when more than half of
    # them are not, the table itself is asked.
    ids = list(
        db.session.scalars(
            select(Location.id).where(*inside).order_by(d2, Location.id).limit(2 * limit)
        )
    )
    rows = nearest(Location.id.in_(ids)) if ids else []
    if len(rows) < limit and len(ids) == 2 * limit:
        rows = nearest(*inside)
    found = [
        Nearby(Building(id_, name, address, postcode), geo.miles_between(origin, geo.Point(y, x)))
        for id_, name, address, postcode, y, x in rows
        if y is not None and x is not None  # never, inside the box: for the type checker
    ]
    return sorted((f for f in found if f.miles <= miles), key=lambda f: f.miles)
