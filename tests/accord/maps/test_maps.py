"""Folium maps: our own assets, escaped labels, the response's nonce, no tiles needed, and
thousands of points as one GeoJSON layer."""

import json
import random
import re
from html.parser import HTMLParser

import pytest

from accord import maps
from accord.geo import Point

ATTRIBUTION = r'"attribution": ("(?:[^"\\]|\\.)*")'  # a JSON string
HALL = Point(52.7, -2.75)
PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</script><script>alert(1)//",
    "`${alert(1)}`",
    "<!--<script>alert(1)//",
]
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[-2.8, 52.7], [-2.7, 52.7], [-2.7, 52.75], [-2.8, 52.7]]],
}


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text of each inline script."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def features(document: str) -> list[dict]:
    """The features of every GeoJSON layer, as Leaflet receives them."""
    blobs = re.findall(r"_add\((\{.*\})\);\n", document)
    return [f for blob in blobs for f in json.loads(blob)["features"]]


def overlays(document: str) -> list[str]:
    """The names in the layer control, as Leaflet receives them (it inserts them as HTML)."""
    block = re.search(r"overlays :  \{(.*?)\},\n", document, re.S)
    return [json.loads(key) for key in re.findall(r'("(?:[^"\\]|\\.)*") :', block.group(1))]


def markup(fragment: str) -> list[tuple[str, dict]]:
    return Tags(fragment).tags


def text_of(fragment: str) -> str:
    """The text a browser shows for an HTML fragment."""
    parser = HTMLParser(convert_charrefs=True)
    out: list[str] = []
    parser.handle_data = out.append
    parser.feed(fragment)
    parser.close()
    return "".join(out)


def every_layer_kind(text: str, href: str = "/emergency/hubs/1") -> str:
    return maps.render_layers(
        [
            maps.Layer(text, pins=[maps.Pin(HALL, text, detail=text, href=href)]),
            maps.Layer(text, circles=[maps.Circle(HALL, 2, text, detail=text)]),
            maps.Layer(text, shapes=[maps.Shape(SQUARE, text, detail=text)]),
        ],
        "",
        "n0nce",
        text,
        legend=[("#00703c", text)],
    )


@pytest.mark.parametrize("text", PAYLOADS)
def test_user_strings_cannot_become_markup_or_code(text):
    document = every_layer_kind(text)
    assert ("<" not in text) or text not in document  # backticks are plain text in HTML
    assert "<img" not in document
    parsed = Tags(document)
    # No extra element anywhere: the only scripts are ours, and all of them carry the nonce.
    assert document.count("<script") == document.count("</script>") == len(parsed.scripts)
    # In the scripts, user text lives only inside JSON string literals.
    for script in parsed.scripts:
        assert "alert" not in re.sub(r'"(?:[^"\\]|\\.)*"', '""', script)
    # What Leaflet will insert as HTML holds only our own tags, with the text as text.
    for feature in features(document):
        for key in ("t", "p"):
            if key in feature["properties"]:
                tags = markup(feature["properties"][key])
                assert {tag for tag, _ in tags} <= {"strong", "br", "a"}
                assert text in text_of(feature["properties"][key])
    names = overlays(document)
    assert len(names) == 3
    assert all(markup(name) == [] for name in names)
    legend = re.search(r'<ul class="app-legend".*?</ul>', document, re.S).group(0)
    assert {tag for tag, _ in markup(legend)} == {"ul", "li", "svg", "circle"}


@pytest.mark.parametrize(
    "text",
    ["{{ 7*7 }}", "{% for x in range(3) %}x{% endfor %}", "{{", "{#", "{{ lipsum.__globals__ }}"],
)
def test_user_strings_are_never_run_as_templates(text):
    # Branca compiles folium's rendered scripts as Jinja templates: user text must never be
    # in them, or "{{ … }}" in a hub's name would run on the server (and "{{" would fail).
    document = maps.render_layers(
        [
            maps.Layer(text, pins=[maps.Pin(HALL, text, detail=text, href="/a?b={{c}}")]),
            maps.Layer(text, circles=[maps.Circle(HALL, 2, text, detail=text)]),
            maps.Layer(text, shapes=[maps.Shape(SQUARE, text, detail=text)]),
        ],
        "https://tiles.example.org/{z}/{x}/{y}.png",
        "n",
        text,
        legend=[("#00703c", text)],
    )
    # Every place the text lands shows it as written: not evaluated, not dropped.
    pin, circle, shape = (feature["properties"] for feature in features(document))
    for properties in (pin, circle, shape):
        assert text_of(properties["t"]) == text + text
    assert markup(pin["p"])[0][1]["href"] == "/a?b={{c}}"
    assert overlays(document) == [text, f"{text} (2)", f"{text} (3)"]
    attribution = json.loads(re.search(ATTRIBUTION, document).group(1))
    assert text_of(attribution) == text
    legend = re.search(r'<ul class="app-legend".*?</ul>', document, re.S).group(0)
    assert text_of(legend) == text


