"""Providers keep listings right; new providers are reviewed; reports and reminders reach them."""

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from accord import clock
from accord.clock import today_uk
from accord.extensions import db
from accord.models import OutboxMessage, Review, Role
from directory.models import Service
from tests.directory.data import organisation, place, service
from tests.factories import PASSWORD

FORM = {
    "name": "Larder Plus",
    "description": "Food and a chat.\n\nEvery week.",
    "needs": ["food", "loneliness"],
    "eligibility": "Anyone",
    "minimum_age": "",
    "maximum_age": "",
    "cost": "free",
    "fees": "",
    "access_routes": ["drop_in"],
    "location": "",
    "days": ["TU", "TH"],
    "opens_at": "10:00",
    "closes_at": "12:00",
    "phone": "01743 000000",
    "email": "",
}


def member_of(client, make, org, email="provider@example.org"):
    make.user(role=Role.member, organisation=org, email=email)
    client.sign_in(email, PASSWORD)


def test_a_new_provider_waits_for_review_then_is_published(app, client, make):
    org = organisation()
    db.session.commit()
    member_of(client, make, org)
    client.get_page(f"/directory/services/new/{org.slug}")
    response = client.submit(f"/directory/services/new/{org.slug}", FORM)
    assert response.status_code == 302
    record = db.session.scalar(select(Service).where(Service.name == "Larder Plus"))
    assert record.review == Review.pending and record.assured_at == today_uk()
    assert "Waiting for the coordinator" in client.get_page("/directory/manage").get_text()
    client.get_page(f"/directory/services/{record.id}", status=404)

    staff = app.test_client()
    make.user(role=Role.coordinator, email="coordinator@example.org")
    staff.sign_in("coordinator@example.org", PASSWORD)
    assert "Larder Plus" in staff.get_page("/admin/directory/reviews").get_text()
    staff.get_page(f"/admin/directory/reviews/{record.id}")
    staff.submit(f"/admin/directory/reviews/{record.id}", {"decision": "publish"})
    db.session.refresh(record)
    assert record.review == Review.published
    page = client.get_page(f"/directory/services/{record.id}")
    assert "Tuesday" in page.get_text() and "Every week." in page.get_text()
    emails = db.session.scalars(select(OutboxMessage.kind)).all()
    assert "listing-review" in emails


def test_an_established_provider_edits_straight_on(client, make):
    existing = service("Food Hub", "food", "shrewsbury")
    member_of(client, make, existing.organisation)
    form = client.get_page(f"/directory/services/{existing.id}/edit")
    assert form.find("input", attrs={"name": "name"})["value"] == "Food Hub"
    client.submit(f"/directory/services/{existing.id}/edit", {**FORM, "name": "Food Hub North"})
    db.session.refresh(existing)
    assert existing.name == "Food Hub North" and existing.review == Review.published


def test_bad_service_input_is_explained(client, make):
    existing = service("Food Hub", "food", "shrewsbury")
    member_of(client, make, existing.organisation)
    body = client.submit(
        f"/directory/services/{existing.id}/edit",
        {
            **FORM,
            "name": "",
            "opens_at": "25:99",
            "location": "abc",
            "minimum_age": "90",
            "maximum_age": "10",
        },
    ).get_data(as_text=True)
    for message in (
        "Enter the name of the service",
        "24-hour format",
        "No building matches “abc”",
        "Oldest age must be the same as or more than the youngest age",
    ):
        assert message in body


def test_capacity_in_two_clicks_shows_everywhere(client, make):
    existing = service("Food Hub", "food", "shrewsbury")
    member_of(client, make, existing.organisation)
    client.get_page("/directory/manage")
    client.submit(
        f"/directory/services/{existing.id}/capacity",
        {"capacity": "at_capacity"},
        form_path="/directory/manage",
    )
    db.session.refresh(existing)
    assert existing.capacity == "at_capacity" and existing.capacity_updated_at is not None
    assert "At capacity" in client.get_page("/directory?q=food").get_text()


def test_still_correct_renews_the_checked_date(client, make):
    existing = service("Food Hub", "food", "shrewsbury", assured_at=date(2024, 1, 1))
    member_of(client, make, existing.organisation)
    assert "May be out of date" in client.get_page("/directory?q=food").get_text()
    client.submit(
        f"/directory/services/{existing.id}/still-correct", {}, form_path="/directory/manage"
    )
    db.session.refresh(existing)
    assert existing.assured_at == today_uk()


