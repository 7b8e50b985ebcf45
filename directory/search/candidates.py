"""The search's queries, ordered and cut to a page in the database on either engine.

A search's words (or, with no words, its need) are matched once, into a temporary table
(Words). When the matches are few (FEW), or read round the place and not too many
(Words.by_key), their links are read by key, each link with its building's point (migration
0041); otherwise, with a place, candidates come from the spatial
index first (SQLite's R*Tree over buildings, `location_rtree`, migration 0019; PostgreSQL's GiST
index on each link's point, 0041): the links in a box round the place, each service once at its
nearest building (GROUP BY service, MIN distance), then the matches joined to those.
Area-wide services (no building; their districts cover the place) join them in a middle
band. The order is band, relevance, distance:

    band 0: within 1 mile · 1: within 3 · 2: within 10, and area-wide services (after the
    buildings of their relevance) · 3: the rest of the radius

Distances in SQL are equirectangular (degrees of latitude, longitude scaled by the cosine of
the place's latitude, bound as a parameter): exact enough at county scale, and no
trigonometry per row. The miles shown are measured in Python for the page alone.

Online-only services are never local: their own query (online()), current first, then by
relevance, then name. Without a place: current first, relevance, then name.
"""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import (
    Float,
    Integer,
    Select,
    case,
    column,
    exists,
    func,
    literal,
    literal_column,
    select,
    table,
    union_all,
)
from sqlalchemy.sql.expression import ColumnElement

from accord import geo
from accord.extensions import db
from accord.text import LIKE_ESCAPE
from directory.models import (
    Service,
    ServiceAtLocation,
    ServiceSearch,
)
from directory.search import shapes
from directory.search.conditions import (
    filters,
    linked_stale,
    local_filters,
    need_filtered,
    plain,
    stale,
)
from directory.search.fulltext import SITES
from directory.search.joins import InOrder
from directory.search.matches import IN_RING, Words, ring_runs
from directory.search.matches import MATCHES as _MATCHES
from directory.search.query import Query
from directory.search.shapes import Plan

# Totals are counted up to CAP + 1 rows, and shown as "more than CAP" beyond: ten pages,
# enough to browse; past them a worker narrows the search. Counting further read the whole
# radius of a town for a number nobody pages through (200 ms a search on PostgreSQL).
CAP = 200
# A total over up to this many matches is counted from them, each looked up near the place by
# key (migration 0041), stopping at CAP + 1 services. Counted from the links near the place,
# a word one service in thirty has reads thirty links for each service it counts:
# "befriending" within 20 miles at 50,000 services took 5.2 ms from the links, 0.3 ms from its
# 1,843 matches (SQLite; PostgreSQL's "carers" within 10 miles, 6.4 -> 1.8 ms). Past this
# many, a small radius holds fewer links than there are matches to look up.
READS = {"sqlite": 12_000, "postgresql": 12_000}
BANDS = (1.0, 3.0, 10.0)  # miles: the edges of bands 0, 1 and 2
AREA_BAND = 2
MILES_PER_DEGREE = geo.MILES_PER_DEGREE
COS = shapes.COS

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


_squared = shapes.squared


def _distance(latitude: Any, longitude: Any) -> ColumnElement[Any]:
    """The squared equirectangular distance from the place (bound: lat, lon, and k, the
    cosine of its latitude) to a building."""
    dlat = latitude - shapes.LAT
    dlon = (longitude - shapes.LON) * shapes.K
    return dlat * dlat + dlon * dlon


def _links_near() -> tuple[Any, list, Any]:
    """(source, conditions, squared distance) for the services' links to buildings inside the
    box round the place and within the radius of it (bound values), read through the spatial
    index: on PostgreSQL the GiST index on each link's own point (migration 0041), the link
    alone; on SQLite the R*Tree over buildings, each building's links by its key. SQLite
    reads the point from the R*Tree itself (its bounds are 32-bit floats rounded outwards:
    their middle is the point to within a metre), with no lookup of the building's row. The
    source's service is ServiceAtLocation.service_id."""
    sal = ServiceAtLocation
    if db.engine.dialect.name == "postgresql":
        point: ColumnElement[Any] = literal_column(
            f"point(service_at_location.longitude * {COS}, service_at_location.latitude)"
        )
        corner = func.box(
            func.point(shapes.WEST_X, shapes.SOUTH), func.point(shapes.EAST_X, shapes.NORTH)
        )
        d2 = _distance(sal.latitude, sal.longitude)
        return sal.__table__, [point.bool_op("<@")(corner), d2 <= shapes.REACH], d2
    rtree = _RTREE.c
    d2 = _distance((rtree.south + rtree.north) / 2, (rtree.west + rtree.east) / 2)
    inside = [
        rtree.north >= shapes.SOUTH,
        rtree.south <= shapes.NORTH,
        rtree.east >= shapes.WEST,
        rtree.west <= shapes.EAST,
        d2 <= shapes.REACH,
    ]
    return _RTREE.join(sal, sal.location_id == rtree.id), inside, d2


