"""`flask directory import-oruk`: ORUK 3.0 and 1.0 feeds from files and URLs, re-imports,
bad input. Feeds are unchanged copies in tests/fixtures/oruk (see its README)."""

from __future__ import annotations

import itertools
import json
import socket
import time
import uuid
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.wrappers import Request, Response

from accord import geo
from accord.extensions import db
from accord.models import Location, Organisation
from directory import taxonomy as needs
from directory import text
from directory.hours import rules_of
from directory.models import (
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceSearch,
    Taxonomy,
    TaxonomyTerm,
)
from directory.oruk import coerce, draft, fetch
from directory.search import search
from directory.search.query import Query
from tests.directory.data import service as local_service
from tests.fakes.server import LocalServer

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "oruk"
SERVICE_FULL = FIXTURES / "examples" / "service_full.json"
TAXONOMY_LIST = FIXTURES / "examples" / "taxonomy_list.json"
FAIL_LIST = FIXTURES / "validator-fail" / "service_list.json"
API_ROOT = FIXTURES / "validator-default" / "api_details.json"
NORTH_LINCS = FIXTURES / "real-feeds" / "north-lincolnshire-oruk1-services.json"

COUNSELLING = "ac148810-d857-441c-9679-408f346de14b"
CIVIC_CENTRE = "3a19ff88-4620-4d17-9830-ac1d859eb5d5"
SCHEDULE = "48102e86-bb50-41c4-8f1e-e269368c41d1"
TERM = "3f7b145d-84af-42d7-8fae-eaca714b02b2"
LABEL = f'service {COUNSELLING} "Community Counselling"'
# What the ORUK 3.0 example cannot give us, said the same way on every import.
EXAMPLE_LINES = [
    f"skipped coordinates of location {CIVIC_CENTRE} of {LABEL}: "
    "latitude 100, longitude 101 is not a place on Earth",
    f"skipped schedule {SCHEDULE} of {LABEL}: bymonthday needs freq MONTHLY; "
    "kept its description as text",
]


