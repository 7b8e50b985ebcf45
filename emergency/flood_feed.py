"""Reading the Environment Agency's flood-monitoring API: plain functions over its JSON.

`warnings()` asks GET {FLOOD_API_URL}/id/floods (documented at
https://environment.data.gov.uk/flood-monitoring/doc/reference) for the warnings in force in
our two counties and simplifies each to a dict of what we keep; `outline()` fetches one flood
area's outline and keeps one Polygon or MultiPolygon, simplified with shapely (valid, rounded,
a few hundred positions where the EA sends thousands). Both raise http.ServiceError with a
short reason when the EA gives no usable answer. `emergency.floods` keeps what they return.

EA text (area names, rivers, messages) is data from outside: escape it wherever it lands.
"""

from __future__ import annotations

import logging
import math
import re
from datetime import datetime
from typing import Any

import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.polygon import orient

from accord import http

log = logging.getLogger(__name__)

SEVERITY_LABELS = {1: "Severe flood warning", 2: "Flood warning", 3: "Flood alert"}
# Level 4 is "warning no longer in force": history, not something to act on, so it is dropped.
NO_LONGER_IN_FORCE = 4

# The EA's `county` parameter matches a flood area whose county name contains any of these
# (comma-separated); the same test is applied here too, in case a server ignores it.
COUNTIES = ("Shropshire", "Telford")

MAX_FEED_BYTES = 10 * 1024 * 1024
MAX_POLYGON_BYTES = 5 * 1024 * 1024
# 5 decimal places is about a metre: finer than a flood outline needs, and far fewer bytes
# than the 14 or so digits a GeoJSON encoder writes.
COORDINATE_PLACES = 5
# Outlines are simplified to what a county map can show: 0.0001 degrees is about 7 m east to
# west and 11 m south to north here, under a pixel at the town-wide zooms a county map opens
# at and a few pixels at street level, where the EA's modelled flood extents are no truer. A
# vast area is simplified harder (the tolerance doubled) until it keeps at most MAX_POSITIONS,
# but never coarser than about 100 m, where a field's edge would be drawn in the wrong field.
SIMPLIFY_DEGREES = 0.0001
MAX_SIMPLIFY_DEGREES = 0.0016
MAX_POSITIONS = 3000
MAX_MESSAGE_CHARS = 10_000

# Flood-area ids are short codes like 031WAF105 or 063WAT23West; anything else is refused
# before it reaches a URL.
AREA_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


class _BadItem(Exception):
    """One item is not in a shape we know."""


# --- the warnings in force ------------------------------------------------------------------


def warnings(client: http.Client, base: str, timeout: float) -> list[dict]:
    """The warnings in force in our counties, most severe first, one per flood area."""
    url = f"{base}/id/floods"
    params = {"county": ",".join(COUNTIES), "min-severity": max(SEVERITY_LABELS)}
    body = _get(client, url, params, timeout, MAX_FEED_BYTES)
    if not isinstance(body, dict) or "items" not in body:
        raise http.unexpected(url)
    items = body["items"]
    # A single warning (/id/floods/{id}) comes as one object rather than a list.
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list):
        raise http.unexpected(url)
    kept, bad = [], 0
    for raw in items:
        try:
            item = _simplify(raw)
        except _BadItem:
            bad += 1
            continue
        if item is not None:
            kept.append(item)
    if bad:
        log.warning("flood feed: %d of %d items in an unknown shape, skipped", bad, len(items))
        # All of them unknown means the EA changed its format: say so rather than show
        # "no warnings", which a coordinator would believe.
        if bad == len(items):
            raise http.unexpected(url)
    # One row per flood area: the EA has one warning in force per area.
    by_area = {item["area_id"]: item for item in kept}
    return sorted(by_area.values(), key=lambda item: (item["severity"], item["area_name"]))


