"""Hubs' readiness checks: a manager confirms the key-holders, the capacity and the facilities
(each check kept); CVEC lists the standby hubs whose latest check is older than
HUB_READINESS_DAYS, or missing, and emails their organisations' members, one email for each
organisation's hubs. Audited by ids; no one's details in the log.

Plain functions; none reads `request`. Callers commit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from accord import accounts, audit, emails
from accord.clock import utcnow
from accord.extensions import db
from accord.models import Organisation
from emergency.models import Hub, HubStatus
from emergency.readiness.models import HubReadiness

KIND = "hub-readiness"
CHECKS = {
    "keyholders": "Key-holders confirmed: they can be reached and can open the building",
    "capacity": "Capacity confirmed: the numbers by day and overnight are still right",
    "facilities": "Facilities checked: heating, kitchen, toilets and anything else listed work",
}


def latest(hub: Hub) -> HubReadiness | None:
    """The hub's readiness: its latest check, or None if it has never been checked."""
    return db.session.scalar(
        select(HubReadiness)
        .where(HubReadiness.hub_id == hub.id)
        .order_by(HubReadiness.checked_at.desc(), HubReadiness.id.desc())
        .limit(1)
    )


def history(hub: Hub, limit: int = 20) -> list[HubReadiness]:
    """The hub's checks, newest first."""
    return list(
        db.session.scalars(
            select(HubReadiness)
            .where(HubReadiness.hub_id == hub.id)
            .order_by(HubReadiness.checked_at.desc(), HubReadiness.id.desc())
            .limit(limit)
        )
    )


def confirm(hub: Hub, checked: list[str], note: str, by_id: int | None) -> HubReadiness:
    """Record a readiness check of `hub`: `checked` holds the CHECKS keys confirmed."""
    check = HubReadiness(
        hub_id=hub.id,
        keyholders_confirmed="keyholders" in checked,
        capacity_confirmed="capacity" in checked,
        facilities_checked="facilities" in checked,
        note=note,
        checked_at=utcnow(),
        checked_by_id=by_id,
    )
    db.session.add(check)
    db.session.flush()
    audit.record(
        "hub.readiness_confirmed",
        "hub",
        hub.id,
        actor_id=by_id,
        details={
            "check_id": check.id,
            "keyholders": check.keyholders_confirmed,
            "capacity": check.capacity_confirmed,
            "facilities": check.facilities_checked,
        },
    )
    return check


@dataclass(frozen=True)
class Due:
    """A standby hub whose readiness check is out of date (`checked_at` None: never checked)."""

    hub: Hub
    checked_at: datetime | None
    days: int | None  # days since the check


def due(days: int, now: datetime | None = None) -> list[Due]:
    """Standby hubs whose latest check is older than `days`, or missing: never-checked ones
    first, then the oldest check first."""
    now = now or utcnow()
    last = (
        select(HubReadiness.hub_id, func.max(HubReadiness.checked_at).label("at"))
        .group_by(HubReadiness.hub_id)
        .subquery()
    )
    statement = (
        select(Hub, last.c.at)
        .outerjoin(last, last.c.hub_id == Hub.id)
        .where(Hub.status == HubStatus.standby)
        .where(last.c.at.is_(None) | (last.c.at < now - timedelta(days=days)))
        .options(selectinload(Hub.location), selectinload(Hub.organisation))
    )
    found = [
        Due(hub, at, (now - at).days if at is not None else None)
        for hub, at in db.session.execute(statement)
    ]
    return sorted(found, key=lambda d: (d.checked_at is not None, d.checked_at or now, d.hub.id))


@dataclass
class Reminded:
    organisations: int = 0  # organisations emailed
    messages: int = 0  # emails queued (one for each member of each)
    unreachable: int = 0  # organisations with no active member to email
    run_by_cvec: int = 0  # hubs with no organisation: CVEC checks them itself
    hubs: list[int] = field(default_factory=list)


def by_organisation(found: list[Due]) -> dict[Organisation, list[Due]]:
    grouped: dict[Organisation, list[Due]] = {}
    for item in found:
        if item.hub.organisation is not None:
            grouped.setdefault(item.hub.organisation, []).append(item)
    return grouped


def remind(found: list[Due], days: int, by_id: int | None) -> Reminded:
    """Email the members of each organisation running hubs in `found` one message naming all
    its hubs due a check; audited for each organisation by ids."""
    done = Reminded(run_by_cvec=sum(1 for d in found if d.hub.organisation is None))
    for organisation, items in by_organisation(found).items():
        addresses = accounts.member_emails(organisation.id)
        if not addresses:
            done.unreachable += 1
            continue
        for address in sorted(set(addresses)):
            emails.queue(
                address,
                "emergency/readiness_reminder",
                kind=KIND,
                organisation=organisation,
                due=items,
                days=days,
            )
        done.organisations += 1
        done.messages += len(set(addresses))
        done.hubs.extend(item.hub.id for item in items)
        audit.record(
            "hub.readiness_reminded",
            "organisation",
            organisation.id,
            actor_id=by_id,
            details={"hubs": [item.hub.id for item in items], "messages": len(set(addresses))},
        )
    return done
