"""The Open Referral UK 3.0 API at /api/oruk/, judged as the official validator judges a feed
(../shared/oruk/README.md; the walk is tests/directory/oruk/validator.py): on the demo
directory, on the imported North Lincolnshire feed and on the ORUK example; the search
parameters built from a service find it and leave out what they should; bad values are a
400 naming the parameter; only published, public data leaves; ids are UUIDs that stay put.
"""

from __future__ import annotations

import copy
import json
import math
import re
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import func, select, update

from accord import geo
from accord.extensions import db
from accord.models import Location, Review, Role, User
from directory.models import ListingReport, Service, ServiceAtLocation
from directory.oruk import feed as oruk_feed
from directory.oruk import params as oruk_params
from tests.directory.data import service as local_service
from tests.directory.oruk import validator as oruk_validator
from tests.fakes.postcodes import FakePostcodes

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "tests" / "fixtures" / "oruk"
OURS = ROOT / "directory" / "oruk" / "schema"
NORTH_LINCS = FIXTURES / "real-feeds" / "north-lincolnshire-oruk1-services.json"
SERVICE_FULL = FIXTURES / "examples" / "service_full.json"
API = "/api/oruk"
DAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
LONDON = "NW10 4DG"  # the fake postcodes.io's one postcode outside Shropshire


# --- helpers --------------------------------------------------------------------------------


def import_feed(app, path: Path) -> list[str]:
    result = app.test_cli_runner().invoke(args=["directory", "import-oruk", str(path)])
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def answer(client, path: str, status: int = 200, **params) -> dict:
    """The JSON of GET path?params, which must be `status`, JSON and open to any site."""
    response = client.get(path, query_string=params)
    text = response.get_data(as_text=True)
    assert response.status_code == status, f"{path} {params}: {response.status_code} {text}"
    assert response.mimetype == "application/json", (path, response.content_type)
    assert response.headers["Access-Control-Allow-Origin"] == "*", path
    return json.loads(text)


def every(client, name: str, **params) -> list[dict]:
    """Every item of a list endpoint with these filters, page by page (100 a page)."""
    items, page = [], 1
    while True:
        body = answer(client, f"{API}/{name}", per_page=100, page=page, **params)
        assert oruk_validator.page_problems(body, page, 100) == [], (name, params, page)
        items += body["contents"]
        if body["last_page"]:
            return items
        page += 1


def ids_of(items: list[dict]) -> list[str]:
    return [item["id"] for item in items]


def all_ids(client) -> dict[str, list[str]]:
    return {name: ids_of(every(client, name)) for name in oruk_validator.ENDPOINTS}


def count_published() -> int:
    return db.session.scalar(
        select(func.count()).select_from(Service).where(Service.review == Review.published)
    )


