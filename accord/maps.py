"""Every map the app draws: folium with our own Leaflet, escaped labels and the CSP nonce.

Folium's asset lists are class attributes pointing at CDNs; they are replaced once with the
copies the app serves from the npm lockfile. Leaflet inserts tooltips, popups, layer names
and attribution as raw HTML, so every user string passes through html.escape here.

Folium itself never sees a user string. Branca compiles each rendered script as a Jinja
template a second time, so a hub called "{{ … }}" would run as template code on the server
(and one called "{{" would fail the page). Folium is given random stand-in tokens instead
(`_Vault`); the escaped, JSON-encoded text replaces them in the finished document.

Points, circles and shapes go into one GeoJSON FeatureCollection per layer, not one folium
object each: that is what keeps 2,000 hubs to tens of milliseconds where a folium Marker
each takes seconds (bench/emergency_maps.py has the numbers).
"""

from __future__ import annotations

import html
import json
import logging
import math
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

import folium
from branca.element import MacroElement
from folium import plugins
from folium.template import Template
from folium.utilities import JsCode

from accord.geo import Point

log = logging.getLogger(__name__)

SHROPSHIRE = Point(52.64, -2.72)
METRES_PER_MILE = 1609.344
PLACES = 5  # decimal places kept in coordinates: about a metre, and a third less HTML
_VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'
_configured = False

# Colours reach Leaflet as style options; only plain CSS colours are let through.
_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}|[a-zA-Z]{3,20}")
# Whitespace and control characters are stripped by browsers inside URLs ("/\t/evil.org"
# becomes "//evil.org"), and a backslash counts as a slash: none is allowed in a local path.
_UNSAFE_IN_PATH = re.compile(r"[\x00-\x20\x7f\\]")


@dataclass(frozen=True)
class Pin:
    point: Point
    label: str  # plain text: escaped here
    colour: str = "#1d70b8"
    detail: str = ""  # plain text second line, e.g. "Open · 12 of 40 people": escaped here
    href: str = ""  # a path on our own site; anything else is dropped


@dataclass(frozen=True)
class Circle:
    """An area around a point: an incident, a network's coverage, a district's count."""

    point: Point
    radius_miles: float
    label: str
    colour: str = "#1d70b8"
    detail: str = ""


@dataclass(frozen=True)
class Shape:
    """A GeoJSON Polygon or MultiPolygon geometry, e.g. an Environment Agency flood area."""

    geometry: dict
    label: str
    colour: str = "#d4351c"
    detail: str = ""


@dataclass
class Layer:
    name: str  # shown in the layer control: escaped here
    pins: list[Pin] = field(default_factory=list)
    circles: list[Circle] = field(default_factory=list)
    shapes: list[Shape] = field(default_factory=list)
    show: bool = True  # initially visible
    cluster: bool = False  # group nearby pins into counted clusters (marker-cluster plugin)


def configure(static_url: str = "/static/vendor") -> None:
    """Point folium at our own copies of Leaflet and the marker-cluster plugin."""
    global _configured
    if _configured:
        return
    # Leaflet alone: folium's jQuery, Bootstrap and icon fonts are not needed for our layers,
    # and jQuery's start-up probes would trip the CSP's inline-style rule.
    folium.Map.default_js = [("leaflet", f"{static_url}/leaflet/leaflet.js")]
    folium.Map.default_css = [("leaflet_css", f"{static_url}/leaflet/leaflet.css")]
    plugins.MarkerCluster.default_js = [
        ("markerclusterjs", f"{static_url}/markercluster/leaflet.markercluster.js")
    ]
    plugins.MarkerCluster.default_css = [
        ("markerclustercss", f"{static_url}/markercluster/MarkerCluster.css"),
        ("markerclusterdefaultcss", f"{static_url}/markercluster/MarkerCluster.Default.css"),
    ]
    _configured = True


