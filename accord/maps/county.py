"""The county on every map, from our own data: the outlines of Shropshire and Telford &
Wrekin (ONS) and the names of its towns and villages (GeoNames), with tiles or without.

Both are worked out once per process and kept as JSON text; a map only pastes them in,
through the `Vault` like all text that passes folium's templates.

Which names show at which zoom is worked out from the data, not listed by hand:

- towns are the post towns of the county's postcode districts and the districts named after
  one place (TF1 is Wellington), and places with 150 or more unit postcodes within a
  kilometre (ONS); they are named from the county view (zoom 9);
- larger villages (40 or more postcodes) are named from zoom 11, the rest from zoom 12;
- a name that would overlap one already placed (towns first, then by size) waits for the
  zoom at which it fits, up to 13, or is left off. Names shown at zoom 9–10 are larger.

GeoNames repeats a place once per postcode district: repeats within a few miles are one
place. Its approximate positions (accuracy 3), and a spot three or more names share, are the
middle of a district, not a place: only towns are named there.
"""

from __future__ import annotations

import csv
import functools
import html
import json
import math
from collections import Counter
from dataclasses import dataclass

import shapely
from branca.element import MacroElement
from folium.template import Template
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from accord import geo
from accord.geo import Point
from accord.maps.basemap import Vault
from accord.maps.layers import PLACES, Box, json_text

OUTLINES = ("shropshire-boundary.geojson", "telford-wrekin-boundary.geojson")
PLACE_NAMES = "shropshire-places-geonames.csv"
# Degrees (150–220 m): well inside the 500 m the ONS outlines are generalised to already.
TOLERANCE = 0.002
NEAR = 0.05  # degrees beyond the outlines a place may lie (border villages)
SAME_PLACE_MILES = 3.0
SHARED_SPOT = 3  # names at one spot that make it a placeholder
ATTRIBUTION = (
    "Contains OS data © Crown copyright and database right. Source: Office for "
    "National Statistics licensed under the Open Government Licence v.3.0. "
    "Place names © GeoNames, CC BY 4.0."
)
TOWN_ZOOM, VILLAGE_ZOOM, OTHER_ZOOM = 9, 11, 12
ZOOMS = (9, 10, 11, 12, 13)  # a name waits for the first of these at which it fits
VILLAGE_POSTCODES, TOWN_POSTCODES = 40, 150  # unit postcodes within a kilometre
KM_PER_DEGREE = 111.32
MIDDLE_LATITUDE = 52.7  # the county's: east–west kilometres per degree


@dataclass(frozen=True)
class Label:
    name: str
    point: Point
    zoom: int  # the first zoom level it is shown at
    town: bool  # drawn larger


@dataclass
class _Place:
    name: str
    outcode: str
    points: list[Point]
    town: int  # 0 a post town, 1 a district named after it, 2 neither
    postcodes: int | None = None  # None: outside the SY and TF districts we hold

    @property
    def point(self) -> Point:
        lat = sum(p.latitude for p in self.points) / len(self.points)
        lon = sum(p.longitude for p in self.points) / len(self.points)
        return Point(round(lat, PLACES), round(lon, PLACES))


@functools.cache
def outlines() -> tuple[BaseGeometry, ...]:
    """The two outlines, simplified and rounded to PLACES decimals."""
    found = []
    for name in OUTLINES:
        feature = json.loads((geo.DATA / name).read_text(encoding="utf-8"))
        simpler = shape(feature["geometry"]).simplify(TOLERANCE, preserve_topology=True)
        found.append(shapely.transform(simpler, lambda xy: xy.round(PLACES)))
    return tuple(found)


def extent() -> Box:
    """Where the two counties lie: what a county-wide map fits."""
    box = Box()
    for outline in outlines():
        west, south, east, north = outline.bounds
        box.add(west, south)
        box.add(east, north)
    return box


@functools.cache
def outlines_json() -> str:
    """Both outlines as a GeoJSON FeatureCollection, ready to paste into a script."""
    features = [
        {"type": "Feature", "properties": {}, "geometry": mapping(outline)}
        for outline in outlines()
    ]
    return json_text({"type": "FeatureCollection", "features": features})


