"""What an ORUK API request asks for (its query parameters, checked) and the rows it gets.

Parameters follow the ORUK 3.0 OpenAPI document (../shared/oruk/openapi-3.0.json): a bad
value raises `BadParameter` naming it, which the API answers with a 400; a parameter we do
not know is ignored, as consumers send extras (`full`, `format`).

Every parameter is read exactly as directory/oruk_spec.py documents it (ASCII digits and
letters, no stray spaces), so the OpenAPI document can be checked against the API by a fuzzer
(tests/directory/test_oruk_fuzz.py); an empty value (`?page=`) is the same as leaving the
parameter out.

Semantics, as the ORUK document words them: `minimum_age` N finds services whose minimum age
is at least N, `maximum_age` N those whose maximum age is N or below; `day`, `start_time`
and `end_time` find services with one opening time on that day, opening at or after the
start and closing at or before the end; `proximity` is metres from the postcode's centre.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, SQLColumnExpression, exists, func, select
from sqlalchemy.orm import joinedload, selectinload

from accord import geo, geocoding
from accord.extensions import db
from accord.models import Location, Review
from directory.models import (
    Schedule,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
    service_term,
)
from directory.search import search

PER_PAGE = 50
MAX_PER_PAGE = 100
# Whole numbers are read up to 12 digits, so a page or per_page above this is a 400; a
# per_page above MAX_PER_PAGE gives MAX_PER_PAGE.
MAX_WHOLE = 10**12 - 1
MAX_PAGE = MAX_WHOLE
MAX_SEARCH = 200
MAX_PROXIMITY_M = 1_000_000
DAYS = {
    "MO": "MO",
    "TU": "TU",
    "WE": "WE",
    "TH": "TH",
    "FR": "FR",
    "SA": "SA",
    "SU": "SU",
    "MONDAY": "MO",
    "TUESDAY": "TU",
    "WEDNESDAY": "WE",
    "THURSDAY": "TH",
    "FRIDAY": "FR",
    "SATURDAY": "SA",
    "SUNDAY": "SU",
}
# The patterns are written for both Python and the OpenAPI document (ECMA 262): ASCII classes
# only, and always used whole (fullmatch), as JSON Schema's "^...$" means.
CLOCK = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])(?::([0-5][0-9]))?$")
WHOLE = re.compile(r"^[0-9]{1,12}$")
NUMBER = re.compile(r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$")
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
POSTCODE = re.compile(r"^[A-Za-z]{1,2}[0-9][A-Za-z0-9]?( ?[0-9][A-Za-z]{2})?$")
# RFC 3339: a full-date, or a date-time with its offset.
MOMENT = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"([Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2}))?$"
)
# The calendar's first and last days (and year 0) are refused whole: an offset can take a
# moment on them outside the years 1 to 9999, which Python (and so this API) cannot hold.
CALENDAR_ENDS = re.compile(r"^(0000|0001-01-01|9999-12-31)")
METRES_PER_DEGREE = 111_320.0


class BadParameter(Exception):
    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name
        self.message = message


class PlaceUnavailable(Exception):
    """The postcode could not be looked up: the geocoder is down."""


@dataclass
class Paging:
    page: int = 1
    per_page: int = PER_PAGE

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


@dataclass
class Filters:
    words: list[str]
    term: str | None = None
    taxonomy: str | None = None
    minimum_age: float | None = None
    maximum_age: float | None = None
    day: str | None = None
    start_time: str | None = None
    end_time: str | None = None
    modified_after: datetime | None = None
    origin: geo.Point | None = None
    proximity: float | None = None


# --- reading the parameters -----------------------------------------------------------------


def _raw(args, name: str) -> str | None:
    """The parameter's text as sent, or None when it is absent or empty."""
    return args.get(name, "") or None


def _whole(args, name: str, default: int, highest: int) -> int:
    raw = _raw(args, name)
    if raw is None:
        return default
    if not WHOLE.fullmatch(raw) or int(raw) < 1:
        raise BadParameter(name, f"{name} must be a whole number from 1 to {MAX_WHOLE}")
    return min(int(raw), highest)