def local_href(href: str) -> str:
    """`href` if it is a path on our own site, else "" (no scheme, host or tricks)."""
    if not href.startswith("/") or href.startswith("//") or _UNSAFE_IN_PATH.search(href):
        return ""
    return href


def _colour(value: str, default: str) -> str:
    return value if _COLOUR.fullmatch(value) else default


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _json(value: Any) -> str:
    """JSON that cannot end a <script> or open a comment in it (as Jinja's tojson)."""
    return (
        _ENCODER.encode(value)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("'", "\\u0027")
    )


class _Vault:
    """Tokens folium renders in place of user text, swapped for the text afterwards."""

    def __init__(self) -> None:
        self._key = secrets.token_hex(8)
        self._texts: list[str] = []
        # A token folium wrote as a JSON string keeps its quotes: its text is a JSON value.
        self._token = re.compile(f'("?)vault{self._key}n([0-9]+)x\\1')

    def hold(self, text: str) -> str:
        """A stand-in for `text`: HTML where it lands in HTML, a JSON value in a script."""
        self._texts.append(text)
        return f"vault{self._key}n{len(self._texts) - 1}x"

    def open(self, document: str) -> str:
        return self._token.sub(lambda m: self._texts[int(m.group(2))], document)


def _tip(label: str, detail: str) -> str:
    """Tooltip HTML: Leaflet inserts it raw, so both lines are escaped here."""
    text = f"<strong>{html.escape(label)}</strong>"
    return f"{text}<br>{html.escape(detail)}" if detail else text


class _Box:
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

    def grow(self, other: _Box) -> None:
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
def _pin_json(pin: Pin, box: _Box) -> str | None:
    if (place := _place(pin.point, pin.label)) is None:
        return None
    box.add(*place)
    # A colour is letters, digits and "#" only (_COLOUR): JSON as it stands.
    text = f'"c":"{_colour(pin.colour, "#1d70b8")}","t":{_json(_tip(pin.label, pin.detail))}'
    if href := local_href(pin.href):
        # A click opens a popup with the link; target _top leaves the map's iframe.
        link = f'<a href="{html.escape(href)}" target="_top">{html.escape(pin.label)}</a>'
        text += f',"p":{_json(f"{link}<br>{html.escape(pin.detail)}" if pin.detail else link)}'
    return (
        f'{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{place[0]!r},'
        f'{place[1]!r}]}},"properties":{{{text}}}}}'
    )


def _circle_json(circle: Circle, box: _Box) -> str | None:
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
        f'{place[1]!r}]}},"properties":{{"c":"{_colour(circle.colour, "#1d70b8")}",'
        f'"t":{_json(_tip(circle.label, circle.detail))},"r":{metres}}}}}'
    )


def _rounded(coordinates: Any, box: _Box) -> list:
    if not isinstance(coordinates, list | tuple):
        raise TypeError(type(coordinates).__name__)
    if coordinates and isinstance(coordinates[0], int | float):
        place = _position(coordinates[0], coordinates[1])
        box.add(*place)
        return list(place)
    return [_rounded(part, box) for part in coordinates]


def _shape_json(shape: Shape, box: _Box) -> str | None:
    """The shape as a feature, or None when its geometry is not a usable polygon.

    Shapes come from outside feeds (the Environment Agency); a bad one is left off the map
    rather than failing the page. Only type and coordinates are kept: nothing else the feed
    put in the dict reaches the page.
    """
    geometry = shape.geometry if isinstance(shape.geometry, dict) else {}
    kind = geometry.get("type")
    own = _Box()
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
    properties = {"c": _colour(shape.colour, "#d4351c"), "t": _tip(shape.label, shape.detail)}
    geometry = {"type": kind, "coordinates": coordinates}
    return _json({"type": "Feature", "geometry": geometry, "properties": properties})