def run(app, *args) -> list[str]:
    """The command's output lines; fails the test on a non-zero exit."""
    result = app.test_cli_runner().invoke(args=["directory", "import-oruk", *map(str, args)])
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def fails(app, *args) -> str:
    """The one-line error of a failed import (and nothing imported)."""
    result = app.test_cli_runner().invoke(args=["directory", "import-oruk", *map(str, args)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.output.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert count(Service) == 0
    return lines[0]


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def by_uuid(uuid: str) -> Service:
    db.session.expire_all()
    return db.session.scalar(select(Service).where(Service.uuid == uuid))


def write(path: Path, document) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def example() -> dict:
    return json.loads(SERVICE_FULL.read_text(encoding="utf-8"))


def found(words: str) -> list[str]:
    return [hit.service.name for hit in search.run(Query(words=words)).hits]


# --- ORUK 3.0 -------------------------------------------------------------------------------


def test_an_oruk3_service_with_its_organisation_location_schedule_and_term(app):
    assert run(app, SERVICE_FULL) == ["created 1, updated 0, skipped 0", *EXAMPLE_LINES]

    record = by_uuid(COUNSELLING)
    assert record.name == "Community Counselling"
    assert (record.source, record.source_id) == ("oruk:service_full.json", COUNSELLING)
    assert (record.minimum_age, record.maximum_age) == (12, 100)
    assert (record.status, record.review) == ("active", "published")
    assert (record.url, record.email) == ("http://example.com/counselling", "email@example.com")
    assert record.assured_at == date(2005, 1, 1)
    assert record.is_free is False
    assert record.fees == "fees_description; Under 18s and Over 60s: £35 per 1 hour session"
    assert record.description.startswith("Counselling Services provided by trained")
    assert record.description_html.startswith("<p>Counselling Services provided")

    org = record.organisation
    assert (org.name, org.slug, org.sector) == (
        "Example Organization Inc.",
        "example-organization-inc",
        "vcs",
    )
    assert (org.identifier, org.website) == ("GB-COH-1234567", "http://example.com")

    [link] = record.at_locations
    assert link.uuid == "e94c9f38-1e8f-4564-91d4-d53501ab1765"
    place = link.location
    assert (place.uuid, place.source_id, place.name) == (
        CIVIC_CENTRE,
        CIVIC_CENTRE,
        "MyCity Civic Center",
    )
    assert (place.address, place.town, place.postcode) == (
        "1-30 Main Street, MyCity",
        "MyCity",
        "ABC 1234",
    )
    # 100, 101 is no place on Earth: dropped (and said), so distance search never trips on it.
    assert (place.latitude, place.longitude) == (None, None)
    assert place.uprn == "10092008082"
    assert place.accessibility == ["hearing_loop", "step_free"]

    # WEEKLY with a bymonthday cannot be read as a rule; its words are kept for people.
    [hours] = record.schedules
    assert (hours.uuid, hours.freq, hours.byday, hours.opens_at) == (SCHEDULE, "WEEKLY", "", "")
    assert hours.description.startswith("The service is available from 10 am to 6pm weekdays")

    [term] = record.terms
    assert (term.uuid, term.code, term.name) == (TERM, TERM, "name")
    assert term.taxonomy.name == "taxonomy"

    assert found("counselling") == ["Community Counselling"]


def test_an_oruk3_reimport_changes_nothing_and_an_edit_updates_in_place(app, tmp_path):
    run(app, SERVICE_FULL)
    ids = (by_uuid(COUNSELLING).id, count(Location), count(Schedule), count(TaxonomyTerm))

    assert run(app, SERVICE_FULL) == ["created 0, updated 0, skipped 1", *EXAMPLE_LINES]
    assert (by_uuid(COUNSELLING).id, count(Location), count(Schedule), count(TaxonomyTerm)) == ids
    assert count(Service) == count(Organisation) == count(ServiceAtLocation) == 1

    renamed = example()
    renamed["name"] = "Community Counselling Plus"
    assert run(app, write(tmp_path / "service_full.json", renamed))[0] == (
        "created 0, updated 1, skipped 0"
    )
    assert by_uuid(COUNSELLING).name == "Community Counselling Plus"
    assert (by_uuid(COUNSELLING).id, count(Service), count(Schedule)) == (ids[0], 1, 1)
    assert found("plus") == ["Community Counselling Plus"]


def test_readable_hours_and_a_uk_location_are_stored_as_rules_and_points(app, tmp_path):
    feed = example()
    hours = feed["schedules"][0]
    del hours["bymonthday"]
    place = feed["service_at_locations"][0]["location"]
    place.update(latitude=52.7077, longitude=-2.7526)
    place["addresses"][0].update(postal_code="sy1 1aa", city="Shrewsbury")
    path = write(tmp_path / "counselling.json", feed)

    assert run(app, path) == ["created 1, updated 0, skipped 0"]
    record = by_uuid(COUNSELLING)
    [row] = record.schedules
    assert (row.uuid, row.freq, row.byday, row.bymonthday) == (SCHEDULE, "WEEKLY", "TH,FR", "")
    assert (row.opens_at, row.closes_at) == ("10:00", "18:00")
    assert (row.valid_from, row.valid_to) == (date(2005, 1, 1), date(2005, 1, 1))
    assert rules_of(record)[0].byday == ("TH", "FR")
    [location] = record.locations
    assert (location.postcode, location.town) == ("SY1 1AA", "Shrewsbury")
    assert (location.latitude, location.longitude) == (52.7077, -2.7526)

    # New hours replace the old row (same ORUK id), never add to it.
    hours["opens_at"] = "09:30:00"
    assert run(app, write(path, feed)) == ["created 0, updated 1, skipped 0"]
    [row] = by_uuid(COUNSELLING).schedules
    assert (row.uuid, row.opens_at) == (SCHEDULE, "09:30")
    assert count(Schedule) == 1 and count(Location) == 1


PAGE_NOTE = (
    "service_list.json is one page of 10: only its services were imported "
    "(give the feed's URL to import every page)"
)


@pytest.mark.parametrize(
    ("name", "notes", "places"),
    [
        ("organization_full.json", EXAMPLE_LINES, [CIVIC_CENTRE]),  # an organisation's services
        ("service_at_location_full.json", EXAMPLE_LINES, [CIVIC_CENTRE]),
        ("service_list.json", [PAGE_NOTE], []),  # a list page from a file: that page only
    ],
)
def test_other_oruk3_shapes_give_the_same_service(app, name, notes, places):
    path = SERVICE_FULL.parent / name
    assert run(app, path) == ["created 1, updated 0, skipped 0", *notes]
    record = by_uuid(COUNSELLING)
    assert (record.name, record.organisation.name) == (
        "Community Counselling",
        "Example Organization Inc.",
    )
    assert [location.uuid for location in record.locations] == places
    assert run(app, path) == ["created 0, updated 0, skipped 1", *notes]


def test_services_without_names_are_skipped_and_each_is_named(app):
    assert run(app, FAIL_LIST) == [
        "created 0, updated 0, skipped 4",
        f"skipped service {COUNSELLING}: no name",
        "skipped service b644a0d2-9e8a-4c33-9390-ae9ee93fc056: no name",
        "skipped service e85f5bb0-62f0-42cc-a08a-0c5c16273090: no name",
        f"skipped service {COUNSELLING}: no name",
    ]
    assert count(Service) == count(Organisation) == 0


# --- ORUK 1.0: North Lincolnshire's real feed -----------------------------------------------


def test_north_lincolnshire_imports_every_service_once(app, tmp_path):
    feed = json.loads(NORTH_LINCS.read_text(encoding="utf-8"))
    assert len(feed) == 738
    # Every service has an id, a name and an organisation with a name, and nothing else in
    # the feed is unreadable, so all 738 are created and nothing is reported.
    assert run(app, NORTH_LINCS) == ["created 738, updated 0, skipped 0"]
    uuids = set(db.session.scalars(select(Service.uuid)))
    assert uuids == {item["id"] for item in feed}
    # 239 organisation ids, but "Papyrus UK" comes with two ids: one organisation here.
    assert count(Organisation) == 238
    assert count(ServiceSearch) == 738
    assert set(db.session.scalars(select(Service.review))) == {"published"}

    # HTML in descriptions: sanitised, entities decoded once, formatting kept.
    carecalls = by_uuid("b6247c44-2bab-7eeb-2516-2240f36ddc37")
    assert "Free &amp; unlimited usage" in carecalls.description_html
    assert "&amp;amp;" not in carecalls.description_html
    assert "Free & unlimited usage" in carecalls.description
    assert "&amp;" not in carecalls.description and "&nbsp;" not in carecalls.description
    assert "<ul><li>Available to the entire of the UK and USA</li>" in carecalls.description_html
    assert "<strong>Watch our new explainer video:</strong>" in carecalls.description_html
    assert (
        '<a href="https://carecalls.io/explainer-video" rel="noopener nofollow">'
        in carecalls.description_html
    )
    assert "data-cke-saved-href" not in carecalls.description_html
    assert "<h1>" not in carecalls.description_html and "Features" in carecalls.description
    # A bare host in the feed becomes a web address rather than being dropped.
    assert carecalls.url == "https://www.carecalls.io"
    wawy = by_uuid("738f94e0-aa6c-6a5c-2395-7b64421ba2a5")
    assert wawy.name == '"We are with You" WAWY'
    assert wawy.description.startswith("Struggling with Drug & Alcohol Addiction?")
    assert wawy.assured_at == date(2024, 12, 10)
    assert wawy.organisation.name == "Victor House"
    assert (wawy.is_free, wawy.fees) == (False, "")  # the feed says nothing about cost
    assert found("carecalls") == ["CareCalls"]

    # The same feed again: nothing created, nothing changed, the same ids.
    assert run(app, NORTH_LINCS) == ["created 0, updated 0, skipped 738"]
    assert set(db.session.scalars(select(Service.uuid))) == uuids
    assert (count(Service), count(Organisation), count(ServiceSearch)) == (738, 238, 738)

    # One service renamed: that one is updated in place.
    feed[0]["name"] = "We Are With You, Victor House"
    edited = write(tmp_path / NORTH_LINCS.name, feed)
    assert run(app, edited) == ["created 0, updated 1, skipped 737"]
    renamed = by_uuid("738f94e0-aa6c-6a5c-2395-7b64421ba2a5")
    assert renamed.name == "We Are With You, Victor House"
    assert set(db.session.scalars(select(Service.uuid))) == uuids
    indexed = db.session.get(ServiceSearch, renamed.id).title  # the index follows the name
    assert "We Are With You, Victor House" in indexed and "WAWY" not in indexed


# --- what a feed gets wrong -----------------------------------------------------------------


def service(id_: str, name: str = "Tea and Chat", **fields) -> dict:
    return {
        "id": id_,
        "name": name,
        "description": "A cuppa.",
        "status": "active",
        "organization": {"id": "org-1", "name": "Wem Friends", "description": ""},
        **fields,
    }


def test_what_cannot_be_imported_is_skipped_and_said_and_the_rest_is_imported(app, tmp_path):
    feed = [
        service(
            "tea-1",
            "Tea &amp; Chat",
            description=(
                '<p onclick="steal()">Tea &amp; <strong>cake</strong>'
                "<script>alert(1)</script></p><style>p {}</style>"
            ),
            status="open",
            minimum_age=65,
            maximum_age=18,
            fees="Free",
            regular_schedules=[
                {"id": "s1", "byday": "MO", "opens_at": "10:00", "closes_at": "12:00"},
                {"id": "s2", "byday": "Funday", "opens_at": "10:00", "closes_at": "12:00"},
                {
                    "id": "s3",
                    "freq": "WEEKLY",
                    "interval": 2,
                    "byday": "TU",
                    "description": "Every other Tuesday",
                },
            ],
            service_taxonomys=[
                {
                    "id": "st1",
                    "taxonomy": {
                        "id": "bereavement",
                        "name": "Bereavement",
                        "vocabulary": "Needs",
                        "parent": "health",
                    },
                },
                {
                    "id": "st2",
                    "taxonomy": {"id": "health", "name": "Health", "vocabulary": "Needs"},
                },
            ],
            contacts=[{"id": "c1", "phones": [{"id": "p1", "number": "01939 000000"}]}],
            service_areas=[{"id": "a1", "service_area": "SY4, SY5"}],
            email="mailto:tea@example.org",
        ),
        service("", "No Id"),
        service("tea-2", ""),
        "not a service",
        service("tea-1", "Tea again"),
        service(
            "tea-3",
            "Online Tea",
            attending_type="Online",
            cost_options=[{"id": "c", "option": "Everyone", "amount": 0}],
        ),
        service("tea-4", "Tea Without A Host", organization={"id": "x", "name": " "}),
    ]
    path = write(tmp_path / "tea.json", feed)
    lines = [
        "created 2, updated 0, skipped 5",
        'service tea-1 "Tea & Chat": status "open" is not an ORUK status; imported as active',
        'service tea-1 "Tea & Chat": minimum age 65 is above maximum age 18; ages left empty',
        "skipped schedule s2 of service tea-1 \"Tea & Chat\": byday 'FUNDAY' is not a day such "
        "as MO, 1MO or -1FR",
        'skipped schedule s3 of service tea-1 "Tea & Chat": interval 2 (every 2 weeks or '
        "months) is not supported; kept its description as text",
        "skipped item 2 of the feed ('No Id'): no id",
        "skipped service tea-2: no name",
        "skipped item 4 of the feed: not a service object",
        'skipped service tea-1 "Tea again": listed twice in the feed; the first was imported',
        'skipped service tea-4 "Tea Without A Host": its organisation has no name',
    ]
    assert run(app, path) == lines
    first = set(db.session.scalars(select(Service.uuid)))
    # Again: the same reasons, and the two imported services are unchanged.
    assert run(app, path) == ["created 0, updated 0, skipped 7", *lines[1:]]
    # Ids that are not UUIDs get a uuid5 of source and id: the same on every import.
    assert set(db.session.scalars(select(Service.uuid))) == first and len(first) == 2

    tea = db.session.scalar(select(Service).where(Service.source_id == "tea-1"))
    assert str(uuid.UUID(tea.uuid)) == tea.uuid
    assert tea.name == "Tea & Chat" and tea.status == "active"
    assert tea.description_html == "<p>Tea &amp; <strong>cake</strong></p>"
    assert tea.description == "Tea & cake"
    assert (tea.minimum_age, tea.maximum_age) == (None, None)
    assert (tea.is_free, tea.fees) == (True, "Free")
    assert (tea.phone, tea.email) == ("01939 000000", "tea@example.org")
    assert tea.service_areas == ["SY4", "SY5"]
    assert [(s.byday, s.opens_at, s.description) for s in tea.schedules] == [
        ("MO", "10:00", ""),
        ("", "", "Every other Tuesday"),
    ]
    terms = {t.code: t for t in tea.terms}
    assert set(terms) == {"bereavement", "health"}
    assert terms["bereavement"].parent_id == terms["health"].id
    assert terms["health"].taxonomy.name == "Needs"
    online = db.session.scalar(select(Service).where(Service.source_id == "tea-3"))
    assert (online.online_only, online.is_free, online.fees) == (True, True, "Everyone: £0")
    vocabularies = db.session.scalars(select(Taxonomy.name).order_by(Taxonomy.name)).all()
    assert set(vocabularies) - {needs.TAXONOMY_NAME} == {"Needs"}  # one, by vocabulary
    assert count(Organisation) == 1


def test_a_service_added_on_this_site_is_never_overwritten(app):
    local_service("Counselling Here", "mental-health", "shrewsbury", uuid=COUNSELLING)
    assert run(app, SERVICE_FULL) == [
        "created 0, updated 0, skipped 1",
        f"skipped {LABEL}: a service with this id was added on this site; "
        "an import does not overwrite it",
    ]
    assert by_uuid(COUNSELLING).name == "Counselling Here"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: tmp / "missing.json", "missing.json: no such file"),
        (lambda tmp: tmp, "is a folder, not a JSON file"),
        (lambda tmp: write_text(tmp / "page.json", "<html>Not found</html>"), "is not JSON"),
        (lambda tmp: write_text(tmp / "empty.json", ""), "is not JSON"),
        (lambda tmp: write(tmp / "hello.json", {"hello": "world"}), "holds no Open Referral UK"),
        (lambda tmp: write(tmp / "numbers.json", [1, 2, 3]), "holds no Open Referral UK"),
        (lambda tmp: write(tmp / "text.json", "services"), "holds no Open Referral UK"),
        (lambda tmp: TAXONOMY_LIST, "taxonomy_list.json holds no Open Referral UK services"),
        (lambda tmp: API_ROOT, "describes an ORUK API (HSDS-UK-3.0), not services"),
    ],
    ids=["missing", "folder", "html", "empty", "object", "numbers", "string", "terms", "api"],
)
def test_bad_files_fail_with_one_clear_line(app, tmp_path, make, message):
    assert message in fails(app, make(tmp_path))


