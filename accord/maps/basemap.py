"""The map itself: folium on our own Leaflet, the tile layer, the legend, and the stand-ins
(`Vault`) that keep user text away from folium's templates."""

from __future__ import annotations

import re
import secrets

import folium
from branca.element import Element, Figure, MacroElement
from folium import plugins
from folium.template import Template

from accord.geo import Point
from accord.maps.layers import Box, json_text
from accord.maps.legend import legend_html
from accord.maps.tiles import safe_attribution

_configured = False
# Keyboard users see where they are: the map itself (arrow keys pan, + and - zoom) and its
# controls get GOV.UK's yellow focus ring. The attribution's links are underlined, as GOV.UK's
# are: Leaflet shows them by colour alone, which WCAG 1.4.1 refuses (axe's link-in-text-block,
# whenever the sources' text wraps round a link). The rule names the container too: folium
# writes leaflet.css's link after this style, and leaflet.css's own rule for these links
# (`text-decoration: none`, one class and the element) would otherwise win.
FOCUS_STYLE = """<style>
.leaflet-container:focus-visible, .leaflet-container a:focus-visible,
.leaflet-container input:focus-visible {
    outline: 3px solid #ffdd00; outline-offset: 0; box-shadow: inset 0 0 0 4px #0b0c0c;
}
.leaflet-container .leaflet-control-attribution a { text-decoration: underline; }
</style>"""


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


class Vault:
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


class Legend(MacroElement):
    """The key (legend.py) in a Leaflet control that folds away (it is on the page beside the
    map too); folded from the start on a narrow map, where it would cover most of it."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        .app-legend-box { background: #fff; border: 1px solid #b1b4b6; padding: 4px 10px;
                          font: 14px/1.5 arial, sans-serif; color: #0b0c0c; max-width: 60vw; }
        .app-legend-box summary { cursor: pointer; font-weight: bold; }
        .app-legend { margin: 0; padding: 0; list-style: none; }
        .app-legend svg { vertical-align: middle; margin-right: 6px; }
        </style>
        {% endmacro %}
        {% macro html(this, kwargs) %}
        <details class="app-legend-box" id="{{ this.get_name() }}" open>
        <summary>Key</summary>{{ this.items }}</details>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: "bottomright"});
        {{ this.get_name() }}.onAdd = function (map) {
            var key = document.getElementById("{{ this.get_name() }}");
            if (map.getSize().x < 500) { key.open = false; }
            L.DomEvent.disableClickPropagation(key);
            return key;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, entries: list, vault: Vault):
        super().__init__()
        self._name = "Legend"
        self.items = vault.hold(str(legend_html(entries)))


class PinShapes(MacroElement):
    """`appPin`: a pin drawn as a circle, square, triangle or diamond on the map's canvas.

    Leaflet's canvas draws circle markers only; a shape is a circle marker whose path is
    drawn as a polygon instead, so it keeps the circle's hover, click and clustering.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var AppShape = L.CircleMarker.extend({
            _updatePath: function () {
                var renderer = this._renderer, ctx = renderer._ctx;
                if (!ctx) { return L.CircleMarker.prototype._updatePath.call(this); }
                if (!renderer._drawing || this._empty()) { return; }
                var p = this._point, k = Math.max(Math.round(this._radius), 1), corners;
                if (this.options.shape === "square") {
                    k = k * 0.9; corners = [[-k, -k], [k, -k], [k, k], [-k, k]];
                } else if (this.options.shape === "triangle") {
                    k = k * 1.3; corners = [[0, -k], [k, k * 0.8], [-k, k * 0.8]];
                } else {
                    k = k * 1.3; corners = [[0, -k], [k, 0], [0, k], [-k, 0]];
                }
                ctx.beginPath();
                corners.forEach(function (c, i) {
                    ctx[i ? "lineTo" : "moveTo"](p.x + c[0], p.y + c[1]);
                });
                ctx.closePath();
                renderer._fillStroke(ctx, this);
            }
        });
        function appPin(latlng, shape, options) {
            if (!shape) { return L.circleMarker(latlng, options); }
            options.shape = shape;
            return new AppShape(latlng, options);
        }
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "pin_shapes"


class PinsOnTop(MacroElement):
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


class SearchedPlace(MacroElement):
    """A map whose address ends "#at=lat,lon" opens there, with the place marked.

    The page beside the map geocodes what was searched; the map document stays the same
    for everyone (and is kept: emergency/map_cache.py), and the place never reaches it.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            var at = /^#at=(-?[0-9]{1,2}[.][0-9]{1,6}),(-?[0-9]{1,3}[.][0-9]{1,6})$/.exec(
                window.location.hash);
            if (!at) { return; }
            var place = [parseFloat(at[1]), parseFloat(at[2])];
            map.setView(place, 13);
            L.circleMarker(place, {radius: 9, color: "#0b0c0c", weight: 4,
                fillColor: "#ffffff", fillOpacity: 1})
                .bindTooltip("The place you searched for").addTo(map);
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "searched_place"


def base_map(centre: Point, zoom: int, tile_url: str, attribution: str, vault: Vault) -> folium.Map:
    """An empty map at `centre`: on the `tile_url` tiles, or on a plain background without
    them (the document then loads nothing from any host but ours)."""
    fmap = folium.Map(
        location=[centre.latitude, centre.longitude],
        zoom_start=zoom,
        tiles=None,
        control_scale=True,
        prefer_canvas=True,  # one canvas for thousands of vectors, not an SVG node each
    )
    # A map with no tile layer has no zoom limit, and the marker-cluster plugin refuses to
    # start without one ("Map has no maxZoom specified").
    fmap.options["max_zoom"] = 18
    page(fmap).header.add_child(Element(FOCUS_STYLE), name="focus_style")
    PinShapes().add_to(fmap)  # before any layer: their pins are drawn by it
    if tile_url:
        folium.TileLayer(
            tiles=tile_url,
            attr=vault.hold(json_text(safe_attribution(attribution))),
            name="Map",
            control=False,
        ).add_to(fmap)
    return fmap


def page(fmap: folium.Map) -> Figure:
    """The document a map is drawn in (folium makes one for every map)."""
    figure = fmap.get_root()
    assert isinstance(figure, Figure)
    return figure


def fit(fmap: folium.Map, extent: Box) -> None:
    # maxZoom: one building (or a few close together) opens at street level, not roofs.
    fmap.fit_bounds(
        [[extent.south, extent.west], [extent.north, extent.east]],
        padding=(20, 20),
        max_zoom=14,
    )
