"""Opening times from Open Referral UK schedules: open now, open on a day, plain-English hours.

Plain functions over plain values (no Flask, no database). A schedule says "9am to 5pm" on
the clock on the wall, whatever the UTC offset that day, so every period here is naive UK
local time; a moment asked about may be naive UK time too, or aware (the clock's `now_uk()`),
and is then read on UK clocks.
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import holidays

from accord.clock import UK, date_text

DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
FREQS = ("WEEKLY", "MONTHLY")

_DAY_NAMES = dict(zip(DAYS, calendar.day_name, strict=True))
_BYDAY = re.compile(r"([+-]?\d+)?(MO|TU|WE|TH|FR|SA|SU)")
# ORUK asks for a UTC offset on times, but UK feeds mean the local clock whatever they append.
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?")
_MIDNIGHT = time(0)
_DAY = timedelta(days=1)

Period = tuple[datetime, datetime]


@dataclass(frozen=True)
class Rule:
    """One ORUK schedule row. A rule with no days (no byday/bymonthday) never opens."""

    freq: str = "WEEKLY"
    byday: tuple[str, ...] = ()
    opens_at: time | None = None
    closes_at: time | None = None
    bymonthday: tuple[int, ...] = ()
    valid_from: date | None = None
    valid_to: date | None = None
    description: str = ""

    def __post_init__(self) -> None:
        # Validating here means every Rule the rest of the module sees is well formed.
        if self.freq not in FREQS:
            raise ValueError(f"freq must be WEEKLY or MONTHLY, not {self.freq!r}")
        for token in self.byday:
            ordinal, _ = _split_byday(token)
            if ordinal and self.freq != "MONTHLY":
                raise ValueError(f"byday {token!r} has an ordinal, which needs freq MONTHLY")
        for n in self.bymonthday:
            if self.freq != "MONTHLY":
                raise ValueError("bymonthday needs freq MONTHLY")
            if not (isinstance(n, int) and 1 <= abs(n) <= 31):
                raise ValueError(f"bymonthday must be 1 to 31 or -31 to -1, not {n!r}")
        if (self.opens_at is None) != (self.closes_at is None):
            raise ValueError("give both opens_at and closes_at, or neither for all day")
        for t in (self.opens_at, self.closes_at):
            if t is not None and t.tzinfo is not None:
                raise ValueError("opens_at and closes_at must be naive local times")
        if self.valid_from and self.valid_to and self.valid_from > self.valid_to:
            raise ValueError(f"valid_from {self.valid_from} is after valid_to {self.valid_to}")


def _split_byday(token: str) -> tuple[int, str]:
    """("-1FR" -> (-1, "FR"); "MO" -> (0, "MO")), rejecting anything else."""
    match = _BYDAY.fullmatch(token) if isinstance(token, str) else None
    if not match:
        raise ValueError(f"byday {token!r} is not a day such as MO, 1MO or -1FR")
    ordinal = int(match[1] or 0)
    if match[1] and not 1 <= abs(ordinal) <= 5:
        raise ValueError(f"byday {token!r}: a month has at most five of each weekday")
    return ordinal, match[2]


def _parse_time(value: str | time | None, field: str) -> time | None:
    if value is None or isinstance(value, time):
        return value
    text = value.strip()
    if not text:
        return None
    match = _TIME.fullmatch(text)
    if not match:
        raise ValueError(f"{field} {value!r} is not a time such as 09:00 or 17:30:00")
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if (hour, minute, second) == (24, 0, 0):
        return _MIDNIGHT  # "24:00" is the end of the day; closes_at <= opens_at handles it.
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError(f"{field} {value!r} is not a valid time of day")
    return time(hour, minute, second)


def _parse_date(value: str | date | None, field: str) -> date | None:
    if value is None or isinstance(value, date):
        return value.date() if isinstance(value, datetime) else value
    text = value.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        raise ValueError(f"{field} {value!r} is not a date such as 2026-04-01") from None


def _parse_monthdays(value: str | int | None) -> tuple[int, ...]:
    if value is None or isinstance(value, int):
        return () if value is None else (value,)
    parts = [p.strip() for p in value.split(",") if p.strip()]
    if not all(re.fullmatch(r"[+-]?\d+", p) for p in parts):
        raise ValueError(f"bymonthday {value!r} is not a list of days such as 1,15 or -1")
    return tuple(int(p) for p in parts)


def _canonical_byday(token: str) -> str:
    ordinal, weekday = _split_byday(token.strip().upper())
    return f"{ordinal}{weekday}" if ordinal else weekday


# A pure function of its strings, and the same few schedules recur across a county's services:
# search tests the hours of hundreds of services a request.
@functools.lru_cache(maxsize=4096)
def parse_rule(
    freq: str | None,
    byday: str | None,
    opens_at: str | None,
    closes_at: str | None,
    bymonthday: str | int | None = None,
    valid_from: str | None = None,
    valid_to: str | None = None,
    description: str = "",
) -> Rule:
    """A Rule from ORUK strings; ValueError (saying which field and why) for anything else."""
    days = tuple(_canonical_byday(t) for t in (byday or "").split(",") if t.strip())
    monthdays = _parse_monthdays(bymonthday)
    freq = (freq or "").strip().upper()
    if not freq:
        # An ordinal or a date in the month only makes sense monthly, so missing freq is clear.
        monthly = monthdays or any(_split_byday(t)[0] for t in days)
        freq = "MONTHLY" if monthly else "WEEKLY"
    return Rule(
        freq=freq,
        byday=days,
        opens_at=_parse_time(opens_at, "opens_at"),
        closes_at=_parse_time(closes_at, "closes_at"),
        bymonthday=monthdays,
        valid_from=_parse_date(valid_from, "valid_from"),
        valid_to=_parse_date(valid_to, "valid_to"),
        description=(description or "").strip(),
    )


def _matches_byday(token: str, day: date) -> bool:
    ordinal, weekday = _split_byday(token)
    if DAYS[day.weekday()] != weekday:
        return False
    if ordinal > 0:
        return (day.day - 1) // 7 + 1 == ordinal
    if ordinal < 0:
        month_length = calendar.monthrange(day.year, day.month)[1]
        return (month_length - day.day) // 7 + 1 == -ordinal
    return True


def _matches_monthday(n: int, day: date) -> bool:
    month_length = calendar.monthrange(day.year, day.month)[1]
    return day.day == (n if n > 0 else month_length + 1 + n)


def _applies(rule: Rule, day: date) -> bool:
    if rule.valid_from and day < rule.valid_from or rule.valid_to and day > rule.valid_to:
        return False
    if not rule.byday and not rule.bymonthday:
        return False
    # RFC 5545: byday and bymonthday together narrow each other (e.g. Friday the 13th).
    return (not rule.byday or any(_matches_byday(t, day) for t in rule.byday)) and (
        not rule.bymonthday or any(_matches_monthday(n, day) for n in rule.bymonthday)
    )


def _span(rule: Rule, day: date) -> Period:
    opens = rule.opens_at or _MIDNIGHT
    closes = rule.closes_at or _MIDNIGHT
    start, end = datetime.combine(day, opens), datetime.combine(day, closes)
    return start, end if end > start else end + _DAY


def periods_on(rules: Sequence[Rule], day: date, closures: Collection[date] = ()) -> list[Period]:
    """Periods starting on `day`, sorted and merged; none on a closure day."""
    if isinstance(day, datetime):
        day = day.date()
    if day in closures:
        return []
    merged: list[Period] = []
    for start, end in sorted(_span(r, day) for r in rules if _applies(r, day)):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def local_time(at: datetime) -> datetime:
    """`at` on UK clocks, naive like the periods: an aware moment (17:30 UTC in July) is
    converted (18:30); a naive one is taken to be UK time already."""
    if at.tzinfo is None:
        return at
    return at.astimezone(UK).replace(tzinfo=None)


def is_open(rules: Sequence[Rule], at: datetime, closures: Collection[date] = ()) -> bool:
    """Open at `at`: inside [opens, closes) of a period from that day or the night before."""
    at = local_time(at)
    # A period lasts at most a day, so only yesterday's can still be running.
    return any(
        start <= at < end
        for day in (at.date() - _DAY, at.date())
        for start, end in periods_on(rules, day, closures)
    )


def open_on(rules: Sequence[Rule], day: date, closures: Collection[date] = ()) -> bool:
    """Opens at some point on `day` (the tail of last night's overnight session doesn't count)."""
    return bool(periods_on(rules, day, closures))


def next_opening(
    rules: Sequence[Rule],
    after: datetime,
    closures: Collection[date] = (),
    horizon_days: int = 62,
) -> datetime | None:
    """The first moment at or after `after` when open (`after` itself if open now), or None."""
    after = local_time(after)
    for offset in range(-1, horizon_days + 1):
        for start, end in periods_on(rules, after.date() + timedelta(days=offset), closures):
            # Merged periods are sorted and disjoint, so the first still running wins.
            if end > after:
                return max(start, after)
    return None


def week_for(
    rules: Sequence[Rule], today: date, closures: Collection[date] = ()
) -> list[tuple[date, list[Period]]]:
    """Today and the six days after it, each with the periods starting that day."""
    days = (today + timedelta(days=i) for i in range(7))
    return [(day, periods_on(rules, day, closures)) for day in days]


def bank_holidays(years: Iterable[int]) -> frozenset[date]:
    """England and Wales bank holidays (including substitute days) in the given years."""
    return frozenset(holidays.UK(subdiv="ENG", years=list(years)))


# Plain English ---------------------------------------------------------------------------


def _clock(t: time) -> str:
    if t.hour == 12 and t.minute == 0:
        return "12 noon"
    if t.hour == 0 and t.minute == 0:
        return "12 midnight"
    hour = t.hour % 12 or 12
    suffix = "am" if t.hour < 12 else "pm"
    return f"{hour}{suffix}" if t.minute == 0 else f"{hour}:{t.minute:02d}{suffix}"


def _hours(opens: time | None, closes: time | None) -> str:
    opens, closes = opens or _MIDNIGHT, closes or _MIDNIGHT
    if opens == closes == _MIDNIGHT:
        return "all day"
    text = f"{_clock(opens)} to {_clock(closes)}"
    # Closing at midnight is still "that night" to a reader, so no "(next day)" for it.
    return text + " (next day)" if closes <= opens and closes != _MIDNIGHT else text


def _join(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _ordinal(n: int) -> str:
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


_WORDS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth"}


def _weekdays(days: Sequence[str]) -> str:
    """MO..SU order; three or more days in a row read as "Monday to Friday"."""
    if len(days) == 7:
        return "Every day"
    indexes = sorted(DAYS.index(d) for d in days)
    runs: list[list[int]] = []
    for i in indexes:
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    parts: list[str] = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{calendar.day_name[run[0]]} to {calendar.day_name[run[-1]]}")
        else:
            parts.extend(f"{calendar.day_name[i]}s" for i in run)
    return _join(parts)


def _monthly_days(rule: Rule) -> str:
    by_weekday: dict[str, list[int]] = {}
    for token in rule.byday:
        ordinal, weekday = _split_byday(token)
        by_weekday.setdefault(weekday, []).append(ordinal)
    phrases = []
    for weekday, ordinals in by_weekday.items():
        name = _DAY_NAMES[weekday]
        if 0 in ordinals:
            phrases.append(f"every {name}")
            continue
        words = [
            _WORDS[n] if n > 0 else ("last" if n == -1 else f"{_WORDS[-n]} to last")
            for n in sorted(set(ordinals), key=lambda n: (n < 0, abs(n)))
        ]
        phrases.append(f"{_join(words)} {name}")
    dates = [
        _ordinal(n) if n > 0 else ("last day" if n == -1 else f"{_ordinal(-n)} to last day")
        for n in sorted(set(rule.bymonthday), key=lambda n: (n < 0, abs(n)))
    ]
    if phrases and dates:
        text = f"{_join(phrases)} of the month, when it is the {_join(dates)}"
    elif phrases:
        text = f"{_join(phrases)} of the month"
    else:
        text = f"{_join(dates)} of every month"
    return text[0].upper() + text[1:]


def _validity(rule: Rule) -> str:
    if rule.valid_from and rule.valid_to:
        return f" ({date_text(rule.valid_from)} to {date_text(rule.valid_to)})"
    if rule.valid_from:
        return f" (from {date_text(rule.valid_from)})"
    if rule.valid_to:
        return f" (until {date_text(rule.valid_to)})"
    return ""


def describe(rules: Sequence[Rule]) -> list[str]:
    """Plain-English lines: weekly hours grouped by identical hours (Monday first), then monthly.

    A rule with no days at all contributes its free-text description, if any.
    """
    lines: list[str] = []
    # Days with exactly the same set of hours share a line, so a lunch break stays on one line.
    weekly: dict[tuple[date | None, date | None], dict[str, set]] = {}
    for rule in rules:
        if rule.freq == "WEEKLY" and rule.byday:
            hours = weekly.setdefault((rule.valid_from, rule.valid_to), {})
            for weekday in rule.byday:
                hours.setdefault(weekday, set()).add(
                    (rule.opens_at or _MIDNIGHT, rule.closes_at or _MIDNIGHT)
                )
    for (valid_from, valid_to), hours in weekly.items():
        groups: dict[tuple, list[str]] = {}
        for weekday in DAYS:
            if weekday in hours:
                groups.setdefault(tuple(sorted(hours[weekday])), []).append(weekday)
        suffix = _validity(Rule(valid_from=valid_from, valid_to=valid_to))
        for spans, days in groups.items():
            times = _join([_hours(o, c) for o, c in spans])
            lines.append(f"{_weekdays(days)}, {times}{suffix}")
    for rule in rules:
        if rule.freq == "MONTHLY" and (rule.byday or rule.bymonthday):
            hours_text = _hours(rule.opens_at, rule.closes_at)
            lines.append(f"{_monthly_days(rule)}, {hours_text}{_validity(rule)}")
        elif not rule.byday and not rule.bymonthday and rule.description:
            lines.append(rule.description)
    return lines
