"""Anonymous figures about referrals for the coordinator and the annual review: counts by
service, need and outcome, and unmet need by postcode district with small cells merged."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from accord.extensions import db
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
