"""The base map's tiles follow TILE_URL, and the Content-Security-Policy follows them."""

from __future__ import annotations

import pytest

from accord import settings
from accord.maps import tiles_of
from accord.maps.tiles import DEFAULT_URL
from accord.security import policy

OS_MAPS = "https://api.os.uk/maps/raster/v1/zxy/Light_3857/{z}/{x}/{y}.png?key=k"


def test_out_of_the_box_the_maps_use_openstreetmap_with_its_attribution():
    config = settings.load({"APP_ENV": "development"})
    assert config["TILE_URL"] == DEFAULT_URL == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    found = tiles_of(config)
    assert found.host == "tile.openstreetmap.org"
    # OpenStreetMap asks for its name and a link to its copyright page.
    assert "https://www.openstreetmap.org/copyright" in found.attribution
    assert "OpenStreetMap</a> contributors" in found.attribution
    assert "img-src 'self' data: https://tile.openstreetmap.org;" in policy("n", found.url)


@pytest.mark.parametrize("off", ["none", "NONE", " none ", ""])
def test_none_turns_tiles_off_and_keeps_images_to_our_own_host(off):
    found = tiles_of({"TILE_URL": off, "TILE_ATTRIBUTION": "© Someone"})
    assert (found.url, found.attribution, found.host) == ("", "", "")
    assert "img-src 'self' data:;" in policy("n", off)
    assert "http" not in policy("n", off)


def test_another_provider_is_named_with_its_own_attribution():
    config = settings.load(
        {
            "APP_ENV": "development",
            "TILE_URL": OS_MAPS,
            "TILE_ATTRIBUTION": "Contains OS data © Crown copyright and database rights 2026",
        }
    )
    found = tiles_of(config)
    assert found.url == OS_MAPS and found.host == found.provider == "api.os.uk"
    assert found.attribution == "Contains OS data © Crown copyright and database rights 2026"
    assert "img-src 'self' data: https://api.os.uk;" in policy("n", found.url)
    # Scripts, styles and fonts still come from the app alone.
    assert "script-src 'self' 'nonce-n';" in policy("n", found.url)
    assert "font-src 'self';" in policy("n", found.url)


def test_a_provider_without_an_attribution_is_at_least_named():
    found = tiles_of({"TILE_URL": "https://tiles.council.example/{z}/{x}/{y}.png"})
    assert found.attribution == "Map tiles: tiles.council.example"


def test_a_pasted_attribution_keeps_its_links_and_nothing_else():
    found = tiles_of(
        {
            "TILE_URL": "https://tiles.council.example/{z}/{x}/{y}.png",
            "TILE_ATTRIBUTION": '<a href="javascript:alert(1)">x</a> <img src=x onerror=alert(1)>'
            '<a href="https://tiles.council.example/terms" onclick="x()">Terms</a>',
        }
    )
    assert found.attribution == (
        '<a rel="noopener noreferrer">x</a> '
        '<a href="https://tiles.council.example/terms" rel="noopener noreferrer">Terms</a>'
    )