# Leaflet calls these for each feature. Properties: c colour, t tooltip HTML, p popup HTML,
# r radius in metres. All strings in them were escaped above.
_PIN = JsCode(
    """function (feature, latlng) {
    return L.circleMarker(latlng, {radius: 7, color: "#0b0c0c", weight: 1,
        fillColor: feature.properties.c, fillOpacity: 0.9});
}"""
)
_AREA = JsCode(
    """function (feature, latlng) {
    return L.circle(latlng, {radius: feature.properties.r});
}"""
)
_AREA_STYLE = JsCode(
    """function (feature) {
    var colour = feature.properties.c;
    return {color: colour, weight: 2, fillColor: colour, fillOpacity: 0.15};
}"""
)
_PIN_LABELS = JsCode(
    """function (feature, layer) {
    layer.bindTooltip(feature.properties.t);
    if (feature.properties.p) { layer.bindPopup(feature.properties.p); }
}"""
)
# Sticky: an area's tooltip follows the pointer rather than sitting at its centre.
_AREA_LABELS = JsCode(
    """function (feature, layer) {
    layer.bindTooltip(feature.properties.t, {sticky: true});
}"""
)


class _Legend(MacroElement):
    """A key to the colours: escaped HTML in the page, moved into a Leaflet control.

    The swatches are SVG with a fill attribute: an inline style attribute would be blocked
    by the CSP, a presentation attribute is not.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        .app-legend { background: #fff; border: 1px solid #b1b4b6; margin: 0;
                      padding: 6px 10px; list-style: none; font: 14px/1.5 arial, sans-serif; }
        .app-legend svg { vertical-align: middle; margin-right: 6px; }
        </style>
        {% endmacro %}
        {% macro html(this, kwargs) %}
        <ul class="app-legend" id="{{ this.get_name() }}" aria-label="Key">{{ this.items }}</ul>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: "bottomright"});
        {{ this.get_name() }}.onAdd = function () {
            var key = document.getElementById("{{ this.get_name() }}");
            L.DomEvent.disableClickPropagation(key);
            return key;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, entries: list[tuple[str, str]], vault: _Vault):
        super().__init__()
        self._name = "Legend"
        self.items = vault.hold(
            "".join(
                '<li><svg width="14" height="14" aria-hidden="true" focusable="false">'
                f'<circle cx="7" cy="7" r="6" fill="{html.escape(_colour(colour, "#505a5f"))}" '
                f'stroke="#0b0c0c"/></svg>{html.escape(text)}</li>'
                for colour, text in entries
            )
        )


class _PinsOnTop(MacroElement):
    """Keep pins above areas, so that a hub inside a flood area or a coverage circle can
    still be hovered and clicked.

    All vectors share one canvas, drawn in the order they were added: the last layer (and
    any layer switched back on) would otherwise sit over the pins of the others.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        function {{ this.get_name() }}() {
            [{% for group in this.groups %}{{ group.get_name() }},{% endfor %}].forEach(
                function (group) {
                    if ({{ this._parent.get_name() }}.hasLayer(group)) { group.bringToFront(); }
                }
            );
        }
        {{ this._parent.get_name() }}.on("overlayadd", {{ this.get_name() }});
        {{ this.get_name() }}();
        {% endmacro %}
        """
    )

    def __init__(self, groups: list[folium.GeoJson]):
        super().__init__()
        self._name = "pins_on_top"
        self.groups = groups


def _unique(names: list[str]) -> list[str]:
    # The layer control is keyed by name: a repeated name would hide a layer from it.
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def render_layers(
    layers: list[Layer],
    tile_url: str,
    nonce: str,
    attribution: str,
    centre: Point | None = None,
    zoom: int | None = None,
    legend: list[tuple[str, str]] | None = None,
) -> str:
    """A whole HTML document: each layer toggled in a layer control (when there are two or
    more), fit to what is shown (or opened at `centre`/`zoom`), a legend of (colour, text).

    Works without tiles: with `tile_url` empty the layers are drawn on a plain background
    and the document loads nothing from any host but ours.
    """
    configure()
    vault = _Vault()
    names = _unique([html.escape(layer.name) for layer in layers])
    built = []  # (layer, areas, pins, extent): areas first so that pins are drawn over them
    for layer in layers:
        box = _Box()
        # Anything without a usable place is left off (and logged), not the whole map.
        areas = [_circle_json(circle, box) for circle in layer.circles]
        areas += [_shape_json(shape, box) for shape in layer.shapes]
        pins = [_pin_json(pin, box) for pin in layer.pins]
        built.append((layer, [a for a in areas if a], [p for p in pins if p], box))
    extent = _Box()
    for _, _, _, box in built:
        extent.grow(box)
    shown = _Box()
    for layer, _, _, box in built:
        if layer.show:
            shown.grow(box)
    extent = shown or extent  # fit what is shown; if nothing is, all there is

    fit = centre is None and zoom is None and bool(extent)
    if centre is None:
        centre = extent.middle() if extent else SHROPSHIRE
    fmap = folium.Map(
        location=[centre.latitude, centre.longitude],
        zoom_start=zoom if zoom is not None else 12 if extent else 9,
        tiles=None,
        control_scale=True,
        prefer_canvas=True,  # one canvas for thousands of vectors, not an SVG node each
    )
    # A map with no tile layer has no zoom limit, and the marker-cluster plugin refuses to
    # start without one ("Map has no maxZoom specified").
    fmap.options["max_zoom"] = 18
    if tile_url:
        folium.TileLayer(
            tiles=tile_url,
            attr=vault.hold(_json(html.escape(attribution))),
            name="Map",
            control=False,
        ).add_to(fmap)

    pin_groups: list[folium.GeoJson] = []
    for (layer, areas, pins, _), name in zip(built, names, strict=True):
        group = folium.FeatureGroup(name=vault.hold(_json(name)), show=layer.show)
        group.add_to(fmap)
        if areas:
            folium.GeoJson(
                {"type": "FeatureCollection", "features": vault.hold(f"[{','.join(areas)}]")},
                control=False,
                point_to_layer=_AREA,
                style=_AREA_STYLE,
                on_each_feature=_AREA_LABELS,
            ).add_to(group)
        if pins:
            parent = plugins.MarkerCluster(control=False).add_to(group) if layer.cluster else group
            geojson = folium.GeoJson(
                {"type": "FeatureCollection", "features": vault.hold(f"[{','.join(pins)}]")},
                control=False,
                point_to_layer=_PIN,
                on_each_feature=_PIN_LABELS,
            ).add_to(parent)
            if not layer.cluster:
                pin_groups.append(geojson)

    if len(layers) > 1:
        folium.LayerControl(collapsed=False).add_to(fmap)
        if pin_groups:
            _PinsOnTop(pin_groups).add_to(fmap)
    if legend:
        _Legend(legend, vault).add_to(fmap)
    if fit:
        # maxZoom: one building (or a few close together) opens at street level, not roofs.
        fmap.fit_bounds(
            [[extent.south, extent.west], [extent.north, extent.east]],
            padding=(20, 20),
            max_zoom=14,
        )

    document = fmap.get_root().render()
    document = document.replace("<html>", '<html lang="en">', 1)
    # Folium's viewport forbids pinch-zoom of the page (WCAG 1.4.4); Leaflet handles pinches
    # on the map itself either way.
    document = re.sub(r'<meta name="viewport"[^>]*>', _VIEWPORT, document, count=1)
    # Our CSP allows inline scripts and styles only with this response's nonce.
    document = re.sub(r"<script(?![^>]*\bsrc=)", f'<script nonce="{nonce}"', document)
    document = re.sub(r"<style", f'<style nonce="{nonce}"', document)
    return vault.open(document)  # last: nothing above ever runs over user text


def render(pins: list[Pin], tile_url: str, nonce: str, attribution: str) -> str:
    """One layer of places (the directory's maps); many pins are clustered."""
    return render_layers(
        [Layer("Places", pins=list(pins), cluster=len(pins) > 50)], tile_url, nonce, attribution
    )
