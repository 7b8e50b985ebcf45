"""What a map shows: layers of pins, circles and shapes, written as GeoJSON features.

Every user string is escaped here, on its way into a feature's properties; Leaflet inserts
them as raw HTML. A feature without a usable place is left off (and logged), not the map.
"""

from __future__ import annotations

import html
import json
import logging
import math
import re
from dataclasses import dataclass, field
from typing import Any

from folium.utilities import JsCode

from accord.geo import Point

log = logging.getLogger(__name__)

SHROPSHIRE = Point(52.64, -2.72)
METRES_PER_MILE = 1609.344
PLACES = 5  # decimal places kept in coordinates: about a metre, and a third less HTML

# Colours reach Leaflet as style options; only plain CSS colours are let through.
_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}|[a-zA-Z]{3,20}")
# Whitespace and control characters are stripped by browsers inside URLs ("/\t/evil.org"
# becomes "//evil.org"), and a backslash counts as a slash: none is allowed in a local path.
_UNSAFE_IN_PATH = re.compile(r"[\x00-\x20\x7f\\]")


# A pin's shape, so that what its colour says is also said to those who cannot tell the
# colours apart (hubs: open, full, standby, closed). Drawn on the canvas by SHAPES below.
CIRCLE, SQUARE, TRIANGLE, DIAMOND = "circle", "square", "triangle", "diamond"
PIN_SHAPES = (CIRCLE, SQUARE, TRIANGLE, DIAMOND)
# An area's outline: solid, dashed (an incident) or dotted (a network not active now).
SOLID, DASHED, DOTTED = "solid", "dashed", "dotted"
DASHES = {SOLID: "", DASHED: "10 6", DOTTED: "2 6"}


@dataclass(frozen=True)
class Pin:
    point: Point
    label: str  # plain text: escaped here
    colour: str = "#1d70b8"
    detail: str = ""  # plain text second line, e.g. "Open · 12 of 40 people": escaped here
    href: str = ""  # a path on our own site; anything else is dropped
    shape: str = CIRCLE


@dataclass(frozen=True)
class Circle:
    """An area around a point: an incident, a network's coverage, a district's count."""

    point: Point
    radius_miles: float
    label: str
    colour: str = "#1d70b8"
    detail: str = ""
    line: str = SOLID


@dataclass(frozen=True)
class Shape:
    """A GeoJSON Polygon or MultiPolygon geometry, e.g. an Environment Agency flood area."""

    geometry: dict
    label: str
    colour: str = "#d4351c"
    detail: str = ""
    line: str = SOLID


@dataclass
class Layer:
    name: str  # shown in the layer control: escaped here
    pins: list[Pin] = field(default_factory=list)
    circles: list[Circle] = field(default_factory=list)
    shapes: list[Shape] = field(default_factory=list)
    show: bool = True  # initially visible
    cluster: bool = False  # group nearby pins into counted clusters (marker-cluster plugin)


def local_href(href: str) -> str:
    """`href` if it is a path on our own site, else "" (no scheme, host or tricks)."""
    if not href.startswith("/") or href.startswith("//") or _UNSAFE_IN_PATH.search(href):
        return ""
    return href


def safe_colour(value: str, default: str) -> str:
    return value if _COLOUR.fullmatch(value) else default


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def json_text(value: Any) -> str:
    """JSON that cannot end a <script> or open a comment in it (as Jinja's tojson)."""
    return (
        _ENCODER.encode(value)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("'", "\\u0027")
    )


def _tip(label: str, detail: str) -> str:
    """Tooltip HTML: Leaflet inserts it raw, so both lines are escaped here."""
    text = f"<strong>{html.escape(label)}</strong>"
    return f"{text}<br>{html.escape(detail)}" if detail else text


class Box:
    """The extent of what is drawn, grown one place at a time."""

    def __init__(self) -> None:
        self.south = self.west = math.inf
        self.north = self.east = -math.inf

    def __bool__(self) -> bool:
        return self.south <= self.north

    def add(self, lon: float, lat: float, metres: float = 0.0) -> None:
        """A place, or a circle of `metres` around it (to its edge)."""
        dlat = metres / 111_320
        dlon = dlat / max(math.cos(math.radians(lat)), 0.01) if metres else 0.0
        if lat - dlat < self.south:
            self.south = lat - dlat
        if lat + dlat > self.north:
            self.north = lat + dlat
        if lon - dlon < self.west:
            self.west = lon - dlon
        if lon + dlon > self.east:
            self.east = lon + dlon

    def grow(self, other: Box) -> None:
        if other:
            self.add(other.west, other.south)
            self.add(other.east, other.north)

    def middle(self) -> Point:
        return Point((self.south + self.north) / 2, (self.west + self.east) / 2)


def _position(lon: Any, lat: Any) -> tuple[float, float]:
    """(lon, lat) rounded; a NaN or an impossible place would blank the whole map."""
    lon, lat = float(lon), float(lat)
    if not (math.isfinite(lon) and math.isfinite(lat) and abs(lat) <= 90 and abs(lon) <= 180):
        raise ValueError(f"no such place: {lat}, {lon}")
    return round(lon, PLACES), round(lat, PLACES)


def _place(point: Point, label: str) -> tuple[float, float] | None:
    try:
        return _position(point.longitude, point.latitude)
    except (TypeError, ValueError):
        log.warning("map point %r left off: no usable position", label)
        return None


