"""The Open Referral UK 3.0 API at /api/oruk/: thin views over directory.oruk.params (what
is asked for), directory.oruk.query (the rows) and directory.oruk.feed (how they are
written). Public, read-only, open to any site (Access-Control-Allow-Origin: *), and limited
per address so one consumer cannot starve the rest."""

from __future__ import annotations

import math

from flask import Blueprint, Response, jsonify, request

from accord import limits
from accord.extensions import limiter
from accord.links import absolute_url
from directory.oruk import feed as oruk_feed
from directory.oruk import params as oruk_params
from directory.oruk import query as oruk_query
from directory.oruk import spec as oruk_spec

bp = Blueprint("oruk_api", __name__, url_prefix="/api/oruk")
# Generous: a consumer fetching every service in full (the validator, our own importer with
# --details) makes one request a service; this still stops one address flooding the site.
limiter.limit(limits.API)(bp)


@bp.after_app_request
def open_to_all(response: Response) -> Response:
    """Every answer under /api/oruk, errors and unknown paths included, is readable by any
    site's script: the data is public, and no cookie or credential is honoured here."""
    if not request.path.startswith(bp.url_prefix or ""):
        return response
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers.setdefault("Cache-Control", "public, max-age=60")
    return response


@bp.errorhandler(oruk_params.BadParameter)
def bad_parameter(error: oruk_params.BadParameter):
    body = {"error": "Bad parameter", "message": error.message, "parameter": error.name}
    return _no_store({**body, "status": 400}, 400)


@bp.errorhandler(oruk_params.PlaceUnavailable)
def place_unavailable(error: oruk_params.PlaceUnavailable):
    message = "Postcode search is unavailable at the moment; try again without postcode."
    body = {"error": "Postcode lookup unavailable", "message": message, "parameter": "postcode"}
    return _no_store({**body, "status": 503}, 503)


def _no_store(body: dict, status: int) -> Response:
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def _page(contents: list[dict], total: int, paging: oruk_params.Paging) -> Response:
    pages = math.ceil(total / paging.per_page)
    return jsonify(
        {
            "total_items": total,
            "total_pages": pages,
            "page_number": paging.page,
            "size": len(contents),
            "first_page": paging.page == 1,
            "last_page": paging.page >= pages,
            "empty": not contents,
            "contents": contents,
        }
    )


def _found(document: dict | None) -> Response:
    if document is None:
        return _no_store({"error": "Not found", "message": "No item has this id.",
                          "status": 404}, 404)  # fmt: skip
    return jsonify(document)


@bp.get("/")
def meta():
    return jsonify(
        {
            "version": oruk_spec.VERSION,
            "profile": oruk_spec.PROFILE,
            "openapi_url": absolute_url("oruk_api.openapi"),
        }
    )


@bp.get("/openapi.json")
def openapi():
    return jsonify(oruk_spec.document(absolute_url("oruk_api.meta")))


@bp.get("/services")
def services():
    paging = oruk_params.paging(request.args)
    found, total = oruk_query.services(oruk_params.filters(request.args), paging)
    return _page([oruk_feed.service_summary(row) for row in found], total, paging)


@bp.get("/services/<service_id>")
def service(service_id: str):
    found = oruk_query.service(service_id)
    return _found(oruk_feed.service_full(found) if found else None)


@bp.get("/service_at_locations")
def service_at_locations():
    paging = oruk_params.paging(request.args)
    wanted = oruk_params.filters(request.args, with_place=True)
    found, total = oruk_query.links(wanted, paging)
    return _page([oruk_feed.link_document(row, full=False) for row in found], total, paging)


@bp.get("/service_at_locations/<link_id>")
def service_at_location(link_id: str):
    found = oruk_query.link(link_id)
    return _found(oruk_feed.link_document(found) if found else None)


@bp.get("/taxonomies")
def taxonomies():
    paging = oruk_params.paging(request.args)
    found, total = oruk_query.taxonomies(paging)
    return _page([oruk_feed.taxonomy(row) for row in found], total, paging)


@bp.get("/taxonomies/<taxonomy_id>")
def taxonomy(taxonomy_id: str):
    found = oruk_query.taxonomy(taxonomy_id)
    return _found(oruk_feed.taxonomy(*found) if found else None)


@bp.get("/taxonomy_terms")
def taxonomy_terms():
    paging = oruk_params.paging(request.args)
    found, total = oruk_query.terms(paging)
    return _page([oruk_feed.term_document(row) for row in found], total, paging)


@bp.get("/taxonomy_terms/<term_id>")
def taxonomy_term(term_id: str):
    found = oruk_query.term(term_id)
    return _found(oruk_feed.term_document(found, detail=True) if found else None)
