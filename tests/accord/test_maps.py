"""Folium maps: our own assets, escaped labels, the response's nonce, no tiles needed."""

import re

from accord import maps
from accord.geo import Point


def test_labels_are_escaped_and_assets_are_ours():
    document = maps.render(
        [maps.Pin(Point(52.7, -2.75), "<script>alert(1)</script> Hall")], "", "n0nce", "© OSM"
    )
    assert "<script>alert(1)</script>" not in document
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Hall" in document
    sources = re.findall(r'(?:src|href)="([^"]+)"', document)
    assert sources and all(s.startswith("/static/vendor/") for s in sources), sources
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", document)
    assert inline and all('nonce="n0nce"' in tag for tag in inline)
    assert "tileLayer" not in document  # no TILE_URL: the layers alone


def test_tiles_come_from_the_configured_host_only():
    document = maps.render(
        [maps.Pin(Point(52.7, -2.75), "Hall")],
        "https://tiles.example.org/{z}/{x}/{y}.png",
        "n",
        "©",
    )
    assert "https://tiles.example.org/{z}/{x}/{y}.png" in document


def test_many_pins_are_clustered(app):
    pins = [maps.Pin(Point(52.5 + i / 1000, -2.7), f"Place {i}") for i in range(60)]
    assert "markerClusterGroup" in maps.render(pins, "", "n", "©")


def test_the_map_page_may_only_be_framed_by_us(client, make):
    place = make.location(name="Village Hall")
    response = client.get(f"/directory/places/{place.id}/map")
    assert response.status_code == 200
    assert "frame-ancestors 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'none'" in client.get("/").headers["Content-Security-Policy"]
