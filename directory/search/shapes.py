"""A search's statements, built once for each shape of search and run with each search's
values bound: the place, the radius, the filters' values, the page. Building a statement and
working out its cache key cost SQLAlchemy more than SQLite took to run it (about 2 ms of a
search's 10 at 5,000 services); a statement kept is compiled once and its key remembered.

A shape is what changes the SQL's text: the engine, which query, whether the matches are
few, whether there are words, a need or neither, an area to add, which filters are on.
Everything else is a value: a statement never holds one, so a kept statement can never
answer with another search's (tests/directory/search/test_plans.py runs searches of one
shape one after another and compares them with statements built afresh).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, NamedTuple

from sqlalchemy import BigInteger, Date, Float, Integer, String, bindparam

from accord import geo
from accord.extensions import db
from accord.text import like_escaped
from directory import freshness
from directory.search import cells, driver, opening
from directory.search.query import Query

# cos(52.7°), Shropshire's middle latitude: PostgreSQL's GiST index is on
# point(longitude * COS, latitude) (migration 0019); the text must match the index's.
COS = "0.6065"

# The values a statement may hold, each bound by name at each run.
LAT, LON, K = (bindparam(name, type_=Float) for name in ("lat", "lon", "k"))
SOUTH, NORTH, WEST, EAST = (bindparam(n, type_=Float) for n in ("south", "north", "west", "east"))
WEST_X, EAST_X = bindparam("west_x", type_=Float), bindparam("east_x", type_=Float)
REACH = bindparam("reach2", type_=Float)  # the radius, as a squared distance (degrees²)
# The place's district among the area-wide services' `areas` (a LIKE pattern, PostgreSQL),
# and its run of the place-ordered index (cells.district_run, SQLite): those that cover it.
AREA = bindparam("area", type_=String)
AREA_FIRST = bindparam("area_first", type_=BigInteger)
AREA_LAST = bindparam("area_last", type_=BigInteger)
NEED, ROUTE = bindparam("need", type_=String), bindparam("route", type_=String)
AGE = bindparam("age", type_=Integer)
LIMIT, OFFSET = bindparam("limit", type_=Integer), bindparam("offset", type_=Integer)
# A listing last checked before this day (or never) may be out of date (directory/freshness):
# a value, as the day moves on while a kept statement does not.
STALE = bindparam("stale_before", type_=Date)

_KEPT: dict[tuple, Any] = {}


def kept(key: tuple, build: Callable[[], Any], generic: bool = False) -> Any:
    """The statement of this shape, built the first time it is asked for (`generic`: planned
    once for any values on PostgreSQL, driver.py)."""
    key = (db.engine.dialect.name, *key)
    statement = _KEPT.get(key)
    if statement is None:
        statement = _KEPT[key] = build()
        if key[0] == "postgresql":
            driver.keep(statement, generic)
    return statement


def forget() -> None:
    """Build every statement afresh from now on (tests compare the two)."""
    _KEPT.clear()
    driver.forget()


def filters(query: Query, need_filtered: bool) -> tuple:
    """The filters' part of a shape."""
    return (
        need_filtered,
        query.free,
        query.age is not None,
        query.accepting,
        bool(query.route),
        query.when == "now",
        bool(query.when),
    )


def squared(miles: float) -> float:
    """`miles` as the squared distance the queries compare (in degrees of latitude)."""
    return (miles / geo.MILES_PER_DEGREE) ** 2


def place(origin: geo.Point, miles: float) -> dict[str, float]:
    """The values of a place and radius: the point, its longitude scale, the box round it
    (and the same box scaled as PostgreSQL's index is), and the radius squared."""
    south, north, west, east = geo.box(origin, miles)
    scale = float(COS)
    return {
        "lat": origin.latitude,
        "lon": origin.longitude,
        "k": math.cos(math.radians(origin.latitude)),
        "south": south,
        "north": north,
        "west": west,
        "east": east,
        "west_x": west * scale,
        "east_x": east * scale,
        "reach2": squared(miles),
    }


def values(query: Query, outcode: str = "") -> dict[str, Any]:
    """The filters' values (and the district for area-wide services), and the day before
    which a listing counts as out of date."""
    first, last = cells.district_run(outcode) if outcode else (1, 0)
    return {
        "need": query.need,
        "age": query.age,
        "route": query.route,
        "area": f"% {like_escaped(outcode)} %",
        "area_first": first,
        "area_last": last,
        "stale_before": freshness.stale_before(),
        **opening.values(query),
    }


def execute(statement: Any, values: dict[str, Any] | None = None, **options: Any) -> Any:
    """Run a search's statement on the session's connection, in its transaction. The session's
    own execute adds the ORM's layer (an autoflush, the ORM's loading of what are plain rows)
    to each of the 6 to 12 statements a search sends, for nothing: a search reads plain rows
    and writes to its temporary table alone. Reading a page's 25 services: 0.72 -> 0.55 ms of
    CPU (the fastest of 40 batches of 30, on a machine where a hello app's request took 0.4)."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        # A kept statement through psycopg itself (driver.py).
        return driver.execute(connection, statement, values or {}, options)
    return connection.execute(statement, values or {}, execution_options=options or None)


class Plan(NamedTuple):
    """A statement of a shape (built at most once, by `build`) and the values to run it with."""

    key: tuple
    build: Callable[[], Any]
    values: dict[str, Any]
    # Whether its plan is the same whatever the values (driver.py): a statement that starts
    # from the search's matches, looked up by key, and not from an index read by the values.
    generic: bool = False

    def then(self, name: str, change: Callable[[Any], Any]) -> Plan:
        """The same search through another statement made from this one (a page, a count)."""
        build = self.build
        return Plan((*self.key, name), lambda: change(build()), self.values, self.generic)

    def run(self, **more: Any) -> Any:
        statement = kept(self.key, self.build, self.generic)
        return execute(statement, {**self.values, **more})

    def page(self, offset: int, limit: int) -> list:
        paged = self.then("page", lambda statement: statement.limit(LIMIT).offset(OFFSET))
        return list(paged.run(limit=limit, offset=offset))
