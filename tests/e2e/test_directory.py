"""Directory journeys in Chromium and axe-core on every public directory page."""

import pytest
from playwright.sync_api import expect

from accord.extensions import db
from tests.directory.data import service
from tests.e2e.conftest import scan
from tests.e2e.people import sign_in


@pytest.fixture
def county(app):
    return {
        "bank": service(
            "Shrewsbury Food Bank",
            "food",
            "shrewsbury",
            description="Emergency food parcels.",
            hours=[("MO,WE,FR", "10:00", "12:00")],
        ),
        "club": service("Oswestry Lunch Club", "food", "oswestry", description="Hot lunches."),
    }


def test_search_open_add_to_list_and_print(page, server, county, console_errors):
    page.goto(server + "/directory")
    page.get_by_label("What are you looking for?").fill("food bank")
    page.get_by_label("Postcode or town").fill("SY1 1AA")
    page.get_by_label("Within").select_option("20")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Search results")
    assert scan(page) == []
    page.get_by_role("link", name="Shrewsbury Food Bank").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Shrewsbury Food Bank")
    assert scan(page) == []
    page.get_by_role("button", name="Add to list").click()
    expect(page.get_by_role("button", name="Remove from list")).to_be_visible()
    page.goto(server + "/directory/list")
    expect(page.get_by_role("link", name="Shrewsbury Food Bank")).to_be_visible()
    assert scan(page) == []
    page.get_by_role("link", name="Print view").click()
    expect(page.get_by_role("heading", level=2, name="1. Shrewsbury Food Bank")).to_be_visible()
    assert scan(page) == []
    assert console_errors == []


@pytest.mark.parametrize(
    "path",
    [
        "/directory",
        "/directory?need=mental-health&where=SY1+1AA&radius=1",
        "/directory?radius=-5&q=food",
    ],
)
def test_directory_pages_have_no_wcag_violations(axe, county, path):
    assert axe(path) == []


def test_building_page_has_no_wcag_violations(axe, county):
    assert axe(f"/directory/places/{county['bank'].locations[0].id}") == []


def test_provider_adds_a_service_and_the_coordinator_publishes_it(
    page, server, make, console_errors
):
    from accord.models import Role
    from tests.directory.data import organisation

    org = organisation()
    db.session.commit()
    make.user(role=Role.member, organisation=org, email="provider@example.org")
    make.user(role=Role.coordinator, email="coordinator@example.org")

    sign_in(page, server, "provider@example.org")
    page.get_by_role("link", name="Your listings").click()
    page.get_by_role("link", name=f"Add a service for {org.name}").click()
    page.get_by_label("Service name").fill("Clun Repair Café")
    page.get_by_label("What it is").fill("Bring broken things; volunteers help fix them.")
    page.get_by_label("Volunteering").check()
    page.get_by_label("Free", exact=True).check()
    page.get_by_label("Drop in").check()
    page.get_by_label("Saturday").check()
    page.get_by_label("Opens at").fill("10:00")
    page.get_by_label("Closes at").fill("12:00")
    assert scan(page) == []
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Waiting for the coordinator")).to_be_visible()
    assert scan(page) == []
    page.goto(server + "/account")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, server, "coordinator@example.org")
    page.goto(server + "/admin/directory/reviews")
    page.get_by_role("link", name="Clun Repair Café").click()
    page.get_by_label("Publish", exact=True).check()
    page.get_by_role("button", name="Save decision").click()
    page.goto(server + "/directory?q=repair")
    expect(page.get_by_role("link", name="Clun Repair Café")).to_be_visible()
    assert console_errors == []
