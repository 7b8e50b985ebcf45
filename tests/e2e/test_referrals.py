"""A referral in Chromium: a worker refers, the provider accepts, the worker sees it accepted;
axe-core on every referral page on the way."""

import re

from playwright.sync_api import expect

from accord.clock import today_uk
from accord.extensions import db
from accord.models import Role
from tests.directory.data import service
from tests.e2e.conftest import scan
from tests.e2e.people import sign_in, sign_out

# GOV.UK Frontend marks each radio that reveals a question with aria-expanded, which ARIA does
# not list for radios; the Design System keeps it on purpose, as screen readers announce it
# (a documented known issue: alphagov/govuk-frontend#979). Only that finding, and only on the
# "Who gave consent?" radios, is let through.
REVEALING_RADIOS = re.compile(r"aria-allowed-attr \(critical\): .* \[(\['#by-\d'\](, )?)+\]")


def scan_consent(page) -> list[str]:
    return [found for found in scan(page) if not REVEALING_RADIOS.fullmatch(found)]


def test_refer_accept_and_see_it_accepted(page, server, make, console_errors):
    larder = service(
        "Community Larder",
        "food",
        "shrewsbury",
        access_routes=["professional_referral"],
        referral_fields=["contact", "needs", "access"],
    )
    db.session.commit()
    make.user(role=Role.member, organisation=larder.organisation, email="larder@example.org")
    make.user(role=Role.frontline, email="worker@example.org")
    make.user(role=Role.coordinator, email="coordinator@example.org")

    sign_in(page, server, "worker@example.org")
    page.goto(server + f"/directory/services/{larder.id}")
    page.get_by_role("link", name="Refer someone").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Before you refer someone")
    assert scan(page) == []
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("link", name="Confirm you have checked")).to_be_visible()
    assert scan(page) == []  # the error summary too
    page.get_by_label("The person is not at immediate risk").check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Record the person's consent")
    assert scan_consent(page) == []
    # A name is asked for only under an answer other than the person themselves.
    carer = page.get_by_label("The carer's name and relationship to the person")
    expect(carer).to_be_hidden()
    page.get_by_label("A carer, with the person's agreement").check()
    expect(carer).to_be_visible()
    assert scan_consent(page) == []
    page.get_by_label("The person themselves").check()
    expect(carer).to_be_hidden()
    page.get_by_label("By phone").check()
    today = today_uk()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_label("How and when to contact them").check()
    page.get_by_label("What help they need").check()
    page.get_by_label("They understand who their details").check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("The person's details")
    assert scan(page) == []
    page.get_by_label("The person's full name").fill("Ann Persona")
    page.get_by_label("Why are you referring them?").fill("No food this week")
    page.get_by_label("How and when can the service contact them?").fill("07700 900123")
    page.get_by_label("What help do they need?").fill("A food parcel")
    page.get_by_label("Their postcode (optional)").fill("SY1 1AA")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check the referral before you send it"
    )
    assert scan(page) == []
    page.get_by_role("button", name="Send referral").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Referral sent")
    expect(page.get_by_text("should answer within 5 working days")).to_be_visible()
    assert scan(page) == []
    page.get_by_role("link", name="View referral").click()
    expect(page.get_by_text("Waiting for the service").first).to_be_visible()
    reference = page.get_by_role("heading", level=1).inner_text().removeprefix("Referral ")
    assert scan(page) == []
    page.goto(server + "/referrals/")
    assert scan(page) == []
    sign_out(page, server)

    sign_in(page, server, "larder@example.org")
    page.get_by_role("link", name="Referrals").click()
    expect(page.locator("[data-count=sent]")).to_have_text("1")
    assert scan(page) == []
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_text("Ann Persona")).to_be_visible()
    assert scan(page) == []
    page.get_by_role("link", name="Decline referral").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Decline referral {reference}")
    assert scan(page) == []
    page.go_back()
    page.get_by_role("button", name="Accept referral").click()
    expect(page.get_by_text(f"You accepted referral {reference}")).to_be_visible()
    sign_out(page, server)

    sign_in(page, server, "worker@example.org")
    page.goto(server + "/referrals/")
    row = page.get_by_role("row").filter(has_text=reference)
    expect(row.get_by_text("Accepted")).to_be_visible()
    sign_out(page, server)

    sign_in(page, server, "coordinator@example.org")
    page.goto(server + "/referrals/statistics")
    expect(page.locator("[data-figure=total]")).to_have_text("1")
    assert "Ann Persona" not in page.content()
    assert scan(page) == []
    assert console_errors == []