def _get(client: http.Client, url: str, params: dict | None, timeout: float, limit: int) -> object:
    # The whole answer within the timeout, so a page never waits longer on the EA.
    return client.get_json(url, params=params, timeout=timeout, total_s=timeout, max_bytes=limit)


def _simplify(raw: object) -> dict | None:
    """The warning as we keep it; None when it is not in our counties or no longer in force."""
    if not isinstance(raw, dict) or not isinstance(area := raw.get("floodArea"), dict):
        raise _BadItem
    level = _level(raw.get("severityLevel"))
    area_id = raw.get("floodAreaID") or area.get("notation")
    county = _text(area.get("county"))
    if level is None or not isinstance(area_id, str) or not AREA_ID.match(area_id) or not county:
        raise _BadItem
    if level == NO_LONGER_IN_FORCE or not _in_our_counties(county):
        return None
    warning_id = _text(raw.get("@id")).rstrip("/").rsplit("/", 1)[-1]
    return {
        "id": warning_id if AREA_ID.match(warning_id) else area_id,
        "area_id": area_id,
        "area_name": _text(raw.get("description"))
        or _text(area.get("label"))
        or _text(area.get("description"))
        or area_id,
        "severity": level,
        "severity_label": SEVERITY_LABELS[level],
        "county": county,
        "river_or_sea": _text(area.get("riverOrSea")),
        "message": _text(raw.get("message"))[:MAX_MESSAGE_CHARS],
        "raised_at": _iso(raw.get("timeRaised")),
        "severity_changed_at": _iso(raw.get("timeSeverityChanged")),
        "message_changed_at": _iso(raw.get("timeMessageChanged")),
        "is_tidal": raw.get("isTidal") is True,
        "latitude": _number(area.get("lat"), 90),
        "longitude": _number(area.get("long"), 180),
    }


def _level(value: object) -> int | None:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 4:
        return value
    return None


def _in_our_counties(county: str) -> bool:
    return any(name.lower() in county.lower() for name in COUNTIES)


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _iso(value: object) -> str:
    try:
        return datetime.fromisoformat(value).isoformat() if isinstance(value, str) else ""
    except ValueError:
        return ""


def _number(value: object, limit: float) -> float | None:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    return float(value) if math.isfinite(value) and -limit <= value <= limit else None


# --- flood-area outlines --------------------------------------------------------------------


def outline(client: http.Client, base: str, area_id: str, timeout: float) -> dict:
    """The flood area's outline as one GeoJSON geometry."""
    # Built from our own base URL rather than the `polygon` link in the feed, so the feed's
    # data never chooses which host this server talks to.
    url = f"{base}/id/floodAreas/{area_id}/polygon"
    found = geometry(_get(client, url, None, timeout, MAX_POLYGON_BYTES))
    if found is None:
        raise http.unexpected(url, "no usable outline")
    return found


def geometry(body: object) -> dict | None:
    """One Polygon or MultiPolygon (lon/lat, rounded, simplified) from a FeatureCollection,
    Feature or geometry; None when there is none usable (e.g. grid eastings instead of
    degrees, or no area at all)."""
    if not isinstance(body, dict):
        return None
    if body.get("type") == "FeatureCollection" and isinstance(body.get("features"), list):
        parts = [f.get("geometry") for f in body["features"] if isinstance(f, dict)]
    elif body.get("type") == "Feature":
        parts = [body.get("geometry")]
    else:
        parts = [body]
    polygons: list[list] = []
    for part in parts:
        if not isinstance(part, dict) or not isinstance(part.get("coordinates"), list):
            continue
        if part.get("type") == "Polygon":
            polygons.append(part["coordinates"])
        elif part.get("type") == "MultiPolygon":
            polygons.extend(part["coordinates"])
    cleaned = [p for p in (_polygon(raw) for raw in polygons) if p]
    if not cleaned:
        return None
    if len(cleaned) == 1:
        found = {"type": "Polygon", "coordinates": cleaned[0]}
    else:
        found = {"type": "MultiPolygon", "coordinates": cleaned}
    return simplified(found)


