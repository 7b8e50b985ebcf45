"""Community buildings in Chromium: a member adds one (the form, the check page with its map),
the coordinator publishes it, and its public page, with the new details, is axe-clean."""

from __future__ import annotations

from playwright.sync_api import expect

from accord.models import Role
from tests.e2e.conftest import scan
from tests.e2e.people import sign_in, sign_out


def test_a_member_adds_a_building_and_the_coordinator_publishes_it(
    page, server, make, console_errors
):
    org = make.organisation(name="Pontesbury Parish Council")
    make.user(role=Role.member, organisation=org, email="clerk@example.org")
    make.user(role=Role.coordinator, email="coordinator@example.org")

    sign_in(page, server, "clerk@example.org")
    page.goto(server + "/directory/manage")
    page.get_by_role("link", name="Your community buildings").click()
    page.get_by_role("link", name=f"Add a building for {org.name}").click()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert scan(page) == []
    page.get_by_label("Name of the building").fill("Pontesbury Village Hall")
    page.get_by_label("Address").fill("Main Road")
    page.get_by_label("Town or village").fill("Pontesbury")
    page.get_by_label("Postcode").fill("SY1 1AA")
    page.get_by_label("Step-free access").check()
    page.get_by_label("Kitchen").check()
    page.get_by_label("Opening or booking hours (optional)").fill("Mon–Fri 9am to 5pm")
    page.get_by_role("group", name="Can people book or hire it?").get_by_label("Yes").check()
    page.get_by_label("How to book or hire it (optional)").fill("Ring a week ahead.")
    page.get_by_label("Booking contact (optional)").fill("01743 123456")
    page.get_by_label("Show the booking contact on the public page").check()
    page.get_by_label("A town or parish council").check()
    hub = page.get_by_role("group", name="Could it serve as an emergency hub?")
    hub.get_by_label("Yes").check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check the building’s details")
    frame = page.frame_locator("iframe.app-map")
    expect(frame.locator(".leaflet-container")).to_be_visible()
    # The pin is drawn on the map's canvas (no element of its own).
    expect(frame.locator("canvas").first).to_be_attached()
    assert scan(page) == []
    page.get_by_role("button", name="Send for checking").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Building sent for checking")
    assert scan(page) == []
    sign_out(page, server)

    sign_in(page, server, "coordinator@example.org")
    page.goto(server + "/admin/directory/buildings")
    assert scan(page) == []
    page.get_by_role("link", name="Pontesbury Village Hall").click()
    page.get_by_label("Publish it", exact=True).check()
    page.get_by_role("button", name="Save decision").click()
    sign_out(page, server)

    page.goto(server + "/directory/buildings?town=Pontesbury")
    page.get_by_role("link", name="Pontesbury Village Hall").click()
    expect(page.get_by_role("link", name="01743 123456")).to_have_attribute(
        "href", "tel:01743123456"
    )
    expect(page.get_by_text("could serve as an emergency hub")).to_be_visible()
    assert scan(page) == []
    assert console_errors == []
