"""Sign in, sign out, a 404, and axe-core scans of public pages in a real Chromium."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@pytest.fixture
def console_errors(page):
    """Console errors (CSP violations, missing assets, script errors) seen on the page."""
    errors: list[str] = []

    def seen(msg):
        # The status of the page itself (a deliberate 404) is not an asset failing to load.
        if msg.type == "error" and msg.location.get("url") != page.url:
            errors.append(f"{msg.text} at {msg.location.get('url')}")

    page.on("console", seen)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


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
    "path", ["/", "/sign-in", "/accord", "/signatories", "/directory", "/help"]
)
def test_public_pages_have_no_wcag_violations(browser, server, axe_source, path, app):
    app.test_cli_runner().invoke(args=["demo", "load"])
    # axe is injected as an inline script, which our own CSP rightly blocks: bypass it here only.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(server + path)
    page.add_script_tag(content=axe_source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    context.close()
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]
    assert violations == []
    assert result["passes"], "axe ran no checks"
