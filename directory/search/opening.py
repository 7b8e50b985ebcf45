"""Opening hours as far as SQL can tell them: a condition that lets through every service a
search for "open now" or "open on a day" could show, so that the database leaves out the
rest before Python reads their hours (search._open has the last word: bank holidays, dates
of validity, which week of the month).

It lets more through than Python keeps, never fewer: rules by day of the month, hours written
other than as HH:MM, and all-day and overnight sessions on the day (or, for "now", the day
before) all pass; a session of the day written HH:MM is held to the clock. Without it, a
search for "open now" at night read every service within the radius, in order, for Python
to keep one in twenty (bench/search_mix.py: the slowest search on both engines, 50–100 ms)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, and_, bindparam, func, literal_column, not_, or_, select
from sqlalchemy.sql.expression import ColumnElement

from accord.clock import now_uk
from accord.extensions import db
from directory.models import Schedule, Service
from directory.schedules import DAYS, local_time
from directory.search.query import Query

# LIKE patterns for the day's code and the day before's ("%FR%"), and the time "HH:MM".
TODAY, YESTERDAY = bindparam("today", type_=String), bindparam("yesterday", type_=String)
CLOCK = bindparam("clock", type_=String)


def may_open(query: Query, service: Any = Service.id) -> ColumnElement[bool]:
    """Whether a service (its id: `service`) has a schedule row that could open it when the
    query asks. The row's columns are read from the index that holds them (migration 0045),
    the cheapest tests first."""
    row = Schedule
    # A row with days of the month may apply on any day; one with weekdays ("MO,FR", "2WE",
    # "-1FR") only on those.
    by_month = row.bymonthday != ""
    today = or_(by_month, _has_day(row.byday, TODAY))
    if query.when != "now":
        return _any_row(row.service_id == service, today)
    hhmm = and_(func.length(row.opens_at) == 5, func.length(row.closes_at) == 5)
    # All day ("" to ""), past midnight (closes at or before it opens), or hours written
    # some other way: left to Python, from today's rows and yesterday's.
    unclear = and_(
        or_(row.closes_at <= row.opens_at, not_(hhmm)),
        or_(today, _has_day(row.byday, YESTERDAY)),
    )
    now_inside = and_(row.opens_at <= CLOCK, row.closes_at > CLOCK, hhmm, today)
    return _any_row(row.service_id == service, or_(unclear, now_inside))


def _any_row(*conditions: Any) -> ColumnElement[bool]:
    """EXISTS a schedule row on these conditions, selecting a constant: with SQLAlchemy's
    `SELECT *`, SQLite reads each row from the table, not the index that holds its columns."""
    return select(literal_column("1")).select_from(Schedule).where(*conditions).exists()


def _has_day(byday: Any, pattern: Any) -> ColumnElement[bool]:
    """`byday` holds the day `pattern` looks for ("%FR%"), in any case. SQLite's LIKE ignores
    ASCII case already: its ILIKE would lower() both sides for every row (4,500 rows for "mental
    health" open now at 50,000 services: 10.5 -> 6.0 ms)."""
    if db.engine.dialect.name == "sqlite":
        return byday.like(pattern)
    return byday.ilike(pattern)


def values(query: Query) -> dict[str, Any]:
    """The values may_open binds: the day asked for, or the moment's day, the day before and
    the time on UK clocks (query.at, set by search.run; otherwise now)."""
    if not query.when:
        return {}
    if query.when != "now":
        return {"today": f"%{query.when}%"}
    at: datetime = local_time(query.at or now_uk())
    return {
        "today": f"%{DAYS[at.weekday()]}%",
        "yesterday": f"%{DAYS[(at.weekday() - 1) % 7]}%",
        "clock": at.strftime("%H:%M"),
    }
