"""The county on every map: both outlines and the place names by zoom, with tiles or
without, attributed, escaped, and worked out once."""

import json
import re
from collections import Counter

import pytest
import shapely
from shapely.geometry import shape

from accord import geo, maps
from accord.maps import county
from tests.accord.maps.test_maps import HALL, PAYLOADS, Tags, features, overlays, text_of

TILES = "https://tiles.example.org/{z}/{x}/{y}.png"
SHREWSBURY = {"latitude": "52.7101", "longitude": "-2.7521", "postal_code": "SY1"}


def outlines_in(document: str) -> dict:
    found = re.search(r'L\.geoJSON\((\{.*?\}), \{pane: "appCountyLines"', document)
    return json.loads(found.group(1))


def places_in(document: str) -> list[list]:
    """[lat, lon, first zoom, town, HTML] of each place name, as Leaflet receives them."""
    return json.loads(re.search(r"(\[\[.*?\]\])\.forEach", document).group(1))


def attribution_in(document: str) -> str:
    return json.loads(re.search(r"addAttribution\((\"[^\"]*\")\)", document).group(1))


def county_script(document: str) -> str:
    return next(s for s in Tags(document).scripts if "appCountyLines" in s)


@pytest.fixture
def fresh():
    """Labels worked out again from what `read_places` gives, and forgotten after."""
    county.labels.cache_clear()
    county.labels_json.cache_clear()
    yield
    county.labels.cache_clear()
    county.labels_json.cache_clear()


def rows(*names: str, **where: str) -> list[dict[str, str]]:
    return [{"place_name": name, "accuracy": "4", **SHREWSBURY, **where} for name in names]


@pytest.mark.parametrize("tiles", ["", TILES])
def test_both_outlines_and_the_names_are_on_a_map_with_tiles_or_without(tiles):
    document = maps.render_layers(
        [maps.Layer("Hubs", pins=[maps.Pin(HALL, "Hall")]), maps.Layer("Other")], tiles, "n", ""
    )
    outlines = outlines_in(document)["features"]
    assert [f["geometry"]["type"] for f in outlines] == ["Polygon", "Polygon"]
    assert all(shape(f["geometry"]).is_valid for f in outlines)
    names = {text_of(place[4]) for place in places_in(document)}
    assert {"Shrewsbury", "Telford", "Ludlow", "Oswestry", "Bridgnorth"} <= names
    # Neither is a layer of ours: not in the control, not among the layers' features.
    assert overlays(document) == ["Hubs", "Other"]
    assert [f["properties"]["t"] for f in features(document)] == ["<strong>Hall</strong>"]
    script = county_script(document)
    # Beneath everything, no clicks, no tab stops.
    assert 'pane: "appCountyLines", interactive: false' in script
    assert "interactive: false,\n" in script and "keyboard: false" in script
    assert ("tileLayer" in document) == bool(tiles)


def test_an_empty_map_shows_the_county_at_the_county_view():
    document = maps.render_layers([], "", "n", "")
    assert "center: [52.64, -2.72]" in document and '"zoom": 9' in document
    outlines = [shape(f["geometry"]) for f in outlines_in(document)["features"]]
    assert shapely.union_all(outlines).contains(shapely.Point(-2.72, 52.64))
    shown = [place for place in places_in(document) if place[2] <= 9]
    assert 12 <= len(shown) <= 25  # the county view is not cluttered


def test_towns_are_named_from_the_county_view_and_small_villages_only_close_up():
    first = {label.name: label.zoom for label in county.labels()}
    for town in ("Shrewsbury", "Telford", "Oswestry", "Ludlow", "Bridgnorth", "Whitchurch"):
        assert first[town] == 9, town
    assert first["Wellington"] <= 10 and first["Market Drayton"] <= 10
    assert 11 <= first["Pontesbury"] <= 12  # a larger village
    for village in ("Atcham", "Condover", "Cound"):
        assert first[village] >= 12, village
    assert {label.zoom for label in county.labels()} <= set(county.ZOOMS)
    assert all(label.town == (label.zoom < county.VILLAGE_ZOOM) for label in county.labels())


