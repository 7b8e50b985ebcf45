"""One search over services for SQLite (FTS5) and PostgreSQL (tsvector): words with typo
tolerance (words.py), need, place and radius (candidates.py), opening times on UK clocks,
cost, age, access and capacity; the results nearest (or most relevant) first, a page at a
time."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Row, select, text
from sqlalchemy.orm import joinedload

from accord import geo, geocoding
from accord.clock import now_uk
from accord.extensions import db
from accord.models import Location
from directory import hours, schedules
from directory.models import Schedule, Service, ServiceAtLocation
from directory.search.candidates import candidates, kept
from directory.search.query import Query
from directory.search.words import correct

PER_PAGE = 20


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
    place_note: str = ""  # e.g. "We could not find that place": then nothing is found
    corrected: str = ""  # the words searched for after fixing misspellings
    wider: int = 0  # results within double the radius, when there are none within it
    total: int = 0  # every match; `hits` may be one page of them


def origin_of(place: str) -> tuple[geo.Point | None, str]:
    """A postcode, district or Shropshire town → a point; never raises."""
    return geocoding.place_point(place)


def _chunks(ids: list[int], size: int = 10_000) -> Iterator[list[int]]:
    """Ids a few thousand at a time: SQLite refuses more than 32,766 parameters a query."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


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
    for chunk in _chunks(ids):
        for row in db.session.execute(select(*columns).where(Schedule.service_id.in_(chunk))):
            by_service.setdefault(row.service_id, []).append(row)
    return by_service


def _open(query: Query, ids: list[int], now: datetime) -> set[int]:
    """The ids open now, or on the chosen day (the next such day from today); `now` is naive
    UK time."""
    closures = hours.closures(now.year)
    by_service = _schedules(ids)
    if query.when == "now":
        return {
            sid
            for sid, rows in by_service.items()
            if schedules.is_open(hours.rules(rows), now, closures)
        }
    offset = (schedules.DAYS.index(query.when) - now.weekday()) % 7
    day: date = now.date() + timedelta(days=offset)
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
    if note:
        # A place we cannot find is for the person to put right, never a search of the
        # whole county as if they had given none.
        return Results([], None, note)
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
    rows = db.session.execute(candidates(query, words, origin, box_miles))
    shown, wider, facts = kept(query, rows, origin, outcode)
    if query.route and shown:
        shown = [k for k in shown if query.route in (facts[k[0]][2] or [])]
    if query.when and shown:
        open_ids = _open(query, [k[0] for k in shown], now)
        shown = [k for k in shown if k[0] in open_ids]
    if origin is not None:
        shown.sort(
            key=lambda k: (k[1] if k[1] is not None else float("inf"), -facts[k[0]][0], k[0])
        )
    else:
        shown.sort(key=lambda k: (-facts[k[0]][0], facts[k[0]][1].lower(), k[0]))
    if not shown and origin is not None and not query.access:
        # Nothing to show: how many there are within twice the radius, to say so.
        rows = db.session.execute(candidates(query, words, origin, query.radius * 2))
        wider = kept(query, rows, origin, outcode)[1]
    window = shown if per_page is None else shown[(page - 1) * per_page : page * per_page]
    corrected = " ".join(words) if words and " ".join(words) != query.words.lower().strip() else ""
    return Results(_hits(window), origin, note, corrected, 0 if shown else wider, len(shown))


def _hits(window: list[tuple]) -> list[Hit]:
    """Whole services, with their buildings and organisations, for the page shown only: one
    query (the rows joined are a page's, so joining beats a query per relationship)."""
    services: dict[int, Service] = {}
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
    return hits
