"""The reminder at 11 months, once, and its one-click "still correct" link: opaque, single
use, expiring, refused when tampered with; opening it changes nothing, the button does."""

from __future__ import annotations

import base64
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from accord import clock, links
from accord.clock import today_uk
from accord.extensions import db
from accord.models import AuditEvent, OutboxMessage, Role
from directory import upkeep
from directory.freshness import checks
from directory.models import Service
from tests.directory.data import organisation, service

LINK = re.compile(r"^https?://[^/\s]+(/directory/check/[^\s]+)$", re.M)


def reminders() -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.kind == "listing-reminder")
    return list(db.session.scalars(query))


def test_a_listing_is_reminded_once_at_11_months_and_never_again(app, make):
    listed = service("Food Hub", "food", "shrewsbury", assured_at=date(2025, 1, 1))
    make.user(role=Role.member, organisation=listed.organisation, email="one@example.org")
    make.user(role=Role.member, organisation=listed.organisation, email="two@example.org")
    assert upkeep.send_reminders(date(2025, 11, 30)) == 0  # a day short of 11 months
    assert upkeep.send_reminders(date(2025, 12, 1)) == 1
    db.session.commit()
    for later in (date(2025, 12, 2), date(2026, 1, 1), date(2026, 4, 1), date(2027, 1, 1)):
        assert upkeep.send_reminders(later) == 0  # not at 12 months, nor ever after
        db.session.commit()
    assert sorted(m.to for m in reminders()) == ["one@example.org", "two@example.org"]
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "service.reminded"))
    assert [(e.target_id, e.details) for e in events] == [(str(listed.id), {})]
    # Checked again: the next reminder is 11 months after that check.
    upkeep.still_correct(listed)
    db.session.commit()
    checked = listed.assured_at
    assert upkeep.send_reminders(checked + timedelta(days=300)) == 0
    assert upkeep.send_reminders(checked + timedelta(days=340)) == 1


def test_a_feed_dating_a_new_check_starts_the_wait_again(app, make):
    listed = service("Food Hub", "food", "shrewsbury", assured_at=date(2025, 1, 1))
    make.user(role=Role.member, organisation=listed.organisation, email="one@example.org")
    assert upkeep.send_reminders(date(2025, 12, 1)) == 1
    listed.assured_at = date(2026, 1, 10)  # an import's assured_date, reminded_at kept
    db.session.commit()
    assert upkeep.send_reminders(date(2026, 12, 9)) == 0
    assert upkeep.send_reminders(date(2026, 12, 10)) == 1


def test_no_one_to_tell_waits_until_someone_can_act(app, make):
    listed = service("Food Hub", "food", "shrewsbury", assured_at=date(2025, 1, 1))
    assert upkeep.recipients(listed) == []
    assert upkeep.send_reminders(date(2025, 12, 1)) == 0
    assert listed.reminded_at is None
    make.user(role=Role.member, organisation=listed.organisation, email="one@example.org")
    assert upkeep.recipients(listed) == ["one@example.org"]
    assert upkeep.send_reminders(date(2025, 12, 2)) == 1


def test_pending_and_never_checked_listings_are_not_reminded(app, make):
    service("Waiting", "food", "shrewsbury", assured_at=date(2025, 1, 1), review="pending")
    service("Unknown", "food", "shrewsbury")
    make.user(role=Role.member, organisation=organisation(), email="one@example.org")
    assert upkeep.send_reminders(date(2026, 12, 1)) == 0


@pytest.fixture
def reminded(app, make):
    """A listing reminded today (its check 11 months and a day ago), and its link's path."""
    listed = service("Food Hub", "food", "shrewsbury", assured_at=date(2025, 1, 1))
    make.user(role=Role.member, organisation=listed.organisation, email="one@example.org")
    assert upkeep.send_reminders(date(2025, 12, 2)) == 1
    db.session.commit()
    [message] = reminders()
    [path] = LINK.findall(message.body)
    return listed, path


def state(listed: Service) -> tuple:
    db.session.expire_all()
    assured = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "service.assured"))
    return listed.assured_at, listed.reminded_at, len(list(assured))