def _from_matches(sited: bool, bare: bool) -> Select:
    """nearest() read from the search's matches: each matching service's links by key, each
    with its building's point (migration 0041: a few thousand lookups of one index), rather
    than every building near the place. Matches that say where they were read round the place
    (`sited`: Words.sited) are looked up only when their cell may be within the ring
    (IN_RING): a ring of a mile round a town holds a twentieth of the matches within five,
    which were all looked up for it. `bare` (a plain search): the links shown, each with its
    service's stale, from the link alone."""
    sal = ServiceAtLocation
    d2 = _distance(sal.latitude, sal.longitude)
    joined = InOrder(_MATCHES, sal.__table__, sal.service_id == _MATCHES.c.sid)
    near = [IN_RING] if sited else []
    statement = (
        select(
            _MATCHES.c.sid,
            func.min(d2).label("d2"),
            func.max(_MATCHES.c.relevance).label("relevance"),
        )
        .select_from(joined)
        .where(
            *near,
            sal.latitude.between(shapes.SOUTH, shapes.NORTH),
            sal.longitude.between(shapes.WEST, shapes.EAST),
            d2 <= shapes.REACH,
        )
        .group_by(_MATCHES.c.sid)
    )
    return _shown_links(statement) if bare else statement


def _shown_links(statement: Select) -> Select:
    """A statement over links narrowed to those whose service is shown by its buildings, with
    the service's stale beside each (the link's copy: migration 0054)."""
    return statement.where(ServiceAtLocation.shown).add_columns(linked_stale().label("stale"))


def nearest(words: Words | None = None, bare: bool = False) -> Select:
    """Each service with a building within the radius of the place (bound values), once, at
    its nearest: columns sid and d2 (the squared distance), and relevance when there are
    matches (only the matching services' buildings are grouped); `bare` (a plain search):
    the services shown alone, and stale."""
    if words is not None and words.by_key:
        return _from_matches(words.sited, bare)
    source, inside, d2 = _links_near()
    sid = ServiceAtLocation.service_id
    statement = (
        select(sid.label("sid"), func.min(d2).label("d2"))
        .select_from(source)
        .where(*inside)
        .group_by(sid)
    )
    if words is not None:
        statement = statement.join(_MATCHES, _MATCHES.c.sid == sid).add_columns(
            func.max(_MATCHES.c.relevance).label("relevance")
        )
    return _shown_links(statement) if bare else statement


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


def shape(query: Query, words: Words | None) -> tuple:
    """What of a search changes its statements' text (shapes.py)."""
    kind = "none" if words is None else "words" if words.words else "need"
    few = words is not None and words.few
    by_key = words is not None and words.by_key
    sited = by_key and words is not None and words.sited
    return (kind, few, by_key, sited, *shapes.filters(query, need_filtered(query, words)))


def local(query: Query, words: Words | None, areas: bool) -> Any:
    """Every service shown for the place within the radius: columns sid, d2, band, relevance,
    stale (not yet ordered); area-wide ones too when `areas`."""
    text = words
    bare = plain(query, text)
    near = nearest(text, bare).subquery("near")
    band = case(
        *((near.c.d2 <= _squared(edge), n) for n, edge in enumerate(BANDS)), else_=len(BANDS)
    )
    built = select(near.c.sid).select_from(near)
    if not bare:
        # Asked more of a service than its links say: its row, for each one.
        built = built.join(Service, Service.id == near.c.sid).where(*local_filters(query, text))
    relevance: Any = literal(0) if text is None else near.c.relevance
    built = built.add_columns(
        near.c.d2,
        band.label("band"),
        relevance.label("relevance"),
        (near.c.stale if bare else stale()).label("stale"),
    )
    if not areas:
        return built
    return union_all(built, _areas(query, text))


