"""The search's queries, ordered and cut to a page in the database on either engine.

With a place, candidates come from the spatial index first (SQLite's R*Tree `location_rtree`,
PostgreSQL's GiST index on each building's point, migration 0019): the buildings in a box
round the place, each service once at its nearest building (GROUP BY service, MIN distance),
then the full-text match joined to those. Area-wide services (no building; their districts
cover the place) join them in a middle band. The order is band, relevance, distance:

    band 0: within 1 mile · 1: within 3 · 2: within 10, and area-wide services (after the
    buildings of their relevance) · 3: the rest of the radius

Distances in SQL are equirectangular (degrees of latitude, longitude scaled by the cosine of
the place's latitude, bound as a parameter): exact enough at county scale, and no
trigonometry per row. The miles shown are measured in Python for the page alone.

Online-only services are never local: their own query (online()), by relevance then name.
Without a place: relevance, then name.
"""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import (
    Float,
    Integer,
    Select,
    and_,
    case,
    column,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    union_all,
)
from sqlalchemy import text as text_clause
from sqlalchemy.sql.expression import ColumnElement

from accord import geo
from accord.extensions import db
from accord.models import Location, Review
from directory import taxonomy
from directory.models import (
    Capacity,
    Service,
    ServiceAtLocation,
    ServiceSearch,
    ServiceStatus,
    TaxonomyTerm,
)
from directory.search.fulltext import fts_relevance_steps, match
from directory.search.query import Query

# Totals are counted up to CAP + 1 rows, and shown as "more than CAP" beyond.
CAP = 1000
BANDS = (1.0, 3.0, 10.0)  # miles: the edges of bands 0, 1 and 2
AREA_BAND = 2
MILES_PER_DEGREE = geo.MILES_PER_DEGREE
# cos(52.7°), Shropshire's middle latitude: PostgreSQL's GiST index is on
# point(longitude * COS, latitude) (migration 0019); the text must match the index's.
COS = "0.6065"

_RTREE = table(
    "location_rtree",
    column("id", Integer),
    column("south", Float),
    column("north", Float),
    column("west", Float),
    column("east", Float),
)

Box = geo.Box
box = geo.box


def _squared(miles: float) -> float:
    """`miles` as the squared distance the queries compare (in degrees of latitude)."""
    return (miles / MILES_PER_DEGREE) ** 2


def _distance(origin: geo.Point, latitude: Any, longitude: Any) -> ColumnElement[Any]:
    """The squared equirectangular distance from `origin` to a building."""
    k = math.cos(math.radians(origin.latitude))
    dlat = latitude - literal(origin.latitude, Float)
    dlon = (longitude - literal(origin.longitude, Float)) * literal(k, Float)
    return dlat * dlat + dlon * dlon


def _buildings(origin: geo.Point, miles: float) -> tuple[Any, Any, list, Any]:
    """(source, building id, conditions) for the buildings inside the box round `origin` and
    within `miles` of it, read through the spatial index. SQLite reads the point from the
    R*Tree itself (its bounds are 32-bit floats rounded outwards: their middle is the point
    to within a metre), with no lookup of the building's row."""
    south, north, west, east = box(origin, miles)
    if db.engine.dialect.name == "postgresql":
        scale = float(COS)
        point: ColumnElement[Any] = literal_column(
            f"point(location.longitude * {COS}, location.latitude)"
        )
        corner = func.box(
            func.point(literal(west * scale, Float), literal(south, Float)),
            func.point(literal(east * scale, Float), literal(north, Float)),
        )
        d2 = _distance(origin, Location.latitude, Location.longitude)
        inside = [point.bool_op("<@")(corner), d2 <= _squared(miles)]
        return Location.__table__, Location.id, inside, d2
    rtree = _RTREE.c
    d2 = _distance(origin, (rtree.south + rtree.north) / 2, (rtree.west + rtree.east) / 2)
    inside = [
        rtree.north >= south,
        rtree.south <= north,
        rtree.east >= west,
        rtree.west <= east,
        d2 <= _squared(miles),
    ]
    return _RTREE, rtree.id, inside, d2


def nearest(origin: geo.Point, miles: float, words: Words | None = None) -> Select:
    """Each service with a building within `miles` of `origin`, once, at its nearest: columns
    sid and d2 (the squared distance), and relevance when SQLite's matches are joined here
    (only the matching services' buildings are grouped)."""
    source, building, inside, d2 = _buildings(origin, miles)
    sid = ServiceAtLocation.service_id
    statement = (
        select(sid.label("sid"), func.min(d2).label("d2"))
        .select_from(source.join(ServiceAtLocation, ServiceAtLocation.location_id == building))
        .where(*inside)
        .group_by(sid)
    )
    if words is not None and words.sqlite:
        statement = statement.join(_MATCHES, _MATCHES.c.sid == sid).add_columns(
            func.max(_MATCHES.c.relevance).label("relevance")
        )
    return statement