def read_places() -> list[dict[str, str]]:
    """The GeoNames rows as they are in the file."""
    with open(geo.DATA / PLACE_NAMES, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _key(name: str) -> str:
    # Royal Mail writes "Bishops Castle" where GeoNames has "Bishop's Castle".
    return name.strip().lower().replace("'", "")


def _towns(outcode: str) -> dict[str, int]:
    """The names a district is known by: its post towns (0), the one place it covers (1)."""
    names = {_key(name): 0 for name in geo.post_town(outcode).split(",")}
    areas = geo.district_town(outcode).split(",")
    if len(areas) == 1:
        names.setdefault(_key(areas[0]), 1)
    names.pop("", None)
    return names


def _row_point(row: dict[str, str]) -> Point | None:
    """Where GeoNames placed the row, or None when it only guessed (or it cannot be read)."""
    outcode = row.get("postal_code", "").strip().upper()
    if row.get("accuracy") != "4" or geo.district_town(outcode) in ("", "Non-geographic"):
        return None
    try:
        point = Point(float(row["latitude"]), float(row["longitude"]))
    except (KeyError, TypeError, ValueError):
        return None
    good = math.isfinite(point.latitude) and math.isfinite(point.longitude)
    return point if good else None


def _placed_rows() -> list[tuple[str, str, Point, int]]:
    """(name, district, point, town kind) of each row GeoNames placed in or near the county.

    A spot that three or more names share is a district's middle, not a place: only a
    town is named there.
    """
    near = shapely.union_all(outlines()).buffer(NEAR)
    shapely.prepare(near)
    rows = []
    for row in read_places():
        name = (row.get("place_name") or "").strip()
        point = _row_point(row)
        if name and point and near.contains(shapely.Point(point.longitude, point.latitude)):
            outcode = row["postal_code"].strip().upper()
            rows.append((name, outcode, point, _towns(outcode).get(_key(name), 2)))
    names: dict[Point, set[str]] = {}
    for name, _, point, _ in rows:
        names.setdefault(point, set()).add(name)
    return [row for row in rows if row[3] < 2 or len(names[row[2]]) < SHARED_SPOT]


def _places() -> list[_Place]:
    """One place per name and spot: GeoNames repeats a place once per postcode district."""
    found: dict[str, list[_Place]] = {}
    for name, outcode, point, town in _placed_rows():
        same = found.setdefault(name, [])
        place = next(
            (p for p in same if geo.miles_between(p.points[0], point) < SAME_PLACE_MILES), None
        )
        if place is None:
            same.append(_Place(name, outcode, [point], town))
        else:
            place.points.append(point)
            place.town = min(place.town, town)
    return [place for same in found.values() for place in same]


def _count_postcodes(places: list[_Place]) -> None:
    """How many unit postcodes lie within a kilometre of each place: its size, roughly."""
    scale = math.cos(math.radians(MIDDLE_LATITUDE)) * KM_PER_DEGREE

    def km(points: list[Point]) -> list[tuple[float, float]]:
        return [(p.longitude * scale, p.latitude * KM_PER_DEGREE) for p in points]

    tree = shapely.STRtree(shapely.points(km(geo.postcode_points())))
    centres = shapely.points(km([place.point for place in places]))
    near, _ = tree.query(centres, predicate="dwithin", distance=1.0)
    counts = Counter(near.tolist())
    for i, place in enumerate(places):
        # Only SY and TF postcodes are held: elsewhere a count would call a town small.
        held = place.outcode.startswith(("SY", "TF"))
        place.postcodes = counts.get(i, 0) if held else None


def _first_zoom(place: _Place) -> int:
    size = place.postcodes
    if place.town < 2 or (size is not None and size >= TOWN_POSTCODES):
        return TOWN_ZOOM
    return VILLAGE_ZOOM if size is not None and size >= VILLAGE_POSTCODES else OTHER_ZOOM


def _rank(place: _Place) -> tuple[int, int]:
    # Towns first; a named town whose size we cannot count is taken as a town's size.
    size = place.postcodes if place.postcodes is not None else TOWN_POSTCODES
    return place.town, -size


@dataclass
class _Box:
    """A label's extent in pixels at zoom 0 (centre) and at any zoom (half width, height)."""

    x: float
    y: float
    half_width: float
    half_height: float

    def hits(self, other: _Box, zoom: int) -> bool:
        scale = 2**zoom
        return (
            abs(self.x - other.x) * scale < self.half_width + other.half_width
            and abs(self.y - other.y) * scale < self.half_height + other.half_height
        )


def _box(name: str, point: Point, town: bool) -> _Box:
    """Web Mercator pixels at zoom 0; the text's size as the labels' CSS draws it (roughly)."""
    x = (point.longitude + 180) / 360 * 256
    y = (1 - math.asinh(math.tan(math.radians(point.latitude))) / math.pi) / 2 * 256
    gap = 2  # pixels kept clear round each name
    return _Box(x, y, len(name) * (3.6 if town else 3.0) + gap, (8 if town else 7) + gap)


@functools.cache
def labels() -> tuple[Label, ...]:
    """The names to show, each from the first zoom at which it overlaps no other."""
    places = _places()
    if places:
        _count_postcodes(places)
    placed: list[tuple[Label, _Box]] = []
    for place in sorted(places, key=_rank):
        for zoom in (z for z in ZOOMS if z >= _first_zoom(place)):
            # Named in the county views (9, 10), a place is drawn as a town: larger.
            town = zoom < VILLAGE_ZOOM
            box = _box(place.name, place.point, town)
            if not any(other.zoom <= zoom and box.hits(seen, zoom) for other, seen in placed):
                placed.append((Label(place.name, place.point, zoom, town), box))
                break
    return tuple(label for label, _ in placed)


@functools.cache
def labels_json() -> str:
    """[[lat, lon, first zoom, 1 if a town, escaped name], …] for the map's script."""
    return json_text(
        [
            [
                label.point.latitude,
                label.point.longitude,
                label.zoom,
                int(label.town),
                html.escape(label.name),
            ]
            for label in labels()
        ]
    )


class County(MacroElement):
    """The county's outlines beneath everything and its place names over the layers, neither
    in the layer control nor clickable nor focusable, and their sources in the attribution.

    The names are hidden by zoom with classes on the map's container (`app-below-11` …), so
    the page needs no style attribute (the CSP blocks those).
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        .app-place span { position: absolute; transform: translate(-50%, -50%);
            white-space: nowrap; font: 12px/1.2 arial, sans-serif; color: #0b0c0c;
            text-shadow: -1px -1px 0 #fff, 1px -1px 0 #fff, -1px 1px 0 #fff, 1px 1px 0 #fff,
                0 0 3px #fff; }
        .app-place--town span { font-size: 14px; font-weight: 700; }
        /* The sources' attribution is long: it wraps rather than covering the scale. */
        .leaflet-bottom.leaflet-right { max-width: calc(100% - 130px); }
        {% for zoom in this.zooms %}.app-below-{{ zoom }} .app-place--{{ zoom }}{{
            "," if not loop.last }}
        {% endfor %}{ display: none; }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function (map) {
            // Outlines over the tiles (200) and under every layer (400); names over the
            // layers, under pins in clusters, tooltips and popups (600+). Neither takes a click.
            var lines = map.createPane("appCountyLines"), names = map.createPane("appCountyNames");
            lines.style.zIndex = 250;
            names.style.zIndex = 450;
            lines.style.pointerEvents = names.style.pointerEvents = "none";
            L.geoJSON({{ this.outlines }}, {pane: "appCountyLines", interactive: false,
                style: {color: "#505a5f", weight: 2, opacity: 1, fill: false}}).addTo(map);
            {{ this.places }}.forEach(function (p) {
                L.marker([p[0], p[1]], {pane: "appCountyNames", interactive: false,
                    keyboard: false, icon: L.divIcon({iconSize: [0, 0], html:
                        "<span>" + p[4] + "</span>", className: "app-place app-place--" + p[2] +
                        (p[3] ? " app-place--town" : "")})}).addTo(map);
            });
            function zoomed() {
                var zoom = map.getZoom(), box = map.getContainer();
                {{ this.zooms|tojson }}.forEach(function (z) {
                    (zoom < z ? L.DomUtil.addClass : L.DomUtil.removeClass)(box, "app-below-" + z);
                });
            }
            map.on("zoomend", zoomed);
            zoomed();
            map.attributionControl.addAttribution({{ this.attribution }});
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, vault: Vault):
        super().__init__()
        self._name = "County"
        self.zooms = list(ZOOMS)
        # Folium compiles scripts as templates again: the data goes in as stand-ins.
        self.outlines = vault.hold(outlines_json())
        self.places = vault.hold(labels_json())
        self.attribution = vault.hold(json_text(html.escape(ATTRIBUTION)))
