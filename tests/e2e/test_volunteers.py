"""Signing up to volunteer in Chromium, and axe-core on the volunteer pages."""

from datetime import date

from playwright.sync_api import expect
from sqlalchemy import select

from accord.extensions import db
from accord.models import OutboxMessage, Role
from emergency.volunteers import changes, details, signup
from emergency.volunteers.models import Volunteer
from tests.e2e.conftest import scan
from tests.e2e.people import sign_in
from tests.emergency import data


def test_a_person_signs_up_to_volunteer(page, server, console_errors):
    page.goto(server + "/volunteer")
    page.get_by_label("Full name").fill("Sam Sandbag")
    page.get_by_label("Email address").fill("sam@example.org")
    page.get_by_label("Phone number (optional)").fill("07700 900982")
    page.get_by_label("Home postcode").fill("SY3 8HQ")
    page.get_by_label("Lifting and carrying").check()
    languages = page.get_by_label("Which languages do you speak, other than English?")
    expect(languages).to_be_hidden()
    page.get_by_label("Languages other than English").check()
    languages.fill("Welsh")
    page.get_by_label("Yes, I have had a DBS check").check()
    page.get_by_label("Day", exact=True).fill("14")
    page.get_by_label("Month", exact=True).fill("2")
    page.get_by_label("Year", exact=True).fill("2024")
    page.get_by_label("Weekends").check()
    page.get_by_label("I agree that the Community and Voluntary Emergency Cell").check()
    page.get_by_role("button", name="Sign up to volunteer").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed up to volunteer")
    expect(page.get_by_text("Thank you, Sam")).to_be_visible()
    assert scan(page) == []
    assert console_errors == []
    volunteer = db.session.scalar(select(Volunteer))
    assert (volunteer.outcode, volunteer.skills) == ("SY3", ["languages", "lifting"])


def test_a_volunteer_confirms_a_change_from_the_email(page, server, console_errors):
    volunteer = data.volunteer(name="Sam Sandbag", email="sam@example.org", phone="07700 900111")
    page.goto(server + "/volunteer")
    page.get_by_label("Full name").fill("Sam Sandbag")
    page.get_by_label("Email address").fill("SAM@example.org")
    page.get_by_label("Phone number (optional)").fill("07700 900555")
    page.get_by_label("Home postcode").fill("SY8")
    page.get_by_label("Overnight").check()
    page.get_by_label("I agree that the Community and Voluntary Emergency Cell").check()
    page.get_by_role("button", name="Sign up to volunteer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed up to volunteer")
    db.session.expire_all()
    assert db.session.get(Volunteer, volunteer.id).phone == "07700 900111"

    body = db.session.scalar(
        select(OutboxMessage.body).where(OutboxMessage.to == "sam@example.org")
    )
    link = body.split("/volunteer/confirm/", 1)[1].split()[0]
    page.goto(f"{server}/volunteer/confirm/{link}")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Confirm the change to your volunteer details"
    )
    expect(page.locator(".govuk-summary-list")).to_contain_text("07700 900555")
    assert scan(page) == []
    db.session.expire_all()
    assert db.session.get(Volunteer, volunteer.id).phone == "07700 900111"
    page.get_by_role("button", name="Confirm the change").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your volunteer details have been changed"
    )
    assert scan(page) == []
    db.session.expire_all()
    changed = db.session.get(Volunteer, volunteer.id)
    assert (changed.phone, changed.outcode, changed.availability) == (
        "07700 900555",
        "SY8",
        ["overnight"],
    )
    # Used: the link now says so.
    page.goto(f"{server}/volunteer/confirm/{link}")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "This link has expired or has been used"
    )
    assert scan(page) == []
    assert console_errors == []


def test_the_form_and_its_errors_have_no_wcag_violations(axe, page):
    assert axe("/volunteer") == []
    page.get_by_role("button", name="Sign up to volunteer").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter your full name")
    assert scan(page) == []
    # A DBS check and no date: the error sits inside the revealed date boxes.
    page.get_by_label("Yes, I have had a DBS check").check()
    page.get_by_role("button", name="Sign up to volunteer").click()
    summary.get_by_role("link", name="Enter the date your DBS certificate was issued").click()
    expect(page.get_by_label("Day", exact=True)).to_be_focused()
    assert scan(page) == []


def test_the_other_volunteer_pages_have_no_wcag_violations(axe, page, server, make):
    volunteer = data.volunteer(name="Kit Carrier", skills=["first_aid", "languages"])
    change = details.Details(
        name="Kit Carrier",
        email=volunteer.email,
        outcode="SY1",
        skills=["languages", "lifting"],
        languages="Welsh",
        dbs_checked=True,
        dbs_date=date(2024, 2, 14),
        availability=["weekends", "overnight"],
    )
    confirm = f"/volunteer/confirm/{changes.pending_change(volunteer, change)}"
    db.session.commit()
    for path in ("/volunteer/privacy", "/volunteer/leave", "/volunteer/thanks"):
        assert axe(path) == [], path
    # The change a link carries, with every kind of answer shown; and a link that is not one.
    assert axe(confirm) == []
    expect(page.locator(".govuk-summary-list")).to_contain_text("Welsh")
    assert axe("/volunteer/confirm/not-a-token") == []
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "This link has expired or has been used"
    )
    # The link that confirms a new volunteer's address, and one that has expired.
    assert axe(f"/volunteer/email/{signup.confirm_token(volunteer)}") == []
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your email address")
    assert axe("/volunteer/email/not-a-token") == []
    data.incident()
    data.hub()
    make.user(role=Role.cvec, email="cvec@example.org")
    sign_in(page, server, "cvec@example.org")
    for path in (
        "/emergency/volunteers?place=Shrewsbury&skills=first_aid",
        f"/emergency/volunteers/{volunteer.id}",
    ):
        assert axe(path) == [], path
    page.get_by_role("button", name="Deploy").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose a hub or describe a task")
    assert scan(page) == []
    page.get_by_label("Task").fill("Sandbags at Frankwell car park")
    page.get_by_role("button", name="Deploy").click()
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_text(f"Volunteer V{volunteer.id} checked in.")).to_be_visible()
    page.get_by_role("button", name="Check out").click()
    expect(page.get_by_text(f"Volunteer V{volunteer.id} checked out.")).to_be_visible()
    assert scan(page) == []