def rings(radius: float, words: bool, found: int = 0, needed: int = 0, ring: float = 0.0):
    """The next radius to look for a page in (None: the last was the whole radius), smallest
    first, until one holds the page: each ring's results are the first of the whole
    radius's, in order. With words relevance orders each band, so a ring holds whole bands;
    without, distance alone orders them, and a ring grows with the density found: from a
    tenth of a mile, to hold about twice the page by the last ring's count."""
    if ring >= radius:
        return None
    if words:
        return next((edge for edge in BANDS if edge > ring and edge < radius), radius)
    if not ring:
        return min(0.1, radius)
    # At most four times as far (sixteen times the area) at a time: nothing found says
    # little about how much the next ring holds.
    grow = min(4.0, max(2.0, math.sqrt(2 * needed / max(found, 1))))
    return min(ring * grow, radius)


def area_ring(radius: float) -> float:
    """The smallest ring that holds area-wide services: one covering their band."""
    return min(radius, BANDS[AREA_BAND])


_MATCHES = table("search_match", column("sid", Integer), column("relevance", Integer))


class Words:
    """The full-text match as a search's queries join it, worked out once per search.

    SQLite: the matches and their relevance are written once to a temporary table of this
    connection (`search_match`), which every query of the search (a ring or two, the count,
    the online section) joins by key: FTS5 reads each word's list once, not once a query.
    PostgreSQL: the search row's own tsvector, tested on the rows joined (the planner picks
    the GIN index or the rows near the place)."""

    def __init__(self, words: list[str]):
        self.found = match(words)
        self.sqlite = db.engine.dialect.name != "postgresql"
        if self.sqlite:
            db.session.execute(
                text_clause(
                    "CREATE TEMP TABLE IF NOT EXISTS search_match "
                    "(sid INTEGER PRIMARY KEY, relevance INTEGER NOT NULL)"
                )
            )
            db.session.execute(_MATCHES.delete())
            for statement, expression in fts_relevance_steps(words):
                db.session.execute(text_clause(statement), {"q": expression})

    def join(self, statement: Select, sid: Any) -> tuple[Select, Any]:
        """`statement` (which has service_search joined) narrowed to the matches, and the
        relevance column."""
        if self.sqlite:
            return statement.join(_MATCHES, _MATCHES.c.sid == sid), _MATCHES.c.relevance
        assert self.found.condition is not None
        return statement.where(self.found.condition), self.found.relevance


def local(query: Query, words: Words | None, origin: geo.Point, outcode: str, miles: float):
    """Every service shown for a place within `miles`: columns sid, d2, band, relevance (not
    yet ordered); area-wide ones too when `outcode` is given."""
    text = words
    near = nearest(origin, miles, text).subquery("near")
    band = case(
        *((near.c.d2 <= _squared(edge), n) for n, edge in enumerate(BANDS)), else_=len(BANDS)
    )
    built = (
        select(near.c.sid)
        .select_from(near)
        .join(Service, Service.id == near.c.sid)
        .join(ServiceSearch, ServiceSearch.service_id == near.c.sid)
        .where(ServiceSearch.reach != "online", *_filters(query))
    )
    relevance: Any = literal(0)
    if text is not None and text.sqlite:
        relevance = near.c.relevance
    elif text is not None:
        built, relevance = text.join(built, near.c.sid)
    built = built.add_columns(near.c.d2, band.label("band"), relevance.label("relevance"))
    if not outcode:
        return built
    return union_all(built, _areas(query, text, outcode))


def _areas(query: Query, text: Words | None, outcode: str) -> Select:
    """Area-wide services covering `outcode`: sid, d2, band, relevance (in the middle band,
    after the buildings of their relevance in it)."""
    areas = (
        select(ServiceSearch.service_id.label("sid"))
        .join(Service, Service.id == ServiceSearch.service_id)
        .where(
            ServiceSearch.reach == "area",
            ServiceSearch.areas.contains(f" {outcode} ", autoescape=True),
            ~exists().where(ServiceAtLocation.service_id == ServiceSearch.service_id),
            *_filters(query),
        )
    )
    relevance: Any = literal(0)
    if text is not None:
        areas, relevance = text.join(areas, ServiceSearch.service_id)
    return areas.add_columns(
        literal(_squared(BANDS[AREA_BAND]), Float).label("d2"),
        literal(AREA_BAND).label("band"),
        relevance.label("relevance"),
    )


def ordered_local(
    query: Query, words: Words | None, origin: geo.Point, outcode: str, miles: float
) -> Select:
    """The services shown for a place within `miles`, in the order shown: band, relevance,
    distance."""
    rows = local(query, words, origin, outcode, miles).subquery("shown")
    return select(rows).order_by(rows.c.band, rows.c.relevance.desc(), rows.c.d2, rows.c.sid)


