"""The sign-up journey once in Chromium, and axe-core on every public registry page."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from accord.extensions import db
from accord.models import Role
from registry.signatories.models import SignUp
from tests.e2e.conftest import scan
from tests.e2e.people import sign_in
from tests.registry.signatories.journey import confirm_link, publish_accord


def test_sign_up_confirm_approve_and_publish(page, server, make, console_errors):
    publish_accord()
    make.user(role=Role.coordinator, email="coordinator@example.org")

    page.goto(server + "/signatories")
    page.get_by_role("link", name="Sign the Accord for your organisation").click()
    page.get_by_role("button", name="Start now").click()

    page.get_by_label("Organisation name").fill("Clun Valley Lunch Club")
    page.get_by_label("Voluntary and community sector").check()
    page.get_by_label("Type of organisation").select_option("Registered charity")
    page.get_by_label("Charity number (if you have one)").fill("1098765")
    page.get_by_role("button", name="Continue").click()

    page.get_by_label("Address").fill("The Memorial Hall\nChurch Street")
    page.get_by_label("Town or village").fill("Clun")
    page.get_by_label("Postcode").fill("SY7 8JA")
    page.get_by_role("button", name="Continue").click()

    page.get_by_label("Full name", exact=True).fill("Sam Signer")
    page.get_by_label("Position").fill("Secretary")
    page.get_by_label("Work email address").fill("sam@clunlunch.example.org")
    page.get_by_label("Accord lead's full name").fill("Alex Lead")
    page.get_by_label("Accord lead's email address").fill("alex@clunlunch.example.org")
    page.get_by_role("button", name="Continue").click()

    # Continuing without ticking shows the error summary, focused.
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Tick each statement")
    for box in page.get_by_role("checkbox").all():
        box.check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before signing")
    expect(page.get_by_text("GB-CHC-1098765")).to_be_visible()
    address = page.locator(".govuk-summary-list__row", has_text="Address")
    assert address.locator(".govuk-summary-list__value").inner_text().splitlines() == [
        "The Memorial Hall",
        "Church Street",
        "Clun",
        "SY7 8JA",
    ]
    assert scan(page) == []
    page.get_by_role("button", name="Sign the Accord").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    expect(page.get_by_text("We have sent a link to sam@clunlunch.example.org")).to_be_visible()

    page.goto(server + confirm_link())
    expect(page.locator(".govuk-panel--confirmation h1")).to_have_text("Sign-up confirmed")
    assert scan(page) == []

    sign_in(page, server, "coordinator@example.org")
    page.goto(server + "/admin/registry/signups")
    page.get_by_role("link", name="Clun Valley Lunch Club").click()
    page.get_by_label("Approve and publish").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("Clun Valley Lunch Club is approved and published.")).to_be_visible()

    page.goto(server + "/signatories?q=clun")
    expect(page.get_by_role("link", name="Clun Valley Lunch Club")).to_be_visible()
    data = page.request.get(server + "/signatories.json").json()
    assert [s["name"] for s in data["signatories"]] == ["Clun Valley Lunch Club"]
    csv_text = page.request.get(server + "/signatories.csv").text()
    assert "Clun Valley Lunch Club" in csv_text and "sam@" not in csv_text
    assert db.session.scalar(select(SignUp.status)) == "approved"
    assert console_errors == []


REGISTRY_PAGES = [
    "/accord/sign",
    "/accord/sign/organisation",
    "/accord/sign/address",
    "/accord/sign/people",
    "/accord/sign/agreement",
    "/accord/sign/sent",
    "/signatories?letter=S",
    "/signatories/severn-valley-community-larder",
    "/signatories/severn-valley-community-larder/withdraw",
    "/accord/sign/confirm/not-a-token",
]


@pytest.mark.parametrize("path", REGISTRY_PAGES)
def test_registry_pages_have_no_wcag_violations(demo, axe, path):
    assert axe(path) == []


def test_error_summary_page_has_no_wcag_violations(axe, page):
    publish_accord()
    assert axe("/accord/sign/organisation") == []
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert scan(page) == []


def test_lifecycle_pages_have_no_wcag_violations(page, server, make):
    from registry.signatories import signup
    from registry.signatories.models import Signatory, SignatoryStatus

    version = publish_accord()
    newer = publish_accord("2027")
    org = make.organisation(name="Wem Good Neighbours", slug="wem-good-neighbours")
    record = Signatory(
        organisation=org,
        accord_version=version,
        status=SignatoryStatus.published,
        lead_email="lead@wem.example.org",
    )
    db.session.add(record)
    db.session.commit()
    base = f"/signatories/{org.slug}"
    page.goto(server + f"{base}/reaffirm/{signup.signatory_token(record, 'reaffirm', newer.id)}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Re-affirm the Shropshire Accord")
    assert scan(page) == []

    page.goto(server + f"{base}/withdraw")
    page.get_by_label("The Accord lead's email address").fill("lead@wem.example.org")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert scan(page) == []

    page.goto(server + f"{base}/withdraw/{signup.signatory_token(record, 'withdraw')}")
    assert scan(page) == []
    page.get_by_label("Why is your organisation withdrawing?").fill("Merged")
    page.get_by_role("button", name="Withdraw from the Accord").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("has withdrawn")
    assert scan(page) == []
