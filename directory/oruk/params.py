"""What an ORUK API request asks for: its query parameters, checked (`directory.oruk.query`
gets the rows).

Parameters follow the ORUK 3.0 OpenAPI document (../shared/oruk/openapi-3.0.json): a bad
value raises `BadParameter` naming it, which the API answers with a 400; a parameter we do
not know is ignored, as consumers send extras (`full`, `format`).

Every parameter is read exactly as directory/oruk/spec.py documents it (ASCII digits and
letters, no stray spaces), so the OpenAPI document can be checked against the API by a fuzzer
(tests/directory/oruk/test_fuzz.py); an empty value (`?page=`) is the same as leaving the
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

from accord import geo, geocoding
from directory.search import words

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


# --- reading them ---------------------------------------------------------------------------


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
    return words.WORD.findall(raw.lower())[: words.MAX_WORDS]


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
