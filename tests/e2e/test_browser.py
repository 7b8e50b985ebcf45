"""Sign in, sign out, a 404, and axe-core scans of public pages in a real Chromium."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD


def test_sign_in_and_sign_out(page, server, make, console_errors):
    make.user(role="frontline", email="worker@example.org")
    page.goto(server + "/")
    page.get_by_role("link", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.get_by_label("Email address").fill("worker@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(page.get_by_text("worker@example.org")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    page.goto(server + "/account")
    expect(page).to_have_url(re.compile(r"/sign-in\?next="))
    assert console_errors == []


def test_a_wrong_password_shows_the_error_summary(page, server, make):
    make.user(email="worker@example.org")
    page.goto(server + "/sign-in")
    page.get_by_label("Email address").fill("worker@example.org")
    page.get_by_label("Password", exact=True).fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a correct email address and password")
    # GOV.UK Frontend's JavaScript ran (it moves focus to the summary), so the assets loaded.
    expect(summary).to_be_focused()


def test_not_found_page(page, server, console_errors):
    response = page.goto(server + "/no-such-page")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert console_errors == []


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/sign-in",
        "/accord",
        "/signatories",
        "/directory",
        "/directory/buildings?town=Shrewsbury",
        "/help",
    ],
)
def test_public_pages_have_no_wcag_violations(demo, axe, path):
    assert axe(path) == []
