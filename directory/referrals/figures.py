"""Anonymous figures about referrals for the coordinator and the annual review: counts by
service, need and outcome, and unmet need by postcode district with small cells merged."""

from __future__ import annotations

import math
import statistics as stats
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from accord.clock import to_uk, utcnow
from accord.extensions import db
from directory import schedules
from directory.models import Service
from directory.referrals.models import Referral, ReferralStatus


def statistics(year: int | None = None) -> dict:
    """Counts only: by service and status, by need, by outcome, and the median hours to a
    first answer. No referral can be picked out from these. A year counts the referrals
    sent in it (the annual review)."""
    query = (
        select(Referral.service_id, Referral.status, Referral.decline_reason,
               Referral.need_codes, Referral.outcode, Referral.sent_at,
               Referral.first_response_at)
        .where(Referral.status != ReferralStatus.draft)
    )  # fmt: skip
    if year is not None:
        query = query.where(
            Referral.sent_at >= datetime(year, 1, 1), Referral.sent_at < datetime(year + 1, 1, 1)
        )
    rows = db.session.execute(query).all()
    names: dict[int | None, str] = dict(db.session.execute(select(Service.id, Service.name)).all())
    by_service: dict[str, dict[str, int]] = {}
    by_need: dict[str, int] = {}
    by_outcome: dict[str, int] = {}
    unmet: dict[tuple[str, str], int] = {}
    waits: list[float] = []
    for service_id, status, reason, needs, outcode, sent_at, answered in rows:
        name = names.get(service_id, "A service no longer listed")
        by_service.setdefault(name, {}).setdefault(status, 0)
        by_service[name][status] += 1
        for need in needs or ["(none)"]:
            by_need[need] = by_need.get(need, 0) + 1
        by_outcome[reason or status] = by_outcome.get(reason or status, 0) + 1
        if reason in ("not_eligible", "no_capacity"):
            for need in needs or ["(none)"]:
                key = (need, outcode or "unknown")
                unmet[key] = unmet.get(key, 0) + 1
        if sent_at and answered:
            waits.append((answered - sent_at).total_seconds() / 3600)
    waits.sort()
    return {
        "total": len(rows),
        "by_service": by_service,
        "by_need": by_need,
        "by_outcome": by_outcome,
        "unmet": unmet,
        "median_hours_to_answer": waits[len(waits) // 2] if waits else None,
    }


# Unmet need is counted by need and postcode district, which together could point to one
# household in a small place: a cell under this is not shown on its own (ONS practice for
# published counts) but added into one "each fewer than 5" row.
SMALL_COUNT = 5


def unmet_shown(unmet: dict[tuple[str, str], int]) -> tuple[list[tuple[tuple[str, str], int]], int]:
    """The need-and-district cells of at least SMALL_COUNT, largest first, and the sum of the
    rest (so no small cell can be read off, not even by subtraction)."""
    shown = sorted(
        ((key, n) for key, n in unmet.items() if n >= SMALL_COUNT),
        key=lambda item: (-item[1], item[0]),
    )
    return shown, sum(n for n in unmet.values() if n < SMALL_COUNT)


# A service's usual reply time is shown from this many answered referrals: fewer say little,
# and could point to the few people referred.
REPLY_MIN = 5
REPLY_WINDOW = timedelta(days=365)  # the last 12 months


def working_days_between(start: date, end: date) -> int:
    """The working days after `start` up to and including `end` (Monday to Friday, not
    England and Wales bank holidays): an answer on the day sent took 0."""
    closed = schedules.bank_holidays(range(start.year, end.year + 1))
    days = (start + timedelta(days=n) for n in range(1, (end - start).days + 1))
    return sum(1 for day in days if day.weekday() < 5 and day not in closed)


def usual_reply_days(service_id: int, now: datetime | None = None) -> int | None:
    """The median working days the service took to first answer a referral sent in the last
    12 months, rounded up and at least 1; None when fewer than REPLY_MIN were answered."""
    return _usual_reply_days(Referral.service_id == service_id, now)


def organisation_reply_days(organisation_id: int, now: datetime | None = None) -> int | None:
    """The same over every referral sent to the organisation (its Accord record)."""
    return _usual_reply_days(Referral.organisation_id == organisation_id, now)


def _usual_reply_days(whose: Any, now: datetime | None) -> int | None:
    now = now or utcnow()
    rows = db.session.execute(
        select(Referral.sent_at, Referral.first_response_at).where(
            whose,
            Referral.sent_at >= now - REPLY_WINDOW,
            Referral.first_response_at.is_not(None),
        )
    ).all()
    if len(rows) < REPLY_MIN:
        return None
    taken = [
        working_days_between(to_uk(sent).date(), to_uk(answered).date())
        for sent, answered in rows
        if sent and answered  # both, by the query; said again for the type checker
    ]
    return max(1, math.ceil(stats.median(taken)))
