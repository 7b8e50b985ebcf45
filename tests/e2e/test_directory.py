"""Directory journeys in Chromium and axe-core on every public directory page."""

import pytest
from playwright.sync_api import expect

from tests.directory.data import service
from tests.e2e.conftest import scan


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
