"""The one clock: Shropshire's time whatever the server's, written the GOV.UK way."""

from datetime import UTC, date, datetime

import pytest

from accord import clock

JULY_EVENING_UTC = datetime(2026, 7, 15, 17, 30, tzinfo=UTC)


@pytest.fixture
def july_evening(monkeypatch):
    monkeypatch.setattr(clock, "system_time", lambda: JULY_EVENING_UTC)


def test_now_is_on_uk_clocks_in_summer(july_evening):
    assert clock.now_uk().hour == 18  # BST: 17:30 UTC is 18:30 in Shrewsbury
    assert clock.utcnow() == datetime(2026, 7, 15, 17, 30)  # stored naive UTC
    assert clock.today_uk() == date(2026, 7, 15)


def test_today_changes_at_uk_midnight_not_utc(monkeypatch):
    monkeypatch.setattr(clock, "system_time", lambda: datetime(2026, 6, 30, 23, 30, tzinfo=UTC))
    assert clock.today_uk() == date(2026, 7, 1)


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        (datetime(2026, 12, 3, 15, 5), "3 December 2026 at 3:05pm"),
        (datetime(2026, 7, 3, 8, 0), "3 July 2026 at 9am"),  # BST
        (datetime(2026, 7, 3, 11, 0), "3 July 2026 at midday"),
        (datetime(2026, 1, 9, 0, 0), "9 January 2026 at midnight"),
        (datetime(2026, 7, 3, 23, 30), "4 July 2026 at 12:30am"),  # the UK date, not UTC's
    ],
)
def test_stored_times_are_written_the_govuk_way(stored, shown):
    assert clock.datetime_text(stored) == shown


def test_dates_are_written_in_full_or_short():
    assert clock.date_text(date(2026, 12, 3)) == "3 December 2026"
    assert clock.short_date(date(2026, 9, 30)) == "30 Sep 2026"
    assert clock.date_text(None) == clock.time_text(None) == ""


def test_templates_have_the_filters(app):
    rendered = app.jinja_env.from_string(
        "{{ d|date }} · {{ t|time }} · {{ t|datetime }} · {{ d|short_date }}"
    ).render(d=date(2026, 12, 3), t=datetime(2026, 12, 3, 15, 5))
    assert rendered == "3 December 2026 · 3:05pm · 3 December 2026 at 3:05pm · 3 Dec 2026"
