"""Emergency mode's layered map at county scale: server-side render time and HTML size.

The map: 2,000 hubs across Shropshire (random points in the county's bounding box, four
statuses), 300 mutual-aid networks' coverage circles and 20 flood-warning areas, with a
legend. Targets: `maps.render_layers` under 300 ms at the 95th percentile and under 1.5 MB
of HTML, measured before the county layer (every map's outlines and place names,
accord/maps/county.py) and after it, with the one-off cost of working the county out in a
new process. Beside it, the same map built the naive folium way (a Marker with a Tooltip per
hub, a Circle per network, a GeoJson per flood area) shows what one layer each saves.

Run on its own with `PYTHONPATH=. .venv/bin/python -m bench.emergency_maps` (BENCH_MAP_ROUNDS
renders each, default 10); `make bench` adds its rows to the table.
"""

from __future__ import annotations

import html
import json
import math
import os
import random
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager

import folium
from branca.element import MacroElement

from accord import geo, maps
from accord.geo import Point
from accord.maps import county, rendering
from accord.maps.tiles import DEFAULT_URL, tiles_of
from emergency import layers as emergency_layers
from emergency.models import HUB_STATUS_COLOURS, HUB_STATUS_LABELS, HubStatus

ROUNDS = int(os.environ.get("BENCH_MAP_ROUNDS", "10"))
NAIVE_ROUNDS = 3  # seconds each: a few are enough to show the gap
HUBS, NETWORKS, FLOODS = 2_000, 300, 20
TARGET_MS, TARGET_BYTES = 300, 1_500_000
# As CVEC's map draws them (emergency/layers.py): each status its colour and shape.
STATUSES = [(HUB_STATUS_LABELS[status], status) for status in HubStatus]
TILES = tiles_of({"TILE_URL": DEFAULT_URL})  # production's default: OpenStreetMap


def county_box() -> tuple[float, float, float, float]:
    """South, north, west, east of Shropshire's boundary."""
    boundary = json.loads((geo.DATA / "shropshire-boundary.geojson").read_text(encoding="utf-8"))
    ring = boundary["geometry"]["coordinates"][0]
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    return min(lats), max(lats), min(lons), max(lons)


def flood_area(rng: random.Random, centre: Point) -> dict:
    """A ragged 120-point ring, about the size and detail of an EA flood-warning area."""
    ring = []
    for i in range(120):
        angle = 2 * math.pi * i / 120
        reach = rng.uniform(0.006, 0.02)
        ring.append(
            [
                centre.longitude + 1.6 * reach * math.cos(angle),
                centre.latitude + reach * math.sin(angle),
            ]
        )
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def build(seed: int = 2026) -> tuple[list[maps.Layer], list]:
    rng = random.Random(seed)
    south, north, west, east = county_box()
    towns = [place.name for place in geo.places()] or ["Shrewsbury"]

    def somewhere() -> Point:
        return Point(rng.uniform(south, north), rng.uniform(west, east))

    hubs = []
    for i in range(HUBS):
        label, status = rng.choice(STATUSES)
        capacity = rng.choice([20, 40, 60, 120])
        hubs.append(
            maps.Pin(
                somewhere(),
                f"{rng.choice(towns)} Community Hub {i}",
                HUB_STATUS_COLOURS[status],
                f"{label} · {rng.randint(0, capacity)} of {capacity} people",
                f"/emergency/hubs/{i}",
                emergency_layers.HUB_SHAPES[status],
            )
        )
    networks = [
        maps.Circle(
            somewhere(),
            rng.uniform(1, 6),
            f"{rng.choice(towns)} Mutual Aid {i}",
            emergency_layers.NETWORK,
            f"{rng.randint(5, 200)} volunteers",
            rng.choice([maps.SOLID, maps.DOTTED]),
        )
        for i in range(NETWORKS)
    ]
    floods = [
        maps.Shape(
            flood_area(rng, somewhere()),
            f"River at {rng.choice(towns)}",
            emergency_layers.FLOOD_COLOURS[2],
            "Flood warning",
        )
        for _ in range(FLOODS)
    ]
    layers = [
        maps.Layer("Hubs", pins=hubs),
        maps.Layer("Mutual-aid networks", circles=networks),
        maps.Layer("Flood warnings", shapes=floods),
    ]
    return layers, emergency_layers.COORDINATION_KEY


