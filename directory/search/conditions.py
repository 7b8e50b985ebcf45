"""What a search asks of a service itself: published and open, the filters asked for, and
whether its listing may be out of date. The rings, the counts and the online section share
them (candidates.py, online.py); a link's own copy of the first (migration 0054) stands in
for the service's row when a search asks nothing more (plain)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, exists, func, literal_column, or_, select
from sqlalchemy.sql.expression import ColumnElement

from accord.extensions import db
from accord.models import Review
from directory import taxonomy
from directory.models import Capacity, Service, ServiceAtLocation, ServiceStatus, TaxonomyTerm
from directory.search import opening, shapes
from directory.search.matches import Words
from directory.search.query import Query


def out_of_date(checked: Any = Service.assured_at) -> ColumnElement[bool]:
    """A listing that may be out of date: never checked, or before the bound day (`checked`:
    the service's day, or a link's copy of it)."""
    return or_(checked.is_(None), checked < shapes.STALE)


def stale(checked: Any = Service.assured_at) -> ColumnElement[Any]:
    """1 for a listing that may be out of date, 0 for a current one: the first order within a
    band (and of the lists without bands)."""
    return case((out_of_date(checked), 1), else_=0)


def linked_stale() -> ColumnElement[Any]:
    """stale() of a service from its links' copy (plain searches): the same on every link."""
    return func.max(stale(ServiceAtLocation.assured_at))


def need_filtered(query: Query, words: Words | None) -> bool:
    """Whether the need is a filter of its own (not when the matches are the need's
    services)."""
    return bool(query.need) and (words is None or words.words)


def filters(query: Query, words: Words | None) -> list:
    """The conditions on a service itself: published, open, and the filters asked for (their
    values bound: shapes.values)."""
    return [
        Service.review == Review.published,
        Service.status.in_([ServiceStatus.active, ServiceStatus.temporarily_closed]),
        *asked(query, words),
    ]


def asked(query: Query, words: Words | None) -> list:
    """The filters asked for, beyond what every search asks (filters())."""
    conditions: list[ColumnElement[bool]] = []
    if need_filtered(query, words):
        conditions.append(taxonomy.has_term(TaxonomyTerm.code == shapes.NEED))
    if query.free:
        conditions.append(Service.is_free.is_(True))
    if query.age is not None:
        conditions += [
            or_(Service.minimum_age.is_(None), Service.minimum_age <= shapes.AGE),
            or_(Service.maximum_age.is_(None), Service.maximum_age >= shapes.AGE),
        ]
    if query.accepting:
        conditions.append(Service.capacity == Capacity.accepting)
    if query.route:
        conditions.append(has_route())
    if query.when and words is None:
        # With words or a need, the matches were narrowed to it already (matches.Words).
        conditions.append(opening.may_open(query))
    return conditions


def local_filters(query: Query, words: Words | None) -> list:
    """filters(), and not online only: a service shown by its buildings. Read from the
    service's own row, which the filters read anyway (no lookup of its search row), and the
    same column the online section is chosen by, so a service is in one or the other. A link
    says the first three itself (`shown`, migration 0054: tests/directory/search/
    test_link_shown.py checks that the two agree)."""
    return [Service.online_only.is_(False), *filters(query, words)]


def plain(query: Query, words: Words | None) -> bool:
    """Whether a search asks nothing of a service beyond what every search does: then its
    links' own copy (ServiceAtLocation.shown, assured_at) answers for it, and the service's
    row is not looked up for each match near the place ("counselling" within 5 miles of TF1
    1HF at 50,000 services, its ring's links grouped and ordered: 1.30 -> 0.85 ms on
    PostgreSQL). A statement's shape (shapes.filters) says it."""
    return not asked(query, words)


def has_route() -> ColumnElement[bool]:
    """The service lists the route asked for (bound) among its access routes (a JSON array)."""
    if db.engine.dialect.name == "postgresql":
        routes: ColumnElement[Any] = literal_column("service.access_routes::jsonb")
        return func.jsonb_exists(routes, shapes.ROUTE).is_(True)
    each = func.json_each(Service.access_routes).table_valued("value")
    return exists(select(1).select_from(each).where(each.c.value == shapes.ROUTE))
