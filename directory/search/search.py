"""One search over services for SQLite (FTS5) and PostgreSQL (tsvector): words with typo
tolerance, need, place and radius, opening times, cost, age, access and capacity."""

from __future__ import annotations

import difflib
import math
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import (
    Boolean,
    Float,
    Integer,
    Select,
    and_,
    bindparam,
    case,
    column,
    exists,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    table,
    text,
    true,
)
from sqlalchemy.orm import joinedload

from accord import geo, geocoding
from accord.clock import now_uk
from accord.extensions import db
from accord.models import Location, Review
from directory import hours, schedules
from directory.models import (
    Capacity,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceSearch,
    ServiceStatus,
    TaxonomyTerm,
    service_term,
)

RADII = (1, 3, 5, 10, 20, 50)
MAX_WORDS = 8
PER_PAGE = 20
# Misspellings seen in searches, and words people use for the same thing.
COMMON = {
    "foodbank": "food bank",
    "foodbanks": "food bank",
    "councelling": "counselling",
    "counciling": "counselling",
    "counseling": "counselling",
    "benifits": "benefits",
    "benefit": "benefits",
    "dementure": "dementia",
    "demensia": "dementia",
    "carer": "carers",
    "lonely": "loneliness",
    "bereavment": "bereavement",
    "beravement": "bereavement",
    "accomodation": "accommodation",
    "homeless": "homelessness",
    "alchohol": "alcohol",
    "alcahol": "alcohol",
    "depresion": "depression",
    "anxeity": "anxiety",
    "disabilty": "disability",
    "transprot": "transport",
    "volunteer": "volunteering",
    "wifi": "wi-fi",
}
WORD = re.compile(r"[a-z0-9]+")


@dataclass
class Query:
    words: str = ""
    need: str = ""
    place: str = ""
    radius: float = 10.0
    when: str = ""  # "" any time, "now", or a day code MO..SU
    free: bool = False
    age: int | None = None
    access: list[str] = field(default_factory=list)
    route: str = ""
    accepting: bool = False


@dataclass
class Hit:
    service: Service
    miles: float | None = None  # None: no place given, or online / area-wide
    location: Location | None = None
    covers_area: bool = False


@dataclass
class Results:
    hits: list[Hit]
    origin: geo.Point | None = None
    place_note: str = ""  # e.g. "We could not find that place"
    corrected: str = ""  # the words searched for after fixing misspellings
    wider: int = 0  # results within double the radius, when there are none within it
    total: int = 0  # every match; `hits` may be one page of them


# --- words ----------------------------------------------------------------------------------

VOCABULARY_TTL_S = 600


