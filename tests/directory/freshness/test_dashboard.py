"""The coordinator's dashboard of the oldest listings, by organisation: who may see it, its
order and counts, its pages, and each organisation's listings."""

from __future__ import annotations

from datetime import date

import pytest

from accord.clock import date_text, today_uk
from accord.extensions import db
from accord.models import Organisation, Role
from directory import freshness
from directory.freshness import dashboard
from directory.models import Service
from tests.directory.data import service
from tests.factories import PASSWORD

PATH = "/directory/admin/upkeep"


def listing(org: Organisation, name: str, assured_at: date | None, **fields) -> Service:
    record = service(name, "food", "shrewsbury", assured_at=assured_at, **fields)
    record.organisation = org
    db.session.commit()
    return record


@pytest.fixture
def county(app, make):
    today = today_uk()
    overdue = freshness.months_before(today, 12)  # reminded, not yet out of date
    current = freshness.months_before(today, 2)
    never = make.organisation(name="Never Checked Trust", slug="never")
    listing(never, "Mystery Club", None)
    listing(never, "Fresh Club", current)
    old = make.organisation(name="Old Listings CIC", slug="old")
    listing(old, "Old Larder", date(2024, 1, 1))
    listing(old, "Older Larder", overdue)
    listing(old, "New Larder", current)
    due = make.organisation(name="Due Soon Group", slug="due")
    listing(due, "Due Club", overdue)
    fine = make.organisation(name="All Current Trust", slug="fine")
    listing(fine, "Current Club", current)
    waiting = make.organisation(name="Waiting Trust", slug="waiting")
    listing(waiting, "Waiting Club", date(2024, 1, 1), review="pending")
    return {"overdue": overdue}


def sign_in(client, make, role):
    make.user(role=role, email=f"{role}@example.org")
    client.sign_in(f"{role}@example.org", PASSWORD)


def rows(page) -> list[list[str]]:
    return [
        [cell.get_text(" ", strip=True) for cell in row.find_all("td")]
        for row in page.select("#upkeep tbody tr")
    ]


def test_organisations_by_their_oldest_unchecked_listing(client, make, county):
    sign_in(client, make, Role.coordinator)
    page = client.get_page(PATH)
    overdue = freshness.months_before(today_uk(), 12)
    assert rows(page) == [
        ["Never Checked Trust", "Never checked", "1", "1"],
        ["Old Listings CIC", "1 January 2024", "2", "1"],
        ["Due Soon Group", date_text(overdue), "1", "0"],
    ]
    assert page.find("a", string="Old Listings CIC")["href"] == f"{PATH}/old"
    listed = client.get_page(f"{PATH}/old")
    names = [row.find("a").get_text(strip=True) for row in listed.select("#listings tbody tr")]
    assert names == ["Old Larder", "Older Larder", "New Larder"]
    assert "May be out of date" in listed.select("#listings tbody tr")[0].get_text()
    assert "May be out of date" not in listed.select("#listings tbody tr")[1].get_text()
    # The coordinator's dashboard links to it.
    assert client.get_page("/admin/").find("a", href=PATH)


def test_the_dashboard_is_paged(client, make, county, monkeypatch):
    monkeypatch.setattr(dashboard, "PER_PAGE", 2)
    sign_in(client, make, Role.coordinator)
    first = client.get_page(PATH)
    assert [r[0] for r in rows(first)] == ["Never Checked Trust", "Old Listings CIC"]
    assert "page 1 of 2" in first.select_one("#organisation-count").get_text()
    assert [r[0] for r in rows(client.get_page(f"{PATH}?page=2"))] == ["Due Soon Group"]
    for bad in ("3", "0", "-1", "abc", "1.5", "９"):
        client.get_page(f"{PATH}?page={bad}", status=404)
    client.get_page(f"{PATH}/nobody", status=404)
    client.get_page(f"{PATH}/%00", status=404)


def test_nothing_overdue_says_so(client, make, app):
    sign_in(client, make, Role.coordinator)
    page = client.get_page(PATH)
    assert rows(page) == [] and "Every published listing" in page.get_text()


@pytest.mark.parametrize(
    "role", [None, Role.member, Role.frontline, Role.cvec, Role.coordinator, Role.admin]
)
def test_only_coordinators_see_the_dashboard(client, make, county, role):
    if role is not None:
        sign_in(client, make, role)
    for path in (PATH, f"{PATH}/old"):
        if role is None:
            assert client.get(path).location.startswith("/sign-in")
        elif role in (Role.coordinator, Role.admin):
            client.get_page(path)
        else:
            client.get_page(path, status=403)


def test_a_claimed_listing_counts_for_the_organisation_that_manages_it(app, make):
    owner = make.organisation(name="Feed Importer", slug="importer")
    manager = make.organisation(name="Ludlow Larder CIC", slug="larder")
    claimed = listing(owner, "Ludlow Larder", date(2024, 1, 1))
    claimed.managed_by_id = manager.id
    db.session.commit()
    found = dashboard.oldest_first(1, today_uk())
    assert found is not None
    assert [row.name for row in found.rows] == ["Ludlow Larder CIC"]
    assert [s.name for s in dashboard.listings_of(manager)] == ["Ludlow Larder"]
    assert dashboard.listings_of(owner) == []
