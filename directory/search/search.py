"""One search over services for SQLite (FTS5) and PostgreSQL (tsvector): words with typo
tolerance (words.py), need, place and radius (candidates.py), opening times on UK clocks,
cost, age, access and capacity; the results nearest (or most relevant) first, a page at a
time."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Row, and_, bindparam, func, select, text

from accord import geo, geocoding
from accord.clock import now_uk
from accord.extensions import db
from accord.models import Location, Organisation
from directory import hours, schedules
from directory.models import Schedule, Service, ServiceAtLocation
from directory.search import candidates, driver, online, shapes
from directory.search import matches as matched
from directory.search.candidates import CAP
from directory.search.fulltext import terms
from directory.search.matches import Words
from directory.search.query import Query
from directory.search.shapes import Plan
from directory.search.words import correct

PER_PAGE = 20
# What a result shows of a service (templates/directory/_result.html), in Listing's order.
SHOWN = (
    Service.id,
    Service.uuid,
    Service.name,
    Service.description,
    Service.phone,
    Service.status,
    Service.is_free,
    Service.online_only,
    Service.capacity,
    Service.assured_at,
)


class Owner(NamedTuple):
    name: str


@dataclass(slots=True)
class Place:
    """A building as a result shows it."""

    id: int
    name: str
    town: str
    latitude: float | None
    longitude: float | None


@dataclass(slots=True)
class Listing:
    """A service as a result shows it (the columns of SHOWN, its organisation, its buildings)."""

    id: int
    uuid: str
    name: str
    description: str
    phone: str
    status: str
    is_free: bool
    online_only: bool
    capacity: str
    assured_at: date | None
    organisation: Owner
    locations: list[Place]


# Built once: a statement made per search costs more to build than to run. The ids bound
# at each run (an expanding IN).
_SHOWN = (
    select(
        *SHOWN,
        Organisation.name.label("organisation"),
        Location.id.label("place_id"),
        Location.name.label("place"),
        Location.town,
        Location.latitude,
        Location.longitude,
    )
    .join(Organisation, Organisation.id == Service.organisation_id)
    .outerjoin(ServiceAtLocation, ServiceAtLocation.service_id == Service.id)
    .outerjoin(Location, Location.id == ServiceAtLocation.location_id)
    .where(Service.id.in_(bindparam("ids", expanding=True)))
    .order_by(ServiceAtLocation.id)
)
# PostgreSQL reads the same through a function that plans the query once for each connection
# (migration 0049): planned for each page's ids, as every statement is there, planning cost
# more than running it.
_SHOWN_PG = text("SELECT * FROM search_shown(CAST(:ids AS INTEGER[]))")
ONLINE_SHOWN = 5  # online-only services listed below the local ones
CHUNK = 500  # ordered ids read at a time when Python filters them


@dataclass
class Hit:
    service: Listing
    miles: float | None = None  # None: no place given, or area-wide / online
    location: Place | None = None
    covers_area: bool = False


@dataclass
class Results:
    hits: list[Hit]
    origin: geo.Point | None = None
    place_note: str = ""  # e.g. "We could not find that place": then nothing is found
    corrected: str = ""  # the words searched for after fixing misspellings
    wider: int = 0  # results within double the radius, when there are none within it
    total: int = 0  # every match, counted up to CAP + 1; `hits` may be one page of them
    online: list[Hit] = field(default_factory=list)  # online only, with a place: apart
    online_total: int = 0  # counted up to CAP + 1

    @property
    def more(self) -> bool:
        """Whether there are more than CAP results (the total shown as "more than CAP")."""
        return self.total > CAP


def origin_of(place: str) -> tuple[geo.Point | None, str]:
    """A postcode, district or Shropshire town → a point; never raises."""
    return geocoding.place_point(place)


def _schedules(ids: list[int]) -> dict[int, list[Row]]:
    """Each service's schedule rows: just the columns a rule needs (no ORM objects for
    thousands of rows)."""
    by_service: dict[int, list[Row]] = {}
    columns = [
        Schedule.service_id,
        Schedule.freq,
        Schedule.byday,
        Schedule.opens_at,
        Schedule.closes_at,
        Schedule.bymonthday,
        Schedule.valid_from,
        Schedule.valid_to,
        Schedule.description,
    ]
    for row in shapes.execute(select(*columns).where(Schedule.service_id.in_(ids))):
        by_service.setdefault(row.service_id, []).append(row)
    return by_service


def _open(query: Query, ids: list[int], now: datetime) -> set[int]:
    """The ids open now, or on the chosen day (the next such day from today); `now` is naive
    UK time."""
    closures = hours.closures(now.year)
    by_service = _schedules(ids)
    if query.when == "now":
        moment = now

        def test(found: list[schedules.Rule]) -> bool:
            return schedules.is_open(found, moment, closures)

    else:
        offset = (schedules.DAYS.index(query.when) - now.weekday()) % 7
        day: date = now.date() + timedelta(days=offset)

        def test(found: list[schedules.Rule]) -> bool:
            return schedules.open_on(found, day, closures)

    # Services share their hours ("Monday to Friday, 9 to 5"): each distinct set of rules is
    # tested once a search, not once a service.
    verdicts: dict[tuple[schedules.Rule, ...], bool] = {}
    kept = set()
    for sid, rows in by_service.items():
        found = tuple(hours.rules(rows))
        if found not in verdicts:
            verdicts[found] = test(list(found))
        if verdicts[found]:
            kept.add(sid)
    return kept


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
        south, north, west, east = geo.box(origin, miles)
        statement = statement.where(
            and_(Location.latitude.between(south, north), Location.longitude.between(west, east))
        )
    for sid, accessibility in shapes.execute(statement):
        features[sid].update(accessibility or [])
    return features


def _python_filters(query: Query, now: datetime, origin: geo.Point | None):
    """What SQL cannot say well, as a function of a chunk of ordered ids → the ids kept; None
    when nothing needs it."""
    if not query.when and not query.access:
        return None
    wanted = set(query.access)

    def keep(ids: list[int]) -> set[int]:
        kept = set(ids)
        if wanted:
            # Features count together over the buildings up to twice the radius.
            features = access_features(ids, origin, query.radius * 2)
            kept = {sid for sid in kept if wanted <= features[sid]}
        if query.when and kept:
            kept &= _open(query, sorted(kept), now)
        return kept

    return keep


def _take(plan: Plan, keep, offset: int, limit: int | None) -> tuple[list[Row], int]:
    """(the rows of one page, the total counted no further than CAP + 1). Without Python
    filters the database orders, cuts and counts; with them, the ordered ids are read in
    chunks (ids and order only, never whole rows) until the page and the cap are reached."""
    if keep is None:
        if limit is None:
            rows = list(plan.run())[offset:]
            return rows, min(offset + len(rows), candidates.CAP + 1)
        rows = plan.page(offset, limit)
        if offset == 0 and len(rows) < limit:
            return rows, len(rows)
        return rows, candidates.count(plan)
    enough = max(candidates.CAP + 1, offset + (limit or 0))
    kept: list[Row] = []
    for chunk in plan.run().partitions(CHUNK):
        passed = keep([row.sid for row in chunk])
        kept.extend(row for row in chunk if row.sid in passed)
        if len(kept) >= enough:
            break
    end = None if limit is None else offset + limit
    return kept[offset:end], min(len(kept), candidates.CAP + 1)


def run(
    query: Query, now: datetime | None = None, page: int = 1, per_page: int | None = None
) -> Results:
    """Services matching the query, in the order shown (see candidates.py); `per_page` None
    for all (up to the cap). Open now and open on a day are read on UK clocks (`now` naive UK
    time, or aware)."""
    now = schedules.local_time(now or now_uk())
    if query.when:
        query = replace(query, at=now)  # the moment the database's filter reads (opening.py)
    words = terms(correct(query.words))
    origin, note = origin_of(query.place)
    if note:
        # A place we cannot find is for the person to put right, never a search of the
        # whole county as if they had given none.
        return Results([], None, note)
    outcode = geo.outcode_of(query.place) or ""
    # PostgreSQL plans each search for its values, for data in memory: accord.POSTGRESQL_OPTIONS.
    keep = _python_filters(query, now, origin)
    offset = (page - 1) * per_page if per_page else 0
    corrected = " ".join(words) if words and " ".join(words) != query.words.lower().strip() else ""
    # With the access filter, services without a building never show (their features are
    # unknown), as before.
    here = "" if query.access else outcode
    ringed = keep is None and per_page is not None  # a page read a ring at a time
    matches = _matched(query, words, origin, here, ringed)
    if matches is not None and not matches.size:
        # Nothing matches: none near, none within twice the radius, none online.
        return Results([], origin, note, corrected)
    if origin is None:
        rows, total = _take(candidates.everywhere(query, matches), keep, offset, per_page)
        return Results(_hits(rows, None), None, note, corrected, 0, total)
    if ringed:
        rows, total = _nearest_page(query, matches, origin, here, offset, per_page or 0)
    else:
        ordered = candidates.ordered_local(query, matches, origin, here, query.radius)
        rows, total = _take(ordered, keep, offset, per_page)
    wider = 0
    if not total and not query.access:
        # Nothing to show: how many there are within twice the radius, to say so.
        if matches is not None:
            matches.widen(query.radius * 2)
        wider = candidates.count_local(query, matches, origin, here, query.radius * 2)
    online_rows, online_total = _online(query, matches, keep) if not query.access else ([], 0)
    # The page's services and the online section's, read together.
    services = _services([row.sid for row in [*rows, *online_rows]])
    return Results(
        _hits(rows, origin, services),
        origin,
        note,
        corrected,
        wider,
        total,
        _hits(online_rows, None, services),
        online_total,
    )


def _matched(
    query: Query, words: list[str], origin: geo.Point | None, outcode: str, ringed: bool
) -> Words | None:
    """The search's matches (None without words or a need). With a place, PostgreSQL reads
    the words round it only (within matches.NEAR_MILES); for a page read a ring at a time
    (`ringed`), those within fewer miles first (matches.MANY) and the rest if needed: within
    NEAR_MILES, or within the first band's mile for a radius up to NEAR_MILES. None near the
    place: those within twice the radius, to say how many there are."""
    if not words and not query.need:
        return None
    first = 0.0
    if ringed:
        # The first band holds the page of a word a town has hundreds of, and often the
        # cap's worth: "food" within 3 miles of TF3 4NB at 50,000 services cost 13.8 -> 10.6
        # ms of CPU on SQLite and 21.2 -> 17.4 on PostgreSQL (app and server), the mix 3%
        # and 2% less a search, in turns request by request; at 5,000 services the same.
        near = query.radius <= matched.NEAR_MILES
        first = candidates.BANDS[0] if near else matched.NEAR_MILES
    found = Words(words, query.need, query, origin, query.radius, outcode, first)
    if not found.size and origin is not None:
        found.widen(query.radius * 2)
    return found


def _online(query: Query, matches: Words | None, keep) -> tuple[list[Row], int]:
    """The online section's rows shown and their count: one query for both, online services
    being few (2% of them). Without Python's filters, the ONLINE_SHOWN rows alone are read,
    each with the count beside it (the database reads and sorts them all either way), not
    CAP + 1 rows for Python to count."""
    plan = online.section(query, matches)
    if keep is not None:
        rows, total = _take(plan, keep, 0, None)
        return rows[:ONLINE_SHOWN], total
    if matches is None:
        # Every online service, no match to narrow them: the first few read in order
        # (online.first), and the count apart, unordered (a count beside the rows sorts them
        # all: at 50,000 services 3.4 -> 1.0 ms on a slow machine).
        rows = list(online.first(query).run(limit=ONLINE_SHOWN))
        if len(rows) < ONLINE_SHOWN:
            return rows, len(rows)
        return rows, candidates.count(online.every(query))
    shown = plan.then(
        "shown",
        lambda s: s.add_columns(func.count().over().label("total")).limit(ONLINE_SHOWN),
    )
    rows = list(shown.run())
    return rows, min(rows[0].total, CAP + 1) if rows else 0


def _nearest_page(
    query: Query,
    matches: Words | None,
    origin: geo.Point,
    outcode: str,
    offset: int,
    limit: int,
) -> tuple[list[Row], int]:
    """(one page, the total up to CAP + 1) for a place, without reading the whole radius:
    rings from the place outwards, until one holds the page (candidates.rings); then the
    total: counted beside the last ring's page when it is the whole radius or holds more
    than the cap, else counted without ordering."""
    needed = offset + limit
    if matches is not None and matches.few:
        return _few_page(query, matches, origin, outcode, offset, limit)
    rows: list[Row] = []
    by_words = matches is not None and matches.words
    ring = candidates.rings(query.radius, by_words)
    while ring is not None:
        if matches is not None and ring > matches.miles:
            matches.widen(query.radius)  # a ring beyond the matches read round the place
        areas = outcode if ring >= candidates.area_ring(query.radius) else ""
        ordered = candidates.ordered_local(query, matches, origin, areas, ring)
        # Counted beside the page where it may be the total, or more than the cap.
        totalled = ring >= query.radius or matches is None or matches.size > candidates.CAP
        rows = (candidates.totalled(ordered) if totalled else ordered).page(0, needed)
        if ring >= query.radius:
            break
        if len(rows) >= needed:
            if _settled(rows, ring, query.radius):
                break
            # The page ends in a stale listing of a band the ring cuts: a wider ring, grown
            # by how many of its rows are settled (the band's edge, with words).
            ring = candidates.rings(query.radius, by_words, _placed(rows, ring), needed, ring)
            continue
        ring = candidates.rings(query.radius, by_words, len(rows), needed, ring)
    assert ring is not None
    counted = rows[0].total if rows and totalled else 0
    if ring >= query.radius or counted > candidates.CAP:
        # The whole radius's rows counted beside its page, or more than the cap within a
        # ring: the total is known ("food" within 3 miles of TF3 4NB at 50,000 services holds
        # 394 matches within its first mile, which were counted again within 3 miles).
        return rows[offset:], min(counted, candidates.CAP + 1)
    total = candidates.count_local(query, matches, origin, outcode, query.radius)
    if total <= candidates.CAP and matches is not None and matches.partial:
        # Fewer than the cap among the matches round the place: the whole radius's counted.
        matches.widen(query.radius)
        total = candidates.count_local(query, matches, origin, outcode, query.radius)
    return rows[offset:], total


def _settled(rows: list, ring: float, radius: float) -> bool:
    """Whether a ring's first rows are the whole radius's first rows. A ring ending inside a
    band holds that band's nearest listings only: its current ones are the band's nearest
    current ones, but a stale one among them would come after the band's current listings
    beyond the ring. Such a page is read again in a wider ring (_placed)."""
    if ring >= radius or ring in candidates.BANDS:
        return True
    return _placed(rows, ring) == len(rows)


def _placed(rows: list, ring: float) -> int:
    """How many of a ring's rows keep their place in the whole radius's order: all but the
    stale listings of the band the ring cuts. Without words a ring grows by these (rings):
    grown to the band's edge instead, a tenth of a mile of Shrewsbury's centre holding 31
    services of a need at 50,000 services, nine or more of them stale, was followed by the
    whole mile's 4,664 links (5.4 ms of PostgreSQL's time; 1.2 for the ring grown)."""
    partial = sum(edge < ring for edge in candidates.BANDS)
    return sum(not (row.band == partial and row.stale) for row in rows)


def _few_page(
    query: Query,
    matches: Words,
    origin: geo.Point,
    outcode: str,
    offset: int,
    limit: int,
) -> tuple[list[Row], int]:
    """(one page, the total) when the matches are few (candidates.FEW): one query over the
    matches within the whole radius gives both, the total counted beside the page."""
    ordered = candidates.ordered_local(query, matches, origin, outcode, query.radius)
    rows = candidates.totalled(ordered).page(offset, limit)
    if rows:
        return rows, min(rows[0].total, candidates.CAP + 1)
    return rows, candidates.count(ordered) if offset else 0


def _services(ids: list[int]) -> dict[int, Listing]:
    """The page's services with their buildings and organisations, as a result shows them:
    one query, plain rows (ORM objects for twenty services and their buildings cost more to
    build than the query does to run)."""
    services: dict[int, Listing] = {}
    if not ids:
        return services
    shown: Any = _SHOWN
    if db.engine.dialect.name == "postgresql":
        shown = _SHOWN_PG
        driver.keep(shown)
    for row in shapes.execute(shown, {"ids": ids}):
        service = services.get(row.id)
        if service is None:
            service = services[row.id] = Listing(
                row.id,
                row.uuid,
                row.name,
                row.description,
                row.phone,
                row.status,
                row.is_free,
                row.online_only,
                row.capacity,
                row.assured_at,
                Owner(row.organisation),
                [],
            )
        if row.place_id is not None:
            service.locations.append(
                Place(row.place_id, row.place, row.town, row.latitude, row.longitude)
            )
    return services


def _hits(
    rows: list[Row], origin: geo.Point | None, services: dict[int, Listing] | None = None
) -> list[Hit]:
    """The rows as results (their services read unless given). The miles shown are to each
    one's nearest building, measured here for the page alone."""
    ids = [row.sid for row in rows]
    if services is None:
        services = _services(ids)
    hits = []
    for sid in ids:
        service = services[sid]
        if origin is None:
            hits.append(Hit(service))
            continue
        placed = [
            (geo.miles_between(origin, geo.Point(loc.latitude, loc.longitude)), loc.id, loc)
            for loc in service.locations
            if loc.latitude is not None and loc.longitude is not None
        ]
        if not placed:
            hits.append(Hit(service, covers_area=True))
            continue
        miles, _, location = min(placed, key=lambda p: (p[0], p[1]))
        hits.append(Hit(service, miles, location))
    return hits