def test_a_place_is_named_once_and_only_in_or_near_the_county():
    labels = county.labels()
    counts = Counter(label.name for label in labels)
    # GeoNames lists Shrewsbury under SY1 and SY99, Telford under TF3 and WV99.
    assert counts["Shrewsbury"] == counts["Telford"] == 1
    # Two Albrightons 14 km apart are two places.
    assert counts["Albrighton"] == 2
    assert len({(label.point, label.name) for label in labels}) == len(labels)
    near = shapely.union_all(county.outlines()).buffer(county.NEAR)
    assert all(near.contains(shapely.Point(lb.point.longitude, lb.point.latitude)) for lb in labels)


def test_guessed_positions_and_a_districts_middle_are_not_named(monkeypatch, fresh):
    monkeypatch.setattr(
        county,
        "read_places",
        lambda: [
            *rows("Placed", latitude="52.8584", longitude="-2.7183", postal_code="SY4"),
            *rows("Guessed", accuracy="3"),
            *rows("Nowhere", postal_code="WV99"),
            *rows("Far", latitude="51.5", longitude="-0.1"),
            *rows("Broken", latitude="north"),
            *rows("One", "Two", "Three", latitude="52.5", longitude="-2.9"),
            # Three names at one spot: only the town is named there.
            *rows("Shrewsbury", "Telford", "Ludlow", postal_code="SY1"),
        ],
    )
    assert {label.name for label in county.labels()} == {"Placed", "Shrewsbury"}


@pytest.mark.parametrize("name", [*PAYLOADS, "{{ 7*7 }}", "{%", "Bishop's & Castle"])
def test_a_hostile_place_name_is_shown_as_text(monkeypatch, fresh, name):
    monkeypatch.setattr(county, "read_places", lambda: rows(name))
    document = maps.render_layers([maps.Layer("Hubs", pins=[maps.Pin(HALL, "H")])], "", "n", "")
    ((*_, label),) = places_in(document)
    assert text_of(label) == name  # Leaflet inserts it as HTML: it must come out as text
    assert "<img" not in document and "<" not in label
    parsed = Tags(document)
    assert document.count("<script") == document.count("</script>") == len(parsed.scripts)
    for script in parsed.scripts:
        assert "alert" not in re.sub(r'"(?:[^"\\]|\\.)*"', '""', script)


@pytest.mark.parametrize("tiles", ["", TILES])
def test_the_sources_are_attributed_on_every_map(tiles):
    document = maps.render_layers([], tiles, "n", "© OpenStreetMap")
    text = attribution_in(document)
    assert "Office for National Statistics" in text and "Open Government Licence v.3.0" in text
    assert "Contains OS data © Crown copyright" in text
    assert "Place names © GeoNames, CC BY 4.0" in text
    assert ('"attribution": "© OpenStreetMap"' in document) == bool(tiles)


def test_the_outlines_are_simplified_once_and_stay_valid():
    before = after = 0
    originals = []
    for name, outline in zip(county.OUTLINES, county.outlines(), strict=True):
        original = shape(json.loads((geo.DATA / name).read_text(encoding="utf-8"))["geometry"])
        originals.append(original)
        assert outline.is_valid and outline.geom_type == "Polygon"
        assert outline.hausdorff_distance(original) <= county.TOLERANCE
        before += shapely.get_num_coordinates(original)
        after += shapely.get_num_coordinates(outline)
    assert after < before
    # The border the two share is still one line, not two side by side.
    shared = originals[0].boundary.intersection(originals[1].boundary).length
    one, two = county.outlines()
    assert one.boundary.intersection(two.boundary).length == pytest.approx(shared, rel=0.01)
    assert all(
        len(str(x).split(".")[1]) <= 5 for x in re.findall(r"-?\d+\.\d+", county.outlines_json())
    )

    assert county.outlines() is county.outlines()
    hits = county.outlines_json.cache_info().hits, county.labels_json.cache_info().hits
    maps.render_layers([], "", "n", "")
    maps.render_layers([], "", "n", "")
    assert county.outlines_json.cache_info().hits >= hits[0] + 2
    assert county.labels_json.cache_info().hits >= hits[1] + 2


def test_no_element_has_a_style_attribute_and_every_style_has_the_nonce():
    document = maps.render_layers([maps.Layer("Hubs", pins=[maps.Pin(HALL, "H")])], TILES, "nc", "")
    assert [tag for tag, attrs in Tags(document).tags if "style" in attrs] == []
    assert "style=" not in county_script(document)  # nor in the labels' HTML
    styles = re.findall(r"<style\b[^>]*>", document)
    assert styles and all('nonce="nc"' in tag for tag in styles)
    assert ".app-below-11 .app-place--11" in document  # names hide by zoom in CSS
