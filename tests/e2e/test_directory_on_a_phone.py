"""The directory on a phone (375 px wide) in Chromium: the results come first, the filters fold
behind "Filter results" and still work by keyboard, the map waits to be opened; and the print
view's Print button prints and is not itself printed."""

import pytest
from playwright.sync_api import expect

from tests.directory.data import two_food_services
from tests.e2e.conftest import scan

PHONE = {"width": 375, "height": 667}
SEARCH = "/directory?q=food&where=SY1+1AA&radius=20"


@pytest.fixture
def county(app):
    return two_food_services()


def test_on_a_phone_the_first_result_is_near_the_top(page, server, county, console_errors):
    page.set_viewport_size(PHONE)
    page.goto(server + SEARCH)
    first = page.locator(".app-result").first
    expect(first).to_contain_text("Shrewsbury Food Bank")
    box = first.bounding_box()
    assert box is not None and box["y"] < 900, box
    # Nothing pushes the page sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    expect(page.get_by_label("Need")).to_be_hidden()
    expect(page.locator("details.app-results-map")).not_to_have_attribute("open", "")
    assert scan(page) == []

    # The filters are one keypress away, and searching with them works.
    page.locator("details#filters summary").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Need")).to_be_visible()
    page.get_by_label("Free only").check()
    page.get_by_role("button", name="Search").click()
    expect(page.locator("details#filters summary")).to_have_text("Filter results (1 chosen)")
    expect(page.get_by_label("Free only")).to_be_hidden()
    # The map opens on request.
    page.get_by_text("Map of these services").click()
    expect(page.locator("iframe.app-map")).to_be_visible()
    assert console_errors == []


def test_on_a_wide_screen_the_filters_and_map_are_open(page, server, county, console_errors):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(server + SEARCH)
    expect(page.get_by_label("Need")).to_be_visible()
    expect(page.locator("details.app-results-map")).to_have_attribute("open", "")
    assert console_errors == []


def test_without_javascript_the_filters_show(browser, server, county):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(server + SEARCH)
        expect(page.get_by_label("Need")).to_be_visible()
        expect(page.locator(".app-result").first).to_contain_text("Shrewsbury Food Bank")
    finally:
        context.close()


def test_the_print_view_prints_and_hides_its_button_on_paper(page, server, county):
    page.goto(server + f"/directory/services/{county['bank'].id}")
    page.get_by_role("button", name="Add to list").click()
    page.goto(server + "/directory/list")
    page.get_by_role("link", name="Print view").click()
    expect(page.get_by_text("From the Shropshire Accord Hub directory,")).to_be_visible()
    expect(page.get_by_role("link", name="01743 123456")).to_have_attribute(
        "href", "tel:01743123456"
    )
    # Stand in for the browser's print dialog, which a headless browser cannot show.
    page.evaluate("window.print = () => { window.printed = true; }")
    page.get_by_role("button", name="Print this list").click()
    assert page.evaluate("window.printed") is True
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print this list")).to_be_hidden()
    expect(page.get_by_role("link", name="Back to your list")).to_be_hidden()
    page.emulate_media(media="screen")
    page.get_by_role("link", name="Back to your list").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your signposting list")
