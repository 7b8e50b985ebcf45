"""What a map's symbols say without colour: pin shapes, outlines, and the key as HTML."""

from __future__ import annotations

import re

from accord import maps
from accord.geo import Point
from tests.accord.maps.test_maps import HALL, features, markup, text_of

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[-2.8, 52.7], [-2.7, 52.7], [-2.7, 52.8], [-2.8, 52.8], [-2.8, 52.7]]],
}


def test_each_pin_carries_its_shape_and_round_ones_carry_none():
    pins = [
        maps.Pin(HALL, shape, shape=shape) for shape in (maps.CIRCLE, maps.SQUARE, maps.TRIANGLE)
    ]
    pins.append(maps.Pin(HALL, "odd", shape="star</script>"))  # not a shape: drawn round
    document = maps.render_layers([maps.Layer("Hubs", pins=pins)], "", "n", "")
    shapes = [feature["properties"].get("s") for feature in features(document)]
    assert shapes == [None, "square", "triangle", None]
    # The canvas draws them: one function, defined before any layer uses it.
    assert document.index("function appPin(") < document.index("return appPin(")


def test_areas_carry_their_outline():
    document = maps.render_layers(
        [
            maps.Layer(
                "Areas",
                circles=[
                    maps.Circle(HALL, 2, "Incident", line=maps.DASHED),
                    maps.Circle(HALL, 2, "Network", line=maps.DOTTED),
                    maps.Circle(HALL, 2, "Plain"),
                ],
                shapes=[maps.Shape(SQUARE, "Flood", line=maps.DASHED)],
            )
        ],
        "",
        "n",
        "",
    )
    dashes = [feature["properties"].get("d") for feature in features(document)]
    assert dashes == ["10 6", "2 6", None, "10 6"]


def test_the_key_draws_each_symbol_and_says_it_in_words():
    key = maps.legend_html(
        [
            maps.Key("#009e73", "Hub open"),
            maps.Key("#e69f00", "Hub full", maps.SQUARE),
            maps.Key("#56b4e9", "Hub on standby", maps.TRIANGLE),
            maps.Key("#000000", "Hub closed", maps.DIAMOND),
            maps.Key("#d55e00", "Incident area", maps.AREA, maps.DASHED),
            ("bad;colour", "<b>Net</b>"),
        ],
        title="Key to the map",
    )
    tags = markup(str(key))
    assert tags[0] == ("ul", {"class": "app-legend", "aria-label": "Key to the map"})
    items = re.findall(r"<li.*?</li>", str(key))
    assert [text_of(item) for item in items] == [
        "Hub open",
        "Hub full",
        "Hub on standby",
        "Hub closed",
        "Incident area",
        "<b>Net</b>",  # as text, not markup
    ]
    drawn = [[tag for tag, _ in markup(item) if tag not in ("li", "svg")] for item in items]
    assert drawn == [["circle"], ["rect"], ["polygon"], ["polygon"], ["rect"], ["circle"]]
    assert 'stroke-dasharray="5 3"' in items[4]
    assert 'fill="#505a5f"' in items[5]  # a colour that is not one is not written
    # Symbols are pictures of what the words say: hidden from screen readers.
    assert all(attrs.get("aria-hidden") == "true" for tag, attrs in tags if tag == "svg")


def test_the_map_carries_the_same_key_as_the_page():
    entries = [maps.Key("#009e73", "Hub open"), maps.Key("#e69f00", "Hub full", maps.SQUARE)]
    document = maps.render_layers(
        [maps.Layer("Hubs", pins=[maps.Pin(HALL, "Hall")])], "", "n", "", legend=entries
    )
    inside = re.search(r'<ul class="app-legend".*?</ul>', document, re.S).group(0)
    page = str(maps.legend_html(entries))
    assert re.sub(r' id="[^"]*"', "", inside) == page


def test_a_map_opens_at_the_place_in_its_address_and_never_holds_it():
    document = maps.render_layers(
        [maps.Layer("Hubs", pins=[maps.Pin(Point(52.7, -2.75), "Hall")])], "", "n", ""
    )
    script = document[document.index("window.location.hash") - 200 :]
    # Only "#at=" and two numbers are read from the address; nothing else of it is used.
    assert "#at=(-?[0-9]{1,2}[.][0-9]{1,6}),(-?[0-9]{1,3}[.][0-9]{1,6})$/" in script
    assert "setView(place, 13)" in script and "The place you searched for" in script
    # After the fit to what is shown, which it overrides.
    assert document.index("window.location.hash") > document.index("fitBounds")


def test_a_map_document_is_titled_in_english_and_shows_keyboard_focus():
    document = maps.render([maps.Pin(HALL, "Hall")], "", "n", "", "Map of <b>Hall</b> & co")
    assert "<title>Map of &lt;b&gt;Hall&lt;/b&gt; &amp; co</title>" in document
    assert '<html lang="en">' in document
    assert ".leaflet-container:focus-visible" in document
