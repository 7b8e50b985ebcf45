"""Finding services and building a signposting list (on the `directory` blueprint, which
directory/views.py defines): the search page, its map, and the list, its print view and
its share link."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for

from accord import geo, limits, maps
from accord.clock import today_uk
from accord.extensions import limiter
from accord.geo import ACCESSIBILITY, Point
from accord.links import absolute_url
from directory import buildings, schedules, taxonomy
from directory.search import query as query_form
from directory.search import search, signposting
from directory.views import LIST_KEY, bp, listed, map_response, page_context

# The search form's fields: any of them given means a search, not the first visit.
SEARCH_FIELDS = ("q", "need", "where", "when", "free", "age", "access")
MAP_PINS = 500


@bp.get("")
def index():
    needs = taxonomy.CHOICES
    query, errors, page = query_form.parse(request.args, {t.code for t in needs})
    searched = any(request.args.get(key) for key in SEARCH_FIELDS)
    results = search.run(query, page=page, per_page=search.PER_PAGE) if searched else None
    if results and results.place_note:
        # As on /help: an unknown place is an error on its field, and nothing is listed.
        errors["where"] = results.place_note
        results = None
    # Beyond the cap the total is "more than CAP", and so are the pages one can reach.
    total = min(results.total, search.CAP) if results else 0
    pages = max(1, -(-total // search.PER_PAGE))
    if results and page > pages:
        errors.setdefault("page", "That page does not exist; showing the first page")
        page = 1
        results = search.run(query, page=1, per_page=search.PER_PAGE)
    # Never url_for's own keywords (_external, _scheme …): a crafted link must not steer ours.
    args = {
        key: request.args.getlist(key)
        for key in request.args
        if key != "page" and not key.startswith("_")
    }
    return render_template(
        "directory/index.html",
        query=query,
        errors=errors,
        needs=needs,
        radii=query_form.RADII,
        days=schedules.DAYS,
        access_features=ACCESSIBILITY,
        results=results,
        searched=searched,
        shown=results.hits if results else [],
        page=page,
        pages=pages,
        args=args,
        cap=search.CAP,
        buildings=None if searched else _buildings(),
        **page_context(),
    )


def _buildings() -> list[buildings.Town]:
    # The county's towns with how many buildings each, not every building (issue 17).
    return buildings.towns()


@bp.get("/buildings")
def town_buildings():
    """`?town=` a town's community buildings, a page at a time (`?town=` empty: those with no
    town recorded); `?near=` those nearest a place; neither, the list of towns. A town with
    none, or a page past the last, is not found."""
    town, near = request.args.get("town"), request.args.get("near")
    if near is not None:
        return _near(near.strip())
    if town is None:
        return render_template("directory/towns.html", towns=buildings.towns(), errors={})
    page = buildings.page_number(request.args.get("page"))
    found = buildings.in_town(town, page) if page is not None else None
    if found is None:
        abort(404)
    return render_template("directory/buildings.html", listed=found)


def _near(place: str):
    """`?near=` a postcode or a Shropshire place (offline, so it never waits on a geocoder):
    the nearest buildings, or the list of towns with the error on its field."""
    origin = geo.locate(place) if len(place) <= 100 else None
    if origin is None:
        message = "Enter a postcode or town" if not place else "Enter a Shropshire postcode or town"
        return render_template(
            "directory/towns.html", towns=buildings.towns(), errors={"near": message}, near=place
        )
    return render_template(
        "directory/near.html",
        place=place,
        nearby=buildings.near(origin),
        miles=buildings.NEAR_MILES,
        most=buildings.NEAR_MAX,
    )


@bp.get("/map")
def results_map():
    needs = taxonomy.CHOICES
    query, _, _ = query_form.parse(request.args, {t.code for t in needs})
    pins = []
    # The local results only (online services have no place on a map), a page of the map's
    # size, nearest and most relevant first as listed.
    for hit in search.run(query, per_page=MAP_PINS).hits:
        location = hit.location or (hit.service.locations[0] if hit.service.locations else None)
        if location is None or location.latitude is None or location.longitude is None:
            continue
        point = Point(location.latitude, location.longitude)
        pins.append(maps.Pin(point, f"{hit.service.name} – {location.name}"))
    return map_response(pins, "Map of the services found")


# --- the signposting list -------------------------------------------------------------------


@bp.get("/list")
def signposting_list():
    items = signposting.services(listed())
    share = absolute_url("directory.shared_list", token=signposting.share_token(listed()))
    return render_template(
        "directory/list.html",
        items=items,
        share=share if items else None,
        qr=signposting.qr_data_uri(share) if items else None,
        **page_context(),
    )


@bp.post("/list")
@limiter.limit(limits.LIST_CHANGE)
def change_list():
    action, item = request.form.get("action", ""), request.form.get("service", "")
    # A page of results is one form: the button pressed names its change and its service.
    for change in ("add", "remove"):
        if change in request.form:
            action, item = change, request.form[change]
    items = listed()
    if action == "add":
        if not signposting.services([item]):
            abort(404)
        if len(items) >= signposting.MAX_ITEMS:
            flash(f"A list can hold {signposting.MAX_ITEMS} services. Remove one to add another.")
    try:
        session[LIST_KEY] = signposting.change(items, action, item)
    except ValueError:
        abort(400)
    target = request.form.get("back") or ""
    if target.startswith("/directory") and "//" not in target:
        return redirect(target)
    return redirect(url_for("directory.signposting_list"))


@bp.get("/list/print")
def print_list():
    items = signposting.services(listed())
    return render_template(
        "directory/list_print.html", items=items, today=today_uk(), **page_context()
    )


@bp.get("/list/shared/<token>")
def shared_list(token: str):
    items = signposting.from_token(token)
    if items is None:
        abort(404)
    return render_template(
        "directory/list_print.html",
        items=signposting.services(items),
        shared=True,
        today=today_uk(),
        **page_context(),
    )
