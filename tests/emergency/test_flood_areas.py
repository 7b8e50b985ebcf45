"""Flood warnings have their areas: the EA's outline of each warned flood area, simplified once
as it arrives, drawn on the CVEC map in the warning's severity colour.

No real outline was ever captured: the Severn Vyrnwy confluence's (031WAF114) is CONSTRUCTED
in the EA's documented format (tests/fixtures/ea-flood/README.md), a river corridor of 3,782
positions, served by the fake EA for that area.
"""

from __future__ import annotations

import copy
import math
import random
from datetime import datetime

import pytest
import shapely
from shapely.geometry import shape

from accord.extensions import db
from emergency import flood_feed, floods, layers
from emergency.models import FloodFeed
from tests.accord.maps.test_maps import features
from tests.factories import PASSWORD
from tests.fakes.floods import SEVERN_VYRNWY, SEVERN_VYRNWY_OUTLINE, FakeFloods, fixture

NOW = datetime(2026, 11, 23, 10, 42)
AREA = "031WAF114"
POLYGON_PATH = f"/id/floodAreas/{AREA}/polygon"
PROPERTIES = {"AREA", "FWS_TACODE", "TA_NAME", "DESCRIP", "LA_NAME", "PARENT", "QDIAL", "RIVER_SEA"}
# Grid eastings and northings where degrees belong: how a British National Grid outline looks.
EASTINGS = [[[323653, 314605], [339397, 314605], [339397, 332658], [323653, 314605]]]
# A square whose ring crosses itself in the middle: two triangles meeting at a point.
BOWTIE = [[[-3.0, 52.75], [-2.98, 52.77], [-2.98, 52.75], [-3.0, 52.77], [-3.0, 52.75]]]


@pytest.fixture
def fake(app):
    with FakeFloods() as server:
        app.config.update(FLOOD_API_URL=server.url, FLOOD_TIMEOUT_S=5.0)
        server.feed = SEVERN_VYRNWY  # one flood alert, for 031WAF114
        yield server


def raw_outline():
    """The constructed outline as the EA would send it, as a shapely shape."""
    return shape(fixture(SEVERN_VYRNWY_OUTLINE)["features"][0]["geometry"])


def positions(geometry: dict) -> int:
    return int(shapely.get_num_coordinates(shape(geometry)))


def served(geometry: dict) -> dict:
    """An outline body in the documented shape, around `geometry`."""
    body = copy.deepcopy(fixture(SEVERN_VYRNWY_OUTLINE))
    body["features"][0]["geometry"] = geometry
    return body


def sign_in(client, make) -> None:
    make.user(role="cvec", email="cvec@example.org")
    client.sign_in("cvec@example.org", PASSWORD)


def flood_features(client) -> list[dict]:
    frame = client.get("/emergency/map/frame")
    assert frame.status_code == 200
    drawn = features(frame.get_data(as_text=True))
    return [f for f in drawn if f["geometry"]["type"] in ("Polygon", "MultiPolygon")]


# --- the constructed fixture ----------------------------------------------------------------


def test_the_constructed_outline_is_in_the_documented_format():
    body = fixture(SEVERN_VYRNWY_OUTLINE)
    assert body["type"] == "FeatureCollection"
    (feature,) = body["features"]
    assert set(feature["properties"]) == PROPERTIES
    assert feature["properties"]["FWS_TACODE"] == AREA
    outline = raw_outline()
    assert (outline.geom_type, outline.is_valid, len(outline.geoms)) == ("MultiPolygon", True, 2)
    assert shapely.get_num_coordinates(outline) == 3782
    # WGS84 lon/lat round the EA's centre for the area, inside its envelope (roughly).
    west, south, east, north = outline.bounds
    assert -3.14 < west < -2.9931 < east < -2.89
    assert 52.72 < south < 52.7655 < north < 52.89


# --- simplified once, as it arrives ---------------------------------------------------------


def test_an_outline_comes_back_simplified_covering_the_same_ground():
    found = flood_feed.geometry(fixture(SEVERN_VYRNWY_OUTLINE))
    outline, kept = raw_outline(), shape(found)
    assert found["type"] == "MultiPolygon" and len(found["coordinates"]) == 2
    assert positions(found) < shapely.get_num_coordinates(outline) / 4  # 484 of 3,782
    assert kept.is_valid
    assert kept.area == pytest.approx(outline.area, rel=0.02)
    assert kept.symmetric_difference(outline).area < 0.02 * outline.area
    for polygon in kept.geoms:
        assert polygon.exterior.is_ccw  # RFC 7946: outer rings anticlockwise
    coordinates = shapely.get_coordinates(kept)
    assert (coordinates.round(flood_feed.COORDINATE_PLACES) == coordinates).all()


def test_the_cache_keeps_the_simplified_outline(app, fake):
    (warning,) = floods.refresh(NOW).warnings
    assert fake.paths == ["/id/floods", POLYGON_PATH]
    assert warning.geometry == flood_feed.geometry(fixture(SEVERN_VYRNWY_OUTLINE))
    (row,) = db.session.get(FloodFeed, floods.POLYGONS).items
    assert row["geometry"] == warning.geometry
    assert positions(row["geometry"]) < 1000


