"""The database's filter for "open now" and "open on a day" (directory/search/opening.py)
lets through every service Python keeps, never fewer, and leaves out the services that
cannot be open: searches with it agree with the hours read in Python at every moment."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from accord.extensions import db
from directory import hours, schedules
from directory.models import Schedule, Service
from directory.search import opening, search
from directory.search.query import Query
from tests.directory.data import service

MONDAY = datetime(2026, 11, 30)


@pytest.fixture
def week(app):
    """Services with every kind of hours a listing has, by name."""
    made = {
        "weekdays": service(
            "Weekdays", "food", "shrewsbury", hours=[("MO,TU,WE,TH,FR", "09:30", "16:30")]
        ),
        "late": service("Late Friday", "food", "shrewsbury", hours=[("FR", "22:00", "02:00")]),
        "saturday": service("All Saturday", "food", "shrewsbury", hours=[("SA", "", "")]),
        "always": service("Always", "food", "shrewsbury", hours=[("MO,TU,WE,TH,FR,SA,SU", "", "")]),
        "seconds": service("Seconds", "food", "shrewsbury", hours=[("TU", "10:00:00", "12:00:00")]),
        "lower": service("Lower Case", "food", "shrewsbury", hours=[("th", "18:30", "21:00")]),
        "split": service(
            "Split Monday",
            "food",
            "shrewsbury",
            hours=[("MO", "09:30", "12:30"), ("MO", "13:30", "16:00")],
        ),
        "none": service("No Hours", "food", "shrewsbury"),
    }
    made["second_wed"] = service("Second Wednesday", "food", "shrewsbury")
    made["second_wed"].schedules.append(
        Schedule(freq="MONTHLY", byday="2WE,4WE", opens_at="14:00", closes_at="16:00")
    )
    made["first"] = service("First and Fifteenth", "food", "shrewsbury")
    made["first"].schedules.append(
        Schedule(freq="MONTHLY", bymonthday="1,15", opens_at="10:00", closes_at="13:00")
    )
    made["ended"] = service("Ended", "food", "shrewsbury")
    made["ended"].schedules.append(
        Schedule(
            freq="WEEKLY",
            byday="MO,TU,WE,TH,FR,SA,SU",
            opens_at="09:00",
            closes_at="17:00",
            valid_to=date(2026, 1, 31),
        )
    )
    db.session.commit()
    return made


def _moments() -> list[datetime]:
    """Every 90 minutes of a week, the minutes either side of each opening and closing, the
    second Wednesday of a month (open and not), the 15th, bank holidays and New Year's Day."""
    found = [MONDAY + timedelta(minutes=90 * n) for n in range(7 * 16)]
    for day in range(7):
        for clock in (
            "01:59",
            "02:00",
            "09:29",
            "09:30",
            "12:29",
            "12:30",
            "13:30",
            "16:29",
            "16:30",
            "18:30",
            "20:59",
            "21:00",
            "22:00",
            "23:59",
        ):
            h, m = map(int, clock.split(":"))
            found.append(MONDAY + timedelta(days=day, hours=h, minutes=m))
    found += [
        datetime(2026, 12, 9, 14, 30),
        datetime(2026, 12, 9, 16, 0),
        datetime(2026, 12, 15, 12, 59),
        datetime(2026, 12, 25, 11, 0),
        datetime(2026, 12, 26, 0, 30),
        datetime(2027, 1, 1, 11, 0),
    ]
    return found


def _names(results) -> set[str]:
    return {hit.service.name for hit in results.hits}


def test_open_now_agrees_with_the_hours_read_in_python_at_every_moment(week):
    """Without words or need (the filter on each service), and with a need or words (the
    matches narrowed first: Words.narrow), with a place and without."""
    services = list(week.values())
    asked = (
        Query(when="now"),
        Query(when="now", need="food", place="SY1 1UJ", radius=5),
        Query(when="now", words="food", place="SY1 1UJ", radius=5),
        Query(when="now", need="food"),
    )
    for at in _moments():
        closures = hours.closures(at.year)
        expected = {s.name for s in services if schedules.is_open(hours.rules_of(s), at, closures)}
        for query in asked:
            assert _names(search.run(query, now=at, per_page=None)) == expected, (at, query)


def test_open_on_a_day_agrees_with_the_hours_read_in_python(week):
    services = list(week.values())
    for start in (MONDAY, MONDAY + timedelta(days=3, hours=23)):
        for code in schedules.DAYS:
            day = start.date() + timedelta(days=(schedules.DAYS.index(code) - start.weekday()) % 7)
            closures = hours.closures(day.year)
            expected = {
                s.name for s in services if schedules.open_on(hours.rules_of(s), day, closures)
            }
            for query in (Query(when=code), Query(when=code, words="food", place="SY1 1UJ")):
                assert _names(search.run(query, now=start)) == expected, (start, code)


def test_the_database_leaves_out_what_cannot_be_open(week):
    """Wednesday 2 December, 3am: only what runs all day, past midnight from Tuesday or with
    hours Python must read itself may be open; Python keeps "Always" alone."""
    at = datetime(2026, 12, 2, 3, 0)
    query = Query(when="now", at=at)
    statement = select(Service.name).where(opening.may_open(query))
    passed = set(db.session.scalars(statement, opening.values(query)))
    assert passed == {"Always", "Seconds"}
    assert _names(search.run(Query(when="now"), now=at)) == {"Always"}


def test_a_search_with_words_or_a_need_keeps_only_the_matches_that_may_open(week):
    from directory.search import matches

    at = datetime(2026, 12, 2, 3, 0)
    for words, need in ((["food"], ""), ([], "food")):
        assert matches.Words(words, need).size == len(week)
        found = matches.Words(words, need, Query(when="now", at=at))
        kept = db.session.scalars(
            select(Service.name).join(matches.MATCHES, matches.MATCHES.c.sid == Service.id)
        )
        assert found.size == 2 and set(kept) == {"Always", "Seconds"}
        db.session.rollback()


def test_the_days_and_hours_are_read_from_the_index_that_holds_them(week):
    """Migration 0045: a match's schedule rows are not visited, for "open now" or a day. On
    SQLite the plan says the index covers the test (with SQLAlchemy's `SELECT *` it read each
    row); on PostgreSQL, with sequential scans priced out, an index-only scan."""
    from sqlalchemy import text

    postgres = db.engine.dialect.name == "postgresql"
    for query in (Query(when="now", at=MONDAY), Query(when="WE")):
        statement = (
            select(Service.id).where(opening.may_open(query)).params(**opening.values(query))
        )
        compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
        if postgres:
            db.session.execute(text("SET LOCAL enable_seqscan = off"))
            db.session.execute(text("SET LOCAL enable_bitmapscan = off"))
            explain = text(f"EXPLAIN {compiled}")
        else:
            explain = text(f"EXPLAIN QUERY PLAN {compiled}")
        steps = " | ".join(str(row[-1]) for row in db.session.execute(explain))
        if postgres:
            assert "Index Only Scan using ix_schedule_hours" in steps, steps
        else:
            assert "COVERING INDEX ix_schedule_hours" in steps, steps
