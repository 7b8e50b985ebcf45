"""Importing Open Referral UK feeds (ORUK 1.0 and 3.0) into the directory: plain functions.

`load(path_or_url)` reads a JSON file or fetches a URL (following `total_pages` paging) and
finds the services in it; `import_services(services, source)` upserts them with their
organisation, locations, schedules and taxonomy terms. The caller commits.

Identity: a service's feed id is its `Service.uuid` when it is a UUID (so ids stay the same
across re-imports and sources), otherwise a uuid5 of source and id. Organisations, locations,
schedules, links and terms follow the same rule (an organisation already here keeps its own).
A service whose content did not change is skipped untouched, so importing the same feed twice
changes nothing; its `last_modified`, when given, is its `updated_at`.
"""

from __future__ import annotations

import html
import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import flag_modified
from urllib3.util import Retry

from accord import geo
from accord.extensions import db
from accord.models import Location, Organisation, Review, Sector
from accord.text import slugify
from directory import listings, schedules, text
from directory import taxonomy as needs
from directory.models import (
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceStatus,
    Taxonomy,
    TaxonomyTerm,
)

# Fixed namespace: ids derived from a feed's non-UUID ids are the same on every import.
NAMESPACE = uuid.UUID("0cfb3385-eea5-4990-9114-5ffd8f1780f0")
MAX_PAGES = 1000
USER_AGENT = "shropshire-accord-hub ORUK importer"

# Keys only a service object has (an organisation, location or taxonomy term has none).
SERVICE_KEYS = {
    "organization",
    "organization_id",
    "status",
    "schedules",
    "regular_schedules",
    "service_taxonomys",
    "eligibilitys",
    "cost_options",
}
STATUSES = {status.value for status in ServiceStatus}
ROUTES = {
    "drop-in": "drop_in",
    "drop in": "drop_in",
    "self referral": "self_referral",
    "self-referral": "self_referral",
    "referral": "professional_referral",
    "professional referral": "professional_referral",
}
# Words in a location's accessibility text → accord.geo.ACCESSIBILITY keys.
ACCESS_WORDS = [
    ("hearing_loop", re.compile(r"\b(induction|hearing)\s+loops?\b", re.I)),
    ("step_free", re.compile(r"\b(wheelchair|step[- ]free|level access|ramp)", re.I)),
    ("accessible_toilet", re.compile(r"\b(accessible|disabled) (toilet|wc|loo)", re.I)),
    ("blue_badge_parking", re.compile(r"\b(blue badge|disabled parking)", re.I)),
    ("parking", re.compile(r"\bparking\b", re.I)),
    ("guide_dog_friendly", re.compile(r"\b(guide|assistance)[- ]dogs?\b", re.I)),
    ("dementia_friendly", re.compile(r"\bdementia\b", re.I)),
    ("changing_places", re.compile(r"\bchanging places\b", re.I)),
]
LABELS = {label.lower(): key for key, label in geo.ACCESSIBILITY.items()}
ACCESS_ORDER = list(dict.fromkeys([key for key, _ in ACCESS_WORDS] + list(geo.ACCESSIBILITY)))
SECTOR_WORDS = [
    (Sector.parish, re.compile(r"\b(parish|town council)\b", re.I)),
    (Sector.public, re.compile(r"\b(public|statutory|nhs|local authority|council)\b", re.I)),
    (Sector.private, re.compile(r"\b(private|business|commercial|company)\b", re.I)),
    (Sector.vcs, re.compile(r"\b(vcse?|voluntary|charity|community|social enterprise)\b", re.I)),
]
FREE = re.compile(r"\b(free|no charge|no cost)\b", re.I)
NOT_FREE = re.compile(r"\b(not|non)[\s-]+free\b", re.I)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # not tab, \n or \r
TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>|<!--")
BARE_HOST = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}(/\S*)?$", re.I)
EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")
WEEKLY_OR_MONTHLY = ("", "1")


class FeedError(Exception):
    """The feed cannot be read at all: one line saying why, nothing imported."""


class Skip(Exception):
    """One item of the feed is not imported; the message says which and why."""


@dataclass
class Feed:
    source: str  # Service.source, e.g. "oruk:north-lincolnshire-oruk1-services.json"
    services: list = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Result:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    lines: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return f"created {self.created}, updated {self.updated}, skipped {self.skipped}"


# --- reading the feed -----------------------------------------------------------------------


def is_url(where: str) -> bool:
    return bool(re.match(r"^https?://", where.strip(), re.I))


def load(where: str, *, timeout: float = 30.0, details: bool = False) -> Feed:
    """The services in a JSON file or at a URL; FeedError when there are none to read."""
    if is_url(where):
        return _load_url(where.strip(), timeout, details)
    if details:
        raise FeedError("--details needs the feed's URL, not a file")
    return _load_file(where)