def write_text(path: Path, body: str) -> Path:
    path.write_text(body, encoding="utf-8")
    return path


# --- from a URL -----------------------------------------------------------------------------


class FeedServer(LocalServer):
    """A local HTTP server: the fixture files, and an ORUK API paging North Lincolnshire's
    first seven services three to a page (with each at /api/services/{id})."""

    def __init__(self):
        super().__init__()
        self.paths: list[str] = []
        self.asked_at: list[float] = []
        self.services = json.loads(NORTH_LINCS.read_text(encoding="utf-8"))[:7]
        self.busy = 0  # how many more requests get "429 Too Many Requests"
        self.retry_after = "0"

    def _wsgi(self, environ, start_response):
        request = Request(environ)
        self.paths.append(request.full_path.rstrip("?"))
        self.asked_at.append(time.monotonic())
        return self._respond(request)(environ, start_response)

    def _respond(self, request: Request) -> Response:
        path = request.path
        if self.busy:
            self.busy -= 1
            return Response(
                '{"error": "slow down"}',
                status=429,
                mimetype="application/json",
                headers={"Retry-After": self.retry_after},
            )
        if path == "/feeds/service_full.json":
            return Response(SERVICE_FULL.read_bytes(), mimetype="application/json")
        if path == "/api/":
            return Response(API_ROOT.read_bytes(), mimetype="application/json")
        if path == "/api/services":
            number = int(request.args.get("page", "1"))
            contents = self.services[(number - 1) * 3 : number * 3]
            page = {"total_items": 7, "total_pages": 3, "page_number": number, "size": 3}
            return Response(json.dumps({**page, "contents": contents}), mimetype="application/json")
        if path.startswith("/api/services/"):
            wanted = path.rsplit("/", 1)[1]
            item = next((s for s in self.services if s["id"] == wanted), None)
            if item is not None:
                return Response(json.dumps(item), mimetype="application/json")
        if path == "/broken":
            return Response("<html>Bad gateway</html>", status=200, mimetype="text/html")
        return Response('{"error": "not found"}', status=404, mimetype="application/json")