def _areas(query: Query, text: Words | None) -> Select:
    """Area-wide services covering the place's district (bound): sid, d2, band, relevance,
    stale (in the middle band, after the buildings of their relevance in it). SQLite reads
    the district's run of its place-ordered index (migration 0047) by key: not every
    area-wide service's districts (1,470 at 50,000 services: 0.51 -> 0.21 ms a statement).
    PostgreSQL reads the districts' index (0042): its planner, misled by the statistics of
    the runs' keys, would look up every service of the district's run for a building first
    (0.37 -> 0.96 ms); matches read by key that say their row round the place (sited) say
    their district's run, the one the runs round a place hold ("counselling": 0.32 ms)."""
    postgres = db.engine.dialect.name == "postgresql"
    sid: Any
    held: Any
    district: list[ColumnElement[bool]]
    if postgres and text is not None and text.by_key and text.sited:
        sid = held = _MATCHES.c.sid
        source: Any = InOrder(_MATCHES, Service.__table__, Service.id == sid)
        district = [_MATCHES.c.site.between(shapes.AREA_FIRST, shapes.AREA_LAST)]
    elif postgres:
        search = ServiceSearch.__table__
        source = InOrder(search, Service.__table__, Service.id == search.c.service_id)
        sid = held = search.c.service_id
        areas_like = ServiceSearch.areas.like(shapes.AREA, escape=LIKE_ESCAPE)
        district = [ServiceSearch.reach == "area", areas_like]
    else:
        sid = held = SITES.c.service_id
        sites: Any = SITES
        if text is not None:
            # Each service of the district's run looked up in the matches before anything
            # else is read of it, its links too (SQLite tests a condition as soon as the
            # table it names is read): a district's area-wide services are ten times as
            # many at 50,000 services as at 5,000 (300 in TF2), and each one's links and row
            # were read first: a ring of "carer support" round TF2 6AA 1.3 -> 0.6 ms, the mix
            # 7.51 -> 7.32 ms a search at 50,000 services in turns (bench/results.md, stop 49).
            sites = InOrder(SITES, _MATCHES, _MATCHES.c.sid == sid)
            held = _MATCHES.c.sid
        source = InOrder(sites, Service.__table__, Service.id == sid)
        district = [SITES.c.key.between(shapes.AREA_FIRST, shapes.AREA_LAST)]
    areas = (
        select(sid.label("sid"))
        .select_from(source)
        .where(
            *district,
            # One with a building is found by it (its reach is by its districts as well).
            ~exists().where(ServiceAtLocation.service_id == held),
            *filters(query, text),
        )
    )
    relevance: Any = literal(0)
    if text is not None and postgres and held is not _MATCHES.c.sid:
        # Not read from the matches: joined to them.
        areas, relevance = text.join(areas, sid)
    elif text is not None:
        relevance = _MATCHES.c.relevance
    return areas.add_columns(
        literal(_squared(BANDS[AREA_BAND]), Float).label("d2"),
        literal(AREA_BAND).label("band"),
        relevance.label("relevance"),
        stale().label("stale"),
    )


def _values(
    query: Query, origin: geo.Point, outcode: str, miles: float, words: Words | None = None
) -> dict[str, Any]:
    found = {**shapes.place(origin, miles), **shapes.values(query, outcode)}
    if words is not None and words.by_key and words.sited:
        found.update(ring_runs(origin, miles))
    return found


def ordered_local(
    query: Query, words: Words | None, origin: geo.Point, outcode: str, miles: float
) -> Plan:
    """The services shown for a place within `miles`, in the order shown: band, current before
    stale, relevance, distance."""

    def build() -> Select:
        rows = local(query, words, bool(outcode)).subquery("shown")
        return select(rows).order_by(
            rows.c.band, rows.c.stale, rows.c.relevance.desc(), rows.c.d2, rows.c.sid
        )

    key = ("ordered", bool(outcode), *shape(query, words))
    by_key = words is not None and words.by_key
    return Plan(key, build, _values(query, origin, outcode, miles, words), generic=by_key)


def _counted(statement: Any) -> Select:
    capped = select(literal(1).label("one")).select_from(statement.subquery("counted"))
    return select(func.count()).select_from(capped.limit(CAP + 1).subquery("capped"))


def count(plan: Plan) -> int:
    """How many rows `plan` gives, counting no further than CAP + 1."""
    return plan.then("count", _counted).run().scalar() or 0


def totalled(ordered: Plan) -> Plan:
    """An ordered plan whose rows each say how many there are in all (`total`), counted beside
    a page: the database reads and sorts them all for the page either way."""
    return ordered.then("total", lambda s: s.add_columns(func.count().over().label("total")))