def _load_file(where: str) -> Feed:
    path = Path(where)
    if not path.exists():
        raise FeedError(f"{where}: no such file")
    if path.is_dir():
        raise FeedError(f"{where} is a folder, not a JSON file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FeedError(f"{where}: cannot read it ({exc.strerror or exc})") from exc
    document = _parse_json(data, where)
    if _is_api_root(document):
        raise FeedError(
            f"{where} describes an ORUK API ({document.get('version')}), not services: "
            "give the API's URL instead"
        )
    services, total_pages = find_services(document, where)
    feed = Feed(source=f"oruk:{path.name}"[:200], services=services)
    if total_pages and total_pages > 1:
        feed.notes.append(
            f"{path.name} is one page of {total_pages}: only its services were imported "
            "(give the feed's URL to import every page)"
        )
    return feed


# A feed that asks us to slow down (429), or is briefly unavailable (502–504), is asked again
# after the Retry-After it gives (at most a minute) or a growing pause (0, 2, 4, 8 s), up to
# four times, before the import gives up. Timeouts and refused connections are not retried:
# `--timeout` already bounds how long a dead feed can hold an import up.
RETRY_STATUSES = (429, 502, 503, 504)
RETRIES = Retry(
    total=4,
    connect=0,
    read=0,
    status=4,
    status_forcelist=RETRY_STATUSES,
    allowed_methods={"GET"},
    backoff_factor=1,
    respect_retry_after_header=True,
    retry_after_max=60,
    raise_on_status=False,
)


def _session() -> requests.Session:
    http = requests.Session()
    http.headers.update({"Accept": "application/json", "User-Agent": USER_AGENT})
    adapter = HTTPAdapter(max_retries=RETRIES)
    http.mount("http://", adapter)
    http.mount("https://", adapter)
    return http


def _load_url(url: str, timeout: float, details: bool) -> Feed:
    http = _session()
    with http:
        document = _get_json(http, url, timeout)
        if _is_api_root(document):
            # The API's base: its services are at /services, a page at a time.
            parts = urlsplit(url)
            url = urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/services", query=""))
            document = _get_json(http, url, timeout)
        services, total_pages = find_services(document, url)
        first = _page_of(url)
        for number in range(first + 1, (total_pages or 0) + 1):
            if number - first >= MAX_PAGES:
                raise FeedError(f"{url} has more than {MAX_PAGES} pages; import it in parts")
            more, _ = find_services(_get_json(http, _with_page(url, number), timeout), url)
            if not more:
                break
            services.extend(more)
        feed = Feed(source=f"oruk:{urlsplit(url).hostname or url}"[:200], services=services)
        if details and total_pages is None:
            feed.notes.append("--details is for list pages: this document was imported as it is")
        elif details:
            feed.services = [_details(http, url, item, timeout, feed) for item in services]
    return feed


def _details(http: requests.Session, list_url: str, item: Any, timeout: float, feed: Feed):
    """The full service at {list}/{id}; the list's summary (and a note) when it fails."""
    if not isinstance(item, dict) or not _id_text(item.get("id")):
        return item
    parts = urlsplit(list_url)
    url = urlunsplit(parts._replace(path=f"{parts.path.rstrip('/')}/{item['id']}", query=""))
    try:
        found = _get_json(http, url, timeout)
    except FeedError as exc:
        feed.notes.append(f"service {item['id']}: {exc}; imported the list's summary")
        return item
    if not _looks_like_service(found):
        feed.notes.append(f"service {item['id']}: {url} is not a service; imported the summary")
        return item
    return found


def _get_json(http: requests.Session, url: str, timeout: float) -> Any:
    try:
        response = http.get(url, timeout=timeout)
    except requests.Timeout as exc:
        raise FeedError(f"{url} did not answer within {timeout:g} seconds") from exc
    except requests.ConnectionError as exc:
        raise FeedError(f"could not connect to {url}") from exc
    except requests.RequestException as exc:
        raise FeedError(f"could not fetch {url} ({exc.__class__.__name__})") from exc
    if response.status_code in RETRY_STATUSES:
        raise FeedError(
            f"{url} answered HTTP {response.status_code} {response.reason or ''}".rstrip()
            + f" after {RETRIES.status + 1} tries; try the import again later"
        )
    if response.status_code >= 400:
        raise FeedError(f"{url} answered HTTP {response.status_code}")
    return _parse_json(response.content, url)


def _parse_json(data: bytes, where: str) -> Any:
    try:
        return json.loads(data)
    except UnicodeDecodeError as exc:
        raise FeedError(f"{where} is not JSON (it is not UTF-8 text)") from exc
    except (ValueError, RecursionError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
        raise FeedError(f"{where} is not JSON ({reason})") from exc


def _page_of(url: str) -> int:
    value = dict(parse_qsl(urlsplit(url).query)).get("page", "1")
    return int(value) if value.isdigit() and int(value) > 0 else 1


def _with_page(url: str, number: int) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "page"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("page", str(number))])))


def _is_api_root(document: Any) -> bool:
    return (
        isinstance(document, dict)
        and "version" in document
        and ("openapi_url" in document or "profile" in document)
        and "contents" not in document
    )


def _looks_like_service(item: Any) -> bool:
    return (
        isinstance(item, dict)
        and ("name" in item or "id" in item)
        and any(key in item for key in SERVICE_KEYS)
    )


def _is_service_at_location(item: Any) -> bool:
    return isinstance(item, dict) and isinstance(item.get("service"), dict)


WRONG_SHAPE = (
    "holds no Open Referral UK services (expected a service, a list of services, "
    "a page with 'contents', or an organisation with 'services')"
)


def find_services(document: Any, where: str) -> tuple[list, int | None]:
    """(the service objects in a document, its total_pages; None when it is not a page).

    Shapes: an ORUK 3.0 or 1.0 service; a list page ({"contents": [...], "total_pages": n},
    or 1.0's "content"/"totalPages"); a bare list of services (as North Lincolnshire's 1.0
    feed is); an organisation with "services"; service_at_location objects or pages (their
    services, with the locations gathered).
    """
    if isinstance(document, list):
        return _from_list(document, where), None
    if not isinstance(document, dict):
        raise FeedError(f"{where} {WRONG_SHAPE}")
    for key in ("contents", "content"):
        if isinstance(document.get(key), list):
            pages = _whole(document.get("total_pages", document.get("totalPages"))) or 1
            return _from_list(document[key], where), pages
    if isinstance(document.get("services"), list) and not _looks_like_service(document):
        organisation = {k: v for k, v in document.items() if k != "services"}
        return [
            {**item, "organization": item.get("organization") or organisation}
            if isinstance(item, dict)
            else item
            for item in document["services"]
        ], None
    if _is_service_at_location(document):
        return _merge_service_at_locations([document]), None
    if _looks_like_service(document):
        return [document], None
    raise FeedError(f"{where} {WRONG_SHAPE}")


