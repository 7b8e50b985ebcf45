"""One clock for the whole app: Shropshire's (Europe/London, GMT or BST).

A real server keeps UTC, so `datetime.now()` or `date.today()` read there is an hour wrong all
summer ("open now" at 17:30 UTC is 18:30 in Shrewsbury). Nothing else in the app reads the
system clock: times are stored as naive UTC (`utcnow`), shown and reasoned about on UK clocks
(`now_uk`, `today_uk`, `to_uk`) and written the GOV.UK way ("3 December 2026", "3:05pm").
Tests set the time by replacing `system_time`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def system_time() -> datetime:
    """The moment now, timezone-aware UTC: the only read of the machine's clock."""
    return datetime.now(UTC)


def utcnow() -> datetime:
    """Now as stored in the database: naive UTC."""
    return system_time().replace(tzinfo=None)


def now_uk() -> datetime:
    """Now on Shropshire's clocks (aware, GMT or BST)."""
    return system_time().astimezone(UK)


def today_uk() -> date:
    return now_uk().date()


def to_uk(moment: datetime) -> datetime:
    """A stored time (naive UTC) or any aware time → the same moment on UK clocks."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UK)


def _day(value: date | datetime) -> date:
    return to_uk(value).date() if isinstance(value, datetime) else value


def date_text(value: date | datetime | None) -> str:
    """ "3 December 2026" (GOV.UK style: no leading zero, the month in full)."""
    if value is None:
        return ""
    day = _day(value)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def short_date(value: date | datetime | None) -> str:
    """ "3 Dec 2026", for tables where space is short."""
    if value is None:
        return ""
    day = _day(value)
    return f"{day.day} {MONTHS[day.month - 1][:3]} {day.year}"


def time_text(value: datetime | None) -> str:
    """ "3:05pm", "9am", "midday", "midnight" (GOV.UK style); a stored time shown on UK clocks."""
    if value is None:
        return ""
    moment = to_uk(value)
    if (moment.hour, moment.minute) == (12, 0):
        return "midday"
    if (moment.hour, moment.minute) == (0, 0):
        return "midnight"
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{hour}{suffix}" if moment.minute == 0 else f"{hour}:{moment.minute:02d}{suffix}"


def datetime_text(value: datetime | None) -> str:
    """ "3 December 2026 at 3:05pm"."""
    if value is None:
        return ""
    return f"{date_text(value)} at {time_text(value)}"