@pytest.fixture
def server():
    with FeedServer() as running:
        yield running


def test_a_feed_file_from_a_url(app, server):
    assert run(app, f"{server.url}/feeds/service_full.json") == [
        "created 1, updated 0, skipped 0",
        *EXAMPLE_LINES,
    ]
    assert server.paths == ["/feeds/service_full.json"]
    record = by_uuid(COUNSELLING)
    assert (record.source, record.source_id) == ("oruk:127.0.0.1", COUNSELLING)


def test_an_api_base_is_followed_through_every_page(app, server):
    assert run(app, f"{server.url}/api/") == ["created 7, updated 0, skipped 0"]
    assert server.paths == [
        "/api/",
        "/api/services",
        "/api/services?page=2",
        "/api/services?page=3",
    ]
    assert set(db.session.scalars(select(Service.uuid))) == {s["id"] for s in server.services}

    server.paths.clear()
    assert run(app, f"{server.url}/api/services?page=1", "--details") == [
        "created 0, updated 0, skipped 7"
    ]
    assert server.paths[:3] == [
        "/api/services?page=1",
        "/api/services?page=2",
        "/api/services?page=3",
    ]
    assert server.paths[3:] == [f"/api/services/{s['id']}" for s in server.services]


def test_a_url_that_fails_says_so_in_one_line(app, server):
    assert f"{server.url}/nothing-here answered HTTP 404" in fails(
        app, f"{server.url}/nothing-here"
    )
    assert f"{server.url}/broken is not JSON" in fails(app, f"{server.url}/broken")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens there now: the feed is "down".
    assert f"could not connect to http://127.0.0.1:{port}/feed" in fails(
        app, f"http://127.0.0.1:{port}/feed"
    )