def test_places_that_do_not_exist_are_left_off_not_the_whole_map(caplog):
    nowhere = float("nan")
    document = maps.render_layers(
        [
            maps.Layer(
                "Hubs",
                pins=[maps.Pin(Point(nowhere, -2.7), "NaN"), maps.Pin(Point(95, 0), "Beyond")],
                circles=[
                    maps.Circle(HALL, float("inf"), "Endless"),
                    maps.Circle(Point(52.6, float("inf")), 1, "Lost"),
                ],
                shapes=[maps.Shape({"type": "Polygon", "coordinates": [[[nowhere, 52]]]}, "x")],
            ),
            maps.Layer("Others", pins=[maps.Pin(HALL, "Hall")]),
        ],
        "",
        "n",
        "",
    )
    assert [f["properties"]["t"] for f in features(document)] == ["<strong>Hall</strong>"]
    assert "NaN" not in document.replace('"NaN"', "") and "Infinity" not in document
    assert len(caplog.records) == 5


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "/\t/evil.example",
        " /help",
        "data:text/html,<script>alert(1)</script>",
        "",
    ],
)
def test_only_paths_on_our_site_become_links(href):
    assert maps.local_href(href) == ""
    (feature,) = features(maps.render([maps.Pin(HALL, "Hall", href=href)], "", "n", "©"))
    assert "p" not in feature["properties"]


def test_a_local_path_becomes_a_link_out_of_the_frame():
    document = maps.render([maps.Pin(HALL, "Hall", href="/emergency/hubs/3?x=1&y=2")], "", "n", "")
    (feature,) = features(document)
    (link, *_) = markup(feature["properties"]["p"])
    assert link == ("a", {"href": "/emergency/hubs/3?x=1&y=2", "target": "_top"})


def test_every_inline_script_and_style_has_the_nonce_and_no_element_a_style_attribute():
    document = every_layer_kind("Hall")
    inline = re.findall(r"<(?:script(?![^>]*\bsrc=)|style)\b[^>]*>", document)
    assert len(inline) > 3 and all('nonce="n0nce"' in tag for tag in inline)
    # The CSP's style-src has a nonce and no 'unsafe-inline': style attributes would be dropped.
    assert [tag for tag, attrs in Tags(document).tags if "style" in attrs] == []


def test_without_tiles_nothing_comes_from_another_host():
    document = every_layer_kind("Hall")
    sources = re.findall(r'(?:src|href)="([^"]+)"', document)
    assert sources and all(s.startswith("/static/vendor/") for s in sources), sources
    assert "https://" not in document and "http://" not in document.replace("http-equiv", "")
    assert "tileLayer" not in document  # no TILE_URL: the layers alone


def test_tiles_come_from_the_configured_host_with_escaped_attribution():
    document = maps.render_layers(
        [maps.Layer("Hubs", pins=[maps.Pin(HALL, "Hall")])],
        "https://tiles.example.org/{z}/{x}/{y}.png",
        "n",
        '© <a href="https://osm.example/c" onclick="steal()">OSM</a> & <b>friends</b><script>',
    )
    assert 'L.tileLayer(\n                "https://tiles.example.org/{z}/{x}/{y}.png"' in document
    attribution = json.loads(re.search(ATTRIBUTION, document).group(1))
    # A provider's link is kept (OpenStreetMap asks for one); nothing else of the HTML is.
    assert attribution == (
        '© <a href="https://osm.example/c" rel="noopener noreferrer">OSM</a> &amp; friends'
    )


def test_each_layer_is_named_in_the_control_and_hidden_ones_start_off():
    document = maps.render_layers(
        [
            maps.Layer("Hubs", pins=[maps.Pin(HALL, "Hall")]),
            maps.Layer("Coverage", circles=[maps.Circle(HALL, 3, "Net")], show=False),
            maps.Layer("Flood warnings", shapes=[maps.Shape(SQUARE, "Severn")]),
            maps.Layer("Hubs"),  # the control is keyed by name: a repeat must not hide one
        ],
        "",
        "n",
        "",
    )
    assert overlays(document) == ["Hubs", "Coverage", "Flood warnings", "Hubs (2)"]
    groups = re.findall(r"var (feature_group_\w+) = L.featureGroup", document)
    added = [g for g in groups if f"{g}.addTo(map_" in document]
    assert added == [groups[0], groups[2], groups[3]]


def test_a_single_layer_has_no_control():
    assert "L.control.layers" not in maps.render([maps.Pin(HALL, "Hall")], "", "n", "")


def test_two_thousand_hubs_and_300_circles_are_two_geojson_layers_not_2300_markers():
    rng = random.Random(4)
    hubs = [
        maps.Pin(Point(rng.uniform(52.3, 53.0), rng.uniform(-3.2, -2.2)), f"Hub {i}", "#00703c")
        for i in range(2000)
    ]
    nets = [
        maps.Circle(Point(rng.uniform(52.3, 53.0), rng.uniform(-3.2, -2.2)), 2.5, f"Net {i}")
        for i in range(300)
    ]
    document = maps.render_layers(
        [maps.Layer("Hubs", pins=hubs), maps.Layer("Coverage", circles=nets)], "", "n", ""
    )
    assert document.count("L.geoJson(") == 2
    assert document.count("return appPin(") == 1  # the one pointToLayer function
    assert document.count("L.circle(") == 1
    # One L.marker call, in the loop over the county's place names (accord/maps/county.py).
    assert document.count("L.marker(") == 1 and "bindTooltip(\n" not in document
    assert len(features(document)) == 2300
    assert len(document.encode()) < 1_500_000


