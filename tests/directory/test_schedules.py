"""Opening-time rules: examples for each feature, then properties checked with hypothesis."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest
from dateutil import rrule
from hypothesis import given, settings
from hypothesis import strategies as st

from directory.schedules import (
    DAYS,
    Rule,
    bank_holidays,
    describe,
    is_open,
    next_opening,
    open_on,
    parse_rule,
    periods_on,
    week_for,
)


def dt(text: str) -> datetime:
    return datetime.fromisoformat(text)


def weekly(days: str, opens: str | None = "09:00", closes: str | None = "17:00", **kw) -> Rule:
    return parse_rule("WEEKLY", days, opens, closes, **kw)


def monthly(byday: str | None, opens="10:00", closes="12:00", bymonthday=None) -> Rule:
    return parse_rule("MONTHLY", byday, opens, closes, bymonthday=bymonthday)


# 2026: Monday 5 January, Friday 9 January, Easter Monday 6 April, Christmas Day Friday 25 Dec.
MON, TUE, FRI, SAT, SUN = (date(2026, 1, d) for d in (5, 6, 9, 10, 11))


# Weekly ------------------------------------------------------------------------------------


def test_weekly_rule_opens_on_its_days_only():
    rules = [weekly("MO,WE")]
    assert periods_on(rules, MON) == [(dt("2026-01-05 09:00"), dt("2026-01-05 17:00"))]
    assert periods_on(rules, TUE) == []
    assert open_on(rules, date(2026, 1, 7))
    assert not open_on(rules, TUE)


def test_is_open_is_half_open_at_the_edges():
    rules = [weekly("MO")]
    assert not is_open(rules, dt("2026-01-05 08:59:59"))
    assert is_open(rules, dt("2026-01-05 09:00"))
    assert is_open(rules, dt("2026-01-05 16:59:59"))
    assert not is_open(rules, dt("2026-01-05 17:00"))


def test_lunch_break_gives_two_periods():
    rules = [weekly("MO,TU,WE,TH,FR", "09:00", "12:30"), weekly("MO,TU,WE,TH,FR", "13:30", "17:00")]
    assert periods_on(rules, MON) == [
        (dt("2026-01-05 09:00"), dt("2026-01-05 12:30")),
        (dt("2026-01-05 13:30"), dt("2026-01-05 17:00")),
    ]
    assert is_open(rules, dt("2026-01-05 12:00"))
    assert not is_open(rules, dt("2026-01-05 13:00"))
    assert is_open(rules, dt("2026-01-05 14:00"))


def test_touching_and_overlapping_periods_merge():
    rules = [
        weekly("MO", "09:00", "12:00"),
        weekly("MO", "12:00", "15:00"),
        weekly("MO", "14:00", "17:00"),
    ]
    assert periods_on(rules, MON) == [(dt("2026-01-05 09:00"), dt("2026-01-05 17:00"))]


def test_no_hours_means_all_day():
    rules = [weekly("SA", None, None)]
    assert periods_on(rules, SAT) == [(dt("2026-01-10 00:00"), dt("2026-01-11 00:00"))]
    assert is_open(rules, dt("2026-01-10 23:59:59"))
    assert not is_open(rules, dt("2026-01-11 00:00"))


def test_rule_without_days_never_opens():
    rules = [parse_rule(None, None, None, None, description="By appointment only")]
    assert week_for(rules, MON) == [(MON + timedelta(days=i), []) for i in range(7)]
    assert next_opening(rules, dt("2026-01-05 09:00")) is None


# Overnight ---------------------------------------------------------------------------------


def test_overnight_period_runs_into_the_next_day():
    rules = [weekly("FR", "20:00", "02:00")]
    assert periods_on(rules, FRI) == [(dt("2026-01-09 20:00"), dt("2026-01-10 02:00"))]
    assert is_open(rules, dt("2026-01-09 23:00"))
    assert is_open(rules, dt("2026-01-10 01:59"))
    assert not is_open(rules, dt("2026-01-10 02:00"))
    assert not is_open(rules, dt("2026-01-09 19:59"))
    # Saturday's list only has what starts on Saturday.
    assert periods_on(rules, SAT) == []
    assert not open_on(rules, SAT)


def test_overnight_from_sunday_into_monday():
    rules = [weekly("SU", "22:00", "06:00")]
    assert is_open(rules, dt("2026-01-11 22:00"))
    assert is_open(rules, dt("2026-01-12 05:59"))
    assert not is_open(rules, dt("2026-01-12 06:00"))
    assert not is_open(rules, dt("2026-01-11 21:59"))


def test_closing_at_midnight_ends_the_same_night():
    rules = [weekly("FR", "18:00", "24:00")]
    assert periods_on(rules, FRI) == [(dt("2026-01-09 18:00"), dt("2026-01-10 00:00"))]
    assert not is_open(rules, dt("2026-01-10 00:00"))


# Monthly -----------------------------------------------------------------------------------


def test_first_monday_of_the_month():
    rules = [monthly("1MO")]
    assert open_on(rules, date(2026, 1, 5))
    assert open_on(rules, date(2026, 2, 2))
    assert not open_on(rules, date(2026, 1, 12))
    assert not open_on(rules, date(2026, 1, 6))


def test_last_friday_of_the_month():
    rules = [monthly("-1FR")]
    assert open_on(rules, date(2026, 1, 30))
    assert not open_on(rules, date(2026, 1, 23))
    assert open_on(rules, date(2026, 2, 27))


def test_second_tuesday_and_fifth_weekday_only_when_it_exists():
    assert open_on([monthly("2TU")], date(2026, 1, 13))
    rules = [monthly("5FR")]
    assert open_on(rules, date(2026, 1, 30))
    assert not any(open_on(rules, date(2026, 2, d)) for d in range(1, 29))


def test_fifteenth_and_last_day_of_the_month():
    rules = [monthly(None, "09:30", "13:00", bymonthday="15")]
    assert periods_on(rules, date(2026, 3, 15)) == [
        (dt("2026-03-15 09:30"), dt("2026-03-15 13:00"))
    ]
    assert not open_on(rules, date(2026, 3, 16))
    last = [monthly(None, bymonthday="-1")]
    assert open_on(last, date(2026, 2, 28))
    assert open_on(last, date(2028, 2, 29))
    assert not open_on(last, date(2028, 2, 28))


def test_byday_and_bymonthday_narrow_each_other():
    rules = [monthly("FR", bymonthday=13)]  # Friday the 13th, as in RFC 5545
    assert open_on(rules, date(2026, 2, 13))
    assert not open_on(rules, date(2026, 2, 6))
    assert not open_on(rules, date(2026, 1, 13))


# Validity and closures ---------------------------------------------------------------------


def test_valid_from_and_valid_to_are_inclusive():
    rules = [weekly("MO", valid_from="2026-01-12", valid_to="2026-01-26")]
    assert not open_on(rules, date(2026, 1, 5))
    assert open_on(rules, date(2026, 1, 12))
    assert open_on(rules, date(2026, 1, 26))
    assert not open_on(rules, date(2026, 2, 2))


def test_bank_holidays_include_christmas_and_easter_monday_2026():
    closed = bank_holidays([2026])
    assert date(2026, 12, 25) in closed
    assert date(2026, 4, 6) in closed
    assert date(2026, 12, 28) in closed  # Boxing Day falls on a Saturday: Monday substitute
    assert date(2026, 4, 7) not in closed


def test_bank_holiday_closes_the_service():
    closed = bank_holidays([2026])
    rules = [weekly("MO,TU,WE,TH,FR")]
    assert not open_on(rules, date(2026, 12, 25), closed)
    assert not is_open(rules, dt("2026-12-25 10:00"), closed)
    assert not open_on(rules, date(2026, 4, 6), closed)
    assert open_on(rules, date(2026, 4, 7), closed)
    assert open_on(rules, date(2026, 12, 25))  # without closures it would be open


def test_overnight_session_from_the_day_before_a_closure_still_runs():
    rules = [weekly("TH", "20:00", "02:00")]
    closed = {date(2026, 12, 25)}
    assert is_open(rules, dt("2026-12-25 01:00"), closed)
    assert not is_open(rules, dt("2026-12-25 01:00"), {date(2026, 12, 24)})


# next_opening and week_for -----------------------------------------------------------------


def test_next_opening_skips_the_weekend_and_bank_holidays():
    rules = [weekly("MO,TU,WE,TH,FR")]
    assert next_opening(rules, dt("2026-01-09 17:00")) == dt("2026-01-12 09:00")
    assert next_opening(rules, dt("2026-01-05 07:15")) == dt("2026-01-05 09:00")
    closed = bank_holidays([2026])
    assert next_opening(rules, dt("2026-04-02 18:00"), closed) == dt("2026-04-07 09:00")


def test_next_opening_is_now_when_open():
    rules = [weekly("FR", "20:00", "02:00")]
    assert next_opening(rules, dt("2026-01-10 01:00")) == dt("2026-01-10 01:00")


def test_next_opening_gives_up_after_the_horizon():
    rules = [monthly("1MO")]
    assert next_opening(rules, dt("2026-01-06 00:00"), horizon_days=10) is None
    assert next_opening(rules, dt("2026-01-06 00:00")) == dt("2026-02-02 10:00")
    assert next_opening([], dt("2026-01-06 00:00")) is None


def test_week_for_starts_today():
    rules = [weekly("MO,WE"), weekly("SA", "10:00", "12:00")]
    week = week_for(rules, date(2026, 1, 7))
    assert [day for day, _ in week] == [date(2026, 1, 7) + timedelta(days=i) for i in range(7)]
    assert week[0][1] == [(dt("2026-01-07 09:00"), dt("2026-01-07 17:00"))]
    assert week[3] == (SAT, [(dt("2026-01-10 10:00"), dt("2026-01-10 12:00"))])
    assert week[5][1] == [(dt("2026-01-12 09:00"), dt("2026-01-12 17:00"))]
    assert week[1][1] == week[2][1] == week[4][1] == week[6][1] == []


def test_aware_datetimes_are_read_on_uk_clocks():
    # A server keeps UTC: 16:30 UTC in July is 17:30 in Shrewsbury (open until 18:00),
    # 17:30 UTC is 18:30 (closed); in January the two clocks agree.
    rules = [weekly("WE", "09:00", "18:00")]
    assert is_open(rules, datetime(2026, 7, 15, 16, 30, tzinfo=UTC))
    assert not is_open(rules, datetime(2026, 7, 15, 17, 30, tzinfo=UTC))
    assert is_open(rules, datetime(2026, 1, 14, 17, 30, tzinfo=UTC))
    assert next_opening(rules, datetime(2026, 7, 15, 7, 30, tzinfo=UTC)) == dt("2026-07-15 09:00")


# describe ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        ([weekly("MO,WE")], ["Mondays and Wednesdays, 9am to 5pm"]),
        ([weekly("WE"), weekly("MO")], ["Mondays and Wednesdays, 9am to 5pm"]),
        ([monthly("1MO", "10:00", "12:00")], ["First Monday of the month, 10am to 12 noon"]),
        ([weekly("FR", "20:00", "02:00")], ["Fridays, 8pm to 2am (next day)"]),
        (
            [monthly(None, "09:30", "13:00", bymonthday="15")],
            ["15th of every month, 9:30am to 1pm"],
        ),
        ([monthly("-1FR", "12:00", "14:15")], ["Last Friday of the month, 12 noon to 2:15pm"]),
        ([monthly("1TU,3TU")], ["First and third Tuesday of the month, 10am to 12 noon"]),
        ([weekly("MO,TU,WE,TH,FR")], ["Monday to Friday, 9am to 5pm"]),
        ([weekly(",".join(DAYS), "08:00", "20:00")], ["Every day, 8am to 8pm"]),
        ([weekly("SA,SU", None, None)], ["Saturdays and Sundays, all day"]),
        ([weekly("TH", "18:00", "00:00")], ["Thursdays, 6pm to 12 midnight"]),
        ([weekly("SU", "00:00", "06:00")], ["Sundays, 12 midnight to 6am"]),
        (
            [
                weekly("MO,TU,WE,TH,FR", "09:00", "12:30"),
                weekly("MO,TU,WE,TH,FR", "13:30", "17:00"),
            ],
            ["Monday to Friday, 9am to 12:30pm and 1:30pm to 5pm"],
        ),
        (
            [weekly("MO,TU,WE,FR"), weekly("TH", "13:00", "19:00"), weekly("SA", "10:00", "13:00")],
            [
                "Monday to Wednesday and Fridays, 9am to 5pm",
                "Thursdays, 1pm to 7pm",
                "Saturdays, 10am to 1pm",
            ],
        ),
        (
            [monthly(None, bymonthday="1,-1")],
            ["1st and last day of every month, 10am to 12 noon"],
        ),
        (
            [weekly("TU", valid_from="2026-04-01", valid_to="2026-09-30")],
            ["Tuesdays, 9am to 5pm (1 April 2026 to 30 September 2026)"],
        ),
        ([monthly("MO")], ["Every Monday of the month, 10am to 12 noon"]),
        ([monthly("-2WE")], ["Second to last Wednesday of the month, 10am to 12 noon"]),
        (
            [monthly("FR", bymonthday="13")],
            ["Every Friday of the month, when it is the 13th, 10am to 12 noon"],
        ),
        ([weekly("MO", valid_from="2026-04-01")], ["Mondays, 9am to 5pm (from 1 April 2026)"]),
        ([weekly("MO", "09:00", "09:00")], ["Mondays, 9am to 9am (next day)"]),
        ([parse_rule(None, "", "", "", description="By appointment")], ["By appointment"]),
        ([], []),
    ],
)
def test_describe(rules, expected):
    assert describe(rules) == expected


# parse_rule --------------------------------------------------------------------------------


def test_parse_rule_reads_oruk_strings():
    rule = parse_rule("weekly", "mo, TU", "09:00:00", "17:30", valid_from="2026-01-01")
    assert rule == Rule("WEEKLY", ("MO", "TU"), time(9), time(17, 30), valid_from=date(2026, 1, 1))
    assert parse_rule("MONTHLY", "+1MO,-1FR", "9:00", "24:00").byday == ("1MO", "-1FR")
    assert parse_rule("MONTHLY", None, "10:00", "12:00", bymonthday=15).bymonthday == (15,)
    assert parse_rule("MONTHLY", "", None, None, bymonthday="2, 3,-5").bymonthday == (2, 3, -5)
    assert parse_rule("WEEKLY", "MO", "09:00Z", "17:00+01:00").opens_at == time(9)
    assert parse_rule("WEEKLY", "MO", "", "").opens_at is None
    assert parse_rule(None, "1MO", None, None).freq == "MONTHLY"
    assert parse_rule(None, "MO", None, None).freq == "WEEKLY"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"freq": "DAILY"}, "freq"),
        ({"byday": "XX"}, "byday 'XX'"),
        ({"byday": "MO;TU"}, "byday"),
        ({"byday": "1MO"}, "MONTHLY"),
        ({"freq": "MONTHLY", "byday": "6MO"}, "at most five"),
        ({"freq": "MONTHLY", "byday": "0MO"}, "at most five"),
        ({"opens_at": "9am"}, "opens_at '9am'"),
        ({"closes_at": "25:00"}, "closes_at"),
        ({"opens_at": "12:60"}, "opens_at"),
        ({"closes_at": None}, "both"),
        ({"bymonthday": "15"}, "MONTHLY"),
        ({"freq": "MONTHLY", "bymonthday": "32"}, "bymonthday"),
        ({"freq": "MONTHLY", "bymonthday": "0"}, "bymonthday"),
        ({"freq": "MONTHLY", "bymonthday": "first"}, "bymonthday"),
        ({"valid_from": "01/04/2026"}, "valid_from"),
        ({"valid_from": "2026-05-01", "valid_to": "2026-04-01"}, "after valid_to"),
    ],
)
def test_parse_rule_rejects_garbage(kwargs, message):
    fields = {"freq": "WEEKLY", "byday": "MO", "opens_at": "09:00", "closes_at": "17:00"}
    with pytest.raises(ValueError, match=message):
        parse_rule(**{**fields, **kwargs})


def test_rules_built_directly_are_checked_too():
    with pytest.raises(ValueError, match="MONTHLY"):
        Rule("WEEKLY", ("1MO",))
    with pytest.raises(ValueError, match="both"):
        Rule("WEEKLY", ("MO",), opens_at=time(9))
    with pytest.raises(ValueError, match="byday"):
        Rule("WEEKLY", ("Monday",))


# Properties --------------------------------------------------------------------------------

ORDINALS = [n for n in range(-5, 6) if n]
times = st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45]))
days_ = st.dates(date(2020, 1, 1), date(2035, 12, 31))
moments = st.builds(
    datetime.combine, days_, st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 59]))
)


def hours():
    return st.just({}) | st.fixed_dictionaries({"opens_at": times, "closes_at": times})


@st.composite
def validity(draw):
    if draw(st.booleans()):
        return {}
    a, b = sorted([draw(days_), draw(days_)])
    return {"valid_from": draw(st.none() | st.just(a)), "valid_to": draw(st.none() | st.just(b))}


weekly_rules = st.builds(
    lambda days, h: Rule("WEEKLY", tuple(days), **h),
    st.lists(st.sampled_from(DAYS), max_size=7, unique=True),
    hours(),
)
monthly_rules = st.builds(
    lambda byday, monthdays, h, v: Rule(
        "MONTHLY", tuple(byday), bymonthday=tuple(monthdays), **h, **v
    ),
    st.lists(
        st.builds(
            lambda n, d: f"{n}{d}" if n else d,
            st.sampled_from([0, *ORDINALS]),
            st.sampled_from(DAYS),
        ),
        max_size=3,
    ),
    st.lists(st.integers(1, 31) | st.integers(-31, -1), max_size=2),
    hours(),
    validity(),
)
any_rules = st.lists(
    weekly_rules
    | monthly_rules
    | st.builds(lambda r, v: replace(r, **v), weekly_rules, validity()),
    max_size=4,
)
closure_sets = st.frozensets(days_, max_size=3)


@settings(max_examples=150)
@given(any_rules, moments, closure_sets)
def test_is_open_matches_periods_from_today_and_yesterday(rules, at, closures):
    periods = periods_on(rules, at.date(), closures) + periods_on(
        rules, at.date() - timedelta(days=1), closures
    )
    assert is_open(rules, at, closures) == any(start <= at < end for start, end in periods)


@settings(max_examples=150)
@given(any_rules, days_, closure_sets)
def test_periods_are_well_formed(rules, day, closures):
    periods = periods_on(rules, day, closures)
    for start, end in periods:
        assert start.date() == day
        assert start < end <= start + timedelta(days=2)
    for (_, end), (next_start, _) in zip(periods, periods[1:], strict=False):
        assert end < next_start  # sorted, and touching periods have been merged
    assert bool(periods) == open_on(rules, day, closures)


@settings(max_examples=100)
@given(any_rules, days_, closure_sets)
def test_closure_days_have_no_periods(rules, day, closures):
    assert periods_on(rules, day, closures | {day}) == []


@settings(max_examples=100)
@given(st.lists(weekly_rules, max_size=4), moments, st.integers(-10, 10))
def test_weekly_rules_repeat_every_seven_days(rules, at, weeks):
    assert is_open(rules, at) == is_open(rules, at + timedelta(weeks=weeks))


@settings(max_examples=100)
@given(any_rules, moments, closure_sets)
def test_next_opening_is_the_first_open_moment(rules, after, closures):
    found = next_opening(rules, after, closures)
    if found is None:
        assert not is_open(rules, after, closures)
        return
    assert after <= found <= after + timedelta(days=63)
    assert is_open(rules, found, closures)
    if found > after:
        assert not is_open(rules, found - timedelta(microseconds=1), closures)
        assert not is_open(rules, after, closures)


@settings(max_examples=100)
@given(any_rules, days_, closure_sets)
def test_week_for_is_seven_days_of_periods_on(rules, today, closures):
    week = week_for(rules, today, closures)
    assert [day for day, _ in week] == [today + timedelta(days=i) for i in range(7)]
    assert all(periods == periods_on(rules, day, closures) for day, periods in week)


@settings(max_examples=100)
@given(any_rules)
def test_describe_never_raises(rules):
    lines = describe(rules)
    assert all(isinstance(line, str) and line for line in lines)
    if any(r.byday or r.bymonthday for r in rules):
        assert lines


@settings(max_examples=100)
@given(
    st.sampled_from(ORDINALS),
    st.integers(0, 6),
    st.lists(st.integers(1, 31) | st.integers(-31, -1), max_size=2, unique=True),
    st.integers(2020, 2035),
)
def test_monthly_days_agree_with_dateutil(ordinal, weekday, monthdays, year):
    """Cross-check the plain date arithmetic against dateutil's RFC 5545 implementation."""
    start, until = datetime(year, 1, 1), datetime(year, 12, 31)

    def occurrences(**by) -> set[date]:
        return {d.date() for d in rrule.rrule(rrule.MONTHLY, dtstart=start, until=until, **by)}

    # Each part on its own: dateutil searches for centuries when a combination never happens.
    expected = occurrences(byweekday=rrule.weekday(weekday, ordinal))
    if monthdays:
        expected &= occurrences(bymonthday=monthdays)
    rule = Rule("MONTHLY", (f"{ordinal}{DAYS[weekday]}",), bymonthday=tuple(monthdays))
    days = [start.date() + timedelta(days=i) for i in range(366)]
    assert {d for d in days if d.year == year and open_on([rule], d)} == expected


@settings(max_examples=100)
@given(weekly_rules | monthly_rules)
def test_parse_rule_round_trips(rule):
    def text(value):
        return None if value is None else value.isoformat()

    parsed = parse_rule(
        rule.freq,
        ",".join(rule.byday),
        text(rule.opens_at),
        text(rule.closes_at),
        ",".join(map(str, rule.bymonthday)),
        text(rule.valid_from),
        text(rule.valid_to),
    )
    assert parsed == rule
