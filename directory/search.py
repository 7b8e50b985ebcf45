"""One search over services for SQLite (FTS5) and PostgreSQL (tsvector): words with typo
tolerance, need, place and radius, opening times, cost, age, access and capacity."""

from __future__ import annotations

import difflib
import functools
import math
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Select, or_, select, text
from sqlalchemy.orm import selectinload

from accord import geo, geocoding
from accord.extensions import db
from accord.models import Location
from directory import schedules
from directory.models import (
    Capacity,
    Review,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceSearch,
    ServiceStatus,
    TaxonomyTerm,
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

_vocabulary: tuple[float, set[str]] = (0.0, set())


def clear_vocabulary() -> None:
    global _vocabulary
    _vocabulary = (0.0, set())


def vocabulary() -> set[str]:
    """Words in the index, refreshed every 10 minutes (cheap enough, and typos are rare)."""
    global _vocabulary
    built, words = _vocabulary
    if time.monotonic() - built > 600 or not words:
        words = set()
        for (doc,) in db.session.execute(select(ServiceSearch.document)):
            words.update(WORD.findall(doc.lower()))
        _vocabulary = (time.monotonic(), words)
    return words


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
            known = known if known is not None else vocabulary()
            if part in known:
                found.append(part)
                continue
            close = difflib.get_close_matches(part, known, n=1, cutoff=0.8)
            found.append(close[0] if close else part)
    return found


def matching_ids(words: list[str]) -> dict[int, float]:
    """service id → relevance (higher is better) for services whose text has every word."""
    if not words:
        return {}
    if db.engine.dialect.name == "postgresql":
        query = " & ".join(f"{w}:*" for w in words)
        rows = db.session.execute(
            text(
                "SELECT service_id, ts_rank(to_tsvector('english', document), q) "
                "FROM service_search, to_tsquery('english', :q) q "
                "WHERE to_tsvector('english', document) @@ q"
            ),
            {"q": query},
        )
        return {service_id: float(rank) for service_id, rank in rows}
    query = " AND ".join(f'"{w}"*' for w in words)
    rows = db.session.execute(
        text(
            "SELECT rowid, bm25(service_search_fts) FROM service_search_fts "
            "WHERE service_search_fts MATCH :q"
        ),
        {"q": query},
    )
    # bm25 is lower-is-better; flip it so both engines rank the same way.
    return {service_id: -float(rank) for service_id, rank in rows}


# --- place ----------------------------------------------------------------------------------


def origin_of(place: str) -> tuple[geo.Point | None, str]:
    """A postcode, district or Shropshire town → a point; never raises."""
    return geocoding.place_point(place)


# --- the search -----------------------------------------------------------------------------


def _filtered(query: Query, words: list[str]) -> Select:
    """The ids of published services passing every filter SQL can apply."""
    statement = select(Service.id).where(
        Service.review == Review.published,
        Service.status.in_([ServiceStatus.active, ServiceStatus.temporarily_closed]),
    )
    if words:
        statement = statement.where(Service.id.in_(_fts(words)))
    if query.need:
        statement = statement.where(Service.terms.any(TaxonomyTerm.code == query.need))
    if query.free:
        statement = statement.where(Service.is_free.is_(True))
    if query.age is not None:
        statement = statement.where(
            or_(Service.minimum_age.is_(None), Service.minimum_age <= query.age),
            or_(Service.maximum_age.is_(None), Service.maximum_age >= query.age),
        )
    if query.accepting:
        statement = statement.where(Service.capacity == Capacity.accepting)
    return statement


def _fts(words: list[str]):
    """A sub-select of the ids whose text has every word (prefix matches), per engine."""
    if db.engine.dialect.name == "postgresql":
        query = " & ".join(f"{w}:*" for w in words)
        return text(
            "SELECT service_id FROM service_search "
            "WHERE to_tsvector('english', document) @@ to_tsquery('english', :fts_q)"
        ).bindparams(fts_q=query)
    query = " AND ".join(f'"{w}"*' for w in words)
    return text(
        "SELECT rowid FROM service_search_fts WHERE service_search_fts MATCH :fts_q"
    ).bindparams(fts_q=query)


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


@dataclass
class _Where:
    miles: float | None
    location_id: int | None
    features: set[str]


def _places(
    candidates: Select, origin: geo.Point | None, radius: float, features: bool
) -> dict[int, _Where]:
    """For each candidate with a building (inside the box when there is a place): the nearest
    building, and the accessibility features of all of them when asked for."""
    columns = [ServiceAtLocation.service_id, Location.id, Location.latitude, Location.longitude]
    if features:
        columns.append(Location.accessibility)
    statement = (
        select(*columns)
        .join(Location, Location.id == ServiceAtLocation.location_id)
        .where(ServiceAtLocation.service_id.in_(candidates))
    )
    if origin is not None:
        south, north, west, east = _box(origin, radius)
        statement = statement.where(
            Location.latitude.between(south, north), Location.longitude.between(west, east)
        )
    found: dict[int, _Where] = {}
    for row in db.session.execute(statement):
        where = found.setdefault(row[0], _Where(None, None, set()))
        if features:
            where.features.update(row[4] or [])
        if origin is None or row[2] is None or row[3] is None:
            continue
        miles = geo.miles_between(origin, geo.Point(row[2], row[3]))
        if where.miles is None or miles < where.miles:
            where.miles, where.location_id = miles, row[1]
    return found


def rules_of(service: Service) -> list[schedules.Rule]:
    return _rules(service.schedules)


def _rules(rows) -> list[schedules.Rule]:
    rules = []
    for row in rows:
        try:
            rules.append(
                schedules.parse_rule(
                    row.freq,
                    row.byday,
                    row.opens_at,
                    row.closes_at,
                    row.bymonthday or None,
                    row.valid_from.isoformat() if row.valid_from else None,
                    row.valid_to.isoformat() if row.valid_to else None,
                    row.description,
                )
            )
        except ValueError:
            continue  # an imported schedule we cannot read is shown as its description only
    return rules


def _open(query: Query, ids: list[int], now: datetime, closures) -> set[int]:
    """The ids open now, or on the chosen day (the next such day from today)."""
    by_service: dict[int, list] = {}
    for row in db.session.scalars(select(Schedule).where(Schedule.service_id.in_(ids))):
        by_service.setdefault(row.service_id, []).append(row)
    if query.when == "now":
        return {
            sid
            for sid, rows in by_service.items()
            if schedules.is_open(_rules(rows), now, closures)
        }
    offset = (schedules.DAYS.index(query.when) - now.weekday()) % 7
    day = now.date() + timedelta(days=offset)
    return {
        sid for sid, rows in by_service.items() if schedules.open_on(_rules(rows), day, closures)
    }


def run(
    query: Query, now: datetime | None = None, page: int = 1, per_page: int | None = None
) -> Results:
    """Services matching the query, nearest (or most relevant) first; `per_page` None for all."""
    now = now or datetime.now()
    words = correct(query.words)
    origin, note = origin_of(query.place)
    outcode = geo.outcode_of(query.place) or ""
    candidates = _filtered(query, words)

    kept: list[tuple] = []  # (id, miles, location id, covers the area)
    wider = 0
    if origin is not None:
        places = _places(candidates, origin, query.radius * 2, bool(query.access))
        for service_id, where in places.items():
            if query.access and not set(query.access) <= where.features:
                continue
            if where.miles is not None and where.miles <= query.radius:
                kept.append((service_id, where.miles, where.location_id, False))
            elif where.miles is not None:
                wider += 1
        if not query.access:
            # Services without a building: area-wide ones near here, and online ones.
            unplaced = select(Service.id, Service.online_only, Service.service_areas).where(
                Service.id.in_(candidates),
                Service.id.not_in(select(ServiceAtLocation.service_id)),
            )
            for service_id, online, areas in db.session.execute(unplaced):
                if outcode and outcode in (areas or []):
                    kept.append((service_id, 0.0, None, True))
                elif online:
                    kept.append((service_id, None, None, False))
    else:
        places = _places(candidates, None, 0, True) if query.access else {}
        for service_id in db.session.scalars(select(Service.id).where(Service.id.in_(candidates))):
            where = places.get(service_id)
            if query.access and (where is None or not set(query.access) <= where.features):
                continue
            kept.append((service_id, None, where.location_id if where else None, False))
    if query.route and kept:
        routes = dict(
            db.session.execute(
                select(Service.id, Service.access_routes).where(
                    Service.id.in_([k[0] for k in kept])
                )
            ).all()
        )
        kept = [k for k in kept if query.route in (routes.get(k[0]) or [])]
    if query.when and kept:
        open_ids = _open(query, [k[0] for k in kept], now, closures(now.year))
        kept = [k for k in kept if k[0] in open_ids]

    ranks = matching_ids(words) if words else {}
    if origin is not None:
        kept.sort(
            key=lambda k: (k[1] if k[1] is not None else float("inf"), -ranks.get(k[0], 0.0), k[0])
        )
    else:
        names = (
            dict(
                db.session.execute(
                    select(Service.id, Service.name).where(Service.id.in_([k[0] for k in kept]))
                ).all()
            )
            if kept
            else {}
        )
        kept.sort(key=lambda k: (-ranks.get(k[0], 0.0), names[k[0]].lower(), k[0]))
    window = kept if per_page is None else kept[(page - 1) * per_page : page * per_page]
    services = {
        s.id: s
        for s in db.session.scalars(
            select(Service)
            .where(Service.id.in_([k[0] for k in window]))
            .options(
                selectinload(Service.at_locations).selectinload(ServiceAtLocation.location),
                selectinload(Service.organisation),
            )
        )
    }
    hits = []
    for service_id, miles, location_id, covers in window:
        service = services[service_id]
        location = next((loc for loc in service.locations if loc.id == location_id), None)
        hits.append(Hit(service, miles, location, covers))
    corrected = " ".join(words) if words and " ".join(words) != query.words.lower().strip() else ""
    return Results(hits, origin, note, corrected, 0 if kept else wider, total=len(kept))


@functools.lru_cache(maxsize=4)
def closures(year: int) -> frozenset:
    return schedules.bank_holidays([year, year + 1])
