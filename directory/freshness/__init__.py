"""Keeping listings current: how old a listing's last check may get, the emailed "still
correct" link (links.py), its pages and the coordinator's dashboard of the oldest listings
(views.py, dashboard.py). The reminders themselves are sent by upkeep.send_reminders.

A listing is checked when its provider saves it or says it is still correct (assured_at).
REMIND_MONTHS after that check its provider is emailed, once; STALE_MONTHS after it, the
listing shows "May be out of date" and drops below current ones in search (candidates.py).
Months are calendar months, so "15 months" means the same day of the month 15 months ago.
"""

from __future__ import annotations

from datetime import date

from accord.clock import today_uk

REMIND_MONTHS = 11
STALE_MONTHS = 15


def months_before(day: date, months: int) -> date:
    """The same day of the month `months` earlier (the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    for last in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


def stale_before(today: date | None = None) -> date:
    """A listing last checked before this day (or never) may be out of date."""
    return months_before(today or today_uk(), STALE_MONTHS)


def remind_by(today: date | None = None) -> date:
    """A listing last checked on or before this day is due its reminder."""
    return months_before(today or today_uk(), REMIND_MONTHS)


def is_stale(assured_at: date | None, today: date | None = None) -> bool:
    return assured_at is None or assured_at < stale_before(today)