def test_a_vast_area_keeps_at_most_a_few_thousand_positions():
    # A 40 km wide area whose edge zigzags by up to 50 m at every one of 40,000 positions.
    rng = random.Random(7)
    ring = []
    for i in range(40_000):
        angle = math.tau * i / 40_000
        radius = 0.2 + rng.uniform(-0.0005, 0.0005)
        ring.append([-2.75 + radius * math.cos(angle), 52.7 + radius * math.sin(angle)])
    ring.append(ring[0])
    found = flood_feed.geometry({"type": "Polygon", "coordinates": [ring]})
    assert positions(found) <= flood_feed.MAX_POSITIONS
    assert shape(found).is_valid
    assert shape(found).area == pytest.approx(math.pi * 0.2**2, rel=0.02)


def test_a_small_area_is_kept_as_it_is():
    square = [[[-2.8, 52.7], [-2.7, 52.7], [-2.7, 52.75], [-2.8, 52.75], [-2.8, 52.7]]]
    assert flood_feed.geometry({"type": "Polygon", "coordinates": square}) == {
        "type": "Polygon",
        "coordinates": square,
    }


# --- on the CVEC map, in the warning's colour ------------------------------------------------


@pytest.mark.parametrize(
    ("level", "label", "colour"),
    # Paul Tol's sand and wine (floods.SEVERITY_COLOURS), written out: no hub has them.
    [(3, "Flood alert", "#ddcc77"), (1, "Severe flood warning", "#882255")],
    ids=["alert-sand", "severe-wine"],
)
def test_the_cvec_map_draws_the_area_in_its_severity_colour(
    client, make, fake, level, label, colour
):
    # Level 1 is DERIVED from the captured level-3 alert: no capture has a severe warning.
    body = copy.deepcopy(fixture(SEVERN_VYRNWY))
    body["items"]["severityLevel"] = level
    fake.feed = body
    sign_in(client, make)
    page = client.get_page("/emergency/map")
    assert "Severn Vyrnwy Confluence" in page.get_text()
    (drawn,) = flood_features(client)
    expected = flood_feed.geometry(fixture(SEVERN_VYRNWY_OUTLINE))
    assert drawn["geometry"] == expected
    assert drawn["properties"]["c"] == colour
    assert f"{label}: Severn Vyrnwy Confluence" in drawn["properties"]["t"]
    (warning,) = floods.current().warnings
    (drawn_shape,) = layers.flood_layer(floods.current()).shapes
    assert (drawn_shape.geometry, drawn_shape.colour) == (expected, warning.colour)


# --- broken outlines are repaired or left off, never the page --------------------------------


def test_an_outline_crossing_itself_is_repaired():
    found = flood_feed.geometry(served({"type": "Polygon", "coordinates": BOWTIE}))
    repaired = shape(found)
    assert repaired.is_valid and found["type"] == "MultiPolygon"
    assert repaired.area == pytest.approx(0.0002, rel=0.01)  # the two triangles, 0.02 × 0.01


def test_a_part_without_area_is_dropped_and_one_without_any_is_none():
    flat = [[[-2.8, 52.7], [-2.7, 52.7], [-2.6, 52.7], [-2.8, 52.7]]]
    both = {"type": "MultiPolygon", "coordinates": [flat, BOWTIE[:1]]}
    assert shape(flood_feed.geometry(both)).area == pytest.approx(0.0002, rel=0.01)
    assert flood_feed.geometry({"type": "Polygon", "coordinates": flat}) is None


def test_shapely_failing_keeps_the_outline_unsimplified(monkeypatch, caplog):
    def fails(*args, **kwargs):
        raise shapely.errors.GEOSException("TopologyException: side location conflict")

    monkeypatch.setattr(flood_feed.shapely, "make_valid", fails)
    found = flood_feed.geometry({"type": "Polygon", "coordinates": BOWTIE})
    assert found == {"type": "Polygon", "coordinates": BOWTIE}
    assert "flood outline kept unsimplified: TopologyException" in caplog.text


def test_a_repaired_outline_is_drawn(client, make, fake):
    fake.outlines[AREA] = served({"type": "Polygon", "coordinates": BOWTIE})
    sign_in(client, make)
    (drawn,) = flood_features(client)
    assert drawn["geometry"]["type"] == "MultiPolygon"
    assert shape(drawn["geometry"]).is_valid


@pytest.mark.parametrize(
    "geometry",
    [
        {"type": "Polygon", "coordinates": EASTINGS},
        {"type": "Polygon", "coordinates": [[[-2.8, 52.7], [-2.7, 52.7], [-2.8, 52.7]]]},
        {"type": "LineString", "coordinates": [[-2.8, 52.7], [-2.7, 52.7]]},
    ],
    ids=["grid-eastings", "too-few-positions", "a-line"],
)
def test_an_unusable_outline_is_left_off_not_the_page(client, make, fake, caplog, geometry):
    fake.outlines[AREA] = served(geometry)
    sign_in(client, make)
    page = client.get_page("/emergency/map")
    assert "Severn Vyrnwy Confluence" in page.get_text()  # the warning itself is listed
    assert flood_features(client) == []
    assert f"flood area {AREA} outline skipped: " in caplog.text
    (warning,) = floods.current().warnings
    assert warning.geometry is None