def paging(args) -> Paging:
    """page (from 1) and per_page (capped at MAX_PER_PAGE: asking for more gives that)."""
    return Paging(
        page=_whole(args, "page", 1, MAX_PAGE),
        per_page=_whole(args, "per_page", PER_PAGE, MAX_PER_PAGE),
    )


def _uuid(args, name: str) -> str | None:
    raw = _raw(args, name)
    if raw is None:
        return None
    if not UUID.fullmatch(raw):
        raise BadParameter(name, f"{name} must be a UUID, as the ids in this API are")
    return raw.lower()


def _number(raw: str) -> float | None:
    """A JSON number's value; None when `raw` is not one or is too large for a float."""
    if not NUMBER.fullmatch(raw):
        return None
    value = float(raw)
    return value if math.isfinite(value) else None


def _age(args, name: str) -> float | None:
    raw = _raw(args, name)
    if raw is None:
        return None
    value = _number(raw)
    if value is None:
        raise BadParameter(name, f"{name} must be a number of years")
    if value < 0:
        raise BadParameter(name, f"{name} must be a number of years, 0 or more")
    return value


def _clock(args, name: str) -> str | None:
    """ "HH:MM" or "HH:MM:SS" as stored: "HH:MM" when the seconds are 0 (see Filters)."""
    raw = _raw(args, name)
    if raw is None:
        return None
    match = CLOCK.fullmatch(raw)
    if not match:
        raise BadParameter(name, f"{name} must be a time of day such as 09:30 or 09:30:00")
    hours, minutes, seconds = match.groups()
    return f"{hours}:{minutes}" if seconds in (None, "00") else f"{hours}:{minutes}:{seconds}"


def _moment(args, name: str) -> datetime | None:
    """An RFC 3339 date (midnight UTC) or date-time with its offset, as naive UTC."""
    raw = _raw(args, name)
    if raw is None:
        return None
    if CALENDAR_ENDS.match(raw):
        raise BadParameter(name, f"{name} must be between 0001-01-02 and 9999-12-30")
    text = re.sub(r"(T[0-9]{2}:[0-9]{2}):60", r"\1:59", raw.upper())  # a leap second (RFC 3339)
    try:
        if not MOMENT.fullmatch(raw):
            raise ValueError(raw)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise BadParameter(
            name, f"{name} must be a date or date-time such as 2026-11-23T09:00:00Z"
        ) from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def _search(args) -> list[str]:
    raw = args.get("search", "")
    if len(raw) > MAX_SEARCH:
        raise BadParameter("search", f"search must be {MAX_SEARCH} characters or fewer")
    return search.WORD.findall(raw.lower())[: search.MAX_WORDS]


def _day(args) -> str | None:
    raw = _raw(args, "day")
    if raw is None:
        return None
    day = DAYS.get(raw.upper()) if raw.isascii() else None
    if day is None:
        raise BadParameter("day", "day must be a day code (MO, TU, WE, TH, FR, SA, SU)")
    return day


def _place(args, with_place: bool) -> tuple[geo.Point | None, float | None]:
    if not with_place:
        return None, None
    raw = _raw(args, "postcode")
    proximity = _raw(args, "proximity")
    metres = None
    if proximity is not None:
        metres = _number(proximity)
        if metres is None:
            raise BadParameter("proximity", "proximity must be a number of metres")
        if not 0 < metres <= MAX_PROXIMITY_M:
            raise BadParameter(
                "proximity", f"proximity must be more than 0 and at most {MAX_PROXIMITY_M} metres"
            )
        if raw is None:
            raise BadParameter("proximity", "proximity needs a postcode to measure from")
    if raw is None:
        return None, None
    if not POSTCODE.fullmatch(raw):
        raise BadParameter("postcode", "postcode must be a UK postcode such as SY1 1AA")
    full, district = geo.normalise_postcode(raw), geo.outcode_of(raw)
    try:
        found = geocoding.lookup_postcode(raw) if full else geocoding.lookup_outcode(raw)
    except geocoding.GeocoderUnavailable as exc:
        raise PlaceUnavailable(str(exc)) from exc
    if found is None or found.point is None:
        raise BadParameter("postcode", f"postcode {full or district} was not found")
    return found.point, metres