def count(statement: Any) -> int:
    """How many rows `statement` gives, counting no further than CAP + 1."""
    capped = select(literal(1).label("one")).select_from(statement.subquery("counted"))
    return (
        db.session.scalar(
            select(func.count()).select_from(capped.limit(CAP + 1).subquery("capped"))
        )
        or 0
    )


def count_local(
    query: Query, words: Words | None, origin: geo.Point, outcode: str, miles: float
) -> int:
    """How many services `local` gives, counting no further than CAP + 1: the buildings are
    read in the index's order, not sorted nor grouped, until CAP + 1 services are found."""
    text = words
    source, building, inside, _ = _buildings(origin, miles)
    sid = ServiceAtLocation.service_id
    # The buildings are read from the index and the rest asked of each (EXISTS): no join the
    # planner could start from the published services instead, even with no statistics,
    # and the reading stops at CAP + 1 services.
    shown = (
        select(literal(1))
        .select_from(Service)
        .join(ServiceSearch, ServiceSearch.service_id == Service.id)
        .where(Service.id == sid, ServiceSearch.reach != "online", *_filters(query))
    )
    matched: list = []
    if text is not None and text.sqlite:
        # The matches first: one lookup by key that leaves most buildings out.
        matched = [select(1).where(_MATCHES.c.sid == sid).exists()]
    elif text is not None:
        shown = text.join(shown, Service.id)[0]
    found = (
        select(sid.label("sid"))
        .distinct()
        .select_from(source.join(ServiceAtLocation, ServiceAtLocation.location_id == building))
        .where(*inside, *matched, shown.exists())
    )
    parts: list[Select] = [select(found.subquery("buildings").c.sid)]
    if outcode:
        parts.append(_areas(query, text, outcode).with_only_columns(ServiceSearch.service_id))
    both = union_all(*parts) if len(parts) > 1 else parts[0]
    return count(both)


def online(query: Query, words: Words | None) -> Select:
    """Online-only services (their own section with a place): sid, relevance, by relevance
    then name."""
    statement = (
        select(ServiceSearch.service_id.label("sid"))
        .join(Service, Service.id == ServiceSearch.service_id)
        .where(ServiceSearch.reach == "online", *_filters(query))
    )
    relevance: Any = literal(0)
    if words is not None:
        statement, relevance = words.join(statement, ServiceSearch.service_id)
    return statement.add_columns(relevance.label("relevance")).order_by(
        relevance.desc(), func.lower(Service.name), Service.id
    )


def everywhere(query: Query, words: Words | None) -> Select:
    """Without a place: every service matching, by relevance then name (sid, relevance)."""
    statement = select(Service.id.label("sid")).where(*_filters(query))
    relevance: Any = literal(0)
    if words is not None:
        statement = statement.join(ServiceSearch, ServiceSearch.service_id == Service.id)
        statement, relevance = words.join(statement, Service.id)
    return statement.add_columns(relevance.label("relevance")).order_by(
        relevance.desc(), func.lower(Service.name), Service.id
    )


def _filters(query: Query) -> list:
    """The conditions on a service itself: published, open, and the filters asked for."""
    conditions: list[ColumnElement[bool]] = [
        Service.review == Review.published,
        Service.status.in_([ServiceStatus.active, ServiceStatus.temporarily_closed]),
    ]
    if query.need:
        conditions.append(taxonomy.has_term(TaxonomyTerm.code == query.need))
    if query.free:
        conditions.append(Service.is_free.is_(True))
    if query.age is not None:
        conditions += [
            or_(Service.minimum_age.is_(None), Service.minimum_age <= query.age),
            or_(Service.maximum_age.is_(None), Service.maximum_age >= query.age),
        ]
    if query.accepting:
        conditions.append(Service.capacity == Capacity.accepting)
    if query.route:
        conditions.append(_has_route(query.route))
    return conditions


def _has_route(route: str) -> ColumnElement[bool]:
    """The service lists `route` among its access routes (a JSON array)."""
    if db.engine.dialect.name == "postgresql":
        routes: ColumnElement[Any] = literal_column("service.access_routes::jsonb")
        return func.jsonb_exists(routes, literal(route)).is_(True)
    each = func.json_each(Service.access_routes).table_valued("value")
    return exists(select(1).select_from(each).where(each.c.value == route))


def access_features(ids: list[int], origin: geo.Point | None, miles: float) -> dict[int, set]:
    """Each service's accessibility features over its buildings (within `miles` of `origin`
    when there is one), for the access filter."""
    features: dict[int, set] = {sid: set() for sid in ids}
    statement = (
        select(ServiceAtLocation.service_id, Location.accessibility)
        .join(Location, Location.id == ServiceAtLocation.location_id)
        .where(ServiceAtLocation.service_id.in_(ids))
    )
    if origin is not None:
        south, north, west, east = box(origin, miles)
        statement = statement.where(
            and_(Location.latitude.between(south, north), Location.longitude.between(west, east))
        )
    for sid, accessibility in db.session.execute(statement):
        features[sid].update(accessibility or [])
    return features
