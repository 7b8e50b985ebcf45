"""Every map the app draws: folium with our own Leaflet, escaped labels and the CSP nonce.

Callers describe what to draw as `Layer`s of `Pin`s, `Circle`s and `Shape`s (layers.py) and
get back a whole HTML document from `render_layers` or `render` (rendering.py), drawn on the
base map of basemap.py. Folium's asset lists are class attributes pointing at CDNs; they are
replaced once with the copies the app serves from the npm lockfile (`configure`). Leaflet
inserts tooltips, popups, layer names and attribution as raw HTML, so every user string
passes through html.escape on its way in.

Folium itself never sees a user string. Branca compiles each rendered script as a Jinja
template a second time, so a hub called "{{ … }}" would run as template code on the server
(and one called "{{" would fail the page). Folium is given random stand-in tokens instead
(`Vault`); the escaped, JSON-encoded text replaces them in the finished document.

Every map also shows the county from our own data, with tiles or without (county.py): the
outlines of Shropshire and Telford & Wrekin and town and village names by zoom, attributed.

Points, circles and shapes go into one GeoJSON FeatureCollection per layer, not one folium
object each: that is what keeps 2,000 hubs to tens of milliseconds where a folium Marker
each takes seconds (bench/emergency_maps.py has the numbers).
"""

from accord.maps.basemap import configure
from accord.maps.county import extent as county_extent
from accord.maps.layers import (
    CIRCLE,
    DASHED,
    DIAMOND,
    DOTTED,
    METRES_PER_MILE,
    SHROPSHIRE,
    SOLID,
    SQUARE,
    TRIANGLE,
    Circle,
    Layer,
    Pin,
    Shape,
    local_href,
)
from accord.maps.legend import AREA, Key, legend_html, swatch
from accord.maps.rendering import render, render_layers
from accord.maps.tiles import Tiles, tiles_of

__all__ = [
    "AREA",
    "CIRCLE",
    "DASHED",
    "DIAMOND",
    "DOTTED",
    "SOLID",
    "SQUARE",
    "TRIANGLE",
    "Key",
    "legend_html",
    "swatch",
    "METRES_PER_MILE",
    "SHROPSHIRE",
    "Circle",
    "Layer",
    "Pin",
    "Shape",
    "Tiles",
    "configure",
    "county_extent",
    "local_href",
    "render",
    "render_layers",
    "tiles_of",
]