def test_a_feed_that_asks_us_to_slow_down_is_asked_again_after_its_retry_after(app, server):
    server.busy, server.retry_after = 2, "1"
    assert run(app, f"{server.url}/feeds/service_full.json")[0] == (
        "created 1, updated 0, skipped 0"
    )
    assert server.paths == ["/feeds/service_full.json"] * 3
    gaps = [later - earlier for earlier, later in itertools.pairwise(server.asked_at)]
    assert all(gap >= 0.9 for gap in gaps), gaps  # it waited the second it was told to


def test_a_feed_that_stays_busy_fails_in_one_line(app, server, monkeypatch):
    # No pauses between tries here, so the test does not sit through the backoff.
    monkeypatch.setattr(fetch, "RETRIES", fetch.RETRIES.new(backoff_factor=0))
    server.busy = 100
    said = fails(app, f"{server.url}/feeds/service_full.json")
    assert (
        f"{server.url}/feeds/service_full.json answered HTTP 429 TOO MANY REQUESTS after 5 "
        "tries; try the import again later"
    ) in said
    assert len(server.paths) == 5


# --- our own feed read back -----------------------------------------------------------------
# What /api/oruk/ emits (directory.oruk.feed) imports into the same stored values, so export,
# import into an empty database and export again gives the same documents.

