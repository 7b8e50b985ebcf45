"""A service's opening hours: its schedule rows read as rules, the bank holidays it closes on,
and what its page shows (open now, when it opens next, the week ahead).

Schedules are on UK clocks (directory.schedules); the periods handed to templates are aware
UK datetimes so the |time filter shows them as they are, not as if they were stored UTC.
"""

from __future__ import annotations

import calendar
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from accord.clock import UK
from directory import schedules
from directory.models import Service


class ScheduleRow(Protocol):
    """A Schedule, or a row of just its columns (search reads thousands without the ORM)."""

    freq: str
    byday: str
    opens_at: str
    closes_at: str
    bymonthday: str
    valid_from: date | None
    valid_to: date | None
    description: str


def rules(rows: Iterable[ScheduleRow]) -> list[schedules.Rule]:
    found = []
    for row in rows:
        try:
            found.append(
                schedules.parse_rule(
                    row.freq,
                    row.byday,
                    row.opens_at,
                    row.closes_at,
                    row.bymonthday or None,
                    row.valid_from.isoformat() if row.valid_from else None,
                    row.valid_to.isoformat() if row.valid_to else None,
                    row.description,
                )
            )
        except ValueError:
            continue  # an imported schedule we cannot read is shown as its description only
    return found


def rules_of(service: Service) -> list[schedules.Rule]:
    return rules(service.schedules)


@functools.lru_cache(maxsize=4)
def closures(year: int) -> frozenset[date]:
    """The bank holidays of this year and the next (a week ahead may cross New Year)."""
    return schedules.bank_holidays([year, year + 1])


Period = tuple[datetime, datetime]


@dataclass
class Day:
    name: str  # "Today", or the day of the week
    day: date
    periods: list[Period]  # aware UK datetimes


@dataclass
class Hours:
    week: list[Day]  # today and the six days after it
    lines: list[str]  # the hours in plain English
    open_now: bool | None  # None when no times could be read
    next_open: datetime | None  # aware UK: when it opens next, if closed now
    unreadable: list[str]  # what imported schedules we cannot read say


def _aware(period: schedules.Period) -> Period:
    start, end = period
    return start.replace(tzinfo=UK), end.replace(tzinfo=UK)


def of(service: Service, now: datetime) -> Hours:
    """The service's hours as its page shows them at `now` (aware, or naive UK time)."""
    found = rules_of(service)
    local = schedules.local_time(now)
    closed = closures(local.year)
    week = [
        Day(
            "Today" if day == local.date() else calendar.day_name[day.weekday()],
            day,
            [_aware(period) for period in periods],
        )
        for day, periods in schedules.week_for(found, local.date(), closed)
    ]
    open_now = schedules.is_open(found, local, closed) if found else None
    upcoming = schedules.next_opening(found, local, closed) if open_now is False else None
    return Hours(
        week=week,
        lines=schedules.describe(found),
        open_now=open_now,
        next_open=upcoming.replace(tzinfo=UK) if upcoming else None,
        unreadable=[s.description for s in service.schedules if s.description],
    )
