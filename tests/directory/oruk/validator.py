"""What the official ORUK validator (OpenReferralUK/oruk-validator) does to a feed, as a
function a test can run against our API through a Flask test client.

`walk(client, base)` calls `{base}/`, the OpenAPI document it names, every list endpoint at
page 1, a middle page and the last page, and up to 10 ids of each list on `/{id}`; it checks
every answer's status, JSON and CORS header, the pagination fields (which the UK profile's
schemas leave out: schema/*_list.json describe one item of `contents`), each item and each
detail against the UK profile's JSON Schema (draft 2020-12, formats checked), and that no
value anywhere is null, an empty list or "" in an optional field (ORUK: omit, don't send
empty). It returns a `Walk` whose `problems` a test asserts is empty (all of them at once,
as the validator reports them), and what it saw, so the test can check the walk was real.

Schemas are unchanged copies of ../shared/oruk/schema in tests/fixtures/oruk/schema (see its
README). Taxonomies and taxonomy terms are checked against the `taxonomy` and
`taxonomy_term` definitions of service_with_definitions.json, by $ref into that document.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMAS = Path(__file__).resolve().parents[2] / "fixtures" / "oruk" / "schema"
DEFINITIONS = "urn:oruk:uk-profile:service_with_definitions"
VERSION = "HSDS-UK-3.0"
MAX_IDS = 10
# list path → (schema of one item of `contents`, schema of `/{id}`)
ENDPOINTS = {
    "services": ("service_list", "service"),
    "service_at_locations": ("service_at_location_list", "service_at_location"),
    "taxonomies": ("taxonomy", "taxonomy"),
    "taxonomy_terms": ("taxonomy_term", "taxonomy_term"),
}
# Fields HSDS 3.0 has and the UK profile leaves out, which we send: checked for empties
# against their HSDS definitions (in service_with_definitions.json too).
EXTENSIONS = {
    "taxonomy_detail": {"$ref": "#/definitions/taxonomy"},
    "phones": {"type": "array", "items": {"$ref": "#/definitions/phone"}},
}
PAGE_FIELDS = {
    "total_items": int,
    "total_pages": int,
    "page_number": int,
    "size": int,
    "first_page": bool,
    "last_page": bool,
    "empty": bool,
    "contents": list,
}


# --- schemas --------------------------------------------------------------------------------


@functools.cache
def schema(name: str) -> dict:
    """A UK-profile schema by name: a compiled file, or a definition of
    service_with_definitions.json given as a $ref into it (taxonomy, taxonomy_term)."""
    path = SCHEMAS / f"{name}.json"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    return {"$ref": f"{DEFINITIONS}#/definitions/{name}"}


@functools.cache
def registry() -> Registry:
    contents = json.loads((SCHEMAS / "service_with_definitions.json").read_text(encoding="utf-8"))
    resource = Resource.from_contents(contents, default_specification=DRAFT202012)
    return Registry().with_resource(DEFINITIONS, resource)


@functools.cache
def validator(name: str) -> Draft202012Validator:
    found = schema(name)
    Draft202012Validator.check_schema(found)
    return Draft202012Validator(
        found, registry=registry(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def schema_errors(name: str, document) -> list[str]:
    """Each way `document` fails schema `name`, as "at /path: message"."""
    errors = sorted(validator(name).iter_errors(document), key=lambda e: list(e.absolute_path))
    return [f"at /{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors]


def _resolved(part: dict) -> dict:
    """A schema part with its $ref (into service_with_definitions.json) followed."""
    while isinstance(part, dict) and "$ref" in part:
        ref = part["$ref"]
        if ref.startswith("#"):
            ref = DEFINITIONS + ref
        part = registry().resolver().lookup(ref).contents
    return part


def empties(document, name: str) -> list[str]:
    """Where `document` sends null, [] or {}, or "" for a field its schema does not require:
    ORUK asks for empty optional fields to be left out."""
    found: list[str] = []

    def visit(value, part: dict, path: str, required: bool) -> None:
        part = _resolved(part) if isinstance(part, dict) else {}
        if value is None:
            found.append(f"{path or '/'} is null")
        elif value == "" and not required:
            found.append(f'{path} is "" (optional: leave it out)')
        elif value == [] or value == {}:
            found.append(f"{path} is empty (leave it out)")
        elif isinstance(value, dict):
            needed = set(part.get("required", []))
            properties = part.get("properties", {})
            for key, inner in value.items():
                inner_part = properties.get(key) or EXTENSIONS.get(key, {})
                visit(inner, inner_part, f"{path}/{key}", key in needed)
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                visit(inner, part.get("items", {}), f"{path}/{index}", True)

    visit(document, schema(name), "", True)
    return found


# --- the walk -------------------------------------------------------------------------------


@dataclass
class Walk:
    problems: list[str] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    # list path → what its pages said: total_items, total_pages, pages asked, ids seen
    totals: dict[str, int] = field(default_factory=dict)
    pages: dict[str, list[int]] = field(default_factory=dict)
    listed: dict[str, list[str]] = field(default_factory=dict)
    fetched: dict[str, list[str]] = field(default_factory=dict)
    bodies: dict[str, str] = field(default_factory=dict)  # url → the text it answered

    def problem(self, where: str, what: str) -> None:
        self.problems.append(f"{where}: {what}")


def _path(url: str) -> str:
    """A test client path for an absolute URL of ours (or a path)."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def get(client, url: str, walk: Walk, *, status: int = 200):
    """GET url; the JSON body when the answer is `status`, JSON and open to any site."""
    walk.calls.append(url)
    response = client.get(_path(url))
    text = response.get_data(as_text=True)
    walk.bodies[url] = text
    if response.status_code != status:
        walk.problem(url, f"status {response.status_code}, expected {status}: {text[:300]}")
        return None
    if response.headers.get("Access-Control-Allow-Origin") != "*":
        walk.problem(url, "no Access-Control-Allow-Origin: *")
    if response.mimetype != "application/json":
        walk.problem(url, f"content type {response.content_type}")
        return None
    try:
        return json.loads(text)
    except ValueError as exc:
        walk.problem(url, f"not JSON: {exc}")
        return None