# Pins and circles are written straight to JSON text, one string each: thousands of small
# dicts and lists would cost a garbage-collector pass (tens of ms) on a busy worker.
def _pin_json(pin: Pin, box: Box) -> str | None:
    if (place := _place(pin.point, pin.label)) is None:
        return None
    box.add(*place)
    # A colour is letters, digits and "#" only (_COLOUR): JSON as it stands.
    colour = safe_colour(pin.colour, "#1d70b8")
    text = f'"c":"{colour}","t":{json_text(_tip(pin.label, pin.detail))}'
    if pin.shape != CIRCLE and pin.shape in PIN_SHAPES:
        text += f',"s":"{pin.shape}"'
    if href := local_href(pin.href):
        # A click opens a popup with the link; target _top leaves the map's iframe.
        link = f'<a href="{html.escape(href)}" target="_top">{html.escape(pin.label)}</a>'
        text += f',"p":{json_text(f"{link}<br>{html.escape(pin.detail)}" if pin.detail else link)}'
    return (
        f'{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{place[0]!r},'
        f'{place[1]!r}]}},"properties":{{{text}}}}}'
    )


def _circle_json(circle: Circle, box: Box) -> str | None:
    radius = float(circle.radius_miles)
    if not math.isfinite(radius):
        log.warning("map circle %r left off: no usable radius", circle.label)
        return None
    if (place := _place(circle.point, circle.label)) is None:
        return None
    metres = round(max(radius, 0.0) * METRES_PER_MILE)
    box.add(*place, metres)
    return (
        f'{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{place[0]!r},'
        f'{place[1]!r}]}},"properties":{{"c":"{safe_colour(circle.colour, "#1d70b8")}",'
        f'"t":{json_text(_tip(circle.label, circle.detail))},"r":{metres}{_dash(circle.line)}}}}}'
    )


def _dash(line: str) -> str:
    """The outline's dash pattern as a property, "" for a solid line."""
    return f',"d":"{DASHES[line]}"' if DASHES.get(line) else ""


def _rounded(coordinates: Any, box: Box) -> list:
    if not isinstance(coordinates, list | tuple):
        raise TypeError(type(coordinates).__name__)
    if coordinates and isinstance(coordinates[0], int | float):
        place = _position(coordinates[0], coordinates[1])
        box.add(*place)
        return list(place)
    return [_rounded(part, box) for part in coordinates]


def _shape_json(shape: Shape, box: Box) -> str | None:
    """The shape as a feature, or None when its geometry is not a usable polygon.

    Shapes come from outside feeds (the Environment Agency); a bad one is left off the map
    rather than failing the page. Only type and coordinates are kept: nothing else the feed
    put in the dict reaches the page.
    """
    geometry = shape.geometry if isinstance(shape.geometry, dict) else {}
    kind = geometry.get("type")
    own = Box()
    try:
        if kind not in ("Polygon", "MultiPolygon"):
            raise ValueError(kind)
        coordinates = _rounded(geometry["coordinates"], own)
        if not own:
            raise ValueError("no positions")
    except (KeyError, TypeError, ValueError, IndexError):
        log.warning("map shape %r left off: not a Polygon or MultiPolygon", shape.label)
        return None
    box.grow(own)
    properties = {"c": safe_colour(shape.colour, "#d4351c"), "t": _tip(shape.label, shape.detail)}
    if DASHES.get(shape.line):
        properties["d"] = DASHES[shape.line]
    geometry = {"type": kind, "coordinates": coordinates}
    return json_text({"type": "Feature", "geometry": geometry, "properties": properties})


# Leaflet calls these for each feature. Properties: c colour, t tooltip HTML, p popup HTML,
# r radius in metres, s a pin's shape, d an outline's dashes. All strings were escaped above.
PIN = JsCode(
    """function (feature, latlng) {
    return appPin(latlng, feature.properties.s, {radius: 7, color: "#0b0c0c", weight: 1,
        fillColor: feature.properties.c, fillOpacity: 0.9});
}"""
)
AREA = JsCode(
    """function (feature, latlng) {
    return L.circle(latlng, {radius: feature.properties.r});
}"""
)
AREA_STYLE = JsCode(
    """function (feature) {
    var colour = feature.properties.c, dashes = feature.properties.d;
    return {color: colour, weight: dashes ? 3 : 2, dashArray: dashes || null,
        fillColor: colour, fillOpacity: 0.15};
}"""
)
PIN_LABELS = JsCode(
    """function (feature, layer) {
    layer.bindTooltip(feature.properties.t);
    if (feature.properties.p) { layer.bindPopup(feature.properties.p); }
}"""
)
# Sticky: an area's tooltip follows the pointer rather than sitting at its centre.
AREA_LABELS = JsCode(
    """function (feature, layer) {
    layer.bindTooltip(feature.properties.t, {sticky: true});
}"""
)


@dataclass
class Drawn:
    """One layer as features: areas (circles and shapes) and pins, and where they lie."""

    layer: Layer
    areas: list[str]
    pins: list[str]
    box: Box


def draw(layer: Layer) -> Drawn:
    box = Box()
    # Anything without a usable place is left off (and logged), not the whole map.
    areas = [_circle_json(circle, box) for circle in layer.circles]
    areas += [_shape_json(shape, box) for shape in layer.shapes]
    pins = [_pin_json(pin, box) for pin in layer.pins]
    return Drawn(layer, [a for a in areas if a], [p for p in pins if p], box)
