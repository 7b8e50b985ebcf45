"""The emergency maps' pages and frames: CVEC's map, each incident's, and the public one.

Each map is a document for an <iframe> (built by emergency/layers.py, kept by map_cache.py)
beside a page that lists what it draws and carries its key as HTML.
"""

from __future__ import annotations

from flask import render_template, request, url_for

from accord import geocoding, limits, maps
from accord.accounts import role_required
from accord.extensions import limiter
from accord.models import Review, Role
from accord.security import csp_nonce, map_document
from emergency import floods, hubs, layers, map_cache
from emergency.forms import HelpForm
from emergency.models import HUB_STATUS_LABELS, Hub
from emergency.requests import requests as help_requests
from emergency.views import bp, incident_or_404


@bp.get("/emergency/incidents/<int:incident_id>/map")
@role_required(Role.cvec)
def incident_map(incident_id: int):
    """The incident's area, its hubs and networks: fitted to them, kept like the other maps."""
    record = incident_or_404(incident_id)
    every = request.args.get("hubs") == "all"  # every hub in the county, not just its own
    title = f"Map of the incident: {record.name}"
    return map_document(
        map_cache.page(
            f"incident-{record.id}-{'all' if every else 'own'}",
            (record.active,),
            lambda: layers.incident_map(record, every),
            csp_nonce(),
            title,
        )
    )


@bp.get("/emergency/map")
@role_required(Role.cvec)
def coordination_map():
    state = floods.current(geometry=False)
    return render_template(
        "emergency/map.html",
        flood_note=state.note,
        warnings=state.warnings,
        hubs=hubs.all_hubs(),
        labels=HUB_STATUS_LABELS,
        key=maps.legend_html(layers.COORDINATION_KEY, title="Key to the map"),
        symbols=layers.HUB_SYMBOLS,
        areas=layers.coordination_areas(),
    )


@bp.get("/emergency/map/frame")
@role_required(Role.cvec)
def map_frame():
    # Refreshes a stale feed, as the map always did; the outlines are read only to rebuild.
    state = floods.current(geometry=False)
    return map_document(
        map_cache.page(
            "coordination",
            floods.state_key(state),
            lambda: layers.coordination(floods.current()),
            csp_nonce(),
            "Emergency map: hubs, networks, incident areas, volunteers and flood warnings",
            county=True,  # the county at a glance, whatever is on it today
        )
    )


@bp.get("/help/map")
@limiter.limit(limits.LOOKUP)
def help_map():
    """The public map and, beside it, the same hubs and networks as lists. With ?where= it
    opens at that place: the map's address carries the point, never what was typed."""
    form = HelpForm(request.args)
    at = None
    if "where" in request.args and form.validate():
        origin, note = geocoding.place_point(form.where.data)
        if origin is None:
            form.where.errors = [*form.where.errors, note]
        else:
            at = f"{origin.latitude:.5f},{origin.longitude:.5f}"
    asks: dict[int, list[dict]] = {}
    for ask in help_requests.public_asks():
        asks.setdefault(ask["hub_id"], []).append(ask)
    shown = [
        {**hubs.public_view(h), "href": _building_href(h), "asks": asks.get(h.id, [])}
        for h in hubs.published()
    ]
    key = [*layers.PUBLIC_KEY, *([layers.SEARCHED_KEY] if at else [])]
    return render_template(
        "emergency/help_map.html",
        form=form if form.errors else None,
        search=form,
        at=at,
        open_hubs=[h for h in shown if h["status"] == "open"],
        full_hubs=[h for h in shown if h["status"] == "full"],
        helping=layers.public_networks(),
        key=maps.legend_html(key, title="Key to the map"),
        symbols=layers.HUB_SYMBOLS,
    )


@bp.get("/help/map/frame")
@limiter.limit(limits.LOOKUP)
def help_map_frame():
    title = "Map of community hubs and networks helping now"
    return map_document(map_cache.page("public", (), layers.public, csp_nonce(), title))


def _building_href(hub: Hub) -> str:
    """The hub's building in the directory (address, map, access), when it is listed there:
    the list's link for each pin on the map."""
    building = hub.location
    if building.review != Review.published:
        return ""
    return url_for("directory.place", place_id=building.id)