@dataclass
class _Vocabulary:
    """The index's words, and the same grouped for near misses: by length, and apart when
    all digits (house numbers, years), which can never be like a word without any."""

    built: float = 0.0
    words: set[str] = field(default_factory=set)
    groups: dict[tuple[int, bool], list[str]] = field(default_factory=dict)

    def add(self, new: set[str]) -> None:
        for word in new - self.words:
            self.groups.setdefault((len(word), word.isdigit()), []).append(word)
        self.words |= new

    def near(self, word: str) -> list[str]:
        """The only words that can be 80% like `word`, so get_close_matches gives the same
        answer from these as from the whole vocabulary: its ratio is 2·matching characters
        / both lengths, so a match is 2/3 to 3/2 as long, and shares some characters."""
        size, kinds = len(word), (False, True) if any(c.isdigit() for c in word) else (False,)
        return [
            candidate
            for n in range(size * 2 // 3, size * 3 // 2 + 1)
            for kind in kinds
            for candidate in self.groups.get((n, kind), ())
        ]


_vocabulary = _Vocabulary()


def clear_vocabulary() -> None:
    global _vocabulary
    _vocabulary = _Vocabulary()


def _words_of(text_: str) -> set[str]:
    return set(WORD.findall(text_.lower()))


def vocabulary() -> set[str]:
    """Words in the index, built once per process and refreshed every 10 minutes (this
    process's own edits are added as they are written: see `learn`)."""
    return _current_vocabulary().words


def _current_vocabulary() -> _Vocabulary:
    global _vocabulary
    if time.monotonic() - _vocabulary.built > VOCABULARY_TTL_S or not _vocabulary.words:
        fresh = _Vocabulary(built=time.monotonic())
        fresh.add(_words_of("\n".join(db.session.scalars(select(ServiceSearch.document)))))
        _vocabulary = fresh
    return _vocabulary


def learn(document: str) -> None:
    """A search document was written: its words can be suggested from now on, without
    rebuilding the vocabulary (a vocabulary not built yet will read it from the table)."""
    if _vocabulary.words:
        _vocabulary.add(_words_of(document))


def correct(words: str) -> list[str]:
    """Lower-case words with common misspellings fixed and near-misses matched to the index."""
    found = []
    known = None
    for word in WORD.findall(words.lower())[:MAX_WORDS]:
        word = COMMON.get(word, word)
        for part in word.split():
            if len(part) < 4:
                found.append(part)
                continue
            known = known if known is not None else _current_vocabulary()
            if part in known.words:
                found.append(part)
                continue
            close = difflib.get_close_matches(part, known.near(part), n=1, cutoff=0.8)
            found.append(close[0] if close else part)
    return found


# The full-text index per engine, made by migrations outside the models (0003 and 0006):
# PostgreSQL's stored tsvector column with its GIN index, SQLite's FTS5 table.
_PG_SEARCH = table("service_search", column("service_id", Integer), column("search_vector"))
_FTS5 = table("service_search_fts", column("rowid", Integer))


def _match(words: list[str]):
    """(the index to select from, its service id, the match condition if not already in that
    FROM, relevance) for words that must all be present, each as a prefix. Relevance is
    higher-is-better on both engines."""
    if db.engine.dialect.name == "postgresql":
        # Each tsquery is parsed once, as a FROM item; ts_rank reads the stored tsvector.
        # "food | food:*" matches exactly what "food:*" does, but the planner estimates it
        # from the word's own statistics, where a prefix alone is guessed at 2% of the rows
        # however common the word; with the real count it joins the buildings by hash.
        estimable = func.to_tsquery(
            literal_column("'english'::regconfig"),
            bindparam("fts_q", " & ".join(f"({w} | {w}:*)" for w in words)),
        ).alias("fts_query")
        ranked = func.to_tsquery(
            literal_column("'english'::regconfig"),
            bindparam("fts_rank_q", " & ".join(f"{w}:*" for w in words)),
        ).alias("fts_rank_query")
        vector = _PG_SEARCH.c.search_vector
        index = _PG_SEARCH.join(
            estimable, vector.op("@@", return_type=Boolean)(estimable.column)
        ).join(ranked, true())
        return index, _PG_SEARCH.c.service_id, None, func.ts_rank(vector, ranked.column)
    condition = text("service_search_fts MATCH :fts_q").bindparams(
        fts_q=" AND ".join(f'"{w}"*' for w in words)
    )
    # bm25 is lower-is-better; flip it so both engines rank the same way. "rowid + 0": joined
    # on the bare rowid, SQLite would start from the services and run the MATCH once for each
    # of them (seconds); this way it reads the matches once and looks the rest up by key.
    return _FTS5, _FTS5.c.rowid + 0, condition, -func.bm25(literal_column("service_search_fts"))


def matching_ids(words: list[str]) -> dict[int, float]:
    """service id → relevance (higher is better) for services whose text has every word."""
    if not words:
        return {}
    index, service_id, condition, relevance = _match(words)
    statement = select(service_id, relevance).select_from(index)
    if condition is not None:
        statement = statement.where(condition)
    rows = db.session.execute(statement)
    return {sid: float(rank) for sid, rank in rows}


# --- place ----------------------------------------------------------------------------------


def origin_of(place: str) -> tuple[geo.Point | None, str]:
    """A postcode, district or Shropshire town → a point; never raises."""
    return geocoding.place_point(place)


def _box(origin: geo.Point, miles: float) -> tuple[float, float, float, float]:
    """A latitude/longitude box a little larger than the circle, for the index to use."""
    dlat = miles / 69.0 * 1.01
    dlon = miles / (69.17 * max(math.cos(math.radians(origin.latitude)), 0.01)) * 1.01
    return (
        origin.latitude - dlat,
        origin.latitude + dlat,
        origin.longitude - dlon,
        origin.longitude + dlon,
    )


# --- the search -----------------------------------------------------------------------------


def _candidates(
    query: Query, words: list[str], origin: geo.Point | None, miles: float = 0.0
) -> Select:
    """One query for the whole search: each published service passing every filter SQL can
    apply, once per building that matters (with a place: those inside the box `miles` from
    it; otherwise: all of them, only to check access), and once with no building for
    services that have none (online, or serving an area).

    Columns: service id, building id, latitude, longitude, accessibility, online only and
    service areas (of services without a building), relevance, name, access routes. Only
    what this search needs is read; the rest are NULL. With words, the full-text match
    drives the query (from the index, not from every service), and relevance is computed
    for the rows returned only, not for every match in the county.
    """
    with_place, access = origin is not None, bool(query.access)
    unplaced = with_place and not access  # services without a building are shown then
    no_building = ServiceAtLocation.service_id.is_(None)  # on the outer join's side
    if words:
        index, service_id, condition, relevance = _match(words)
        where = select().select_from(index)
        if condition is not None:
            where = where.where(condition)
    else:
        service_id, relevance = Service.id, literal(0.0, Float)
        where = select().select_from(Service)
    building: list = [None, None, None, None]
    if with_place or access:
        south, north, west, east = _box(origin, miles) if with_place else (0,) * 4
        inside = (
            and_(Location.latitude.between(south, north), Location.longitude.between(west, east))
            if with_place
            else true()
        )
        where = where.join(
            ServiceAtLocation, ServiceAtLocation.service_id == service_id, isouter=unplaced
        ).join(
            Location,
            and_(Location.id == ServiceAtLocation.location_id, inside),
            isouter=unplaced,
        )
        if unplaced:
            # A building outside the box drops the row; no building at all keeps one. (Only
            # the columns of the (service_id, location_id) index are read: PostgreSQL can
            # answer from the index alone.)
            where = where.where(or_(Location.id.is_not(None), no_building))
        building = [
            Location.id,
            Location.latitude,
            Location.longitude,
            Location.accessibility if access else None,
        ]

    def columns(sid, building, no_building, relevance) -> list:
        return _labelled(
            service_id=sid,
            location_id=building[0],
            latitude=building[1],
            longitude=building[2],
            accessibility=building[3],
            online_only=case((no_building, Service.online_only)) if unplaced else None,
            service_areas=case((no_building, Service.service_areas)) if unplaced else None,
            relevance=relevance,
            name=None if with_place else Service.name,
            access_routes=Service.access_routes if query.route else None,
        )

    if words and db.engine.dialect.name == "postgresql":
        # Each service's own row is read for the matches the place leaves, not for every
        # match (as the planner would: it cannot tell how many rows the box leaves). OFFSET 0
        # keeps the two parts apart, so that is one lookup by key per row, after the box.
        found = (
            where.add_columns(
                *_labelled(
                    service_id=service_id,
                    location_id=building[0],
                    latitude=building[1],
                    longitude=building[2],
                    accessibility=building[3],
                    no_building=no_building if unplaced else None,
                    relevance=relevance,
                )
            )
            .offset(literal_column("0"))
            .subquery("found")
        )
        place = [found.c.location_id, found.c.latitude, found.c.longitude, found.c.accessibility]
        facts = (
            select(*columns(found.c.service_id, place, found.c.no_building, found.c.relevance))
            .where(Service.id == found.c.service_id, *_filters(query))
            .offset(literal_column("0"))
            .lateral("facts")
        )
        return select(*facts.c).select_from(found).join(facts, true())
    if words:
        # SQLite reads each match's service as early as it can; reached through the building
        # (the same id, or the match's when it has none) it waits until the building is
        # known to be inside the box, and reads a third as many.
        if with_place or access:
            service_id = func.coalesce(ServiceAtLocation.service_id, service_id)
        where = where.join(Service, Service.id == service_id)
    return where.add_columns(*columns(service_id, building, no_building, relevance)).where(
        *_filters(query)
    )


def _labelled(**columns) -> list:
    return [
        null().label(key) if value is None else value.label(key) for key, value in columns.items()
    ]


def _filters(query: Query) -> list:
    """The conditions on a service itself: published, open, and the filters asked for."""
    conditions = [
        Service.review == Review.published,
        Service.status.in_([ServiceStatus.active, ServiceStatus.temporarily_closed]),
    ]
    if query.need:
        # Service.terms.any(), with its join spelt out: inside the LATERAL of _candidates
        # SQLAlchemy's FROM linter cannot see any()'s implicit one.
        conditions.append(
            exists(
                select(1)
                .select_from(service_term.join(TaxonomyTerm))
                .where(service_term.c.service_id == Service.id, TaxonomyTerm.code == query.need)
            )
        )
    if query.free:
        conditions.append(Service.is_free.is_(True))
    if query.age is not None:
        conditions += [
            or_(Service.minimum_age.is_(None), Service.minimum_age <= query.age),
            or_(Service.maximum_age.is_(None), Service.maximum_age >= query.age),
        ]
    if query.accepting:
        conditions.append(Service.capacity == Capacity.accepting)
    return conditions


def _kept(
    query: Query, rows, origin: geo.Point | None, outcode: str
) -> tuple[list[tuple], int, dict[int, tuple]]:
    """(kept, wider, facts) from the candidates' rows. kept: (id, miles, building id, covers
    the area) for each service shown; wider: those with a building in the box but none within
    the radius (the count shown as "none within N miles" when the box is twice the radius;
    services failing the access filter are not counted); facts: id → (relevance, name,
    access routes)."""
    access = set(query.access)
    facts: dict[int, tuple] = {}
    features: dict[int, set[str]] = {}
    nearest: dict[int, tuple[float, int]] = {}
    unplaced: list[tuple[int, bool, list[str] | None]] = []
    miles_to: dict[tuple[float, float], float] = {}  # buildings share postcodes
    for sid, lid, lat, lon, accessibility, online, areas, relevance, name, routes in rows:
        if sid not in facts:
            facts[sid] = (float(relevance), name, routes)
        if access:
            features.setdefault(sid, set()).update(accessibility or [])
        if origin is None:
            continue
        if lid is None:
            unplaced.append((sid, online, areas))
            continue
        if lat is None or lon is None:
            continue
        miles = miles_to.get((lat, lon))
        if miles is None:
            miles = miles_to[(lat, lon)] = geo.miles_between(origin, geo.Point(lat, lon))
        # The nearest building; of two as near (the same postcode), the one made first.
        best = nearest.get(sid)
        if best is None or (miles, lid) < best:
            nearest[sid] = (miles, lid)

    kept: list[tuple] = []
    wider = 0
    if origin is None:
        for sid in facts:
            if access and not access <= features[sid]:
                continue
            kept.append((sid, None, None, False))
        return kept, wider, facts
    for sid, (miles, lid) in nearest.items():
        if access and not access <= features[sid]:
            continue
        if miles <= query.radius:
            kept.append((sid, miles, lid, False))
        else:
            wider += 1
    # Services without a building: area-wide ones near here, and online ones.
    for sid, online, areas in unplaced:
        if outcode and outcode in (areas or []):
            kept.append((sid, 0.0, None, True))
        elif online:
            kept.append((sid, None, None, False))
    return kept, wider, facts


def _chunks(ids: list[int], size: int = 10_000):
    """Ids a few thousand at a time: SQLite refuses more than 32,766 parameters a query."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _open(query: Query, ids: list[int], now: datetime, closures) -> set[int]:
    """The ids open now, or on the chosen day (the next such day from today)."""
    by_service: dict[int, list] = {}
    # Just the columns a rule needs (no ORM objects for thousands of rows).
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
    for chunk in _chunks(ids):
        for row in db.session.execute(select(*columns).where(Schedule.service_id.in_(chunk))):
            by_service.setdefault(row.service_id, []).append(row)
    if query.when == "now":
        return {
            sid
            for sid, rows in by_service.items()
            if schedules.is_open(hours.rules(rows), now, closures)
        }
    offset = (schedules.DAYS.index(query.when) - now.weekday()) % 7
    day = now.date() + timedelta(days=offset)
    return {
        sid
        for sid, rows in by_service.items()
        if schedules.open_on(hours.rules(rows), day, closures)
    }


def run(
    query: Query, now: datetime | None = None, page: int = 1, per_page: int | None = None
) -> Results:
    """Services matching the query, nearest (or most relevant) first; `per_page` None for all.
    Open now and open on a day are read on UK clocks (`now` naive UK time, or aware)."""
    now = schedules.local_time(now or now_uk())
    words = correct(query.words)
    origin, note = origin_of(query.place)
    outcode = geo.outcode_of(query.place) or ""
    if db.engine.dialect.name == "postgresql":
        # The search's plan depends on its values (a rare word or a common one, a village or
        # a town), so it is planned for them every time: a generic plan, which PostgreSQL
        # may pick for a statement prepared by psycopg, guesses a handful of rows and takes
        # seconds. SET LOCAL ends with this transaction.
        db.session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    # The box: the radius, or twice it when the access filter asks about every building up to
    # there (their features count together, as they always have).
    box_miles = query.radius * 2 if query.access else query.radius
    rows = db.session.execute(_candidates(query, words, origin, box_miles))
    kept, wider, facts = _kept(query, rows, origin, outcode)
    if query.route and kept:
        kept = [k for k in kept if query.route in (facts[k[0]][2] or [])]
    if query.when and kept:
        open_ids = _open(query, [k[0] for k in kept], now, hours.closures(now.year))
        kept = [k for k in kept if k[0] in open_ids]

    if origin is not None:
        kept.sort(key=lambda k: (k[1] if k[1] is not None else float("inf"), -facts[k[0]][0], k[0]))
    else:
        kept.sort(key=lambda k: (-facts[k[0]][0], facts[k[0]][1].lower(), k[0]))
    if not kept and origin is not None and not query.access:
        # Nothing to show: how many there are within twice the radius, to say so.
        rows = db.session.execute(_candidates(query, words, origin, query.radius * 2))
        wider = _kept(query, rows, origin, outcode)[1]
    window = kept if per_page is None else kept[(page - 1) * per_page : page * per_page]
    # Whole services, with their buildings and organisations, for the page shown only: one
    # query (the rows joined are a page's, so joining beats a query per relationship).
    services = {}
    for chunk in _chunks([k[0] for k in window]):
        statement = (
            select(Service)
            .where(Service.id.in_(chunk))
            .options(
                joinedload(Service.at_locations).joinedload(ServiceAtLocation.location),
                joinedload(Service.organisation),
            )
        )
        services.update((s.id, s) for s in db.session.scalars(statement).unique())
    hits = []
    for service_id, miles, location_id, covers in window:
        service = services[service_id]
        location = next((loc for loc in service.locations if loc.id == location_id), None)
        hits.append(Hit(service, miles, location, covers))
    corrected = " ".join(words) if words and " ".join(words) != query.words.lower().strip() else ""
    return Results(hits, origin, note, corrected, 0 if kept else wider, total=len(kept))
