"""Folium maps served with our own assets, escaped labels and the app's CSP nonce.

Folium's asset lists are class attributes pointing at CDNs; they are replaced once, at start-up,
with the copies the app serves from the npm lockfile. Folium does not escape popups or
tooltips, so every label passes through html.escape here and nowhere else.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import folium
from folium import plugins

from accord.geo import Point

SHROPSHIRE = Point(52.64, -2.72)
_configured = False


@dataclass(frozen=True)
class Pin:
    point: Point
    label: str  # plain text: escaped here
    colour: str = "#1d70b8"


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


def render(pins: list[Pin], tile_url: str, nonce: str, attribution: str) -> str:
    """A whole HTML document with the map; works without tiles (the layers still show)."""
    configure()
    centre = pins[0].point if len(pins) == 1 else SHROPSHIRE
    fmap = folium.Map(
        location=[centre.latitude, centre.longitude],
        zoom_start=13 if len(pins) == 1 else 9,
        tiles=None,
        control_scale=True,
        prefer_canvas=True,
    )
    if tile_url:
        folium.TileLayer(tiles=tile_url, attr=html.escape(attribution), name="Map").add_to(fmap)
    layer = (
        plugins.MarkerCluster(name="Places") if len(pins) > 50 else folium.FeatureGroup("Places")
    )
    for pin in pins:
        folium.CircleMarker(
            location=[pin.point.latitude, pin.point.longitude],
            radius=8,
            color=pin.colour,
            fill=True,
            fill_opacity=0.8,
            # Tooltips only: folium builds popups with jQuery and inline styles, which our
            # CSP blocks. Every map has the same places listed beside it with their links.
            tooltip=folium.Tooltip(html.escape(pin.label)),
        ).add_to(layer)
    layer.add_to(fmap)
    if len(pins) > 1:
        lats = [p.point.latitude for p in pins]
        lons = [p.point.longitude for p in pins]
        fmap.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=(20, 20))
    document = fmap.get_root().render()
    # Our CSP allows inline scripts and styles only with this response's nonce.
    document = re.sub(r"<script(?![^>]*\bsrc=)", f'<script nonce="{nonce}"', document)
    return re.sub(r"<style", f'<style nonce="{nonce}"', document)