def _from_list(items: list, where: str) -> list:
    if not items:
        return []
    if any(_is_service_at_location(item) for item in items):
        return _merge_service_at_locations(items)
    if not any(_looks_like_service(item) for item in items):
        raise FeedError(f"{where} {WRONG_SHAPE}")
    return list(items)


def _merge_service_at_locations(items: list) -> list:
    """service_at_location objects → their services, each with its locations gathered."""
    merged: dict[str, dict] = {}
    out: list = []
    for item in items:
        if not _is_service_at_location(item):
            out.append(item)
            continue
        service = item["service"]
        key = _id_text(service.get("id"))
        if key and key in merged:
            target = merged[key]
        else:
            target = {
                **service,
                "service_at_locations": list(service.get("service_at_locations") or []),
            }
            out.append(target)
            if key:
                merged[key] = target
        if isinstance(item.get("location"), dict):
            link = {k: v for k, v in item.items() if k != "service"}
            target["service_at_locations"].append(link)
    return out


# --- small readers: feed values are untrusted and often the wrong type ----------------------


def _text(value: Any) -> str:
    """A one-line string, or "" for anything that is not a string or number."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int | float):
        return str(value)
    return " ".join(value.split()) if isinstance(value, str) else ""


def _id_text(value: Any) -> str:
    return _text(value)


def _plain(value: Any) -> str:
    """Feed text that may carry HTML or entities → one line of plain text (entities decoded
    once, so "Tea &amp; Chat" and "Tea & Chat" both read "Tea & Chat")."""
    return text.to_text(value) if isinstance(value, str) else _text(value)


def _dicts(value: Any) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _whole(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number and abs(number) != float("inf") else None


def _date(value: Any) -> date | None:
    """An ISO date or date-time → a date; ValueError for anything else that is not empty."""
    found = _text(value)
    if not found:
        return None
    try:
        return date.fromisoformat(found[:10])
    except ValueError:
        return datetime.fromisoformat(found).date()


def _canonical_uuid(value: str) -> str | None:
    try:
        return str(uuid.UUID(value))
    except (ValueError, AttributeError, TypeError):
        return None


def _typed(value: Any) -> str:
    """Feed text that may run over lines (a description, eligibility): plain text as typed,
    line breaks kept and entities decoded once, as this site keeps a provider's words (so our
    own feed reads back the same); HTML as one line of plain text."""
    if isinstance(value, str) and not TAG.search(value):
        return CONTROL.sub("", html.unescape(value)).strip()
    return _plain(value)


def _describe(target, raw: Any) -> None:
    """A feed description on a service (or a probe): plain text as typed, HTML sanitised."""
    if isinstance(raw, str) and TAG.search(raw):
        listings.set_description(target, html=raw)
    else:
        listings.set_description(target, plain=_typed(raw))


def _web_address(value: Any) -> str | None:
    """An http(s) address, "" when none is given, None when what is given is not one.

    A bare host ("www.example.org/page", as feeds often give) gets "https://" in front."""
    found = _text(value)
    if not found:
        return ""
    if BARE_HOST.match(found):
        found = f"https://{found}"
    parts = urlsplit(found)
    if parts.scheme.lower() in ("http", "https") and parts.netloc and " " not in found:
        return found if len(found) <= 500 else None
    return None


def _money(amount: float, currency: str) -> str:
    shown = f"{amount:.0f}" if amount.is_integer() else f"{amount:.2f}"
    return f"£{shown}" if currency.upper() in ("", "GBP") else f"{currency} {shown}"


def _outcodes(value: str) -> list[str]:
    """ "SY1, SY2 and SY3" → ["SY1", "SY2", "SY3"]; [] unless every word is a district."""
    words = [w for w in re.split(r"[\s,;/]+|\band\b", value.upper()) if w and w != "AND"]
    if words and all(geo.OUTCODE.fullmatch(w) for w in words):
        return words
    return []


# --- the import -----------------------------------------------------------------------------


@dataclass
class _Draft:
    """One feed service read into the directory's terms, before touching the database.

    Only what the feed gives is here: a field or list it leaves out (as list pages leave out
    locations and schedules) is None or missing from `values`, and stays as it is.
    """

    feed_id: str
    uuid: str
    label: str
    values: dict
    description: Any  # the feed's, as given; None when not given
    organisation: dict
    locations: list[tuple[str, dict]] | None  # (service_at_location id, location object)
    schedules: list[dict] | None
    terms: list[dict] | None


def import_services(services: list, source: str) -> Result:
    """Create or update each service in `services` (feed objects); the caller commits."""
    # Our own feed's needs link to this site's terms by id, so they must exist first (an
    # emptied database has none until something else asks for them).
    needs.ensure()
    return _Importer(source).run(services)


class _Importer:
    def __init__(self, source: str):
        self.source = source
        self.result = Result()
        self.organisations: dict[str, Organisation] = {}  # feed id, slug or identifier → row
        self.feed_organisations: dict[str, dict] = {}  # feed id → the fullest object seen
        self.locations: dict[str, Location] = {}
        self.taxonomies: dict[str, Taxonomy] = {}
        self.terms: dict[str, TaxonomyTerm] = {}
        self.parents: dict[str, str] = {}  # term uuid → parent term uuid
        self.touched: set[str] = set()  # uuids of locations and terms changed by this run
        self.used: set[str] = set()  # schedule and link uuids given out by this run

    # -- the run --

    def run(self, services: list) -> Result:
        for item in services:
            organisation = item.get("organization") if isinstance(item, dict) else None
            key = _id_text(organisation.get("id")) if isinstance(organisation, dict) else ""
            if key and len(organisation) > len(self.feed_organisations.get(key, {})):
                self.feed_organisations[key] = organisation
        existing = self._existing(services)
        seen: set[str] = set()
        for index, item in enumerate(services, 1):
            try:
                draft = self._read(item, index, seen)
                try:
                    self._save(draft, existing.get(draft.uuid))
                except (TypeError, ValueError, AttributeError, KeyError) as exc:
                    raise Skip(
                        f"{draft.label}: could not be read ({exc.__class__.__name__})"
                    ) from exc
            except Skip as exc:
                self.result.skipped += 1
                self.result.lines.append(f"skipped {exc}")
        self._link_parents()
        return self.result

    def note(self, line: str) -> None:
        self.result.lines.append(line)

    def _service_uuid(self, feed_id: str) -> str:
        return _canonical_uuid(feed_id) or str(
            uuid.uuid5(NAMESPACE, f"{self.source}/service/{feed_id}")
        )

    def _existing(self, services: list) -> dict[str, Service]:
        wanted = [
            self._service_uuid(_id_text(item.get("id")))
            for item in services
            if isinstance(item, dict) and _id_text(item.get("id"))
        ]
        found: dict[str, Service] = {}
        for start in range(0, len(wanted), 500):
            query = (
                select(Service)
                .where(Service.uuid.in_(wanted[start : start + 500]))
                .options(
                    selectinload(Service.schedules),
                    selectinload(Service.at_locations).selectinload(ServiceAtLocation.location),
                    selectinload(Service.terms),
                    selectinload(Service.organisation),
                )
            )
            found.update((service.uuid, service) for service in db.session.scalars(query))
        return found

    # -- reading one service --

    def _read(self, item: Any, index: int, seen: set[str]) -> _Draft:
        if not isinstance(item, dict):
            raise Skip(f"item {index} of the feed: not a service object")
        feed_id = _id_text(item.get("id"))
        name = _plain(item.get("name"))
        label = f'service {feed_id} "{name}"' if name else f"service {feed_id}"
        if not feed_id:
            raise Skip(f"item {index} of the feed{f' ({name!r})' if name else ''}: no id")
        if len(feed_id) > 200:
            raise Skip(f"item {index} of the feed: its id is longer than 200 characters")
        if not name:
            raise Skip(f"{label}: no name")
        if self._service_uuid(feed_id) in seen:
            raise Skip(f"{label}: listed twice in the feed; the first was imported")
        seen.add(self._service_uuid(feed_id))
        try:
            return self._draft(item, feed_id, name, label)
        except (TypeError, ValueError, AttributeError, KeyError) as exc:
            raise Skip(f"{label}: could not be read ({exc.__class__.__name__})") from exc

    def _draft(self, item: dict, feed_id: str, name: str, label: str) -> _Draft:
        organisation = item.get("organization")
        if not isinstance(organisation, dict):
            organisation = self.feed_organisations.get(_id_text(item.get("organization_id")))
        if not organisation:
            raise Skip(f"{label}: no organisation")
        if not _plain(organisation.get("name")):
            raise Skip(f"{label}: its organisation has no name")

        def given(*keys: str) -> bool:
            return any(key in item for key in keys)

        links = _dicts(item.get("service_at_locations"))
        locations = [
            (_id_text(link.get("id")), link["location"])
            for link in links
            if isinstance(link.get("location"), dict)
        ]
        virtual = [
            loc for _, loc in locations if _text(loc.get("location_type")).lower() == "virtual"
        ]
        locations = [(i, loc) for i, loc in locations if loc not in virtual]
        rows = []
        for holder in [item, *links]:
            rows += _dicts(holder.get("schedules")) + _dicts(holder.get("regular_schedules"))
        terms = [
            a["taxonomy_term"]
            for a in _dicts(item.get("attributes"))
            if isinstance(a.get("taxonomy_term"), dict)
        ]
        terms += [
            t["taxonomy"]
            for t in _dicts(item.get("service_taxonomys"))
            if isinstance(t.get("taxonomy"), dict)
        ]
        terms += _dicts(item.get("taxonomy_terms"))

        values: dict[str, Any] = {"name": name[:300], "source": self.source, "source_id": feed_id}
        if given("status"):
            values["status"] = self._status(item, label)
        if given("url"):
            values["url"] = self._checked(label, "url", item.get("url"), _web_address)
        if given("email"):
            values["email"] = self._checked(label, "email", item.get("email"), self._email)
        if given("contacts", "phones"):
            values["phone"] = self._phone(item, label)
        if given("eligibility_description", "eligibilitys"):
            values["eligibility"] = self._eligibility(item)
        if given("minimum_age", "maximum_age", "eligibilitys"):
            values.update(self._ages(item, label))
        if given("fees", "fees_description", "cost_options"):
            values.update(self._cost(item))
        if given("attending_access"):
            values["access_routes"] = self._routes(item)
        if given("languages"):
            values["languages"] = self._languages(item)
        if given("service_areas"):
            values["service_areas"] = self._areas(item)
        if given("attending_type", "service_at_locations"):
            online = _text(item.get("attending_type")).lower() in ("online", "phone")
            values["online_only"] = bool(virtual or online) and not locations
        if given("assured_date"):
            values["assured_at"] = self._assured(item, label)
        if given("last_modified") and (modified := self._modified(item, label)):
            values["updated_at"] = modified
        return _Draft(
            feed_id=feed_id,
            uuid=self._service_uuid(feed_id),
            label=label,
            values=values,
            description=item["description"] if given("description") else None,
            organisation=organisation,
            locations=locations if given("service_at_locations") else None,
            schedules=rows
            if given("schedules", "regular_schedules", "service_at_locations")
            else None,
            terms=terms if given("attributes", "service_taxonomys", "taxonomy_terms") else None,
        )

    def _status(self, item: dict, label: str) -> str:
        given = _text(item.get("status"))
        status = given.lower().replace("_", " ")
        if status in STATUSES:
            return status
        if given:
            self.note(f'{label}: status "{given}" is not an ORUK status; imported as active')
        return ServiceStatus.active.value

    def _checked(self, label: str, what: str, value: Any, check) -> str:
        found = check(value)
        if found is None:
            self.note(f'{label}: {what} "{_text(value)[:80]}" is not valid; left empty')
            return ""
        return found

    @staticmethod
    def _email(value: Any) -> str | None:
        found = _text(value)
        if found.lower().startswith("mailto:"):
            found = found[7:]
        if not found:
            return ""
        return found if EMAIL.match(found) and len(found) <= 254 else None

    def _phone(self, item: dict, label: str) -> str:
        phones = [p for c in _dicts(item.get("contacts")) for p in _dicts(c.get("phones"))]
        phones += _dicts(item.get("phones"))
        numbers = [_text(p.get("number")) for p in phones if _text(p.get("number"))]
        if not numbers:
            return ""
        if len(numbers[0]) > 60:
            self.note(f'{label}: phone "{numbers[0][:80]}" is too long; left empty')
            return ""
        return numbers[0]

    @staticmethod
    def _eligibility(item: dict) -> str:
        parts = [_typed(item.get("eligibility_description"))]
        parts += [_plain(e.get("eligibility")) for e in _dicts(item.get("eligibilitys"))]
        return "; ".join(p for p in parts if p)

    def _ages(self, item: dict, label: str) -> dict:
        rules = _dicts(item.get("eligibilitys"))
        ages: dict[str, int | None] = {}
        for key, pick in (("minimum_age", min), ("maximum_age", max)):
            given = [item.get(key)] if item.get(key) not in (None, "") else []
            given = given or [rule.get(key) for rule in rules if rule.get(key) not in (None, "")]
            found = []
            for value in given:
                age = _whole(value)
                if age is None or not 0 <= age <= 150:
                    what = key.replace("_", " ")
                    self.note(f'{label}: {what} "{_text(value)}" is not an age; left empty')
                else:
                    found.append(age)
            ages[key] = pick(found) if found else None
        low, high = ages["minimum_age"], ages["maximum_age"]
        if low is not None and high is not None and low > high:
            self.note(f"{label}: minimum age {low} is above maximum age {high}; ages left empty")
            return {"minimum_age": None, "maximum_age": None}
        return ages

    @staticmethod
    def _cost(item: dict) -> dict:
        """fees (text) and is_free: free when the feed says free or every cost given is 0."""
        words = _plain(item.get("fees_description")) or _plain(item.get("fees"))
        parts = [words] if words else []
        amounts = []
        for option in _dicts(item.get("cost_options")):
            amount = _number(option.get("amount"))
            price = _money(amount, _text(option.get("currency"))) if amount is not None else ""
            what = " ".join(p for p in (price, _plain(option.get("amount_description"))) if p)
            described = _plain(option.get("option"))
            line = f"{described}: {what}" if described and what else described or what
            if line:
                parts.append(line)
            if amount is not None:
                amounts.append(amount)
        said = " ".join(parts)
        if amounts:
            free = all(amount == 0 for amount in amounts)
        else:
            free = bool(FREE.search(said)) and not NOT_FREE.search(said)
        return {"fees": "; ".join(parts), "is_free": free}

    @staticmethod
    def _routes(item: dict) -> list[str]:
        found: list[str] = []
        for word in re.split(r"[,;/]", _text(item.get("attending_access")).lower()):
            route = ROUTES.get(word.strip())
            if route and route not in found:
                found.append(route)
        return found

    @staticmethod
    def _languages(item: dict) -> list[str]:
        found: list[str] = []
        given = item.get("languages")
        for language in given if isinstance(given, list) else []:
            if isinstance(language, dict):
                language = language.get("name") or language.get("language") or language.get("code")
            name = _text(language)[:60]
            if name and name not in found:
                found.append(name)
        return found

    @staticmethod
    def _areas(item: dict) -> list[str]:
        found: list[str] = []
        for area in _dicts(item.get("service_areas")):
            for key in ("service_area", "name"):
                for code in _outcodes(_text(area.get(key))):
                    if code not in found:
                        found.append(code)
        return found

    def _assured(self, item: dict, label: str) -> date | None:
        try:
            return _date(item.get("assured_date"))
        except ValueError:
            self.note(f'{label}: assured_date "{_text(item.get("assured_date"))}" is not a date')
            return None

    def _modified(self, item: dict, label: str) -> datetime | None:
        """last_modified (ISO 8601, any offset) as stored: naive UTC."""
        given = _text(item.get("last_modified"))
        if not given:
            return None
        try:
            moment = datetime.fromisoformat(given)
            return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
        except (ValueError, OverflowError):
            self.note(f'{label}: last_modified "{given[:40]}" is not a date and time; ignored')
            return None

    # -- saving one service --

    def _save(self, draft: _Draft, service: Service | None) -> None:
        if service is not None and not service.source:
            raise Skip(
                f"{draft.label}: a service with this id was added on this site; "
                "an import does not overwrite it"
            )
        organisation = self._organisation(draft.organisation)
        locations: list[Location] = []
        link_ids: dict[int, str] = {}
        for link_id, raw in draft.locations or []:
            location = self._location(raw, draft.label)
            if location is not None and location not in locations:
                locations.append(location)
                link_ids[id(location)] = link_id
        terms: list[TaxonomyTerm] = []
        for raw in draft.terms or []:
            term = self._term(raw, draft.label)
            if term is not None and term not in terms:
                terms.append(term)
        rows = self._schedules(draft, service)

        if service is None:
            # Nothing said about cost is not "free": free needs the feed to say so.
            service = Service(
                uuid=draft.uuid,
                organisation=organisation,
                review=Review.published,
                **{"is_free": False, **draft.values},
            )
            _describe(service, draft.description)
            service.terms = terms
            for location in locations:
                link_uuid = self._link_uuid(link_ids[id(location)], draft.uuid, location)
                service.at_locations.append(ServiceAtLocation(uuid=link_uuid, location=location))
            service.schedules = [Schedule(**row) for row in rows or []]
            db.session.add(service)
            listings.index(service)
            self.result.created += 1
            return

        probe = SimpleNamespace(
            description=service.description, description_html=service.description_html
        )
        if draft.description is not None:
            _describe(probe, draft.description)
        linked = [link.location for link in service.at_locations]
        new_schedules = rows is not None and [_schedule_key(s) for s in service.schedules] != [
            _schedule_key(SimpleNamespace(**row)) for row in rows
        ]
        changed = (
            any(getattr(service, key) != value for key, value in draft.values.items())
            or service.description != probe.description
            or service.description_html != probe.description_html
            or service.organisation is not organisation
            or (draft.terms is not None and set(service.terms) != set(terms))
            or (draft.locations is not None and set(linked) != set(locations))
            or new_schedules
            or any(thing.uuid in self.touched for thing in [*locations, *terms])
        )
        if not changed:
            self.result.skipped += 1
            return
        for key, value in draft.values.items():
            setattr(service, key, value)
        if "updated_at" in draft.values:
            # Sent even when unchanged: onupdate would otherwise stamp the feed's time as now.
            flag_modified(service, "updated_at")
        if draft.description is not None:
            _describe(service, draft.description)
        service.organisation = organisation
        if draft.terms is not None:
            service.terms = terms
        if draft.locations is not None:
            kept = [link for link in service.at_locations if link.location in locations]
            service.at_locations = kept
            for location in locations:
                if location not in linked:
                    link_uuid = self._link_uuid(link_ids[id(location)], draft.uuid, location)
                    service.at_locations.append(
                        ServiceAtLocation(uuid=link_uuid, location=location)
                    )
        if new_schedules:
            service.schedules = []
            db.session.flush()  # the old rows go before new ones reuse their ids
            service.schedules = [Schedule(**row) for row in rows]
        listings.index(service)
        self.result.updated += 1

    # -- organisations --

    def _organisation(self, raw: dict) -> Organisation:
        feed_id = _id_text(raw.get("id"))
        if feed_id and f"id:{feed_id}" in self.organisations:
            return self.organisations[f"id:{feed_id}"]
        name = _plain(raw.get("name"))[:200]
        identifier = _org_identifier(raw)
        slug = slugify(name)
        # The feed's id as ours (as for services), so exporting an import gives the same ids.
        org_uuid = feed_id and (
            _canonical_uuid(feed_id)
            or str(uuid.uuid5(NAMESPACE, f"{self.source}/organisation/{feed_id}"))
        )
        found = None
        if org_uuid:
            found = db.session.scalar(select(Organisation).where(Organisation.uuid == org_uuid))
        if identifier and found is None:
            found = self.organisations.get(f"identifier:{identifier}") or db.session.scalar(
                select(Organisation)
                .where(Organisation.identifier == identifier)
                .order_by(Organisation.id)
                .limit(1)
            )
        found = found or self.organisations.get(f"slug:{slug}")
        found = found or db.session.scalar(select(Organisation).where(Organisation.slug == slug))
        website = _web_address(raw.get("website") or raw.get("url")) or ""
        description = _plain(raw.get("description"))
        if found is None:
            found = Organisation(
                **({"uuid": org_uuid} if org_uuid else {}),  # else a fresh one (the default)
                slug=slug,
                name=name,
                sector=_sector(raw),
                identifier=identifier,
                website=website[:300],
                description=description,
            )
            db.session.add(found)
        else:  # an organisation already here keeps what it says (and its uuid); gaps filled
            found.identifier = found.identifier or identifier
            found.website = found.website or website[:300]
            found.description = found.description or description
        self.organisations[f"slug:{found.slug}"] = found
        if feed_id:
            self.organisations[f"id:{feed_id}"] = found
        if identifier:
            self.organisations[f"identifier:{identifier}"] = found
        return found

    # -- locations --

    def _location(self, raw: dict, label: str) -> Location | None:
        feed_id = _id_text(raw.get("id"))
        if feed_id and self._location_uuid(feed_id) in self.locations:
            return self.locations[self._location_uuid(feed_id)]  # a feed's first mention wins
        fields = self._location_fields(raw, label, feed_id)
        if fields is None:
            return None
        key = feed_id or f"{fields['name']}|{fields['postcode']}"
        location_uuid = self._location_uuid(key)
        if location_uuid in self.locations:
            return self.locations[location_uuid]
        location = db.session.scalar(select(Location).where(Location.uuid == location_uuid))
        if location is None:
            location = Location(
                uuid=location_uuid, source_id=key[:200], review="published", **fields
            )
            db.session.add(location)
            self.touched.add(location_uuid)
        elif location.source_id and any(getattr(location, k) != v for k, v in fields.items()):
            # Imported before, so the feed's data is the truth.
            for k, v in fields.items():
                setattr(location, k, v)
            self.touched.add(location_uuid)
        # else a building added on this site: linked, never overwritten
        self.locations[location_uuid] = location
        return location

    def _location_uuid(self, key: str) -> str:
        return _canonical_uuid(key) or str(uuid.uuid5(NAMESPACE, f"{self.source}/location/{key}"))

    def _location_fields(self, raw: dict, label: str, feed_id: str) -> dict | None:
        what = f"location {feed_id or '(no id)'} of {label}"
        addresses = _dicts(raw.get("addresses")) + _dicts(raw.get("physical_addresses"))
        physical = [
            a for a in addresses if _text(a.get("address_type")).lower() in ("", "physical")
        ]
        address = (physical or addresses or [{}])[0]
        lines = [_text(address.get(k)) for k in ("address_1", "address_2", "city")]
        given_postcode = _text(address.get("postal_code")).upper()
        postcode = geo.normalise_postcode(given_postcode) or given_postcode
        if len(postcode) > 10:
            self.note(f'{what}: postcode "{given_postcode[:40]}" is too long; left empty')
            postcode = ""
        name = _plain(raw.get("name")) or lines[0] or postcode
        if not name:
            self.note(f"skipped {what}: no name or address")
            return None
        latitude, longitude = _number(raw.get("latitude")), _number(raw.get("longitude"))
        given = (raw.get("latitude"), raw.get("longitude"))
        problem = ""
        if (latitude is None) != (longitude is None) or (
            latitude is None and any(v not in (None, "") for v in given)
        ):
            shown = f"latitude {_text(given[0])!r} and longitude {_text(given[1])!r}"
            problem = f"{shown} are not a pair of numbers"
        elif latitude is not None and not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            problem = f"latitude {latitude:g}, longitude {longitude:g} is not a place on Earth"
        elif latitude == 0 and longitude == 0:
            problem = "latitude 0, longitude 0 is a placeholder"
        if problem:
            self.note(f"skipped coordinates of {what}: {problem}")
            latitude = longitude = None
        if latitude is None and (point := geo.postcode_point(postcode)):
            latitude, longitude = point.latitude, point.longitude
        uprn = _text(raw.get("uprn"))
        if _text(raw.get("external_identifier_type")).upper() == "UPRN":
            uprn = _text(raw.get("external_identifier"))
        entries = _dicts(raw.get("accessibility")) + _dicts(
            raw.get("accessibility_for_disabilities")
        )
        return {
            "name": name[:200],
            "description": _plain(raw.get("description")),
            "address": ", ".join(p for p in lines if p),
            "town": lines[2][:100],
            "postcode": postcode,
            "latitude": latitude,
            "longitude": longitude,
            "uprn": uprn if uprn.isdigit() and len(uprn) <= 12 else None,
            "accessibility": _accessibility(entries),
        }

    def _link_uuid(self, feed_id: str, service_uuid: str, location: Location) -> str:
        wanted = _canonical_uuid(feed_id)
        if (
            wanted
            and wanted not in self.used
            and not db.session.scalar(
                select(ServiceAtLocation.id).where(ServiceAtLocation.uuid == wanted)
            )
        ):
            self.used.add(wanted)
            return wanted
        return str(uuid.uuid5(NAMESPACE, f"link/{service_uuid}/{location.uuid}"))

    # -- schedules --

    def _schedules(self, draft: _Draft, service: Service | None) -> list[dict] | None:
        """Schedule rows: readable ones as rules; unreadable ones as their description only."""
        if draft.schedules is None:
            return None
        wanted = [_canonical_uuid(_id_text(row.get("id"))) for row in draft.schedules]
        owners = (
            dict(
                db.session.execute(
                    select(Schedule.uuid, Schedule.service_id).where(
                        Schedule.uuid.in_([w for w in wanted if w])
                    )
                ).all()
            )
            if any(wanted)
            else {}
        )
        rows = []
        for index, (raw, schedule_uuid) in enumerate(zip(draft.schedules, wanted, strict=True)):
            what = f"schedule {_id_text(raw.get('id')) or index + 1} of {draft.label}"
            row = self._schedule_row(raw, what)
            if row is None:
                continue
            mine = service is not None and owners.get(schedule_uuid) == service.id
            if (
                not schedule_uuid
                or schedule_uuid in self.used
                or (schedule_uuid in owners and not mine)
            ):
                schedule_uuid = str(uuid.uuid5(NAMESPACE, f"schedule/{draft.uuid}/{index}"))
            self.used.add(schedule_uuid)
            rows.append({"uuid": schedule_uuid, **row})
        return rows

    def _schedule_row(self, raw: dict, what: str) -> dict | None:
        description = _plain(raw.get("description"))
        try:
            interval = _text(raw.get("interval"))
            if interval not in WEEKLY_OR_MONTHLY:
                raise ValueError(
                    f"interval {interval} (every {interval} weeks or months) is not supported"
                )
            byday = raw.get("byday")
            if isinstance(byday, list):
                byday = ",".join(_text(day) for day in byday)
            rule = schedules.parse_rule(
                _text(raw.get("freq")) or None,
                _text(byday) or None,
                _text(raw.get("opens_at")) or None,
                _text(raw.get("closes_at")) or None,
                _text(raw.get("bymonthday")) or None,
                _text(raw.get("valid_from")) or None,
                _text(raw.get("valid_to")) or None,
                description,
            )
            row = {
                "freq": rule.freq,
                "byday": ",".join(rule.byday),
                "bymonthday": ",".join(str(n) for n in rule.bymonthday),
                "opens_at": _clock(rule.opens_at),
                "closes_at": _clock(rule.closes_at),
                "valid_from": rule.valid_from,
                "valid_to": rule.valid_to,
                "description": rule.description,
            }
            if len(row["byday"]) > 60 or len(row["bymonthday"]) > 60:
                raise ValueError("it lists more days than a schedule row can hold")
            return row
        except ValueError as exc:
            if description:
                self.note(f"skipped {what}: {exc}; kept its description as text")
                return {
                    "freq": "WEEKLY",
                    "byday": "",
                    "bymonthday": "",
                    "opens_at": "",
                    "closes_at": "",
                    "valid_from": None,
                    "valid_to": None,
                    "description": description,
                }
            self.note(f"skipped {what}: {exc}")
            return None

    # -- taxonomy --

    def _term(self, raw: dict, label: str) -> TaxonomyTerm | None:
        feed_id = _id_text(raw.get("id"))
        name = _plain(raw.get("name")) or _plain(raw.get("term"))
        if not feed_id or not name:
            missing = "name" if feed_id else "id"
            self.note(f"skipped taxonomy term {feed_id or name} of {label}: no {missing}")
            return None
        vocabulary = self._taxonomy(raw)
        term_uuid = _canonical_uuid(feed_id) or str(
            uuid.uuid5(NAMESPACE, f"term/{vocabulary.uuid}/{feed_id}")
        )
        if term_uuid in self.terms:
            return self.terms[term_uuid]
        code = (_text(raw.get("code")) or feed_id)[:120]
        fields = {"name": name[:200], "description": _plain(raw.get("description"))}
        term = db.session.scalar(select(TaxonomyTerm).where(TaxonomyTerm.uuid == term_uuid))
        if term is None and vocabulary.id is not None:
            term = db.session.scalar(
                select(TaxonomyTerm).where(
                    TaxonomyTerm.taxonomy_id == vocabulary.id, TaxonomyTerm.code == code
                )
            )
        if term is None:
            if vocabulary.uuid == needs.TAXONOMY_UUID:
                self.note(
                    f"skipped taxonomy term {feed_id} of {label}: not one of this site's needs"
                )
                return None
            term = TaxonomyTerm(uuid=term_uuid, taxonomy=vocabulary, code=code, **fields)
            db.session.add(term)
            self.touched.add(term.uuid)
        elif not _is_need(term) and any(getattr(term, k) != v for k, v in fields.items()):
            for k, v in fields.items():
                setattr(term, k, v)
            self.touched.add(term.uuid)
        parent = _id_text(raw.get("parent_id")) or _id_text(raw.get("parent"))
        if parent and not _is_need(term):
            self.parents[term.uuid] = _canonical_uuid(parent) or str(
                uuid.uuid5(NAMESPACE, f"term/{vocabulary.uuid}/{parent}")
            )
        self.terms[term_uuid] = term
        return term

    def _taxonomy(self, raw: dict) -> Taxonomy:
        detail = raw.get("taxonomy_detail") if isinstance(raw.get("taxonomy_detail"), dict) else {}
        feed_id = _id_text(raw.get("taxonomy_id")) or _id_text(detail.get("id"))
        name = (
            _text(detail.get("name")) or _text(raw.get("taxonomy")) or _text(raw.get("vocabulary"))
        )
        if feed_id:
            taxonomy_uuid = _canonical_uuid(feed_id) or str(
                uuid.uuid5(NAMESPACE, f"taxonomy/{feed_id}")
            )
        elif name:
            taxonomy_uuid = str(uuid.uuid5(NAMESPACE, f"taxonomy/{name.lower()}"))
        else:
            name = f"Terms from {self.source}"
            taxonomy_uuid = str(uuid.uuid5(NAMESPACE, f"taxonomy/{self.source}"))
        if taxonomy_uuid in self.taxonomies:
            return self.taxonomies[taxonomy_uuid]
        found = db.session.scalar(select(Taxonomy).where(Taxonomy.uuid == taxonomy_uuid))
        if found is None:
            found = Taxonomy(
                uuid=taxonomy_uuid,
                name=(name or feed_id)[:200],
                description=_plain(detail.get("description")),
                uri=(_web_address(detail.get("uri")) or "")[:300],
                version=_text(detail.get("version"))[:40],
            )
            db.session.add(found)
            db.session.flush()
        self.taxonomies[taxonomy_uuid] = found
        return found

    def _link_parents(self) -> None:
        for child_uuid, parent_uuid in self.parents.items():
            child = self.terms[child_uuid]
            parent = self.terms.get(parent_uuid) or db.session.scalar(
                select(TaxonomyTerm).where(TaxonomyTerm.uuid == parent_uuid)
            )
            if parent is not None and parent is not child:
                db.session.flush()
                if child.parent_id != parent.id:
                    child.parent_id = parent.id


def _is_need(term: TaxonomyTerm) -> bool:
    """One of this site's needs: imports link to them but never change them."""
    return term.taxonomy is not None and term.taxonomy.uuid == needs.TAXONOMY_UUID