def test_the_email_links_to_check_and_to_edit(app, reminded):
    listed, path = reminded
    [message] = reminders()
    assert message.subject == "Please check your listing “Food Hub”"
    assert "last checked on 1 January 2025" in message.body
    assert "not checked for 15 months" in message.body
    assert re.search(rf"^https?://[^/\s]+/directory/services/{listed.id}/edit$", message.body, re.M)
    # Opaque: the token says nothing of the listing (no id, no JSON once decoded).
    token = path.rsplit("/", 1)[1]
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    assert b'"s"' not in raw and b'"f"' not in raw and b"Food" not in raw


def test_opening_the_link_changes_nothing_and_the_button_marks_it_checked(client, reminded):
    listed, path = reminded
    before = state(listed)
    for _ in range(2):  # a link scanner, then the provider
        page = client.get_page(path)
        assert state(listed) == before
    assert page.h1.get_text(strip=True) == "Is Food Hub still correct?"
    assert page.find("a", href=f"/directory/services/{listed.id}/edit")
    response = client.submit(path, {})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_data(as_text=True)
    assert "govuk-panel" in body and "Listing checked" in body
    assured, reminded_at, events = state(listed)
    assert (assured, reminded_at, events) == (today_uk(), None, 1)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "service.assured"))
    assert event.target_id == str(listed.id) and event.actor_id is None
    assert event.details == {"via": "emailed_link"}


def test_the_link_works_once(client, reminded):
    listed, path = reminded
    client.get_page(path)
    client.submit(path, {})
    after = state(listed)
    page = client.get_page(path, status=404)
    assert "expired or has been used" in page.h1.get_text()
    assert client.post(path, data={}).status_code in (400, 404)
    assert state(listed) == after


def test_saving_the_listing_retires_the_link(client, reminded):
    listed, path = reminded
    upkeep.still_correct(listed)  # from the provider's own listings page
    db.session.commit()
    client.get_page(path, status=404)


def test_the_link_expires_after_60_days(client, reminded, monkeypatch):
    listed, path = reminded
    sent = clock.system_time()
    monkeypatch.setattr(clock, "system_time", lambda: sent + timedelta(days=59))
    client.get_page(path)
    monkeypatch.setattr(clock, "system_time", lambda: sent + timedelta(days=60, seconds=5))
    client.get_page(path, status=404)
    assert client.post(path, data={}).status_code in (400, 404)
    assert state(listed)[2] == 0


def test_a_tampered_or_borrowed_token_is_refused(app, client, reminded):
    listed, path = reminded
    token = path.rsplit("/", 1)[1]
    with app.test_request_context():
        data = {"s": listed.id, "f": checks._fingerprint(listed)}
        forged = [
            token[:-5] + ("A" if token[-5] != "A" else "B") + token[-4:],  # one letter changed
            token[:40],  # cut short
            links.sign(checks.CHECK_PURPOSE, data),  # signed, not sealed
            links.sign_opaque("another-purpose", data),  # sealed for another link
            links.sign_opaque(checks.CHECK_PURPOSE, {"s": listed.id, "f": "0" * 16}),
            links.sign_opaque(checks.CHECK_PURPOSE, {"s": True, "f": data["f"]}),
            links.sign_opaque(checks.CHECK_PURPOSE, [listed.id]),
            "%00",
        ]
    for bad in forged:
        client.get_page(f"/directory/check/{bad}", status=404)
    assert state(listed)[2] == 0
    # Made now for the same state, a link works: the fingerprint is what was checked.
    with app.test_request_context():
        fresh = checks.check_token(listed)
    client.get_page(f"/directory/check/{fresh}")


def test_the_remind_command_says_how_many_once_however_often_it_runs(app, make, monkeypatch):
    monkeypatch.setattr(clock, "system_time", lambda: datetime(2025, 12, 5, 9, tzinfo=UTC))
    old = service("Food Hub", "food", "shrewsbury", assured_at=date(2025, 1, 1))
    service("Fresh Hub", "food", "ludlow", assured_at=date(2025, 11, 1))
    make.user(role=Role.member, organisation=old.organisation, email="provider@example.org")
    for expected in ("reminded: 1", "reminded: 0"):
        result = app.test_cli_runner().invoke(args=["directory", "remind"])
        assert result.exit_code == 0, result.output
        assert expected in result.output
    [message] = reminders()
    assert LINK.search(message.body)