SERVICE = "5f0b8a52-8c3e-4d8e-9a57-0e7d1b2c3d4e"
ORG = "9a1c4f0e-2b7d-4c55-8e43-5a2d7a1c0b22"
PLACE = "c2d4e6f8-1a3b-4c5d-8e7f-9a0b1c2d3e4f"
LINK = "0b1c2d3e-4f5a-4b6c-8d7e-8f9a0b1c2d3e"
OURS = f'service {SERVICE} "Wem Lunch Club"'


def ours(**fields) -> dict:
    """A service as our feed gives it (directory.oruk.feed.service_full)."""
    return {
        "id": SERVICE,
        "organization_id": ORG,
        "name": "Wem Lunch Club",
        "description": "A hot lunch.",
        "status": "active",
        "last_modified": "2026-11-23T10:00:00Z",
        "organization": {"id": ORG, "name": "Wem Friends", "description": ""},
        **fields,
    }


def building(**fields) -> dict:
    """A service_at_location of ours, with its location in full."""
    location = {
        "id": PLACE,
        "location_type": "physical",
        "name": "Wem Town Hall",
        "latitude": 52.8555,
        "longitude": -2.7246,
        **fields,
    }
    return {"id": LINK, "service_id": SERVICE, "location_id": PLACE, "location": location}


def imported(app, tmp_path, *services: dict) -> Service:
    """The first service, after importing a page of ours that gives no notes."""
    page = {"total_pages": 1, "page_number": 1, "contents": list(services)}
    assert run(app, write(tmp_path / "ours.json", page)) == [
        f"created {len(services)}, updated 0, skipped 0"
    ]
    return by_uuid(services[0]["id"])


def test_our_organisation_id_is_its_uuid_and_finds_it_again(app, tmp_path):
    assert imported(app, tmp_path, ours()).organisation.uuid == ORG
    assert run(app, tmp_path / "ours.json") == ["created 0, updated 0, skipped 1"]
    assert count(Organisation) == 1


def test_an_organisation_id_that_is_no_uuid_gives_a_uuid5_and_no_id_a_fresh_uuid(app, tmp_path):
    other = "e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b"
    first = imported(
        app,
        tmp_path,
        ours(organization={"id": "org-7", "name": "Wem Friends"}),
        ours(id=other, name="Ludlow Larder", organization={"name": "Ludlow Larder"}),
    )
    source_id = "oruk:ours.json/organisation/org-7"
    assert first.organisation.uuid == str(uuid.uuid5(draft.NAMESPACE, source_id))
    fresh = by_uuid(other).organisation.uuid
    assert str(uuid.UUID(fresh)) == fresh and fresh != first.organisation.uuid


def test_an_organisation_here_is_found_by_uuid_first_and_keeps_its_own_uuid(app, tmp_path, make):
    mine = make.organisation(uuid=ORG, slug="wem-friends-cio", name="Wem Friends CIO")
    make.organisation(slug="wem-friends", name="Wem Friends")  # same name, another uuid
    larder = make.organisation(slug="ludlow-larder", name="Ludlow Larder")
    other = "e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b"
    elsewhere = "7d8e9f0a-1b2c-4d3e-8f4a-5b6c7d8e9f0a"
    own_uuid = larder.uuid
    record = imported(
        app,
        tmp_path,
        ours(),
        ours(id=other, name="Larder", organization={"id": elsewhere, "name": "Ludlow Larder"}),
    )
    assert (record.organisation.id, record.organisation.name) == (mine.id, "Wem Friends CIO")
    assert by_uuid(other).organisation.id == larder.id  # by its name, as before
    assert by_uuid(other).organisation.uuid == own_uuid
    assert count(Organisation) == 3


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("2026-11-23T10:00:00Z", datetime(2026, 11, 23, 10, 0)),
        ("2026-11-23T10:00:00.250000Z", datetime(2026, 11, 23, 10, 0, 0, 250000)),
        ("2026-11-23T11:00:00+01:00", datetime(2026, 11, 23, 10, 0)),
    ],
    ids=["utc", "microseconds", "offset"],
)
def test_last_modified_is_the_services_updated_at(app, tmp_path, given, stored):
    assert imported(app, tmp_path, ours(last_modified=given)).updated_at == stored
    path = tmp_path / "ours.json"
    assert run(app, path) == ["created 0, updated 0, skipped 1"]
    assert by_uuid(SERVICE).updated_at == stored

    # A change with the same time keeps the feed's time (the model's onupdate does not win).
    assert run(app, write(path, ours(last_modified=given, name="Wem Lunch"))) == [
        "created 0, updated 1, skipped 0"
    ]
    assert by_uuid(SERVICE).updated_at == stored
    # A new time alone is a change.
    assert run(app, write(path, ours(last_modified="2026-12-01T08:30:00Z", name="Wem Lunch"))) == [
        "created 0, updated 1, skipped 0"
    ]
    assert by_uuid(SERVICE).updated_at == datetime(2026, 12, 1, 8, 30)


