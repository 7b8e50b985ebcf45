"""An organisation's members' pages once in Chromium (issue 21): from the account page to the
list, an invitation refused then sent, and leaving; axe-core on each page as it is shown."""

from playwright.sync_api import expect
from sqlalchemy import select

from accord import accounts
from accord.extensions import db
from accord.models import OutboxMessage, Role
from tests.e2e.conftest import scan
from tests.e2e.people import sign_in


def test_a_member_invites_a_colleague_and_leaves(page, server, make, console_errors):
    org = make.organisation(name="Clun Valley Lunch Club", slug="clun-lunch")
    make.user(role=Role.member, organisation=org, email="sam@clunlunch.example.org")
    make.user(role=Role.member, organisation=org, email="alex@clunlunch.example.org")
    sign_in(page, server, "sam@clunlunch.example.org")

    page.goto(server + "/account")
    page.get_by_role("link", name="Members of Clun Valley Lunch Club").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Members of Clun Valley Lunch Club")
    expect(page.get_by_text("alex@clunlunch.example.org")).to_be_visible()
    assert scan(page) == []

    page.get_by_role("button", name="Invite a colleague").click()
    page.get_by_label("Email address").fill("sam@clunlunch.example.org")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("You cannot invite yourself")
    expect(page.get_by_label("Email address")).to_have_value("sam@clunlunch.example.org")
    assert scan(page) == []
    page.get_by_label("Email address").fill("jo@clunlunch.example.org")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".govuk-panel--confirmation h1")).to_have_text("Invitation sent")
    assert scan(page) == []
    sent = db.session.scalar(select(OutboxMessage.to).where(OutboxMessage.kind == "invite"))
    assert sent == "jo@clunlunch.example.org"

    page.get_by_role("link", name="Back to the members of Clun Valley Lunch Club").click()
    page.get_by_role("link", name="Leave Clun Valley Lunch Club").click()
    expect(page.locator(".govuk-warning-text")).to_be_visible()
    assert scan(page) == []
    page.get_by_role("button", name="Leave the organisation").click()
    expect(page.locator(".govuk-panel--confirmation h1")).to_have_text(
        "You have left Clun Valley Lunch Club"
    )
    assert scan(page) == []
    assert accounts.find_user("sam@clunlunch.example.org").organisation_ids() == set()
    assert console_errors == []
