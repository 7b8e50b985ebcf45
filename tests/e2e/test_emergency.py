"""Emergency journeys in Chromium: declare an incident, open a hub, a resident finds it; and
axe-core on the public help pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from emergency.models import HubStatus
from emergency.networks import networks
from tests.e2e.conftest import scan
from tests.e2e.people import sign_in
from tests.emergency import data


def test_declare_open_a_hub_and_a_resident_finds_it(page, server, make, console_errors):
    make.user(role="cvec", email="cvec@example.org")
    hub = data.hub(location=make.location(name="Frankwell Hall", postcode="SY3 8HQ"))
    sign_in(page, server, "cvec@example.org")

    page.goto(server + "/emergency")
    page.get_by_role("link", name="Declare an incident").click()
    page.get_by_label("Incident name").fill("River Severn flooding")
    page.get_by_label("Flood", exact=True).check()
    page.get_by_label("No", exact=True).check()  # a real incident, not an exercise
    page.get_by_label("Centre of the affected area").fill("Shrewsbury")
    page.get_by_label("Radius of the affected area, in miles").fill("3")
    page.get_by_label("Message to the public").fill("Frankwell is flooded. Hubs are open.")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check the incident before you declare it"
    )
    expect(page.locator(".app-incident-banner")).to_have_count(0)
    page.get_by_role("button", name="Declare incident").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("River Severn flooding")
    expect(page.locator(".app-incident-banner")).to_contain_text("Frankwell is flooded")

    page.goto(server + f"/emergency/hubs/{hub.id}")
    page.locator(".app-status-buttons").get_by_role("button", name="Open").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("is now open")

    page.get_by_role("link", name="Your account").click()
    page.get_by_role("button", name="Sign out").click()
    page.goto(server + "/")
    banner = page.locator(".app-incident-banner")
    expect(banner).to_contain_text("River Severn flooding")
    banner.get_by_role("link", name="Find where to get help now").click()
    page.get_by_label("Your postcode or town").fill("SY3 8HQ")
    page.get_by_role("button", name="Find help").click()
    result = page.locator(f"#hub-{hub.id}")
    expect(result).to_contain_text("Frankwell Hall")
    expect(result).to_contain_text("Open")
    assert scan(page) == []
    assert console_errors == []


def test_cvec_declares_an_exercise_that_residents_never_see(
    page, browser, server, make, console_errors
):
    make.user(role="cvec", email="cvec@example.org")
    sign_in(page, server, "cvec@example.org")
    page.goto(server + "/emergency/incidents/new")
    page.get_by_label("Incident name").fill("Exercise Severn Surge")
    page.get_by_label("Flood", exact=True).check()
    page.get_by_label("Yes", exact=True).check()
    page.get_by_label("Towns and villages affected").fill("Shrewsbury")
    page.get_by_label("Message to the public").fill("Practice only: go to Frankwell Hall.")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check the incident before you declare it"
    )
    page.get_by_role("button", name="Declare exercise").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Exercise Severn Surge")
    banner = page.locator(".app-incident-banner.app-banner--exercise")
    expect(banner).to_contain_text("EXERCISE: Exercise Severn Surge")
    expect(page.locator(".app-exercise-tag")).to_have_text("EXERCISE – not a real incident")
    assert scan(page) == []

    resident = browser.new_context()  # no one signed in
    try:
        public = resident.new_page()
        public.goto(server + "/help")
        expect(public.get_by_role("heading", level=1)).to_have_text("Get help now")
        expect(public.locator("main")).not_to_contain_text("Practice only")
        expect(public.locator(".app-incident-banner")).to_have_count(0)
        assert scan(public) == []
    finally:
        resident.close()
    assert console_errors == []


@pytest.mark.parametrize("path", ["/help", "/help?where=SY1+1AA", "/help?where="])
def test_help_pages_have_no_wcag_violations(axe, path, app):
    data.incident()
    data.hub(status=HubStatus.open)
    assert axe(path) == []


@pytest.mark.parametrize("path, role", [("/emergency/map", "cvec"), ("/help/map", None)])
def test_maps_load_from_our_host_only_without_script_errors(
    page, server, make, console_errors, path, role
):
    incident = data.incident()
    hub = data.hub(status=HubStatus.open)
    network = data.network()
    networks.set_active(network, incident, True, None)
    data.volunteer()
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    if role:
        make.user(role=role, email=f"{role}@example.org")
        sign_in(page, server, f"{role}@example.org")
    page.goto(server + path)
    frame = page.frame_locator("iframe.app-map")
    # Leaflet drew the hub layer on its canvas and the layer control lists the layers.
    expect(frame.locator(".leaflet-container")).to_be_visible()
    expect(frame.locator(".leaflet-control-layers")).to_contain_text("Hubs")
    # The page and its frame with everything they load (not "networkidle": see test_maps).
    page.wait_for_load_state("load")
    assert hosts == {server.split("/")[2]}
    assert console_errors == []
    assert hub.location.name in page.content()


def test_on_a_phone_the_help_search_box_is_on_the_first_screen(page, server, console_errors):
    # A long message (the most a coordinator can write) must not push the search down.
    data.incident(public_message="Roads are closed in Frankwell and Coleham. " * 14)
    page.set_viewport_size({"width": 375, "height": 667})
    page.goto(server + "/help")
    box = page.get_by_label("Your postcode or town").bounding_box()
    button = page.get_by_role("button", name="Find help").bounding_box()
    assert box is not None and button is not None
    assert box["y"] >= 0 and box["y"] + box["height"] <= 667, box
    assert button["y"] + button["height"] <= 667, button
    expect(page.locator(".app-incident-banner")).to_have_count(0)
    # Nothing scrolls the page sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    expect(page.locator(".app-incident-message")).to_contain_text("Roads are closed")
    assert console_errors == []