def test_an_unreadable_last_modified_is_said_and_ignored(app, tmp_path):
    imported(app, tmp_path, ours())
    path = write(tmp_path / "ours.json", ours(last_modified="last Tuesday"))
    assert run(app, path) == [
        "created 0, updated 0, skipped 1",
        f'{OURS}: last_modified "last Tuesday" is not a date and time; ignored',
    ]
    assert by_uuid(SERVICE).updated_at == datetime(2026, 11, 23, 10, 0)


@pytest.mark.parametrize(
    ("entries", "keys"),
    [
        # Ours: one entry a feature, saying its label.
        (
            [{"description": label} for label in geo.ACCESSIBILITY.values()],
            [key for key, _ in coerce.ACCESS_WORDS],
        ),
        ([{"description": "Blue Badge parking"}], ["blue_badge_parking"]),
        ([{"description": "Guide-dog friendly"}], ["guide_dog_friendly"]),
        ([{"description": " changing places TOILET "}], ["changing_places"]),
        # Others' words, each entry read on its own.
        (
            [{"description": "Ramp at the side door"}, {"details": "Car parking behind"}],
            ["step_free", "parking"],
        ),
        ([{"accessibility": "Assistance dogs welcome"}], ["guide_dog_friendly"]),
    ],
    ids=["every-label", "blue-badge", "guide-dog", "case-and-spaces", "words", "oruk1"],
)
def test_accessibility_labels_are_their_features(app, tmp_path, entries, keys):
    record = imported(app, tmp_path, ours(service_at_locations=[building(accessibility=entries)]))
    assert record.locations[0].accessibility == keys


def test_our_needs_import_into_an_empty_database(app, tmp_path):
    assert count(Taxonomy) == 0  # every table is emptied between tests, needs too
    detail = {"id": needs.TAXONOMY_UUID, "name": needs.TAXONOMY_NAME, "version": "2025"}
    term = {
        "id": needs.term_uuid("food"),
        "name": "Food",
        "taxonomy": needs.TAXONOMY_NAME,
        "taxonomy_id": needs.TAXONOMY_UUID,
        "term": "Food",
        "description": "Food banks, community larders, lunch clubs and meals",
        "taxonomy_detail": {**detail, "description": "Needs people in Shropshire look for"},
    }
    attribute = {"id": LINK, "link_id": SERVICE, "link_type": "service", "taxonomy_term": term}
    record = imported(app, tmp_path, ours(attributes=[attribute]))
    assert [(t.uuid, t.code, t.taxonomy.uuid) for t in record.terms] == [
        (needs.term_uuid("food"), "food", needs.TAXONOMY_UUID)
    ]
    assert found("food") == ["Wem Lunch Club"]


def test_terms_of_another_taxonomy_keep_their_details_and_parents(app, tmp_path):
    vocabulary = "4a5b6c7d-8e9f-4a0b-8c1d-2e3f4a5b6c7d"
    parent, child = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e"
    detail = {
        "id": vocabulary,
        "name": "Community services",
        "description": "Kinds of community service",
        "uri": "https://example.org/community-services",
        "version": "1.2",
    }

    def attribute(term_id: str, name: str, **more) -> dict:
        term = {
            "id": term_id,
            "name": name,
            "taxonomy": "Community services",
            "taxonomy_id": vocabulary,
            "term": name,
            "description": f"{name} for all",
            "taxonomy_detail": detail,
            **more,
        }
        return {"id": str(uuid.uuid4()), "link_type": "service", "taxonomy_term": term}

    record = imported(
        app,
        tmp_path,
        ours(attributes=[attribute(parent, "Meals"), attribute(child, "Lunch", parent_id=parent)]),
    )
    terms = {t.uuid: t for t in record.terms}
    assert (terms[child].name, terms[child].description) == ("Lunch", "Lunch for all")
    assert terms[child].parent_id == terms[parent].id
    taxonomy = terms[child].taxonomy
    assert (taxonomy.uuid, taxonomy.name, taxonomy.description) == (
        vocabulary,
        "Community services",
        "Kinds of community service",
    )
    assert (taxonomy.uri, taxonomy.version) == ("https://example.org/community-services", "1.2")


