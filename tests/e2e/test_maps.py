"""The maps in Chromium: a base map from the tile host and nowhere else, the county drawn
from our own data, frames that stand as documents of their own, and the keyboard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from emergency.models import HubStatus
from emergency.networks import networks
from tests.e2e.conftest import scan
from tests.e2e.people import sign_in
from tests.emergency import data
from tests.fakes.tiles import FakeTiles

TILE = re.compile(r"/[0-9]+/[0-9]+/[0-9]+\.png")


def incident_scene():
    incident = data.incident()
    data.hub(status=HubStatus.open)
    networks.set_active(data.network(), incident, True, None)
    data.volunteer()
    return incident


@pytest.mark.parametrize("path, role", [("/emergency/map", "cvec"), ("/help/map", None)])
def test_tiles_come_from_the_tile_host_alone_under_the_county(
    app, page, server, make, console_errors, path, role
):
    incident_scene()
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    with FakeTiles() as tiles:
        app.config["TILE_URL"] = tiles.tile_url
        if role:
            make.user(role=role, email=f"{role}@example.org")
            sign_in(page, server, f"{role}@example.org")
        page.goto(server + path)
        frame = page.frame_locator("iframe.app-map")
        expect(frame.locator("img.leaflet-tile-loaded").first).to_be_visible()
        # The county's names and the attribution its data and the tiles ask for.
        expect(frame.locator(".leaflet-control-attribution")).to_contain_text("GeoNames")
        expect(frame.get_by_text("Shrewsbury", exact=True)).to_be_visible()
        # Every tile the map asked for has arrived (Playwright's "networkidle" is not used: it
        # waited out its 30 s under a loaded CI machine though every tile had come).
        page.wait_for_load_state("load")
        expect(frame.locator("img.leaflet-tile:not(.leaflet-tile-loaded)")).to_have_count(0)
        asked = tiles.paths
    assert hosts == {server.split("/")[2], tiles.url.split("/")[2]}
    assert asked and all(TILE.fullmatch(p) for p in asked), asked
    assert console_errors == []


def test_without_tiles_the_county_is_still_drawn(page, server, console_errors):
    incident_scene()
    page.goto(server + "/help/map")
    frame = page.frame_locator("iframe.app-map")
    expect(frame.locator(".leaflet-container")).to_be_visible()
    expect(frame.locator("img.leaflet-tile")).to_have_count(0)
    expect(frame.get_by_text("Telford", exact=True)).to_be_visible()
    expect(frame.locator(".leaflet-control-attribution")).to_contain_text("Office for National")
    assert console_errors == []


@pytest.mark.parametrize(
    "path, role", [("/emergency/map/frame", "cvec"), ("/help/map/frame", None)]
)
def test_a_map_frame_on_its_own_has_no_wcag_violations(page, server, make, path, role):
    incident_scene()
    if role:
        make.user(role=role, email=f"{role}@example.org")
        sign_in(page, server, f"{role}@example.org")
    page.goto(server + path)
    expect(page.locator(".leaflet-container")).to_be_visible()
    assert page.title() and page.locator("html").get_attribute("lang") == "en"
    # The sources' credits are in, wrapping round the links, and every link is underlined
    # (not told apart by colour alone): axe flags it only when the text wraps round one.
    credits = page.locator(".leaflet-control-attribution")
    expect(credits).to_contain_text("Office for National")
    lines = credits.locator("a").evaluate_all(
        "links => links.map(a => getComputedStyle(a).textDecorationLine)"
    )
    assert lines and set(lines) == {"underline"}, lines
    assert scan(page) == []


def test_the_keyboard_goes_into_the_map_and_out_again(page, server):
    incident_scene()
    page.goto(server + "/help/map")
    page.get_by_role("button", name="Show on the map").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "IFRAME"
    frame = page.frame_locator("iframe.app-map")
    seen = []
    for _ in range(40):
        if page.evaluate("document.activeElement.tagName") != "IFRAME":
            break
        seen.append(frame.locator(":focus").evaluate("e => e.className || e.tagName"))
        page.keyboard.press("Tab")
    # The map itself took focus (arrow keys pan it), and Tab carried on out of the frame.
    assert any("leaflet-container" in found for found in seen), seen
    assert page.evaluate("document.activeElement.tagName") != "IFRAME"


def test_on_a_phone_the_map_pages_fit_the_screen(page, server, make):
    incident = incident_scene()
    make.user(role="cvec", email="cvec@example.org")
    sign_in(page, server, "cvec@example.org")  # at full width: the menu folds away at 375 px
    page.set_viewport_size({"width": 375, "height": 667})
    for path in ("/help/map?where=SY1+1AA", f"/emergency/incidents/{incident.id}"):
        page.goto(server + path)
        expect(page.locator("iframe.app-map")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, path
        assert scan(page) == [], path
