"""The search's queries, ordered and cut to a page in the database on either engine.

A search's words (or, with no words, its need) are matched once, into a temporary table
(Words). When the matches are few (FEW), they and their buildings are read by key; otherwise,
with a place, candidates come from the spatial index first (SQLite's R*Tree `location_rtree`,
PostgreSQL's GiST index on each building's point, migration 0019): the buildings in a box
round the place, each service once at its nearest building (GROUP BY service, MIN distance),
then the matches joined to those. Area-wide services (no building; their districts
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
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, Join

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
    service_term,
)
from directory.search.fulltext import fts_relevance_steps, match
from directory.search.query import Query

# Totals are counted up to CAP + 1 rows, and shown as "more than CAP" beyond: ten pages,
# enough to browse; past them a worker narrows the search. Counting further read the whole
# radius of a town for a number nobody pages through (200 ms a search on PostgreSQL).
CAP = 200
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


class InOrder(Join):
    """An inner join whose left side SQLite reads first (CROSS JOIN … ON, which its planner
    never reorders); a plain JOIN elsewhere. For a search's few matches: without statistics
    on the temporary table, SQLite would rather scan every building's services and look each
    up in the matches."""

    inherit_cache = True


class OnlineFirst(InOrder):
    """InOrder from the services through their partial index over online services (migration
    0024), which SQLite, with no statistics, would not choose: it would rather read every
    published service."""

    inherit_cache = True
    index = "ix_service_online"


@compiles(InOrder, "sqlite")
def _in_order(join: InOrder, compiler: Any, **kw: Any) -> str:
    kw["asfrom"] = True
    left = compiler.process(join.left, **kw)
    if isinstance(join, OnlineFirst):
        left += f" INDEXED BY {join.index}"
    return (
        f"{left} CROSS JOIN "
        f"{compiler.process(join.right, **kw)} ON "
        f"{compiler.process(join.onclause, **kw)}"
    )


def _from_matches(origin: geo.Point, miles: float) -> Select:
    """nearest() read from the search's matches: each matching service's buildings by key (a
    few thousand lookups), rather than every building near the place."""
    south, north, west, east = box(origin, miles)
    d2 = _distance(origin, Location.latitude, Location.longitude)
    sal = ServiceAtLocation
    joined = InOrder(
        InOrder(_MATCHES, sal.__table__, sal.service_id == _MATCHES.c.sid),
        Location.__table__,
        Location.id == sal.location_id,
    )
    return (
        select(
            _MATCHES.c.sid,
            func.min(d2).label("d2"),
            func.max(_MATCHES.c.relevance).label("relevance"),
        )
        .select_from(joined)
        .where(
            Location.latitude.between(south, north),
            Location.longitude.between(west, east),
            d2 <= _squared(miles),
        )
        .group_by(_MATCHES.c.sid)
    )


def nearest(origin: geo.Point, miles: float, words: Words | None = None) -> Select:
    """Each service with a building within `miles` of `origin`, once, at its nearest: columns
    sid and d2 (the squared distance), and relevance when there are matches (only the
    matching services' buildings are grouped)."""
    if words is not None and words.few:
        return _from_matches(origin, miles)
    source, building, inside, d2 = _buildings(origin, miles)
    sid = ServiceAtLocation.service_id
    statement = (
        select(sid.label("sid"), func.min(d2).label("d2"))
        .select_from(source.join(ServiceAtLocation, ServiceAtLocation.location_id == building))
        .where(*inside)
        .group_by(sid)
    )
    if words is not None:
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
# Up to this many matches, a search reads them and their buildings by key instead of every
# building near the place: a 20-mile search for "befriending" (1,850 matches among 50,000
# services) reads 2,000 links, not 20,000 buildings and 55,000 links. Measured on the bench
# county's 30-search mix (bench/search_mix.py): SQLite reads an index near the place cheaply
# and gains above 1,500 matches no more; PostgreSQL's rows cost more to visit from the place,
# so up to 6,000 matches it pays to start from them.
FEW = {"sqlite": 1500, "postgresql": 6000}
_MADE = (
    "CREATE TEMP TABLE IF NOT EXISTS search_match "
    "(sid INTEGER PRIMARY KEY, relevance INTEGER NOT NULL)"
)
# PostgreSQL never vacuums a temporary table: one made per transaction, dropped at its end
# (and gone with a rollback), leaves no dead rows behind on a pooled connection.
_MADE_PG = (
    "CREATE TEMP TABLE IF NOT EXISTS search_match "
    "(sid INTEGER PRIMARY KEY, relevance INTEGER NOT NULL) ON COMMIT DROP; "
    "DELETE FROM search_match"
)


def _added(statement: Any, parameters: dict | None = None) -> int:
    """Run an INSERT (or UPDATE): the rows it changed."""
    result: Any = db.session.execute(statement, parameters)
    return result.rowcount


class Words:
    """The services a search's words (or, with no words, its need) match, worked out once per
    search and written to a temporary table of the connection (`search_match`: sid,
    relevance), which every query of the search (a ring or two, the count, the online section)
    joins by key. SQLite fills it from FTS5, each word's list read once; PostgreSQL from the
    GIN index, each match's tsvector read once, not once a query for every row near the place
    (which cost 200–550 ms a search at 50,000 services)."""

    def __init__(self, words: list[str], need: str = ""):
        self.words = bool(words)  # False: the matches are the need's services
        postgres = db.engine.dialect.name == "postgresql"
        if postgres:
            # One round trip for both (PostgreSQL takes several statements without parameters).
            db.session.connection().exec_driver_sql(_MADE_PG)
        else:
            db.session.execute(text_clause(_MADE))
            db.session.execute(_MATCHES.delete())
        # How many were found: the rows each INSERT added (a title match is not added twice).
        size = 0
        if not words:
            need_ids = select(service_term.c.service_id, literal(0)).select_from(
                service_term.join(TaxonomyTerm)
            )
            size = _added(
                _MATCHES.insert().from_select(
                    ["sid", "relevance"], need_ids.where(TaxonomyTerm.code == need)
                )
            )
        elif postgres:
            found = match(words)
            assert found.condition is not None
            fill = select(ServiceSearch.service_id, found.relevance).where(found.condition)
            size = _added(_MATCHES.insert().from_select(["sid", "relevance"], fill))
        else:
            for statement, expression in fts_relevance_steps(words):
                added = _added(text_clause(statement), {"q": expression})
                size += added if statement.startswith("INSERT") else 0
        self.size = size
        self.few = size <= FEW["postgresql" if postgres else "sqlite"]

    def join(self, statement: Select, sid: Any) -> tuple[Select, Any]:
        """`statement` narrowed to the matches, and the relevance column."""
        return statement.join(_MATCHES, _MATCHES.c.sid == sid), _MATCHES.c.relevance


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
        .where(ServiceSearch.reach != "online", *_filters(query, text))
    )
    relevance: Any = literal(0) if text is None else near.c.relevance
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
            *_filters(query, text),
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
    read in the index's order, not sorted nor grouped, until CAP + 1 services are found (or,
    with few matches, the matches are read)."""
    text = words
    if text is not None and text.few:
        return count(local(query, text, origin, outcode, miles))
    source, building, inside, _ = _buildings(origin, miles)
    sid = ServiceAtLocation.service_id
    # The buildings are read from the index and the rest asked of each (EXISTS): no join the
    # planner could start from the published services instead, even with no statistics,
    # and the reading stops at CAP + 1 services.
    shown = (
        select(literal(1))
        .select_from(Service)
        .join(ServiceSearch, ServiceSearch.service_id == Service.id)
        .where(Service.id == sid, ServiceSearch.reach != "online", *_filters(query, text))
    )
    matched: list = []
    if text is not None:
        # The matches first: one lookup by key that leaves most buildings out.
        matched = [select(1).where(_MATCHES.c.sid == sid).exists()]
    # The links are read without DISTINCT (PostgreSQL's is a hash of every link in the radius
    # before the first row: 400 ms for a town's 10 miles) and the services told apart here;
    # a few more than CAP + 1 links almost always hold CAP + 1 services (6% have two sites).
    links = (
        select(sid)
        .select_from(source.join(ServiceAtLocation, ServiceAtLocation.location_id == building))
        .where(*inside, *matched, shown.exists())
    )
    enough = 2 * (CAP + 1)
    read = list(db.session.scalars(links.limit(enough)))
    found = len(set(read))
    if len(read) == enough and found <= CAP:
        found = count(links.distinct())  # many links to few services: count them properly
    if outcode and found <= CAP:
        found += count(_areas(query, text, outcode))
    return min(found, CAP + 1)


def online(query: Query, words: Words | None) -> Select:
    """Online-only services (their own section with a place): sid, relevance, by relevance
    then name."""
    # From the partial index over online services (migration 0024: review, name, id, status),
    # each looked up in the matches: no service's row is read unless a filter needs it.
    online_only = Service.online_only == True  # noqa: E712 - as the index's condition says
    statement = select(Service.id.label("sid")).where(online_only, *_filters(query, words))
    by_name = (func.lower(Service.name), Service.id)
    if words is None:
        # Joined to their search rows only for the index's sake (a key lookup each; SQLite
        # gives a plain FROM no index hint).
        search = ServiceSearch.__table__
        joined = OnlineFirst(Service.__table__, search, search.c.service_id == Service.id)
        return (
            statement.select_from(joined)
            .add_columns(literal(0).label("relevance"))
            .order_by(*by_name)
        )
    matched = OnlineFirst(Service.__table__, _MATCHES, _MATCHES.c.sid == Service.id)
    relevance = _MATCHES.c.relevance
    return (
        statement.select_from(matched)
        .add_columns(relevance.label("relevance"))
        .order_by(relevance.desc(), *by_name)
    )


def everywhere(query: Query, words: Words | None) -> Select:
    """Without a place: every service matching, by relevance then name (sid, relevance)."""
    statement = select(Service.id.label("sid")).where(*_filters(query, words))
    relevance: Any = literal(0)
    if words is not None:
        # The matches first: a word no service has reads nothing, not every service.
        matched = InOrder(_MATCHES, Service.__table__, Service.id == _MATCHES.c.sid)
        statement, relevance = statement.select_from(matched), _MATCHES.c.relevance
    return statement.add_columns(relevance.label("relevance")).order_by(
        relevance.desc(), func.lower(Service.name), Service.id
    )


def _filters(query: Query, words: Words | None) -> list:
    """The conditions on a service itself: published, open, and the filters asked for (the
    need only when the matches are not already the need's services)."""
    conditions: list[ColumnElement[bool]] = [
        Service.review == Review.published,
        Service.status.in_([ServiceStatus.active, ServiceStatus.temporarily_closed]),
    ]
    if query.need and (words is None or words.words):
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
