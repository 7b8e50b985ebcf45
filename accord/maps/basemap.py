"""The map itself: folium on our own Leaflet, the tile layer, the legend, and the stand-ins
(`Vault`) that keep user text away from folium's templates."""

from __future__ import annotations

import html
import re
import secrets

import folium
from branca.element import MacroElement
from folium import plugins
from folium.template import Template

from accord.geo import Point
from accord.maps.layers import Box, json_text, safe_colour

_configured = False


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

    def __init__(self, entries: list[tuple[str, str]], vault: Vault):
        super().__init__()
        self._name = "Legend"
        self.items = vault.hold(
            "".join(
                '<li><svg width="14" height="14" aria-hidden="true" focusable="false">'
                f'<circle cx="7" cy="7" r="6" fill="{html.escape(safe_colour(colour, "#505a5f"))}" '
                f'stroke="#0b0c0c"/></svg>{html.escape(text)}</li>'
                for colour, text in entries
            )
        )


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
    if tile_url:
        folium.TileLayer(
            tiles=tile_url,
            attr=vault.hold(json_text(html.escape(attribution))),
            name="Map",
            control=False,
        ).add_to(fmap)
    return fmap


def fit(fmap: folium.Map, extent: Box) -> None:
    # maxZoom: one building (or a few close together) opens at street level, not roofs.
    fmap.fit_bounds(
        [[extent.south, extent.west], [extent.north, extent.east]],
        padding=(20, 20),
        max_zoom=14,
    )