def filters(args, *, with_place: bool = False) -> Filters:
    """The filters asked for; postcode and proximity only where `with_place`."""
    origin, proximity = _place(args, with_place)
    return Filters(
        words=_search(args),
        term=_uuid(args, "taxonomy_term_id"),
        taxonomy=_uuid(args, "taxonomy_id"),
        minimum_age=_age(args, "minimum_age"),
        maximum_age=_age(args, "maximum_age"),
        day=_day(args),
        start_time=_clock(args, "start_time"),
        end_time=_clock(args, "end_time"),
        modified_after=_moment(args, "modified_after"),
        origin=origin,
        proximity=proximity,
    )


# --- the rows -------------------------------------------------------------------------------


def _conditions(wanted: Filters) -> list:
    """Conditions on Service: published, and each filter asked for."""
    conditions = [Service.review == Review.published]
    if wanted.words:
        index, service_id, condition, _ = search._match(wanted.words)
        matches = select(service_id).select_from(index)
        if condition is not None:
            matches = matches.where(condition)
        conditions.append(Service.id.in_(matches))
    if wanted.term:
        conditions.append(
            exists(
                select(1)
                .select_from(service_term.join(TaxonomyTerm))
                .where(service_term.c.service_id == Service.id, TaxonomyTerm.uuid == wanted.term)
            )
        )
    if wanted.taxonomy:
        conditions.append(
            exists(
                select(1)
                .select_from(service_term.join(TaxonomyTerm).join(Taxonomy))
                .where(service_term.c.service_id == Service.id, Taxonomy.uuid == wanted.taxonomy)
            )
        )
    if wanted.minimum_age is not None:
        conditions.append(Service.minimum_age >= wanted.minimum_age)
    if wanted.maximum_age is not None:
        conditions.append(Service.maximum_age <= wanted.maximum_age)
    if wanted.day or wanted.start_time or wanted.end_time:
        # Times are stored "HH:MM" or "HH:MM:SS", zero-padded, so they compare as text once
        # the parameter is written the same way (see _clock).
        opening = [Schedule.service_id == Service.id]
        if wanted.day:
            opening.append(Schedule.byday.like(f"%{wanted.day}%"))
        if wanted.start_time:
            opening += [Schedule.opens_at != "", Schedule.opens_at >= wanted.start_time]
        if wanted.end_time:
            opening += [Schedule.closes_at != "", Schedule.closes_at <= wanted.end_time]
        conditions.append(exists(select(1).select_from(Schedule).where(*opening)))
    if wanted.modified_after is not None:
        conditions.append(Service.updated_at >= wanted.modified_after)
    return conditions


def _page(statement: Select, counted: Select, paging: Paging) -> tuple[list, int]:
    total = db.session.scalar(select(func.count()).select_from(counted.subquery())) or 0
    rows = list(db.session.scalars(statement.offset(paging.offset).limit(paging.per_page)))
    return rows, total


def services(wanted: Filters, paging: Paging) -> tuple[list[Service], int]:
    """A page of published services (oldest first: the order never changes) and the count."""
    ids = select(Service.id).where(*_conditions(wanted))
    page_ids, total = _page(ids.order_by(Service.id), ids, paging)
    if not page_ids:
        return [], total
    found = db.session.scalars(
        select(Service).where(Service.id.in_(page_ids)).options(joinedload(Service.organisation))
    ).unique()
    by_id = {row.id: row for row in found}
    return [by_id[i] for i in page_ids], total


def _full_service_options() -> list:
    return [
        joinedload(Service.organisation),
        selectinload(Service.schedules),
        selectinload(Service.terms).joinedload(TaxonomyTerm.taxonomy),
        selectinload(Service.terms).joinedload(TaxonomyTerm.parent),
        selectinload(Service.at_locations).joinedload(ServiceAtLocation.location),
    ]


def service(service_uuid: str) -> Service | None:
    stored = _canonical(service_uuid)
    if stored is None:
        return None
    return db.session.scalar(
        select(Service)
        .where(Service.uuid == stored, Service.review == Review.published)
        .options(*_full_service_options())
    )


def _canonical(value: str) -> str | None:
    """The id in our stored form (lower case, hyphens), or None when it is not a UUID."""
    return value.lower() if UUID.fullmatch(value) else None


