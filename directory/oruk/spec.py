"""Our OpenAPI document for the ORUK API: the ORUK 3.0 document's paths that we implement,
with the parameters we accept, written exactly (types, limits, formats), our error answers,
and the ORUK UK-profile schemas bundled in, so the document stands alone (no fetches).

Derived from ../shared/oruk/openapi-3.0.json (tpximpact/mhclg-oruk). Differences, each on
purpose: OpenAPI 3.1 (the bundled schemas are JSON Schema 2020-12); `/service_at_locations/
{id}` answers with a service_at_location, not a service as that document says; ids are
`format: uuid`; the pagination fields are required, as we always send them. The query
parameters are written exactly as directory/oruk/query.py reads them (an empty value is the
same as none: `allowEmptyValue`), which tests/directory/oruk/test_fuzz.py checks with a fuzzer.

The schemas in directory/oruk/schema are unchanged copies of OpenReferralUK/uk-profile's
compiled schemas; taxonomy.json and taxonomy_term.json are the `taxonomy` and
`taxonomy_term` definitions of its service_with_definitions.json, with their one $ref
written out (tests/directory/oruk/test_api.py checks both).
"""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path

from directory.oruk import params as oruk_params

SCHEMAS = Path(__file__).resolve().parent / "schema"
PROFILE = "https://github.com/OpenReferralUK/uk-profile/blob/main/docs/index.md"
VERSION = "HSDS-UK-3.0"


def _any_case(word: str) -> str:
    return "".join(f"[{letter}{letter.lower()}]" for letter in word)


# A day code or the day's English name, in any case (ASCII), as oruk_params.DAYS reads them.
DAY_PATTERN = "^({})$".format(
    "|".join(_any_case(name) for name in sorted(oruk_params.DAYS, key=len, reverse=True))
)


def schema(name: str) -> dict:
    return _schema(name)


@functools.cache
def _schema(name: str) -> dict:
    return json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))


def _parameter(name: str, description: str, kind: dict) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description,
            "allowEmptyValue": True, "schema": kind}  # fmt: skip


def _uuid_schema() -> dict:
    return {"type": "string", "format": "uuid", "pattern": oruk_params.UUID.pattern}


PARAMETERS = {
    "page": _parameter(
        "page",
        "Page number, from 1. A page after the last is empty.",
        {"type": "integer", "minimum": 1, "maximum": oruk_params.MAX_PAGE},
    ),
    "per_page": _parameter(
        "per_page",
        f"Results a page, {oruk_params.PER_PAGE} unless given; more than "
        f"{oruk_params.MAX_PER_PAGE} gives {oruk_params.MAX_PER_PAGE}.",
        {"type": "integer", "minimum": 1, "maximum": oruk_params.MAX_WHOLE},
    ),
    "search": _parameter(
        "search",
        "Words the service's text (name, description, organisation, needs, places) must all "
        "contain, each as a word or the start of one.",
        {"type": "string", "maxLength": oruk_params.MAX_SEARCH},
    ),
    "taxonomy_term_id": _parameter(
        "taxonomy_term_id",
        "Services linked to this taxonomy term.",
        _uuid_schema(),
    ),
    "taxonomy_id": _parameter(
        "taxonomy_id",
        "Services linked to any term of this taxonomy.",
        _uuid_schema(),
    ),
    "minimum_age": _parameter(
        "minimum_age",
        "Services whose minimum age is at least this.",
        {"type": "number", "minimum": 0},
    ),
    "maximum_age": _parameter(
        "maximum_age",
        "Services whose maximum age is this or below.",
        {"type": "number", "minimum": 0},
    ),
    "day": _parameter(
        "day",
        "Services open on this day (a day code; the day's English name also works).",
        {"type": "string", "pattern": DAY_PATTERN},
    ),
    "start_time": _parameter(
        "start_time",
        "Services with an opening time starting at or after this (HH:MM or HH:MM:SS); "
        "with day, on that day.",
        {"type": "string", "pattern": oruk_params.CLOCK.pattern},
    ),
    "end_time": _parameter(
        "end_time",
        "Services with an opening time ending at or before this (HH:MM or HH:MM:SS); "
        "with day, on that day.",
        {"type": "string", "pattern": oruk_params.CLOCK.pattern},
    ),
    "modified_after": _parameter(
        "modified_after",
        "Services changed at or after this moment: an RFC 3339 date-time, or a date (from "
        "its midnight UTC). The first and last days of the calendar (0001-01-01, 9999-12-31) "
        "are a 400: an offset can take them outside the years 1 to 9999.",
        {
            "type": "string",
            "pattern": oruk_params.MOMENT.pattern,
            "anyOf": [{"format": "date-time"}, {"format": "date"}],
            "not": {"pattern": oruk_params.CALENDAR_ENDS.pattern},
        },
    ),
    "postcode": _parameter(
        "postcode",
        "A UK postcode or postcode district: results are ordered nearest first from its "
        "centre (one space, or none, between its halves). An unknown postcode is a 400; "
        "a 503 when postcodes cannot be looked up at the moment.",
        {"type": "string", "pattern": oruk_params.POSTCODE.pattern},
    ),
    "proximity": _parameter(
        "proximity",
        "With postcode (without it, a 400): only results within this many metres of its centre.",
        {
            "type": "number",
            "exclusiveMinimum": 0,
            "maximum": oruk_params.MAX_PROXIMITY_M,
        },
    ),
}
LIST_FILTERS = [
    "search",
    "page",
    "per_page",
    "taxonomy_term_id",
    "taxonomy_id",
    "minimum_age",
    "maximum_age",
    "start_time",
    "end_time",
    "day",
    "modified_after",
]


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(description: str, body: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": body}}}


def _page_of(item: str) -> dict:
    return {
        "allOf": [_ref("Page")],
        "type": "object",
        "required": ["contents"],
        "properties": {"contents": {"type": "array", "items": _ref(item)}},
    }


BAD = {"400": _json("A parameter has a bad value: `parameter` names it.", _ref("Error"))}
TOO_MANY = {"429": _json("Too many requests from this address: wait a minute.", _ref("Error"))}
NOT_FOUND = {"404": _json("No published item has this id.", _ref("Error"))}
UNAVAILABLE = {
    "503": _json(
        "Postcode search is unavailable at the moment: try without postcode.", _ref("Error")
    )
}


def _list(summary: str, item: str, parameters: list[str]) -> dict:
    return {
        "get": {
            "summary": summary,
            "operationId": f"list_{item}",
            "parameters": [PARAMETERS[name] for name in parameters],
            "responses": {
                "200": _json(summary, _page_of(item)),
                **BAD,
                **TOO_MANY,
                **(UNAVAILABLE if "postcode" in parameters else {}),
            },
        }
    }


def _one(summary: str, item: str) -> dict:
    return {
        "get": {
            "summary": summary,
            "operationId": f"get_{item}",
            "parameters": [
                {
                    "name": "id",
                    "in": "path",
                    "required": True,
                    "description": "The item's id (a UUID).",
                    "schema": _uuid_schema(),
                }
            ],
            "responses": {"200": _json(summary, _ref(item)), **NOT_FOUND, **TOO_MANY},
        }
    }


def document(base: str) -> dict:
    """The OpenAPI document, with `base` (our API's absolute URL) as its server."""
    return copy.deepcopy(_document()) | {"servers": [{"url": base.rstrip("/")}]}


@functools.cache
def _document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Shropshire Accord Hub: Open Referral UK API",
            "version": "3.0",
            "description": (
                "Published services in Shropshire's directory of local voluntary and "
                "community services, as Open Referral UK 3.0 (HSDS-UK-3.0). Public data "
                "only: no personal details. Ids are UUIDs and do not change."
            ),
            "license": {
                "name": "Open Government Licence v3.0",
                "url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
            },
        },
        "paths": _paths(),
        "components": {"schemas": _schemas()},
    }


