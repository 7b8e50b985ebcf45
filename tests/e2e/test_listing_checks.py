"""A provider says a listing is still correct from the reminder's link, in Chromium (axe on
each page), and the coordinator sees the oldest listings."""

from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import expect
from sqlalchemy import select

from accord.extensions import db
from accord.models import OutboxMessage, Role
from directory import upkeep
from tests.directory.data import service
from tests.e2e.conftest import scan
from tests.e2e.people import sign_in


def test_the_reminder_link_then_the_dashboard(page, server, make, console_errors):
    listed = service("Clun Repair Café", "food", "shrewsbury", assured_at=date(2025, 1, 1))
    make.user(role=Role.member, organisation=listed.organisation, email="provider@example.org")
    make.user(role=Role.coordinator, email="coordinator@example.org")
    service("Bishop's Castle Larder", "food", "ludlow", assured_at=date(2024, 6, 1))
    assert upkeep.send_reminders() == 2
    db.session.commit()
    body = db.session.scalar(select(OutboxMessage.body).where(OutboxMessage.to.like("provider%")))
    path = re.search(r"https?://[^/\s]+(/directory/check/\S+)", body).group(1)

    page.goto(server + path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Is Clun Repair Café still correct?")
    assert scan(page) == []
    page.get_by_role("button", name="Yes, it is still correct").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Listing checked")
    assert scan(page) == []
    page.goto(server + path)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "This link has expired or has been used"
    )
    assert scan(page) == []

    sign_in(page, server, "coordinator@example.org")
    page.goto(server + "/admin/")
    page.get_by_role("link", name="Listings not checked for a while").click()
    expect(page.locator("#upkeep")).to_contain_text("1 June 2024")
    assert scan(page) == []
    page.get_by_role("link", name=listed.organisation.name).click()
    expect(page.get_by_role("link", name="Bishop's Castle Larder", exact=True)).to_be_visible()
    assert scan(page) == []
    assert console_errors == []