def test_anyone_reports_a_wrong_listing_and_the_provider_hears(client, make):
    existing = service("Food Hub", "food", "shrewsbury")
    make.user(role=Role.member, organisation=existing.organisation, email="provider@example.org")
    client.get_page(f"/directory/services/{existing.id}/report")
    body = client.submit(f"/directory/services/{existing.id}/report", {"what": ""}).get_data(
        as_text=True
    )
    assert "Say what is wrong with the listing" in body
    client.submit(f"/directory/services/{existing.id}/report", {"what": "Closed on Tuesdays now"})
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "listing-report"))
    assert message.to == "provider@example.org" and "Closed on Tuesdays now" in message.body


def test_reports_are_rate_limited(client, make):
    existing = service("Food Hub", "food", "shrewsbury")
    statuses = [
        client.submit(f"/directory/services/{existing.id}/report", {"what": "x"}).status_code
        for _ in range(6)
    ]
    assert statuses[:5] == [302] * 5 and statuses[5] == 429


def test_the_remind_command_emails_the_provider_a_link_to_check_the_listing(app, make, monkeypatch):
    monkeypatch.setattr(clock, "system_time", lambda: datetime(2025, 12, 5, 9, tzinfo=UTC))
    old = service("Food Hub", "food", "shrewsbury", assured_at=date(2025, 1, 1))
    service("Fresh Hub", "food", "ludlow", assured_at=date(2025, 11, 1))
    make.user(role=Role.member, organisation=old.organisation, email="provider@example.org")
    for expected in ("reminded: 1", "reminded: 0"):  # once, however often cron runs it
        result = app.test_cli_runner().invoke(args=["directory", "remind"])
        assert result.exit_code == 0, result.output
        assert expected in result.output
    message = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.kind == "listing-reminder")
    )
    assert message.to == "provider@example.org"
    assert message.subject == "Please check your listing “Food Hub”"
    assert "last checked on 1 January 2025" in message.body
    assert re.search(rf"^https?://[^/\s]+/directory/services/{old.id}/edit$", message.body, re.M)


VISITORS = [
    None,
    "own-member",
    Role.member,
    Role.frontline,
    Role.coordinator,
    Role.cvec,
    Role.admin,
]


@pytest.mark.parametrize("visitor", VISITORS, ids=lambda v: v or "anonymous")
def test_directory_role_matrix(client, make, visitor):
    existing = service("Food Hub", "food", "shrewsbury")
    place("ludlow")
    db.session.commit()
    if visitor == "own-member":
        member_of(client, make, existing.organisation)
    elif visitor is not None:
        make.user(role=visitor, email=f"{visitor}@example.org")
        client.sign_in(f"{visitor}@example.org", PASSWORD)
    for path in (
        "/directory",
        f"/directory/services/{existing.id}",
        "/directory/list",
        f"/directory/services/{existing.id}/report",
    ):
        client.get_page(path)
    edit = f"/directory/services/{existing.id}/edit"
    reviews = "/admin/directory/reviews"
    if visitor is None:
        assert client.get(edit).location.startswith("/sign-in")
        assert client.get(reviews).location.startswith("/sign-in")
        return
    if visitor in ("own-member", Role.coordinator, Role.admin):
        client.get_page(edit)
    else:
        client.get_page(edit, status=403)
    if visitor in (Role.coordinator, Role.admin):
        client.get_page(reviews)
    else:
        client.get_page(reviews, status=403)


def test_saving_a_service_in_the_same_building_keeps_it_and_a_new_building_replaces_it(
    client, make
):
    # Saving unchanged once replaced the link with an identical new row: a 500 on the
    # unique constraint uq_service_location, on both databases.
    existing = service("Food Hub", "food", "shrewsbury")
    ludlow = place("ludlow")
    db.session.commit()
    member_of(client, make, existing.organisation)
    edit = f"/directory/services/{existing.id}/edit"
    page = client.get_page(edit)
    shown = page.find("input", attrs={"name": "location"})["value"]
    chosen = page.find("input", attrs={"name": "location_id"})["value"]
    [link] = existing.at_locations
    assert chosen == str(link.location_id)
    assert shown.startswith(link.location.name + ", Shrewsbury")
    kept = (link.id, link.location_id)
    for _ in range(2):
        response = client.submit(edit, {**FORM, "location": shown, "location_id": chosen})
        assert response.status_code == 302, response.get_data(as_text=True)
        db.session.expire_all()
        assert [(sal.id, sal.location_id) for sal in existing.at_locations] == [kept]
    client.submit(edit, {**FORM, "location": ludlow.name})
    db.session.expire_all()
    assert [sal.location.name for sal in existing.at_locations] == [ludlow.name]
    # Emptied (the script empties the id when the words change): no building.
    client.submit(edit, {**FORM, "location": "", "location_id": str(ludlow.id)})
    db.session.expire_all()
    assert existing.at_locations == []
