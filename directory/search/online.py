"""The online section of a search with a place: online-only services are never local, so
they are read apart from the rings (search._online), current first, then by relevance, then
name."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Select,
    String,
    bindparam,
    func,
    literal,
    literal_column,
    select,
    true,
    union_all,
)
from sqlalchemy import text as sql_text

from directory.models import Service
from directory.search import candidates, cells, conditions, shapes
from directory.search.joins import InOrder, OnlineFirst, OnlineOnly
from directory.search.matches import MATCHES as _MATCHES
from directory.search.matches import Words
from directory.search.query import Query
from directory.search.shapes import Plan

_ONLINE_ONLY = Service.online_only == True  # noqa: E712 - as the index's condition says
# The section's order after current first and relevance: by lowered name (migration 0052).
_LOWERED = func.lower(Service.name)
_BY_NAME = (_LOWERED, Service.id)


def every(query: Query) -> Plan:
    """Without words or a need: every online-only service the filters keep, unordered, for
    counting (candidates.count) apart from the few shown: the section's order sorts them all
    (985 at 50,000 services), which the first few alone need not."""
    return Plan(
        ("online every", *candidates.shape(query, None)),
        lambda: _online(query, None).order_by(None),
        shapes.values(query),
    )


def first(query: Query) -> Plan:
    """Without words or a need: the section's first rows (sid, relevance; bound :limit), read
    from the partial index in its order (migration 0052: by lowered name), the current ones
    and the stale ones apart, each no more than the page: a few rows of the index, where the
    section's order over them all (section) sorts every online service the filters keep."""

    def build() -> Select:
        statement = _online(query, None).order_by(None)
        parts = []
        current = Service.assured_at >= shapes.STALE
        for stale, kept in ((0, current), (1, conditions.out_of_date())):
            part = statement.add_columns(literal(stale).label("stale"), _LOWERED.label("lowered"))
            # Each its own subquery: SQLite takes no ORDER BY or LIMIT in a UNION's parts.
            ordered = part.where(kept).order_by(*_BY_NAME)
            parts.append(select(ordered.limit(shapes.LIMIT).subquery()))
        both = union_all(*parts).subquery("first")
        return (
            select(both.c.sid, both.c.relevance)
            .order_by(both.c.stale, both.c.lowered, both.c.sid)
            .limit(shapes.LIMIT)
        )

    return Plan(("online first", *candidates.shape(query, None)), build, shapes.values(query))


def section(query: Query, words: Words | None) -> Plan:
    """Online-only services (their own section with a place): sid, relevance, current before
    stale, then by relevance then name, up to candidates.CAP + 1."""
    run = words.online_run() if words is not None else {}
    flagged = words is not None and words.flagged
    key = ("online", bool(run), flagged, *candidates.shape(query, words))
    return Plan(
        key,
        lambda: _online(query, words, bool(run), flagged).limit(candidates.CAP + 1),
        {**shapes.values(query), **run},
        generic=flagged,
    )


_ONLINE_FTS = (
    select(literal_column(f"rowid & {cells.ID_MASK}").label("sid"))
    .select_from(
        sql_text("search_site_fts(:online_q)").bindparams(bindparam("online_q", type_=String))
    )
    .where(
        literal_column("rowid").between(
            bindparam("online_first", type_=BigInteger), bindparam("online_last", type_=BigInteger)
        )
    )
    .subquery("online_matched")
)


def _online(query: Query, words: Words | None, run: bool = False, flagged: bool = False) -> Select:
    # From the partial index over online services (migration 0052: review, lowered name, id,
    # status, checked, name), each looked up in the matches: no service's row is read unless
    # a filter needs it. With `run` (SQLite, words), from the words' matches in the online run
    # of the place-ordered index instead, each looked up in the matches and the services by
    # key: the online services the words match, not every one in the county (985 at 50,000
    # services). With
    # `flagged` (PostgreSQL, words), from the matches that say they are online only, each
    # looked up in the services by key.
    if flagged and words is not None:
        return _flagged(query, words)
    statement = select(Service.id.label("sid")).where(
        _ONLINE_ONLY, *conditions.filters(query, words)
    )
    if words is None:
        return (
            statement.select_from(OnlineOnly(Service.__table__))
            .add_columns(literal(0).label("relevance"))
            .order_by(conditions.stale(), *_BY_NAME)
        )
    matched: Any = OnlineFirst(Service.__table__, _MATCHES, _MATCHES.c.sid == Service.id)
    if run:
        found = _ONLINE_FTS
        matched = InOrder(
            InOrder(found, _MATCHES, _MATCHES.c.sid == found.c.sid),
            Service.__table__,
            Service.id == found.c.sid,
        )
    relevance = _MATCHES.c.relevance
    return (
        statement.select_from(matched)
        .add_columns(relevance.label("relevance"))
        .order_by(conditions.stale(), relevance.desc(), *_BY_NAME)
    )


def _flagged(query: Query, words: Words) -> Select:
    """PostgreSQL, words: the matches that say they are online only, each looked up in the
    services by key. The OFFSET keeps the lookup a subquery run once for each of them: the
    planner, with no statistics on the matches, would otherwise hash every online service in
    the county (938 at 50,000 services) to join the few (0.84 -> 0.41 ms for the 44 of "food
    bank" near SY1 1UJ)."""
    listed = (
        select(
            Service.id,
            conditions.stale().label("stale"),
            _LOWERED.label("lowered"),
        )
        .where(
            Service.id == _MATCHES.c.sid,
            _ONLINE_ONLY,
            *conditions.filters(query, words),
        )
        .offset(0)
        .lateral("listed")
    )
    relevance = _MATCHES.c.relevance
    return (
        select(listed.c.id.label("sid"), relevance.label("relevance"))
        .select_from(_MATCHES.join(listed, true()))
        .where(_MATCHES.c.online)
        .order_by(listed.c.stale, relevance.desc(), listed.c.lowered, listed.c.id)
    )
