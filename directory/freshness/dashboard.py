"""The coordinator's dashboard of listings not checked for a while: organisations, oldest
unchecked listing first, with how many of their published listings are past the reminder
(REMIND_MONTHS) and past "may be out of date" (STALE_MONTHS). A county has thousands of
listings: grouped and paged in the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, or_, select

from accord.extensions import db
from accord.models import Organisation, Review
from directory import freshness
from directory.models import Service

PER_PAGE = 50


@dataclass(frozen=True)
class Row:
    slug: str
    name: str
    overdue: int  # published listings unchecked for REMIND_MONTHS or more (or never checked)
    stale: int  # of which unchecked for STALE_MONTHS or more (or never checked)
    oldest: date | None  # the oldest check; None: a listing was never checked


@dataclass(frozen=True)
class Page:
    rows: list[Row]
    total: int  # organisations with an overdue listing
    page: int
    pages: int


# The organisation answering for a listing: the one that claimed it (directory/claims), or
# else its own.
manager = func.coalesce(Service.managed_by_id, Service.organisation_id)


def _overdue(today: date):
    checked = Service.assured_at
    return and_(
        Service.review == Review.published,
        or_(checked.is_(None), checked <= freshness.remind_by(today)),
    )


def oldest_first(page: int, today: date, per_page: int = PER_PAGE) -> Page | None:
    """One page of organisations with overdue listings, the oldest check first (a listing
    never checked is the oldest of all); None past the last page."""
    overdue = _overdue(today)
    groups = select(manager).where(overdue).group_by(manager)
    total = db.session.scalar(select(func.count()).select_from(groups.subquery())) or 0
    pages = max(1, -(-total // per_page))
    if page > pages:
        return None
    checked = Service.assured_at
    never = func.max(case((checked.is_(None), 1), else_=0))
    stale = func.sum(
        case((or_(checked.is_(None), checked < freshness.stale_before(today)), 1), else_=0)
    )
    oldest = func.min(checked)
    statement = (
        select(Organisation.slug, Organisation.name, func.count(Service.id), stale, oldest, never)
        .join(Organisation, Organisation.id == manager)
        .where(overdue)
        .group_by(Organisation.id, Organisation.slug, Organisation.name)
        .order_by(never.desc(), oldest, Organisation.name, Organisation.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    # A listing never checked makes the organisation's oldest check "never" (None).
    rows = [
        Row(slug, name, count, stale_count, None if unchecked else first)
        for slug, name, count, stale_count, first, unchecked in db.session.execute(statement)
    ]
    return Page(rows, total, page, pages)


LISTED = 500  # an organisation's listings shown at once: more than any holds


def listings_of(org: Organisation) -> list[Service]:
    """An organisation's published listings, the oldest check first (never checked first)."""
    checked = Service.assured_at
    return list(
        db.session.scalars(
            select(Service)
            .where(manager == org.id, Service.review == Review.published)
            .order_by(checked.is_not(None), checked, Service.name, Service.id)
            .limit(LISTED)
        )
    )


def currency_of(org_id: int, today: date) -> tuple[int, int]:
    """(published listings the organisation answers for, those checked within 15 months):
    for its Accord record (registry/signatories/record.py)."""
    return currency_by_organisation(today, manager == org_id).get(org_id, (0, 0))


def currency_by_organisation(today: date, *where: Any) -> dict[int, tuple[int, int]]:
    """currency_of for every organisation answering for a published listing (or those
    `where` picks), in one query (the annual review)."""
    current = func.sum(case((Service.assured_at >= freshness.stale_before(today), 1), else_=0))
    rows = db.session.execute(
        select(manager, func.count(Service.id), current)
        .where(Service.review == Review.published, *where)
        .group_by(manager)
    )
    return {org_id: (int(listed), int(fresh or 0)) for org_id, listed, fresh in rows}