def naive(layers: list[maps.Layer]) -> str:
    """The same map with one folium object per thing: how folium's examples build it."""
    maps.configure()
    fmap = folium.Map(location=[maps.SHROPSHIRE.latitude, maps.SHROPSHIRE.longitude], tiles=None)
    hubs, networks, floods = (folium.FeatureGroup(name=layer.name).add_to(fmap) for layer in layers)
    for pin in layers[0].pins:
        folium.Marker(
            [pin.point.latitude, pin.point.longitude],
            tooltip=folium.Tooltip(
                f"<strong>{html.escape(pin.label)}</strong><br>{html.escape(pin.detail)}"
            ),
        ).add_to(hubs)
    for circle in layers[1].circles:
        folium.Circle(
            [circle.point.latitude, circle.point.longitude],
            radius=circle.radius_miles * maps.METRES_PER_MILE,
            color=circle.colour,
            tooltip=folium.Tooltip(html.escape(circle.label)),
        ).add_to(networks)
    for shape in layers[2].shapes:
        folium.GeoJson(shape.geometry, tooltip=html.escape(shape.label)).add_to(floods)
    folium.LayerControl().add_to(fmap)
    return fmap.get_root().render()


def timed(make, rounds: int) -> tuple[list[float], list[float], int]:
    """Wall-clock and CPU milliseconds per render, and the document's size in bytes.

    CPU time is the render's own cost; wall time also counts whatever else the machine runs.
    """
    make()  # warm: imports, folium's compiled templates
    wall, cpu, size = [], [], 0
    for _ in range(rounds):
        start, used = time.perf_counter(), time.process_time()
        document = make()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - used) * 1000)
        size = len(document.encode())
    return wall, cpu, size


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class _NoCounty(MacroElement):
    """Draws nothing: the map as it was before the county layer."""

    def __init__(self, vault: object):
        super().__init__()


@contextmanager
def without_county() -> Iterator[None]:
    real = rendering.County
    rendering.County = _NoCounty  # type: ignore[misc,assignment]
    try:
        yield
    finally:
        rendering.County = real  # type: ignore[misc]


def county_once() -> float:
    """Milliseconds to work the county out, as the first map in a new process does."""
    cached = (county.outlines, county.outlines_json, county.labels, county.labels_json)
    geo.postcode_points()  # the postcode table is shared with geocoding: loaded anyway
    for function in cached:
        function.cache_clear()
    start = time.perf_counter()
    county.outlines_json()
    county.labels_json()
    return (time.perf_counter() - start) * 1000


def met(wall: list[float], size: int) -> str:
    ok = percentile(wall, 95) < TARGET_MS and size < TARGET_BYTES
    target = f"target p95 < {TARGET_MS} ms and < {TARGET_BYTES / 1e6:.1f} MB"
    return f"{target}: {'met' if ok else 'MISSED'}"


def measure() -> list[tuple]:
    """Rows: (what, p50 ms, p95 ms, CPU p50 ms, HTML bytes, note)."""
    layers, legend = build()
    once = county_once()

    def ours() -> str:
        return maps.render_layers(
            layers, TILES.url, "n0nce", TILES.attribution, legend=legend, fit_to=county.extent()
        )

    with without_county():
        before, before_cpu, before_size = timed(ours, ROUNDS)
    ours_wall, ours_cpu, ours_size = timed(ours, ROUNDS)
    theirs, theirs_cpu, theirs_size = timed(lambda: naive(layers), NAIVE_ROUNDS)
    cpu = statistics.median(ours_cpu)
    what = f"{HUBS:,} hubs + {NETWORKS} networks + {FLOODS} flood areas"
    naive_cpu = statistics.median(theirs_cpu)
    added = percentile(ours_wall, 50) - percentile(before, 50)
    return [
        (
            f"before the county layer: `maps.render_layers`, {what}, one GeoJSON layer each",
            percentile(before, 50),
            percentile(before, 95),
            statistics.median(before_cpu),
            before_size,
            met(before, before_size),
        ),
        (
            f"after: the same with the county (2 outlines, {len(county.labels())} place names)",
            percentile(ours_wall, 50),
            percentile(ours_wall, 95),
            cpu,
            ours_size,
            f"{met(ours_wall, ours_size)}; +{added:.0f} ms p50, "
            f"+{(ours_size - before_size) / 1024:.0f} KB; the county worked out once a "
            f"process: {once:.0f} ms",
        ),
        (
            "naive folium: a Marker + Tooltip per hub, a Circle per network, a GeoJson per area",
            percentile(theirs, 50),
            percentile(theirs, 95),
            naive_cpu,
            theirs_size,
            f"{naive_cpu / cpu:.0f}× the CPU time, {theirs_size / ours_size:.1f}× the size",
        ),
    ]


def table(rows: list[tuple]) -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    head = (
        f"\n| emergency map ({ROUNDS} renders, no database; load {load:.1f} on "
        f"{os.cpu_count()} CPUs) | p50 ms | p95 ms | CPU p50 ms | HTML KB | |\n"
        "|---|---:|---:|---:|---:|---|\n"
    )
    return head + "".join(
        f"| {what} | {p50:.0f} | {p95:.0f} | {cpu:.0f} | {size / 1024:,.0f} | {note} |\n"
        for what, p50, p95, cpu, size, note in rows
    )


if __name__ == "__main__":
    print(table(measure()))