def _polygon(rings: object) -> list | None:
    """Rings of rounded [lon, lat]; None if the outer ring is unusable, holes dropped if so."""
    if not isinstance(rings, list) or not rings:
        return None
    cleaned = [_ring(ring) for ring in rings]
    if cleaned[0] is None:
        return None
    return [ring for ring in cleaned if ring is not None]


def _ring(ring: object) -> list | None:
    if not isinstance(ring, list):
        return None
    points: list[list[float]] = []
    for position in ring:
        if not isinstance(position, list) or len(position) < 2:
            return None
        lon, lat = _number(position[0], 180), _number(position[1], 90)
        if lon is None or lat is None:
            return None
        point = [round(lon, COORDINATE_PLACES), round(lat, COORDINATE_PLACES)]
        if not points or points[-1] != point:  # rounding merges near neighbours
            points.append(point)
    # A closed ring needs at least four positions (the first repeated at the end).
    return points if len(points) >= 4 and points[0] == points[-1] else None


# --- simplifying outlines for a county map ---------------------------------------------------


def simplified(found: dict) -> dict | None:
    """`found` (a rounded GeoJSON Polygon or MultiPolygon) with fewer positions, valid and
    rounded; None when nothing of it is an area; `found` itself when shapely fails on it.

    Done once, as an outline arrives, so the cache and every map hold the small one.
    """
    try:
        shape = _valid(shapely.geometry.shape(found))
        if shape is None:
            return None
        tolerance = SIMPLIFY_DEGREES
        while True:
            # preserve_topology keeps rings from crossing; _valid catches what it still gets
            # wrong, and the unsimplified shape stands in if nothing is left.
            smaller = _valid(shape.simplify(tolerance, preserve_topology=True)) or shape
            if _positions(smaller) <= MAX_POSITIONS or tolerance >= MAX_SIMPLIFY_DEGREES:
                return _rounded(smaller)
            tolerance *= 2
    except (shapely.errors.GEOSException, ValueError, TypeError) as exc:
        log.warning("flood outline kept unsimplified: %s", exc)
        return found


def _valid(shape: Any) -> Any | None:
    """The shape's polygons, repaired if they cross themselves; None if no area is left."""
    if shape.is_empty:
        return None
    if not shape.is_valid:
        shape = shapely.make_valid(shape)
    polygons = [p for p in _parts(shape) if not p.is_empty and p.area > 0]
    if not polygons:
        return None
    return polygons[0] if len(polygons) == 1 else MultiPolygon(polygons)


def _parts(shape: Any) -> list[Polygon]:
    # make_valid may answer with a collection of polygons, lines and points: keep polygons.
    if isinstance(shape, Polygon):
        return [shape]
    return [p for part in getattr(shape, "geoms", []) for p in _parts(part)]


def _positions(shape: Any) -> int:
    return int(shapely.get_num_coordinates(shape))


def _rounded(shape: Any) -> dict | None:
    found = _geojson(shape)
    if shapely.geometry.shape(found).is_valid:
        return found
    # Rounding moved a point that make_valid had added (simplifying only drops points, which
    # were rounded already): snap the whole outline to the grid, which GEOS does keeping it
    # valid.
    snapped = _valid(shapely.set_precision(shape, 10**-COORDINATE_PLACES))
    return _geojson(snapped) if snapped is not None else None


def _geojson(shape: Any) -> dict:
    # Outer rings anticlockwise, as RFC 7946 asks; orient() leaves a ring that already is.
    polygons = [orient(p) for p in _parts(shape)]
    coordinates = [
        [
            [[round(x, COORDINATE_PLACES), round(y, COORDINATE_PLACES)] for x, y in ring.coords]
            for ring in (p.exterior, *p.interiors)
        ]
        for p in polygons
    ]
    if len(coordinates) == 1:
        return {"type": "Polygon", "coordinates": coordinates[0]}
    return {"type": "MultiPolygon", "coordinates": coordinates}
