"""Choosing a building in Chromium (issue 21, "pickers that scale"): with JavaScript the
autocomplete suggests buildings as you type, worked by keyboard and announced in its live
region; with JavaScript off the same form works by searching on the server."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from accord.extensions import db
from accord.models import Role
from directory.models import Service
from emergency.models import Hub
from tests.directory.data import organisation
from tests.e2e.conftest import scan
from tests.e2e.people import sign_in
from tests.emergency import data

LABEL = "Community building (name, town or postcode)"


def halls(make) -> dict:
    return {
        "castle": make.location(name="Castle Hall", town="Ludlow", postcode="SY8 1AY"),
        "castle_house": make.location(name="Castle House", town="Oswestry", postcode="SY11 2SJ"),
        "abbey": make.location(name="Abbey Hall", town="Shrewsbury", postcode="SY2 6AE"),
        "quarry": make.location(name="Quarry Hall", town="Shrewsbury", postcode="SY1 1JA"),
        "mill": make.location(name="Mill Hall", town="Shrewsbury", postcode="SY3 8AA"),
    }


def test_by_keyboard_with_the_results_announced(page, server, make, console_errors):
    made = halls(make)
    data.hub(location=made["mill"])
    make.user(role=Role.cvec, email="cvec@example.org")
    sign_in(page, server, "cvec@example.org")
    page.goto(server + "/emergency/hubs/new")
    field = page.get_by_label(LABEL)
    field.press_sequentially("castle", delay=30)
    options = page.locator(".autocomplete__menu").get_by_role("option")
    expect(options).to_have_text(["Castle Hall, Ludlow SY8 1AY", "Castle House, Oswestry SY11 2SJ"])
    status = page.locator(".autocomplete__wrapper [role=status]")  # two, taking turns
    expect(status.filter(has_text="2 results are available")).to_have_count(1)
    assert scan(page) == []  # with the suggestions open
    # The arrow keys move to the suggestions, as a screen reader's user hears.
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    said = "Castle House, Oswestry SY11 2SJ 2 of 2 is highlighted"
    expect(status.filter(has_text=said)).to_have_count(1)
    page.keyboard.press("Enter")
    expect(field).to_have_value("Castle House, Oswestry SY11 2SJ")
    expect(options).to_have_count(0)
    page.get_by_label("Rest centre").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Castle House")
    hub = db.session.scalars(db.select(Hub).where(Hub.location_id == made["castle_house"].id))
    assert hub.one()
    assert console_errors == []


def test_a_hub_already_and_words_matching_nothing_are_said(page, server, make, console_errors):
    halls(make)
    make.user(role=Role.cvec, email="cvec@example.org")
    data.hub(location=make.location(name="Zebra Hall", town="Wem", postcode="SY4 5AA"))
    sign_in(page, server, "cvec@example.org")
    page.goto(server + "/emergency/hubs/new")
    page.get_by_label(LABEL).press_sequentially("zebra", delay=30)
    expect(page.locator(".autocomplete__menu").get_by_role("option")).to_have_text(
        ["No building found: try its name, town or postcode"]
    )
    status = page.locator(".autocomplete__wrapper [role=status]")
    expect(status.filter(has_text="No search results")).to_have_count(1)
    assert console_errors == []


def test_a_providers_building_by_postcode(page, server, make, console_errors):
    made = halls(make)
    org = organisation()
    db.session.commit()
    make.user(role=Role.member, organisation=org, email="provider@example.org")
    sign_in(page, server, "provider@example.org")
    page.goto(server + f"/directory/services/new/{org.slug}")
    page.get_by_label("Service name").fill("Quarry Lunch Club")
    page.get_by_label("What it is").fill("A hot lunch and company.")
    page.get_by_label("Food", exact=True).check()
    page.get_by_label("Free", exact=True).check()
    page.get_by_label("Drop in").check()
    field = page.get_by_label("Building (name, town or postcode)")
    # Its hint is still read out with it once the autocomplete has taken its place.
    expect(field).to_have_attribute("aria-describedby", re.compile(r"\blocation-hint\b"))
    expect(field).to_have_accessible_description(re.compile("Where it happens"))
    field.press_sequentially("sy11j", delay=30)
    expect(page.locator(".autocomplete__menu").get_by_role("option")).to_have_text(
        ["Quarry Hall, Shrewsbury SY1 1JA"]
    )
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(field).to_have_value("Quarry Hall, Shrewsbury SY1 1JA")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your listings")
    service = db.session.scalars(db.select(Service).where(Service.name == "Quarry Lunch Club"))
    assert [b.id for b in service.one().locations] == [made["quarry"].id]
    assert console_errors == []


def test_with_javascript_off_the_form_searches_on_the_server(browser, server, make):
    made = halls(make)
    make.user(role=Role.cvec, email="cvec@example.org")
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, server, "cvec@example.org")
        page.goto(server + "/emergency/hubs/new")
        expect(page.locator(".autocomplete__wrapper")).to_have_count(0)
        page.get_by_label(LABEL).fill("shrewsbury")
        page.get_by_label("Rest centre").check()
        page.get_by_role("button", name="Save").click()
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_contain_text("More than one building matches “shrewsbury”")
        page.get_by_label("Quarry Hall, Shrewsbury SY1 1JA").check()
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Quarry Hall")
        hub = db.session.scalars(db.select(Hub).where(Hub.location_id == made["quarry"].id))
        assert hub.one()
    finally:
        context.close()


def test_words_sent_unchosen_come_back_as_radios_without_violations(
    page, server, make, console_errors
):
    made = halls(make)
    make.user(role=Role.cvec, email="cvec@example.org")
    sign_in(page, server, "cvec@example.org")
    page.goto(server + "/emergency/hubs/new")
    page.get_by_label(LABEL).fill("shrewsbury")  # typed, nothing chosen
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("choose one")
    assert scan(page) == []
    page.get_by_label("Abbey Hall, Shrewsbury SY2 6AE").check()
    page.get_by_label("Rest centre").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Abbey Hall")
    assert db.session.scalars(db.select(Hub).where(Hub.location_id == made["abbey"].id)).one()
    assert console_errors == []


def test_a_suggestion_is_text_never_html(page, server, make, console_errors):
    # The autocomplete writes a suggestion's template as HTML: ours escapes the name first.
    name = "<img src=x onerror=window.__pwned=1><b>Hostile</b> Hall"
    make.location(name=name, town="Wem", postcode="SY4 5AA")
    make.user(role=Role.cvec, email="cvec@example.org")
    sign_in(page, server, "cvec@example.org")
    page.goto(server + "/emergency/hubs/new")
    page.get_by_label(LABEL).press_sequentially("hostile", delay=30)
    option = page.locator(".autocomplete__menu").get_by_role("option")
    expect(option).to_have_text([f"{name}, Wem SY4 5AA"])
    assert option.locator("img, b").count() == 0
    assert page.evaluate("window.__pwned") is None
    assert console_errors == []