def test_pins_and_circles_carry_their_colour_position_and_radius():
    document = maps.render_layers(
        [
            maps.Layer(
                "Hubs",
                pins=[maps.Pin(Point(52.7071234567, -2.7512345678), "Hall", "#d4351c")],
                circles=[maps.Circle(HALL, 2, "Net", colour="red;}</style><b>")],
            )
        ],
        "",
        "n",
        "",
    )
    circle, pin = features(document)  # areas first, so pins are drawn over them
    assert pin["geometry"] == {"type": "Point", "coordinates": [-2.75123, 52.70712]}
    assert pin["properties"]["c"] == "#d4351c"
    assert circle["properties"]["r"] == 3219  # metres
    assert circle["properties"]["c"] == "#1d70b8"  # not a colour: the default


def test_bad_shapes_are_left_off_and_only_geometry_reaches_the_page(caplog):
    shapes = [
        maps.Shape({"type": "Point", "coordinates": [-2.7, 52.7]}, "point"),
        maps.Shape({"type": "Polygon", "coordinates": "nonsense"}, "string"),
        maps.Shape({"type": "Polygon"}, "missing"),
        maps.Shape({}, "empty"),
        maps.Shape("Polygon", "not a dict"),  # type: ignore[arg-type]
        maps.Shape(
            {"type": "MultiPolygon", "coordinates": [SQUARE["coordinates"]], "x": "<b>"}, "ok"
        ),
    ]
    document = maps.render_layers([maps.Layer("Floods", shapes=shapes)], "", "n", "")
    (shape,) = features(document)
    assert shape["geometry"] == {"type": "MultiPolygon", "coordinates": [SQUARE["coordinates"]]}
    assert len(caplog.records) == 5


def test_the_map_fits_its_shown_content_or_opens_where_asked():
    layers = [
        maps.Layer("Hubs", pins=[maps.Pin(Point(52.6, -2.8), "A"), maps.Pin(HALL, "B")]),
        maps.Layer("Far away", pins=[maps.Pin(Point(51.0, 0.0), "C")], show=False),
        maps.Layer("Incident", circles=[maps.Circle(Point(52.7, -2.75), 69.09, "Big")]),
    ]
    fitted = maps.render_layers(layers, "", "n", "")
    bounds = json.loads(re.search(r"fitBounds\(\s*(\[\[.*?\]\])", fitted).group(1))
    # The circle reaches a degree of latitude (69.09 miles) either side; hidden layers don't count.
    assert bounds[0][0] == pytest.approx(51.7, abs=0.01)
    assert bounds[1][0] == pytest.approx(53.7, abs=0.01)
    assert bounds[1][1] < 0
    placed = maps.render_layers(layers, "", "n", "", centre=Point(52.5, -2.5), zoom=11)
    assert "fitBounds" not in placed
    assert "center: [52.5, -2.5]" in placed and '"zoom": 11' in placed


def test_a_legend_keys_the_colours():
    document = maps.render_layers(
        [maps.Layer("Hubs", pins=[maps.Pin(HALL, "Hall")])],
        "",
        "n",
        "",
        legend=[("#00703c", "Open"), ("#d4351c", "Full"), ("bad;colour", "Closed")],
    )
    legend = re.search(r'<ul class="app-legend".*?</ul>', document, re.S).group(0)
    assert text_of(legend) == "OpenFullClosed"
    fills = [attrs["fill"] for tag, attrs in markup(legend) if tag == "circle"]
    assert fills == ["#00703c", "#d4351c", "#505a5f"]
    assert 'L.control({position: "bottomright"})' in document


def test_an_empty_map_opens_on_shropshire():
    document = maps.render_layers([], "", "n", "")
    assert "center: [52.64, -2.72]" in document and "fitBounds" not in document


def test_many_pins_are_clustered():
    pins = [maps.Pin(Point(52.5 + i / 1000, -2.7), f"Place {i}") for i in range(60)]
    assert "markerClusterGroup" in maps.render(pins, "", "n", "©")


def test_the_map_page_may_only_be_framed_by_us(client, make):
    place = make.location(name="Village Hall")
    response = client.get(f"/directory/places/{place.id}/map")
    assert response.status_code == 200
    assert "frame-ancestors 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'none'" in client.get("/").headers["Content-Security-Policy"]


def test_a_place_named_like_a_template_is_shown_as_named(client, make):
    place = make.location(name="{{ 7*7 }} Hall {{")
    response = client.get(f"/directory/places/{place.id}/map")
    assert response.status_code == 200
    (feature,) = features(response.get_data(as_text=True))
    assert text_of(feature["properties"]["t"]) == "{{ 7*7 }} Hall {{"