def check_document(url: str, name: str, document, walk: Walk) -> None:
    for error in schema_errors(name, document):
        walk.problem(url, f"{name}.json {error}")
    for empty in empties(document, name):
        walk.problem(url, empty)


def page_problems(body, page: int, per_page: int) -> list[str]:
    """The pagination fields, as the validator reads them (the schemas leave them out)."""
    if not isinstance(body, dict):
        return ["a page is not a JSON object"]
    found = []
    for name, kind in PAGE_FIELDS.items():
        value = body.get(name)
        # bool is an int in Python: an int field must not be true/false.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            found.append(f"{name} is {value!r}, not {kind.__name__}")
    if found:
        return found
    total, pages, contents = body["total_items"], body["total_pages"], body["contents"]
    expect = {
        "total_pages": math.ceil(total / per_page),
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= pages,
        "empty": not contents,
    }
    for name, value in expect.items():
        if body[name] != value:
            found.append(f"{name} is {body[name]!r}, expected {value!r}")
    if total < 0:
        found.append(f"total_items is {total}")
    if page < pages and len(contents) != per_page:
        found.append(f"page {page} of {pages} holds {len(contents)}, not per_page {per_page}")
    if page == pages and len(contents) != total - (pages - 1) * per_page:
        found.append(f"the last page holds {len(contents)} of {total} items")
    if page > pages and contents:
        found.append(f"page {page} is after the last ({pages}) but holds items")
    return found


def pages_to_ask(total_pages: int) -> list[int]:
    """Page 1, a middle page and the last page (each once)."""
    return sorted({1, max(1, (total_pages + 1) // 2), max(1, total_pages)})


def spread(ids: list[str], most: int = MAX_IDS) -> list[str]:
    """Up to `most` of the ids, spread over the pages asked."""
    unique = list(dict.fromkeys(ids))
    if len(unique) <= most:
        return unique
    step = len(unique) / most
    return [unique[int(i * step)] for i in range(most)]


def walk_list(client, base: str, name: str, per_page: int, walk: Walk) -> None:
    item_schema, detail_schema = ENDPOINTS[name]
    url = f"{base}/{name}?per_page={per_page}"
    first = get(client, f"{url}&page=1", walk)
    if first is None:
        return
    for problem in page_problems(first, 1, per_page):
        walk.problem(f"{url}&page=1", problem)
    total_pages = first.get("total_pages")
    if not isinstance(total_pages, int):
        return
    walk.totals[name] = first["total_items"]
    walk.pages[name] = pages_to_ask(total_pages)
    ids: list[str] = []
    for page in walk.pages[name]:
        body = first if page == 1 else get(client, f"{url}&page={page}", walk)
        if body is None:
            continue
        for problem in page_problems(body, page, per_page):
            walk.problem(f"{url}&page={page}", problem)
        for index, item in enumerate(body.get("contents") or []):
            check_document(f"{url}&page={page} contents/{index}", item_schema, item, walk)
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                ids.append(item["id"])
    if len(set(ids)) != len(ids):
        walk.problem(url, "an id is on more than one page")
    walk.listed[name] = ids
    walk.fetched[name] = spread(ids)
    for item_id in walk.fetched[name]:
        detail = get(client, f"{base}/{name}/{item_id}", walk)
        if detail is None:
            continue
        check_document(f"{base}/{name}/{item_id}", detail_schema, detail, walk)
        if isinstance(detail, dict) and detail.get("id") != item_id:
            walk.problem(f"{base}/{name}/{item_id}", f"answers with id {detail.get('id')!r}")


def walk(client, base: str = "http://localhost/api/oruk", *, per_page: int = 7) -> Walk:
    """The validator's walk of the API at `base` (no trailing slash) through `client`."""
    base = base.rstrip("/")
    found = Walk()
    meta = get(client, f"{base}/", found)
    if isinstance(meta, dict):
        if meta.get("version") != VERSION:
            found.problem(f"{base}/", f"version is {meta.get('version')!r}, not {VERSION}")
        for key in ("profile", "openapi_url"):
            value = meta.get(key)
            if not (
                isinstance(value, str)
                and Draft202012Validator.FORMAT_CHECKER.conforms(value, "uri")
            ):
                found.problem(f"{base}/", f"{key} is {value!r}, not a URI")
        if isinstance(meta.get("openapi_url"), str):
            document = get(client, meta["openapi_url"], found)
            if not (isinstance(document, dict) and "/services" in document.get("paths", {})):
                found.problem(meta["openapi_url"], "is not an OpenAPI document with /services")
    elif meta is not None:
        found.problem(f"{base}/", "is not a JSON object")
    for name in ENDPOINTS:
        walk_list(client, base, name, per_page, found)
    return found
