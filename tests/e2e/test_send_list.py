"""Sending the signposting list to a resident in Chromium: the form reveals the address box
under the answer chosen, names a mistake in an error summary, confirms with a panel, and the
email arrives; axe-core on each page, and on a phone (375 px) nothing runs off the side."""

import re

from playwright.sync_api import expect

from accord.outbox import send_pending
from tests.directory.data import two_food_services
from tests.e2e.conftest import scan
from tests.fakes.smtp import FakeSMTP

PHONE = {"width": 375, "height": 667}
EMAIL = "resident.ann@example.net"
# GOV.UK Frontend marks each radio that reveals a question with aria-expanded, which ARIA does
# not list for radios; kept on purpose by the Design System (alphagov/govuk-frontend#979), as
# for the referral consent radios (tests/e2e/test_referrals.py). Only that, only on these.
REVEALING_RADIOS = re.compile(r"aria-allowed-attr \(critical\): .* \[(\['#channel(-2)?'\](, )?)+\]")


def scan_send(page) -> list[str]:
    return [found for found in scan(page) if not REVEALING_RADIOS.fullmatch(found)]


def add_and_open_the_form(page, server, record) -> None:
    page.goto(server + f"/directory/services/{record.id}")
    page.get_by_role("button", name="Add to list").click()
    expect(page.get_by_role("button", name="Remove from list")).to_be_visible()
    page.goto(server + "/directory/list")
    page.get_by_role("link", name="Send this list to someone").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Send this list to someone")


def test_a_resident_receives_the_list_by_email(app, page, server, console_errors):
    county = two_food_services()
    add_and_open_the_form(page, server, county["bank"])
    assert scan_send(page) == []
    email = page.get_by_label("Email address")
    expect(email).to_be_hidden()
    page.get_by_label("By email").check()
    expect(email).to_be_visible()
    assert scan_send(page) == []
    email.fill("ann@")
    page.get_by_role("button", name="Send the list").click()
    expect(page.get_by_role("link", name=re.compile("Enter an email address"))).to_be_visible()
    expect(page.get_by_label("Email address")).to_have_value("ann@")
    assert scan_send(page) == []
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_role("button", name="Send the list").click()
    panel = page.locator(".govuk-panel")
    expect(panel).to_contain_text("List sent")
    expect(panel).to_contain_text("by email")
    assert EMAIL not in page.content()
    assert scan(page) == []
    with FakeSMTP() as smtp:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
        assert send_pending()["sent"] == 1
    [received] = smtp.inbox.messages
    assert received["To"] == EMAIL and "Shrewsbury Food Bank" in received.as_string()
    assert console_errors == []


def test_the_form_on_a_phone(page, server, console_errors):
    county = two_food_services()
    page.set_viewport_size(PHONE)
    add_and_open_the_form(page, server, county["bank"])
    page.get_by_label("By text message").check()
    expect(page.get_by_label("UK mobile number")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert scan_send(page) == []
    page.get_by_role("button", name="Send the list").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert scan_send(page) == []
    assert console_errors == []
