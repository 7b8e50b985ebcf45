"""What a search asks for (a Query), read from the directory's search form (a GET form) with
clear errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from accord.geo import ACCESSIBILITY
from directory.models import ACCESS_ROUTES
from directory.schedules import DAYS

RADII = (1, 3, 5, 10, 20, 50)
MAX_WORDS_LENGTH = 200
MAX_PAGE = 10_000


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
    # The moment "open now" means (naive UK time): set by search.run, never by the form.
    at: datetime | None = None


def parse(args, needs: set[str]) -> tuple[Query, dict[str, str], int]:
    """(query, errors by field id, page). Bad values are dropped and named, never raised."""
    errors: dict[str, str] = {}
    query = Query()

    words = (args.get("q") or "").strip()
    if len(words) > MAX_WORDS_LENGTH:
        errors["q"] = f"Search words must be {MAX_WORDS_LENGTH} characters or fewer"
        words = words[:MAX_WORDS_LENGTH]
    query.words = words

    need = args.get("need") or ""
    if need and need not in needs:
        errors["need"] = "Select a need from the list"
    else:
        query.need = need

    query.place = (args.get("where") or "").strip()[:100]
    radius = args.get("radius") or "10"
    try:
        query.radius = float(radius)
        if query.radius not in RADII:
            raise ValueError
    except ValueError:
        errors["radius"] = f"Choose a distance from the list ({', '.join(map(str, RADII))} miles)"
        query.radius = 10.0

    when = args.get("when") or ""
    if when and when != "now" and when not in DAYS:
        errors["when"] = "Choose when the service should be open"
    else:
        query.when = when

    query.free = args.get("free") == "yes"
    query.accepting = args.get("accepting") == "yes"

    age = (args.get("age") or "").strip()
    if age:
        if age.isdigit() and int(age) <= 120:
            query.age = int(age)
        else:
            errors["age"] = "Age must be a whole number between 0 and 120"

    access = args.getlist("access") if hasattr(args, "getlist") else []
    query.access = [a for a in access if a in ACCESSIBILITY]
    if len(query.access) != len(access):
        errors["access"] = "Choose accessibility features from the list"

    route = args.get("route") or ""
    if route and route not in ACCESS_ROUTES:
        errors["route"] = "Choose how people get to the service from the list"
    else:
        query.route = route

    raw_page = args.get("page") or "1"
    page = int(raw_page) if raw_page.isdigit() and 0 < len(raw_page) <= 6 else 0
    if not 1 <= page <= MAX_PAGE:
        errors["page"] = "That page does not exist; showing the first page"
        page = 1
    return query, errors, page


# What links back to a search carry: the search form's fields and the page, nothing else.
SEARCH_KEYS = (
    "q",
    "need",
    "where",
    "radius",
    "when",
    "free",
    "accepting",
    "age",
    "access",
    "route",
    "page",
)


def search_args(args) -> dict[str, list[str]]:
    """The search a page was reached from (a service, a building, the list), for its links back
    to the results. Known fields only, cut to length: a link built with url_for from these is
    always our own /directory, whatever else a crafted link carries (no open redirect)."""
    kept = {}
    for key in SEARCH_KEYS:
        values = [value[:MAX_WORDS_LENGTH] for value in args.getlist(key) if value]
        if values:
            kept[key] = values[: len(ACCESSIBILITY)]
    return kept