@pytest.mark.parametrize(
    ("fields", "stored"),
    [
        (
            {"phones": [{"id": str(uuid.uuid4()), "number": "01939 232 000"}]},
            {"phone": "01939 232 000"},
        ),
        (
            {"eligibility_description": "Over 60s and carers"},
            {"eligibility": "Over 60s and carers"},
        ),
        (
            {
                "service_areas": [
                    {"id": str(uuid.uuid4()), "service_id": SERVICE, "name": c, "service_area": c}
                    for c in ("SY4", "SY1")
                ]
            },
            {"service_areas": ["SY4", "SY1"]},
        ),
        (
            {
                "languages": [
                    {"id": str(uuid.uuid4()), "service_id": SERVICE, "name": name}
                    for name in ("Welsh", "Polish")
                ]
            },
            {"languages": ["Welsh", "Polish"]},
        ),
        ({"fees": "£3 a session"}, {"fees": "£3 a session", "is_free": False}),
        ({"fees": "Free"}, {"fees": "Free", "is_free": True}),
        ({}, {"fees": "", "is_free": False}),  # our feed leaves fees out: not free
    ],
    ids=["phones", "eligibility", "areas", "languages", "fees", "free", "no-fees"],
)
def test_our_service_fields_are_stored_as_given(app, tmp_path, fields, stored):
    record = imported(app, tmp_path, ours(**fields))
    assert {key: getattr(record, key) for key in stored} == stored


def test_our_typed_words_keep_their_lines(app, tmp_path):
    # A provider's description and eligibility are typed over lines and our feed sends them
    # as typed: they come back the same (entities, as other feeds send them, decoded once).
    words = "Hot lunches on Tuesdays.\r\n\r\nFish &amp; chips on Fridays.\r\nAll welcome."
    rules = "Over 60s\nCarers too"
    record = imported(app, tmp_path, ours(description=words, eligibility_description=rules))
    assert record.description == (
        "Hot lunches on Tuesdays.\r\n\r\nFish & chips on Fridays.\r\nAll welcome."
    )
    assert record.description_html == text.from_text(record.description)  # as typed here
    assert record.eligibility == "Over 60s\nCarers too"
    assert run(app, tmp_path / "ours.json") == ["created 0, updated 0, skipped 1"]


@pytest.mark.parametrize(
    ("address_1", "city", "address", "town"),
    [
        # Our feed gives the address without its town (as city); an import puts it back.
        ("Wem Town Hall, High Street", "Wem", "Wem Town Hall, High Street, Wem", "Wem"),
        # An address that was only the town; exported again it is "" and "Ludlow" again.
        ("", "Ludlow", "Ludlow", "Ludlow"),
        ("1 Mill Lane", "", "1 Mill Lane", ""),
        # An address naming its town inside: one more ", Ludlow", taken off again on export.
        (
            "1 Corve St, Ludlow, Shropshire",
            "Ludlow",
            "1 Corve St, Ludlow, Shropshire, Ludlow",
            "Ludlow",
        ),
    ],
    ids=["street-and-town", "town-only", "no-town", "town-inside"],
)
def test_our_addresses_give_address_and_town(app, tmp_path, address_1, city, address, town):
    given = {
        "id": str(uuid.uuid4()),
        "location_id": PLACE,
        "address_1": address_1,
        "city": city,
        "state_province": "",
        "postal_code": "SY4 5DG",
        "country": "GB",
        "address_type": "physical",
    }
    record = imported(app, tmp_path, ours(service_at_locations=[building(addresses=[given])]))
    [place] = record.locations
    assert (place.uuid, place.name, place.address, place.town, place.postcode) == (
        PLACE,
        "Wem Town Hall",
        address,
        town,
        "SY4 5DG",
    )
    assert [link.uuid for link in record.at_locations] == [LINK]


def test_our_schedules_keep_their_ids_and_times(app, tmp_path):
    ids = [str(uuid.UUID(int=n)) for n in range(1, 5)]
    rows = [
        {"freq": "WEEKLY", "byday": "MO,WE", "opens_at": "09:30:00", "closes_at": "12:00:00"},
        {
            "freq": "MONTHLY",
            "byday": "1FR",
            "opens_at": "18:00:00",
            "closes_at": "20:30:00",
            "valid_from": "2026-01-01",
            "valid_to": "2026-12-31",
            "description": "First Friday of the month",
        },
        {"freq": "MONTHLY", "bymonthday": "15", "opens_at": "10:00:00", "closes_at": "11:00:00"},
        {"description": "Ring to book a time"},  # no rule: our feed sends no freq
    ]
    schedules = [{"id": i, "service_id": SERVICE, **row} for i, row in zip(ids, rows, strict=True)]
    record = imported(app, tmp_path, ours(schedules=schedules))
    assert [
        (s.uuid, s.freq, s.byday, s.bymonthday, s.opens_at, s.closes_at, s.description)
        for s in record.schedules
    ] == [
        (ids[0], "WEEKLY", "MO,WE", "", "09:30", "12:00", ""),
        (ids[1], "MONTHLY", "1FR", "", "18:00", "20:30", "First Friday of the month"),
        (ids[2], "MONTHLY", "", "15", "10:00", "11:00", ""),
        (ids[3], "WEEKLY", "", "", "", "", "Ring to book a time"),
    ]
    assert (record.schedules[1].valid_from, record.schedules[1].valid_to) == (
        date(2026, 1, 1),
        date(2026, 12, 31),
    )
    assert run(app, tmp_path / "ours.json") == ["created 0, updated 0, skipped 1"]