def _paths() -> dict:
    with_place = [*LIST_FILTERS, "postcode", "proximity"]
    return {
        "/": {
            "get": {
                "summary": "This API's ORUK version and profile.",
                "operationId": "getAPIMetaInformation",
                "responses": {
                    "200": _json("The API's version, profile and this document.", _ref("Meta")),
                    **TOO_MANY,
                },
            }
        },
        "/services": _list("A page of services.", "service_list", LIST_FILTERS),
        "/services/{id}": _one("A service with everything about it.", "service"),
        "/service_at_locations": _list(
            "A page of services at their buildings.", "service_at_location_list", with_place
        ),
        "/service_at_locations/{id}": _one(
            "A service at one building, with both in full.", "service_at_location"
        ),
        "/taxonomies": _list("A page of taxonomies.", "taxonomy", ["page", "per_page"]),
        "/taxonomies/{id}": _one("A taxonomy with its terms.", "taxonomy_full"),
        "/taxonomy_terms": _list(
            "A page of taxonomy terms.", "taxonomy_term", ["page", "per_page"]
        ),
        "/taxonomy_terms/{id}": _one("A taxonomy term.", "taxonomy_term"),
    }


def _schemas() -> dict:
    page_fields = {
        "total_items": {"type": "integer", "minimum": 0},
        "total_pages": {"type": "integer", "minimum": 0},
        "page_number": {"type": "integer", "minimum": 1},
        "size": {"type": "integer", "minimum": 0},
        "first_page": {"type": "boolean"},
        "last_page": {"type": "boolean"},
        "empty": {"type": "boolean"},
    }
    return {
        "Meta": {
            "type": "object",
            "required": ["version", "profile", "openapi_url"],
            "properties": {
                "version": {"const": VERSION},
                "profile": {"type": "string", "format": "uri"},
                "openapi_url": {"type": "string", "format": "uri"},
            },
        },
        "Page": {"type": "object", "required": list(page_fields), "properties": page_fields},
        "Error": {
            "type": "object",
            "required": ["error", "status"],
            "properties": {
                "error": {"type": "string"},
                "message": {"type": "string"},
                "status": {"type": "integer"},
                "parameter": {"type": "string"},
            },
        },
        "service": schema("service"),
        "service_list": schema("service_list"),
        "service_at_location": schema("service_at_location"),
        "service_at_location_list": schema("service_at_location_list"),
        "taxonomy": _without_terms(schema("taxonomy")),
        "taxonomy_full": schema("taxonomy"),
        "taxonomy_term": schema("taxonomy_term"),
    }


def _without_terms(found: dict) -> dict:
    """A taxonomy as listed: its terms are at /taxonomies/{id}."""
    trimmed = copy.deepcopy(found)
    trimmed["properties"].pop("taxonomy_terms", None)
    return trimmed
