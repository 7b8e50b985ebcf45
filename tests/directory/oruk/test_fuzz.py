"""The ORUK API against its own OpenAPI document, by fuzzing (schemathesis): for every
operation, requests built from the document (valid ones, and ones that break it) on the demo
directory never get a server error, and every answer is what the document says — its status
is documented, its content type and body match the schema, a request that breaks the
document is refused, one that keeps it is answered (apart from the two rules a schema cannot
state, below), and an undeclared method is a 405 with `Allow`.

The document is our app's /api/oruk/openapi.json, read once at import (schemathesis makes one
test an operation from it); each test calls the app of this module on the run's database,
SQLite and PostgreSQL. Generation is derandomized, so a run is the same every time.
"""

from __future__ import annotations

import itertools
import json

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from accord import create_app
from accord.extensions import db, limiter
from tests import demo as demo_county
from tests.conftest import app_config, empty_tables
from tests.directory.oruk.test_api import SERVICE_FULL, import_feed
from tests.fakes.postcodes import FakePostcodes

API = "/api/oruk"
# Fuzzed requests an operation (schemathesis's coverage phase adds its own, and each valid
# request for an item one for an item that exists): about 1,250 requests a database in all,
# under 40 seconds on each.
EXAMPLES = 60
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    unsupported_method,
]


def _our_document() -> dict:
    app = create_app(app_config("sqlite://"))
    try:
        response = app.test_client().get(f"{API}/openapi.json")
        assert response.status_code == 200, response.status_code
        return json.loads(response.get_data(as_text=True))
    finally:
        with app.app_context():
            db.engine.dispose()


schema = schemathesis.openapi.from_dict(_our_document())


@pytest.fixture(scope="module")
def fuzzed(database_url):
    """The app on the demo directory (and the ORUK example: a second taxonomy), looking up
    postcodes in a fake postcodes.io. Rate limits stay on (their headers are part of every
    answer); each call starts them afresh (see `call`). Not RATELIMIT_ENABLED=False: the
    limiter is one object for every app, and the setting would stay with it for the apps
    made after this one."""
    with FakePostcodes() as postcodes:
        app = create_app(app_config(database_url, POSTCODES_API_URL=postcodes.url))
        with app.app_context():
            demo_county.load(app)
            import_feed(app, SERVICE_FULL)
        yield app
        with app.app_context():
            empty_tables()
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="module")
def known_ids(fuzzed) -> dict[str, itertools.cycle]:
    """Every id each item operation has, in turn: a UUID the fuzzer makes up is a 404, so
    each valid request it makes there is followed by one for an item that exists."""
    client = fuzzed.test_client()
    known = {}
    for name in ("services", "service_at_locations", "taxonomies", "taxonomy_terms"):
        ids, page = [], 1
        while True:
            body = client.get(f"{API}/{name}", query_string={"per_page": 100, "page": page}).json
            ids += [item["id"] for item in body["contents"]]
            if body["last_page"]:
                break
            page += 1
        assert ids, name
        known[f"/{name}/{{id}}"] = itertools.cycle(ids)
    return known


def call(app, case):
    """The app's answer to `case`, with the rate limits cleared first: the fuzzer asks far
    faster than any one consumer may."""
    limiter.reset()
    return case.call(app=app)


def is_valid(case) -> bool:
    return case.meta is not None and case.meta.generation.mode.is_positive


def documented_refusals_only(case, response) -> None:
    """A request the document allows is answered, except the two rules it cannot state: a
    proximity needs a postcode, and a well-formed postcode may not exist."""
    if not is_valid(case):
        return
    if response.status_code != 400:
        return
    body = response.json()
    query = case.query or {}
    allowed = (body.get("parameter") == "proximity" and query.get("postcode") in (None, "")) or (
        body.get("parameter") == "postcode" and body.get("message", "").endswith("was not found")
    )
    assert allowed, f"a request the document allows was refused: {case.query} {body}"


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_is_what_its_openapi_document_says(fuzzed, known_ids, case):
    response = call(fuzzed, case)
    case.validate_response(response, checks=CHECKS)
    documented_refusals_only(case, response)
    if case.operation.path in known_ids and is_valid(case):
        existing = case.operation.Case(path_parameters={"id": next(known_ids[case.operation.path])})
        response = call(fuzzed, existing)
        assert response.status_code == 200, existing.path_parameters
        existing.validate_response(response, checks=CHECKS)


def test_a_postcode_lookup_outage_is_the_documented_503(make_app):
    """What the fuzzer cannot meet with postcodes.io faked: postcodes.io down, and a postcode
    outside the offline tables (ZZ9 is no district)."""
    app = make_app()  # postcodes.io at an unreachable port
    with app.app_context():
        response = app.test_client().get(
            f"{API}/service_at_locations", query_string={"postcode": "ZZ9 9ZZ"}
        )
    assert response.status_code == 503
    operation = schema["/service_at_locations"]["GET"]
    case = operation.Case(query={"postcode": "ZZ9 9ZZ"})
    # Documented, with the schema's body: everything but "not a server error" holds.
    case.validate_response(response, checks=[c for c in CHECKS if c is not not_a_server_error])
    assert response.json["parameter"] == "postcode"


def test_too_many_requests_is_the_documented_429(make_app):
    """The limit (3000 a minute an address) answers as the document says, and says when to
    come back."""
    app = make_app()
    client = app.test_client()
    limiter.reset()
    try:
        for _ in range(3000):
            assert client.get(f"{API}/").status_code == 200
        response = client.get(f"{API}/")
    finally:
        limiter.reset()
    assert response.status_code == 429
    schema["/"]["GET"].Case().validate_response(response, checks=CHECKS)
    assert int(response.headers["Retry-After"]) > 0
    assert response.headers["Access-Control-Allow-Origin"] == "*"