def links(wanted: Filters, paging: Paging) -> tuple[list[ServiceAtLocation], int]:
    """A page of services at published buildings: nearest first from a postcode (within
    `proximity` metres when given), otherwise oldest first."""
    statement = (
        select(ServiceAtLocation.id)
        .join(Service, Service.id == ServiceAtLocation.service_id)
        .join(Location, Location.id == ServiceAtLocation.location_id)
        .where(Location.review == "published", *_conditions(wanted))
    )
    order: list[SQLColumnExpression[Any]] = [ServiceAtLocation.id]
    if wanted.origin is not None:
        # Distance on a flat map around the origin: exact enough within a county, and both
        # engines can sort by it (SQLite has no trigonometry).
        lat0, lon0 = wanted.origin.latitude, wanted.origin.longitude
        squeeze = math.cos(math.radians(lat0))
        north = Location.latitude - lat0
        east = (Location.longitude - lon0) * squeeze
        degrees2 = north * north + east * east
        statement = statement.where(Location.latitude.is_not(None), Location.longitude.is_not(None))
        if wanted.proximity is not None:
            reach = wanted.proximity / METRES_PER_DEGREE
            statement = statement.where(
                Location.latitude.between(lat0 - reach, lat0 + reach),
                Location.longitude.between(lon0 - reach / squeeze, lon0 + reach / squeeze),
                degrees2 <= reach * reach,
            )
        order = [degrees2, ServiceAtLocation.id]
    page_ids, total = _page(statement.order_by(*order), statement, paging)
    if not page_ids:
        return [], total
    found = db.session.scalars(
        select(ServiceAtLocation)
        .where(ServiceAtLocation.id.in_(page_ids))
        .options(
            joinedload(ServiceAtLocation.location),
            joinedload(ServiceAtLocation.service).joinedload(Service.organisation),
        )
    ).unique()
    by_id = {row.id: row for row in found}
    return [by_id[i] for i in page_ids], total


def link(link_uuid: str) -> ServiceAtLocation | None:
    stored = _canonical(link_uuid)
    if stored is None:
        return None
    return db.session.scalar(
        select(ServiceAtLocation)
        .join(Service, Service.id == ServiceAtLocation.service_id)
        .join(Location, Location.id == ServiceAtLocation.location_id)
        .where(
            ServiceAtLocation.uuid == stored,
            Service.review == Review.published,
            Location.review == "published",
        )
        .options(
            joinedload(ServiceAtLocation.location),
            joinedload(ServiceAtLocation.service).options(*_full_service_options()),
        )
    )


def taxonomies(paging: Paging) -> tuple[list[Taxonomy], int]:
    statement = select(Taxonomy).order_by(Taxonomy.id)
    return _page(statement, select(Taxonomy.id), paging)


def taxonomy(taxonomy_uuid: str) -> tuple[Taxonomy, list[TaxonomyTerm]] | None:
    stored = _canonical(taxonomy_uuid)
    if stored is None:
        return None
    found = db.session.scalar(select(Taxonomy).where(Taxonomy.uuid == stored))
    if found is None:
        return None
    terms = db.session.scalars(
        select(TaxonomyTerm)
        .where(TaxonomyTerm.taxonomy_id == found.id)
        .order_by(TaxonomyTerm.id)
        .options(joinedload(TaxonomyTerm.parent))
    )
    return found, list(terms)


def terms(paging: Paging) -> tuple[list[TaxonomyTerm], int]:
    statement = (
        select(TaxonomyTerm)
        .order_by(TaxonomyTerm.id)
        .options(joinedload(TaxonomyTerm.taxonomy), joinedload(TaxonomyTerm.parent))
    )
    return _page(statement, select(TaxonomyTerm.id), paging)


def term(term_uuid: str) -> TaxonomyTerm | None:
    stored = _canonical(term_uuid)
    if stored is None:
        return None
    return db.session.scalar(
        select(TaxonomyTerm)
        .where(TaxonomyTerm.uuid == stored)
        .options(joinedload(TaxonomyTerm.taxonomy), joinedload(TaxonomyTerm.parent))
    )