def keys_in(value) -> set[str]:
    if isinstance(value, dict):
        return set(value).union(*(keys_in(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(keys_in(v) for v in value))
    return set()


def assert_walk_passed(walk: oruk_validator.Walk) -> None:
    assert walk.problems == [], "\n".join(walk.problems)
    # The walk really happened: the root, the OpenAPI document and every list were asked.
    assert walk.calls[0].endswith(f"{API}/") and walk.calls[1].endswith("/openapi.json")
    assert set(walk.pages) == set(oruk_validator.ENDPOINTS)


# --- the schemas we check against, and that they really check -------------------------------


@pytest.mark.parametrize(
    "name", ["service", "service_list", "service_at_location", "service_at_location_list"]
)
def test_our_schemas_are_the_uk_profile_schemas_byte_for_byte(name):
    assert (OURS / f"{name}.json").read_bytes() == (
        FIXTURES / "schema" / f"{name}.json"
    ).read_bytes()


def test_our_taxonomy_schemas_are_the_profile_definitions_written_out():
    profile = json.loads((FIXTURES / "schema" / "service_with_definitions.json").read_text())
    definitions = profile["definitions"]
    taxonomy = copy.deepcopy(definitions["taxonomy"])
    assert taxonomy["properties"]["taxonomy_terms"]["items"] == {
        "$ref": "#/definitions/taxonomy_term"
    }
    taxonomy["properties"]["taxonomy_terms"]["items"] = definitions["taxonomy_term"]

    assert json.loads((OURS / "taxonomy.json").read_text()) == taxonomy
    assert json.loads((OURS / "taxonomy_term.json").read_text()) == definitions["taxonomy_term"]


def test_the_schemas_check_formats_and_follow_refs_into_the_profile():
    example = json.loads(SERVICE_FULL.read_text(encoding="utf-8"))
    assert oruk_validator.schema_errors("service", example) == []
    assert oruk_validator.empties(example, "service") == []

    broken = {
        "id": ("not-a-uuid", "'not-a-uuid' is not a 'uuid'"),
        "email": ("not an email", "'not an email' is not a 'email'"),
        "url": ("not a uri", "'not a uri' is not a 'uri'"),
        "last_modified": ("yesterday", "'yesterday' is not a 'date-time'"),
    }
    for key, (value, message) in broken.items():
        wrong = {**example, key: value}
        assert oruk_validator.schema_errors("service", wrong) == [f"at /{key}: {message}"]
    nested = copy.deepcopy(example)
    nested["service_at_locations"][0]["location"]["id"] = "12"
    assert oruk_validator.schema_errors("service", nested) == [
        "at /service_at_locations/0/location/id: '12' is not a 'uuid'"
    ]

    # Taxonomies and terms: by $ref into service_with_definitions.json, whose own $ref
    # (taxonomy → taxonomy_term) is followed too.
    assert oruk_validator.schema("taxonomy") == {
        "$ref": f"{oruk_validator.DEFINITIONS}#/definitions/taxonomy"
    }
    term = {"id": str(uuid.uuid4()), "name": "Food", "description": ""}
    vocabulary = {"id": str(uuid.uuid4()), "name": "Needs", "description": "", "uri": "x y"}
    assert oruk_validator.schema_errors("taxonomy_term", term) == []
    assert oruk_validator.schema_errors("taxonomy", {**vocabulary, "taxonomy_terms": [term]}) == [
        "at /uri: 'x y' is not a 'uri'"
    ]
    assert oruk_validator.schema_errors(
        "taxonomy", {**vocabulary, "uri": "https://example.org", "taxonomy_terms": [{"id": "7"}]}
    ) == [
        "at /taxonomy_terms/0: 'name' is a required property",
        "at /taxonomy_terms/0: 'description' is a required property",
        "at /taxonomy_terms/0/id: '7' is not a 'uuid'",
    ]


def test_the_validator_fails_what_the_official_one_fails():
    # OpenReferralUK/oruk-validator's own failing mock: services without names, bad
    # emails and urls, and a page whose size disagrees with its contents.
    page = json.loads((FIXTURES / "validator-fail" / "service_list.json").read_text())
    assert all(
        "at /: 'name' is a required property" in oruk_validator.schema_errors("service_list", item)
        for item in page["contents"]
    )
    assert oruk_validator.page_problems(page, 1, 10) == [
        "size is 1, expected 4",
        "the last page holds 4 of 1 items",
    ]

    good = {
        "total_items": 25,
        "total_pages": 3,
        "page_number": 2,
        "size": 10,
        "first_page": False,
        "last_page": False,
        "empty": False,
        "contents": [{}] * 10,
    }
    assert oruk_validator.page_problems(good, 2, 10) == []
    assert oruk_validator.page_problems({**good, "total_pages": 2}, 2, 10) == [
        "total_pages is 2, expected 3",
        "last_page is False, expected True",
        "the last page holds 10 of 25 items",
    ]
    assert oruk_validator.page_problems({**good, "first_page": True, "size": True}, 2, 10) == [
        "size is True, not int"
    ]
    assert oruk_validator.page_problems({**good, "contents": [{}] * 9, "size": 9}, 2, 10) == [
        "page 2 of 3 holds 9, not per_page 10"
    ]
    assert oruk_validator.pages_to_ask(83) == [1, 42, 83]
    assert oruk_validator.pages_to_ask(0) == [1]

    # Empty values: null anywhere, [] anywhere, "" only where the field is optional.
    service = {
        "id": str(uuid.uuid4()),
        "name": "Lunch club",
        "status": "active",
        "description": "",
        "email": None,
        "languages": [],
        "organization": {"id": str(uuid.uuid4()), "name": "Helpers", "description": ""},
    }
    assert oruk_validator.empties(service, "service") == [
        '/description is "" (optional: leave it out)',
        "/email is null",
        "/languages is empty (leave it out)",
    ]


WEB_ADDRESSES = {
    # as a provider typed it → as the API sends it (a URI, RFC 3986), or None: left out
    "https://www.gov.uk/": "https://www.gov.uk/",
    "www.ludlowfoodbank.org.uk": "https://www.ludlowfoodbank.org.uk",
    "https://example.org/path?q=1&r=a%20b#top": "https://example.org/path?q=1&r=a%20b#top",
    "https://example.org/café": "https://example.org/caf%C3%A9",
    "https://example.org/events?tags=food|warm": "https://example.org/events?tags=food%7Cwarm",
    "https://example.org/{id}/a^b`c\\d": "https://example.org/%7Bid%7D/a%5Eb%60c%5Cd",
    "https://example.org/100%free": "https://example.org/100%25free",
    "https://example.org/#a#b": "https://example.org/#a%23b",
    "https://bücher.example/": "https://xn--bcher-kva.example/",
    "https://[::1]:8080/x": "https://[::1]:8080/x",
    "https://exa mple.org/": None,
    "mailto:help@example.org": None,
    "not a web address": None,
}


def test_web_addresses_are_sent_as_uris_or_left_out():
    uri = Draft202012Validator.FORMAT_CHECKER
    for typed, sent in WEB_ADDRESSES.items():
        assert oruk_feed.web_address(typed) == sent, typed
        assert sent is None or uri.conforms(sent, "uri"), sent
        assert sent is None or oruk_feed.web_address(sent) == sent  # read back, the same


def test_a_provider_s_awkward_web_addresses_pass_the_walk(app, client):
    """What providers type (an accent, a "|", an international host) would fail the
    validator's `format: uri` on /services, which fails the whole feed."""
    record = local_service(
        "Ludlow Café Club", "food", "ludlow", url="https://example.org/café?tags=food|warm"
    )
    record.organisation.website = "https://bücher.example/über uns"
    db.session.commit()

    walk = oruk_validator.walk(client, f"http://localhost{API}", per_page=1)

    assert_walk_passed(walk)
    service = answer(client, f"{API}/services/{record.uuid}")
    assert service["url"] == "https://example.org/caf%C3%A9?tags=food%7Cwarm"
    assert "website" not in service["organization"]  # a space: not a web address at all


def test_our_openapi_document_offers_what_the_oruk_one_asks_for(app, client):
    oruk = json.loads((FIXTURES / "openapi-3.0.json").read_text(encoding="utf-8"))
    ours = answer(client, f"{API}/openapi.json")

    def parameters(document: dict, path: str) -> set[str]:
        found = set()
        for parameter in document["paths"][path]["get"].get("parameters", []):
            if "$ref" in parameter:
                parameter = document["components"]["parameters"][parameter["$ref"].split("/")[-1]]
            if parameter["in"] == "query":
                found.add(parameter["name"])
        return found

    assert set(oruk["paths"]) <= set(ours["paths"])
    for path in oruk["paths"]:
        assert parameters(oruk, path) <= parameters(ours, path), path
    assert "postcode" in parameters(ours, "/service_at_locations")
    assert "modified_after" in parameters(ours, "/services")


# --- the validator's walk -------------------------------------------------------------------


def test_the_demo_directory_passes_the_validators_walk(app, demo, client):
    published = count_published()

    walk = oruk_validator.walk(client, f"http://localhost{API}", per_page=7)

    assert_walk_passed(walk)
    assert walk.totals["services"] == published > 300
    assert walk.totals["taxonomy_terms"] == 20 and walk.totals["taxonomies"] == 1
    for name in ("services", "service_at_locations", "taxonomy_terms"):
        last = math.ceil(walk.totals[name] / 7)
        assert walk.pages[name] == [1, (last + 1) // 2, last] and last >= 3
    assert {name: len(ids) for name, ids in walk.fetched.items()} == {
        "services": 10,
        "service_at_locations": 10,
        "taxonomies": 1,
        "taxonomy_terms": 10,
    }
    meta = answer(client, f"{API}/")
    assert meta["version"] == "HSDS-UK-3.0"
    assert meta["openapi_url"] == f"http://localhost{API}/openapi.json"
    assert answer(client, meta["openapi_url"])["servers"] == [{"url": f"http://localhost{API}"}]

    # per_page is capped; the default is 50; a page after the last is empty, not an error.
    capped = answer(client, f"{API}/services", per_page=100000)
    assert (capped["size"], capped["total_pages"]) == (100, math.ceil(published / 100))
    assert answer(client, f"{API}/services")["size"] == oruk_params.PER_PAGE
    after = answer(client, f"{API}/services", page=999)
    assert oruk_validator.page_problems(after, 999, oruk_params.PER_PAGE) == []
    assert (after["empty"], after["size"], after["last_page"]) == (True, 0, True)
    # Parameters we do not know are ignored, as consumers send extras.
    assert answer(client, f"{API}/services", full="true", format="json")["size"] == 50


def test_the_imported_north_lincolnshire_feed_passes_the_walk_and_keeps_its_ids(
    app, client, make_app
):
    feed = json.loads(NORTH_LINCS.read_text(encoding="utf-8"))
    assert import_feed(app, NORTH_LINCS) == ["created 738, updated 0, skipped 0"]

    walk = oruk_validator.walk(client, f"http://localhost{API}", per_page=50)

    assert_walk_passed(walk)
    assert walk.totals["services"] == 738 and walk.pages["services"] == [1, 8, 15]
    assert len(walk.fetched["services"]) == 10

    # Its services keep the feed's ids (UUIDs, written the one way).
    before = all_ids(client)
    assert set(before["services"]) == {str(uuid.UUID(item["id"])) for item in feed}
    for ids in before.values():
        assert all(str(uuid.UUID(value)) == value for value in ids)
    details = {
        value: answer(client, f"{API}/services/{value}") for value in before["services"][::150]
    }

    # The assurers the feed names (council officers) are not the public's business.
    public = json.dumps([{k: v for k, v in s.items() if k != "pc_metadata"} for s in feed])
    assurers = {s["pc_metadata"].get("assured_by") for s in feed} - {None, ""}
    private = {email for email in assurers if email not in public}
    assert private, "the feed names assurers"
    bodies = "\n".join(walk.bodies.values()) + json.dumps(every(client, "services"))
    assert [email for email in private if email in bodies] == []

    # The same ids after importing the feed again, and from a freshly started app.
    assert import_feed(app, NORTH_LINCS) == ["created 0, updated 0, skipped 738"]
    assert all_ids(client) == before
    assert {value: answer(client, f"{API}/services/{value}") for value in details} == details
    restarted = make_app()
    with restarted.app_context():
        fresh = restarted.test_client()
        assert all_ids(fresh) == before
        assert {value: answer(fresh, f"{API}/services/{value}") for value in details} == details


def test_the_oruk_example_survives_import_and_the_walk_in_full(app, client):
    """The UK profile's fullest example: an organisation identifier, a UPRN, an address,
    accessibility, a schedule kept as words and a term from another taxonomy."""
    import_feed(app, SERVICE_FULL)
    walk = oruk_validator.walk(client, f"http://localhost{API}", per_page=1)
    assert_walk_passed(walk)

    service = answer(client, f"{API}/services/ac148810-d857-441c-9679-408f346de14b")
    assert service["organization"]["organization_identifiers"][0]["identifier"] == "1234567"
    [link] = service["service_at_locations"]
    place = link["location"]
    assert (place["external_identifier"], place["external_identifier_type"]) == (
        "10092008082",
        "UPRN",
    )
    assert place["addresses"][0]["postal_code"] == "ABC 1234"
    assert "latitude" not in place  # dropped on import (no place on Earth), so left out
    assert [term["taxonomy_term"]["taxonomy"] for term in service["attributes"]] == ["taxonomy"]
    alone = answer(client, f"{API}/service_at_locations/{link['id']}")
    assert alone["service"]["id"] == service["id"] and alone["location"]["id"] == place["id"]
    assert "service_at_locations" not in alone["service"]


# --- search parameters ----------------------------------------------------------------------


def day_codes(schedule: dict) -> set[str]:
    """MO, TU … of a schedule's byday ("1MO" is a Monday too)."""
    return {re.sub(r"^[+-]?\d+", "", code) for code in schedule.get("byday", "").split(",") if code}


def clock(value: str) -> str:
    return value if len(value) == 8 else f"{value}:00"


def opening_matches(schedule: dict, day=None, start=None, end=None) -> bool:
    """One opening time on `day`, opening at or after `start`, closing at or before `end`."""
    opens, closes = schedule.get("opens_at"), schedule.get("closes_at")
    return (
        (day is None or day in day_codes(schedule))
        and (start is None or bool(opens) and clock(opens) >= clock(start))
        and (end is None or bool(closes) and clock(closes) <= clock(end))
    )


def satisfies(service: dict, wanted: dict) -> bool:
    """Does this full service document meet every filter in `wanted` (search aside)?"""
    terms = [attribute["taxonomy_term"] for attribute in service.get("attributes", [])]
    checks = {
        "taxonomy_term_id": lambda v: any(term["id"] == v for term in terms),
        "taxonomy_id": lambda v: any(term.get("taxonomy_id") == v for term in terms),
        "minimum_age": lambda v: service.get("minimum_age", -1) >= float(v),
        "maximum_age": lambda v: service.get("maximum_age", math.inf) <= float(v),
        "modified_after": lambda v: service["last_modified"] >= v,
    }
    for name, value in wanted.items():
        if name in checks and not checks[name](value):
            return False
    if {"day", "start_time", "end_time"} & set(wanted):
        times = (wanted.get("day"), wanted.get("start_time"), wanted.get("end_time"))
        return any(opening_matches(row, *times) for row in service.get("schedules", []))
    return True


def filters_of(service: dict) -> dict[str, str]:
    """The legacy validator's search parameters, built from a full service document."""
    term = service["attributes"][0]["taxonomy_term"]
    hours = next(row for row in service["schedules"] if row.get("byday") and row.get("opens_at"))
    return {
        "search": service["name"],
        "taxonomy_term_id": term["id"],
        "taxonomy_id": term["taxonomy_id"],
        "minimum_age": str(service["minimum_age"]),
        "maximum_age": str(service["maximum_age"]),
        "day": sorted(day_codes(hours))[0],
        "start_time": hours["opens_at"],
        "end_time": hours["closes_at"],
        "modified_after": service["last_modified"],
    }


def postcode_of(link: dict) -> str | None:
    addresses = link["location"].get("addresses", [])
    postcode = addresses[0].get("postal_code") if addresses else None
    return postcode if geo.normalise_postcode(postcode) else None


def searchable(client, how_many: int) -> list[dict]:
    """Services from across the directory with something for every filter: both ages,
    weekly hours, a term, and a building with a full postcode (as the API gives them)."""
    aged = db.session.scalars(
        select(Service.uuid)
        .where(
            Service.review == Review.published,
            Service.minimum_age.is_not(None),
            Service.maximum_age.is_not(None),
        )
        .order_by(Service.id)
    ).all()
    chosen = []
    for service_id in aged[:: max(1, len(aged) // (4 * how_many))]:
        service = answer(client, f"{API}/services/{service_id}")
        usable = (
            service.get("attributes")
            and any(postcode_of(link) for link in service.get("service_at_locations", []))
            and any(row.get("byday") and row.get("opens_at") for row in service["schedules"])
            and all(service["name"] != other["name"] for other in chosen)
        )
        if usable:
            chosen.append(service)
        if len(chosen) == how_many:
            return chosen
    raise AssertionError(f"only {len(chosen)} services with everything to search by")


def metres_from(postcode: str, location: dict) -> float:
    here = geo.Point(location["latitude"], location["longitude"])
    return geo.miles_between(geo.postcode_point(postcode), here) * 1609.344


@pytest.fixture
def postcodes(app):
    """postcodes.io, faked from captured answers (SY and TF postcodes, and one in London)."""
    with FakePostcodes() as fake:
        app.config["POSTCODES_API_URL"] = fake.url
        yield fake


def test_search_parameters_find_the_service_they_were_built_from(app, demo, client, postcodes):
    for service in searchable(client, 2):
        wanted = filters_of(service)
        for name, value in wanted.items():
            found = every(client, "services", **{name: value})
            assert service["id"] in ids_of(found), (service["name"], name, value)
            # What comes back meets the filter (checked in full on a couple).
            for item in found[:: max(1, len(found) // 2)][:2]:
                full = answer(client, f"{API}/services/{item['id']}")
                assert satisfies(full, {name: value}), (name, value, full["name"])
        everything = every(client, "services", **wanted)
        assert service["id"] in ids_of(everything)
        assert all(
            satisfies(answer(client, f"{API}/services/{i}"), wanted) for i in ids_of(everything)
        )

        # service_at_locations: the same filters, and the building's postcode within 1 km.
        link = next(link for link in service["service_at_locations"] if postcode_of(link))
        postcode = postcode_of(link)
        near = every(client, "service_at_locations", postcode=postcode, proximity=1000)
        assert link["id"] in ids_of(near)
        distances = [metres_from(postcode, item["location"]) for item in near]
        assert all(d <= 1000.5 for d in distances), (postcode, max(distances))
        # Nearest first (to a metre: the API measures on a flat map, this on a sphere).
        assert all(b >= a - 1 for a, b in zip(distances, distances[1:], strict=False))
        together = every(
            client, "service_at_locations", postcode=postcode, proximity=1000, **wanted
        )
        assert link["id"] in ids_of(together)
        assert {item["service_id"] for item in together} <= set(ids_of(everything))
        for name, value in wanted.items():
            links = every(
                client, "service_at_locations", postcode=postcode, proximity=1000, **{name: value}
            )
            assert link["id"] in ids_of(links), (name, value)
    assert any("/postcodes/" in path for path in postcodes.paths)


def test_filters_leave_out_what_they_should(app, demo, client, postcodes):
    import_feed(app, SERVICE_FULL)  # a second taxonomy, and a service in it
    service, other = searchable(client, 2)
    named = {"search": service["name"]}

    def found(**params) -> list[str]:
        return ids_of(every(client, "services", **named, **params))

    assert service["id"] in found()
    wanted = filters_of(service)
    schedules = service["schedules"]
    latest_open = max(clock(row["opens_at"]) for row in schedules if row.get("opens_at"))
    earliest_close = min(clock(row["closes_at"]) for row in schedules if row.get("closes_at"))
    open_days = set().union(*(day_codes(row) for row in schedules))
    closed_day = next(day for day in DAY_CODES if day not in open_days)

    def minute(value: str, step: int) -> str:
        moved = datetime.strptime(value, "%H:%M:%S") + timedelta(minutes=step)
        return moved.strftime("%H:%M:%S")

    excluded = {
        "search": {"search": f"{service['name']} zzyzx"},
        "minimum_age": {"minimum_age": service["minimum_age"] + 1},
        "maximum_age": {"maximum_age": service["maximum_age"] - 1},
        "day": {"day": closed_day},
        "start_time": {"start_time": minute(latest_open, 1)},
        "end_time": {"end_time": minute(earliest_close, -1)},
        "modified_after": {"modified_after": "2099-01-01T00:00:00Z"},
    }
    if filters_of(other)["taxonomy_term_id"] != wanted["taxonomy_term_id"]:
        excluded["taxonomy_term_id"] = {"taxonomy_term_id": filters_of(other)["taxonomy_term_id"]}
    for name, params in excluded.items():
        assert service["id"] not in ids_of(every(client, "services", **{**named, **params})), name
    assert len(excluded) >= 7

    # A term or taxonomy of another service finds that one and not this one.
    example = answer(client, f"{API}/services/ac148810-d857-441c-9679-408f346de14b")
    theirs = example["attributes"][0]["taxonomy_term"]
    assert ids_of(every(client, "services", taxonomy_id=theirs["taxonomy_id"])) == [example["id"]]
    assert ids_of(every(client, "services", taxonomy_term_id=theirs["id"])) == [example["id"]]
    assert example["id"] not in ids_of(every(client, "services", taxonomy_id=wanted["taxonomy_id"]))

    # modified_after is a moment (offsets honoured), inclusive, and leaves out older services.
    db.session.execute(
        update(Service).where(Service.uuid == service["id"]).values(updated_at=datetime(2020, 1, 1))
    )
    db.session.commit()
    assert service["id"] in found(modified_after="2019-12-31T23:00:00-01:00")
    assert service["id"] in found(modified_after="2020-01-01")
    assert service["id"] not in found(modified_after="2020-01-01T00:00:01Z")
    newer = every(client, "services", modified_after="2021-01-01T00:00:00Z")
    assert service["id"] not in ids_of(newer)
    assert len(newer) == count_published() - 1

    # A postcode far away with a small proximity leaves the building out.
    link = next(link for link in service["service_at_locations"] if postcode_of(link))
    near_ours = every(client, "service_at_locations", postcode=postcode_of(link), proximity=500)
    elsewhere = next(
        building.postcode
        for building in db.session.scalars(select(Location).order_by(Location.id))
        if geo.normalise_postcode(building.postcode)
        and metres_from(postcode_of(link), vars(building)) > 20_000
    )
    far = every(client, "service_at_locations", postcode=elsewhere, proximity=1000)
    assert far and link["id"] not in ids_of(far)
    assert not set(ids_of(far)) & set(ids_of(near_ours))
    london = answer(client, f"{API}/service_at_locations", postcode=LONDON, proximity=1000)
    assert (london["total_items"], london["total_pages"], london["empty"]) == (0, 0, True)
    assert oruk_validator.page_problems(london, 1, oruk_params.PER_PAGE) == []
    # Without proximity a postcode orders, nearest first, what has a place on the map.
    ordered = answer(client, f"{API}/service_at_locations", postcode=elsewhere, per_page=100)
    placed = [row for row in every(client, "service_at_locations") if "latitude" in row["location"]]
    assert ordered["total_items"] == len(placed)
    assert ordered["contents"][0]["location"]["id"] in {row["location"]["id"] for row in far}


# --- bad values -----------------------------------------------------------------------------

BAD = [
    ("services", {"page": "0"}, "page"),
    ("services", {"page": "x"}, "page"),
    ("services", {"per_page": "-1"}, "per_page"),
    ("services", {"per_page": "1.5"}, "per_page"),
    ("services", {"taxonomy_term_id": "not-a-uuid"}, "taxonomy_term_id"),
    ("services", {"taxonomy_id": "not-a-uuid"}, "taxonomy_id"),
    ("services", {"minimum_age": "abc"}, "minimum_age"),
    ("services", {"maximum_age": "-1"}, "maximum_age"),
    ("services", {"minimum_age": "nan"}, "minimum_age"),
    ("services", {"day": "XX"}, "day"),
    ("services", {"start_time": "25:00"}, "start_time"),
    ("services", {"end_time": "9am"}, "end_time"),
    ("services", {"modified_after": "yesterday"}, "modified_after"),
    ("services", {"modified_after": "2024-02-30"}, "modified_after"),
    ("services", {"search": "x" * 1000}, "search"),
    ("service_at_locations", {"page": "0"}, "page"),
    ("service_at_locations", {"day": "XX"}, "day"),
    ("service_at_locations", {"postcode": "NOTAPOSTCODE"}, "postcode"),
    ("service_at_locations", {"postcode": "SY1 9DB", "proximity": "-5"}, "proximity"),
    ("service_at_locations", {"postcode": "SY1 9DB", "proximity": "far"}, "proximity"),
    ("service_at_locations", {"proximity": "1000"}, "proximity"),
    ("taxonomies", {"page": "0"}, "page"),
    ("taxonomy_terms", {"per_page": "x"}, "per_page"),
]
# A date-time at the ends of the calendar whose offset takes it past them (once a 500).
BAD += [
    ("services", {"modified_after": value}, "modified_after")
    for value in ("0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-14:00")
]


@pytest.mark.parametrize(("name", "params", "parameter"), BAD)
def test_a_bad_value_is_a_400_that_names_the_parameter(app, client, name, params, parameter):
    body = answer(client, f"{API}/{name}", 400, **params)

    assert body["parameter"] == parameter
    assert body["status"] == 400 and parameter in body["message"]
    error = answer(client, f"{API}/openapi.json")["components"]["schemas"]["Error"]
    assert list(Draft202012Validator(error).iter_errors(body)) == []


def test_unknown_ids_and_paths_are_a_404_in_json(app, client):
    local_service("Castlefields Lunch Club", "food", "shrewsbury")
    nobody = str(uuid.uuid4())
    for name in oruk_validator.ENDPOINTS:
        for wrong in (nobody, "not-a-uuid", nobody.replace("-", "")):
            body = answer(client, f"{API}/{name}/{wrong}", 404)
            assert body["status"] == 404
    for path in (f"{API}/organizations", f"{API}/services/{nobody}/more", f"{API}/nothing"):
        assert answer(client, path, 404)["status"] == 404
    # An id in capitals is the same id.
    some = answer(client, f"{API}/services", per_page=1)["contents"][0]["id"]
    assert answer(client, f"{API}/services/{some.upper()}")["id"] == some


# --- public data only -----------------------------------------------------------------------


def test_only_published_public_data_leaves(app, client, make):
    shown = local_service(
        "Castlefields Warm Space",
        "warm-spaces",
        "shrewsbury",
        source="provider-sheet-q7x",
        source_id="row-88213",
        assurer="Quentin Vole (assurer)",
        assured_at=datetime(2026, 5, 1).date(),
        reminded_at=datetime(2026, 3, 4, 5, 6, 7),
    )
    pending = local_service("Quokka Pantry", "food", "shrewsbury", review=Review.pending)
    rejected = local_service("Wombat Lunches", "food", "ludlow", review=Review.rejected)
    unvetted = make.location(name="Numbat Annexe", postcode="SY1 9DB", review="pending")
    split = local_service("Money Advice Drop-in", "money-and-debt", "oswestry")
    split.at_locations.append(ServiceAtLocation(location=unvetted))
    db.session.add(ListingReport(service=shown, what="The warden's mobile is 07700 900123"))
    member = make.user(role=Role.member, organisation=shown.organisation, email="ann.w@example.org")
    make.user(role=Role.admin, email="coordinator.private@example.org")
    db.session.commit()
    hidden_link = next(link for link in split.at_locations if link.location_id == unvetted.id)
    secret = {
        "pending service": pending.uuid,
        "pending name": "Quokka",
        "rejected service": rejected.uuid,
        "rejected name": "Wombat",
        "unvetted building": unvetted.uuid,
        "unvetted name": "Numbat",
        "its link": hidden_link.uuid,
        "a report": "07700 900123",
        "source": "provider-sheet-q7x",
        "source id": "row-88213",
        "assurer": "Quentin Vole",
        "reminder": "2026-03-04",
        **{f"user {row.id}": row.email for row in db.session.scalars(select(User))},
    }
    assert member.email in secret.values()

    walk = oruk_validator.walk(client, f"http://localhost{API}", per_page=1)
    assert_walk_passed(walk)
    listed = all_ids(client)
    assert sorted(listed["services"]) == sorted([shown.uuid, split.uuid])
    assert len(listed["service_at_locations"]) == 2
    details = [answer(client, f"{API}/services/{value}") for value in listed["services"]]
    details += [
        answer(client, f"{API}/service_at_locations/{value}")
        for value in listed["service_at_locations"]
    ]
    [kept] = next(d for d in details if d["id"] == split.uuid)["service_at_locations"]
    assert kept["location"]["name"] == "Cambrian Hall"

    for value in (pending.uuid, rejected.uuid):
        answer(client, f"{API}/services/{value}", 404)
    for link in [*pending.at_locations, *rejected.at_locations, hidden_link]:
        answer(client, f"{API}/service_at_locations/{link.uuid}", 404)
    food = answer(client, f"{API}/taxonomy_terms/{pending.terms[0].uuid}")["id"]
    for name in ("services", "service_at_locations"):
        assert every(client, name, search="Quokka") == []
        assert every(client, name, taxonomy_term_id=food) == []

    data = [json.loads(text) for url, text in walk.bodies.items() if "openapi" not in url]
    bodies = json.dumps([*data, *details])
    assert {what: value for what, value in secret.items() if value in bodies} == {}
    provider_only = {"review", "reminded_at", "assurer", "assurer_email", "source", "source_id"}
    assert keys_in([*data, *details]) & provider_only == set()
