"""One search over services for SQLite (FTS5) and PostgreSQL (tsvector): words with typo
tolerance, need, place and radius, opening times, cost, age, access and capacity."""

from __future__ import annotations

import difflib
import re
import time
from dataclasses import dataclass, field
from datetime import datetime

from geopy.distance import great_circle
from sqlalchemy import or_, select, text
from sqlalchemy.orm import selectinload

from accord import geo, geocoding
from accord.extensions import db
from accord.models import Location
from directory import schedules
from directory.models import (
    Capacity,
    Review,
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
    place = place.strip()
    if not place:
        return None, ""
    try:
        if geo.normalise_postcode(place):
            found = geocoding.lookup_postcode(place)
        elif geo.outcode_of(place):
            found = geocoding.lookup_outcode(place)
        else:
            point = geo.locate(place)
            return point, "" if point else f"We could not find “{place}”. Try a postcode or a town."
    except geocoding.GeocoderUnavailable:
        return None, "Postcode search is unavailable at the moment. Try a town name."
    if found is None or found.point is None:
        return None, f"We could not find “{place}”. Check the postcode or try a town."
    return found.point, ""


def _nearest(service: Service, origin: geo.Point) -> tuple[float | None, Location | None]:
    best: tuple[float | None, Location | None] = (None, None)
    for location in service.locations:
        if location.latitude is None or location.longitude is None:
            continue
        miles = great_circle(
            (origin.latitude, origin.longitude), (location.latitude, location.longitude)
        ).miles
        if best[0] is None or miles < best[0]:
            best = (miles, location)
    return best


# --- the search -----------------------------------------------------------------------------


def _candidates(query: Query, ids: dict[int, float] | None) -> list[Service]:
    statement = (
        select(Service)
        .where(
            Service.review == Review.published,
            Service.status.in_([ServiceStatus.active, ServiceStatus.temporarily_closed]),
        )
        .options(
            selectinload(Service.at_locations).selectinload(ServiceAtLocation.location),
            selectinload(Service.schedules),
            selectinload(Service.organisation),
            selectinload(Service.terms),
        )
    )
    if ids is not None:
        statement = statement.where(Service.id.in_(list(ids) or [-1]))
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
    return list(db.session.scalars(statement))


def rules_of(service: Service) -> list[schedules.Rule]:
    rules = []
    for row in service.schedules:
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


def _open_filter(query: Query, service: Service, now: datetime, closures) -> bool:
    if not query.when:
        return True
    rules = rules_of(service)
    if query.when == "now":
        return schedules.is_open(rules, now, closures)
    day = schedules.DAYS.index(query.when)
    offset = (day - now.weekday()) % 7
    target = now.date().fromordinal(now.date().toordinal() + offset)
    return schedules.open_on(rules, target, closures)


def _place_filter(query: Query, service: Service, origin: geo.Point | None, outcode: str):
    """(keep, hit) for one service against the place and radius."""
    if origin is None:
        return True, Hit(service)
    miles, location = _nearest(service, origin)
    if miles is not None and miles <= query.radius:
        return True, Hit(service, miles, location)
    if outcode and outcode in (service.service_areas or []):
        return True, Hit(service, 0.0, None, covers_area=True)
    if service.online_only:
        return True, Hit(service)
    return False, Hit(service, miles, location)


def run(query: Query, now: datetime | None = None) -> Results:
    now = now or datetime.now()
    words = correct(query.words)
    ids = matching_ids(words) if words else None
    origin, note = origin_of(query.place)
    outcode = geo.outcode_of(query.place) or ""
    closures = schedules.bank_holidays([now.year, now.year + 1])

    hits: list[Hit] = []
    wider = 0
    for service in _candidates(query, ids):
        if query.route and query.route not in (service.access_routes or []):
            continue
        if query.access:
            features = set().union(*(set(loc.accessibility or []) for loc in service.locations))
            if not set(query.access) <= features:
                continue
        if not _open_filter(query, service, now, closures):
            continue
        keep, hit = _place_filter(query, service, origin, outcode)
        if keep:
            hits.append(hit)
        elif hit.miles is not None and hit.miles <= query.radius * 2:
            wider += 1

    def order(hit: Hit):
        relevance = -(ids or {}).get(hit.service.id, 0.0)
        far = hit.miles if hit.miles is not None else float("inf")
        return (
            (far, relevance, hit.service.name.lower())
            if origin
            else (
                relevance,
                hit.service.name.lower(),
            )
        )

    hits.sort(key=order)
    corrected = " ".join(words) if words and " ".join(words) != query.words.lower().strip() else ""
    return Results(hits, origin, note, corrected, wider if not hits else 0)