def _accessibility(entries: list[dict]) -> list[str]:
    """accord.geo.ACCESSIBILITY keys of a location's accessibility entries, each read alone.

    An entry saying just one of our labels (as our own feed does) is that feature and no
    other ("Blue Badge parking" is not also "Parking"); other entries are read for words."""
    found = set()
    for entry in entries:
        said = [_plain(entry.get(k)) for k in ("accessibility", "description", "details")]
        named = {LABELS[s.lower()] for s in said if s.lower() in LABELS}
        joined = " ".join(said)
        found |= named or {key for key, words in ACCESS_WORDS if words.search(joined)}
    return [key for key in ACCESS_ORDER if key in found]


def _org_identifier(raw: dict) -> str | None:
    """Org-id style ("GB-COH-1234567") from ORUK 3.0 organization_identifiers."""
    for found in _dicts(raw.get("organization_identifiers")):
        scheme, value = _text(found.get("identifier_scheme")), _text(found.get("identifier"))
        if value:
            joined = (
                value
                if not scheme or value.upper().startswith(scheme.upper())
                else f"{scheme}-{value}"
            )
            if len(joined) <= 60:
                return joined
    return None


def _sector(raw: dict) -> str:
    """vcs unless the feed says otherwise (a sector or organisation type field)."""
    said = " ".join(
        _text(raw.get(key))
        for key in ("sector", "organisation_type", "organization_type", "org_type", "type")
    )
    for sector in Sector:
        if said.strip().lower() == sector.value:
            return sector.value
    for sector, words in SECTOR_WORDS:
        if words.search(said):
            return sector.value
    return Sector.vcs.value


def _clock(value) -> str:
    if value is None:
        return ""
    return value.strftime("%H:%M" if value.second == 0 else "%H:%M:%S")


def _schedule_key(row) -> tuple:
    return (
        row.uuid,
        row.freq,
        row.byday,
        row.bymonthday,
        row.opens_at,
        row.closes_at,
        row.valid_from,
        row.valid_to,
        row.description,
    )