def count_local(
    query: Query, words: Words | None, origin: geo.Point, outcode: str, miles: float
) -> int:
    """How many services `local` gives, counting no further than CAP + 1: the matches read
    in turn (up to READS of them), or the buildings read in the index's order, not sorted nor
    grouped, until CAP + 1 services are found."""
    text = words
    kind = shape(query, text)
    found_values = _values(query, origin, outcode, miles, text)
    if text is not None and text.few:
        plan = Plan(
            ("local", bool(outcode), *kind),
            lambda: local(query, text, bool(outcode)),
            found_values,
            generic=True,
        )
        return count(plan)
    if text is not None and text.size <= READS[db.engine.dialect.name]:
        # The matches are read whole: the services among them with a building near.
        near = Plan(
            ("matched near", *kind), lambda: _matched_near(query, text), found_values, generic=True
        )
        found = count(near)
    else:
        found = _counted_links(Plan(("links", *kind), lambda: _links(query, text), found_values))
    if outcode and found <= CAP:
        found += count(
            Plan(("areas", *kind), lambda: _areas(query, text), found_values, generic=True)
        )
    return min(found, CAP + 1)


def _counted_links(links: Plan) -> int:
    """How many services the links near the place (`_links`) are to, counting no further than
    CAP + 1: a few more than CAP + 1 links almost always hold CAP + 1 services."""
    enough = 2 * (CAP + 1)
    read = list(links.then("enough", lambda s: s.limit(enough)).run().scalars())
    found = len(set(read))
    if len(read) == enough and found <= CAP:
        # Many links to few services: count them properly.
        found = count(links.then("distinct", lambda s: s.distinct()))
    return found


def _links(query: Query, text: Words | None) -> Select:
    """The services' links to the buildings within the radius, read from the spatial index:
    one row a link (see count_local)."""
    source, inside, _ = _links_near()
    sid = ServiceAtLocation.service_id
    # The buildings are read from the index and the rest asked of each (EXISTS): no join the
    # planner could start from the published services instead, even with no statistics,
    # and the reading stops at CAP + 1 services.
    shown: Any = ServiceAtLocation.shown
    if not plain(query, text):
        shown = select(literal(1)).where(Service.id == sid, *local_filters(query, text)).exists()
    matched: list = []
    if text is not None:
        # The matches first: one lookup by key that leaves most buildings out.
        matched = [select(1).where(_MATCHES.c.sid == sid).exists()]
    # The links are read without DISTINCT (PostgreSQL's is a hash of every link in the radius
    # before the first row: 400 ms for a town's 10 miles) and the services told apart by
    # count_local; a few more than CAP + 1 links almost always hold CAP + 1 services (6% have
    # two sites).
    return select(sid).select_from(source).where(*inside, *matched, shown)


def _matched_near(query: Query, text: Words) -> Select:
    """The matching services with a building within the radius (see count_local): each match
    in turn, its links' points looked up by key (migration 0041) before anything else of it
    is read, so that a service far away costs one index lookup."""
    sal = ServiceAtLocation
    sid = _MATCHES.c.sid
    near = select(1).where(
        sal.service_id == sid,
        sal.latitude.between(shapes.SOUTH, shapes.NORTH),
        sal.longitude.between(shapes.WEST, shapes.EAST),
        _distance(sal.latitude, sal.longitude) <= shapes.REACH,
    )
    if plain(query, text):
        return select(sid).where(near.where(sal.shown).exists())
    shown = select(1).where(Service.id == sid, *local_filters(query, text))
    return select(sid).where(near.exists(), shown.exists())


def everywhere(query: Query, words: Words | None) -> Plan:
    """Without a place: every service matching, current before stale, then by relevance then
    name (sid, relevance)."""
    key = ("everywhere", *shape(query, words))
    return Plan(key, lambda: _everywhere(query, words), shapes.values(query))


def _everywhere(query: Query, words: Words | None) -> Select:
    statement = select(Service.id.label("sid")).where(*filters(query, words))
    relevance: Any = literal(0)
    if words is not None:
        # The matches first: a word no service has reads nothing, not every service.
        matched = InOrder(_MATCHES, Service.__table__, Service.id == _MATCHES.c.sid)
        statement, relevance = statement.select_from(matched), _MATCHES.c.relevance
    return statement.add_columns(relevance.label("relevance")).order_by(
        stale(), relevance.desc(), func.lower(Service.name), Service.id
    )
