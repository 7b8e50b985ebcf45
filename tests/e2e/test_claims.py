"""Claiming a listing in Chromium: a member says "This is our service", chooses their
organisation, sees the panel; the coordinator approves; the listing shows who manages it and
how fast it answers referrals. axe-core on every page on the way."""

from datetime import timedelta

from playwright.sync_api import expect

from accord.clock import utcnow
from accord.extensions import db
from accord.models import Membership, Role
from directory.referrals.models import Referral
from tests import factories
from tests.directory.data import service
from tests.e2e.conftest import scan
from tests.e2e.people import sign_in, sign_out


def test_claim_approve_and_see_it_managed(page, server, make, console_errors):
    feed = factories.organisation(name="Open Feed Listings")
    club = service("Riverside Lunch Club", "food", "shrewsbury", access_routes=[
        "professional_referral"
    ])  # fmt: skip
    club.organisation = feed
    for n in range(5):
        sent = utcnow() - timedelta(days=40)
        db.session.add(
            Referral(reference=f"R-E{n:05d}", service=club, status="accepted", sent_at=sent,
                     first_response_at=sent + timedelta(minutes=30))
        )  # fmt: skip
    friends = factories.organisation(name="Riverside Friends")
    second = factories.organisation(name="Second Charity")
    member = make.user(role=Role.member, organisation=friends, email="jo@friends.example.org")
    db.session.add(Membership(user_id=member.id, organisation_id=second.id, role=Role.member))
    make.user(role=Role.coordinator, email="coordinator@example.org")
    db.session.commit()

    sign_in(page, server, "jo@friends.example.org")
    page.goto(server + f"/directory/services/{club.id}")
    expect(page.get_by_text("Usually replies to referrals within 1 working day")).to_be_visible()
    assert scan(page) == []
    page.get_by_role("link", name="This is our service").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask to manage this listing")
    assert scan(page) == []
    page.get_by_role("button", name="Ask to manage this listing").click()
    expect(page.get_by_role("link", name="Choose your organisation")).to_be_visible()
    assert scan(page) == []  # the error summary too
    page.get_by_label("Riverside Friends").check()
    page.get_by_role("button", name="Ask to manage this listing").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Request sent")
    assert scan(page) == []
    sign_out(page, server)

    sign_in(page, server, "coordinator@example.org")
    page.goto(server + "/admin/directory/claims")
    assert scan(page) == []
    page.get_by_role("link", name="Riverside Lunch Club").click()
    expect(page.get_by_label("Approve")).to_be_visible()  # the claim's page, before axe reads it
    assert scan(page) == []
    page.get_by_label("Approve").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("claim by Riverside Friends approved")).to_be_visible()
    sign_out(page, server)

    page.goto(server + f"/directory/services/{club.id}")
    expect(page.get_by_text("Managed by Riverside Friends")).to_be_visible()
    assert scan(page) == []
    assert console_errors == []
