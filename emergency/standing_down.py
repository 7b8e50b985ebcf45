"""Standing an incident down: what happens to its open hubs (closed, or back on standby, as
the coordinator chooses for each), its volunteers checked out, then the incident ended. One
action, one commit: the public stops seeing the hubs the moment the banner goes.

Plain functions; the views ask `plan` what the confirmation page shows, then `stand_down`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from accord.clock import utcnow
from accord.extensions import db
from emergency import floods, hubs, incidents
from emergency.models import Hub, HubStatus, HubUpdate, Incident
from emergency.requests import requests
from emergency.requests.models import HelpRequest, RequestStatus
from emergency.volunteers import deployments
from emergency.volunteers.models import Deployment

# What the coordinator may choose for each open hub.
HUB_CHOICES = {
    HubStatus.closed.value: "Close it",
    HubStatus.standby.value: "Return it to standby",
}


@dataclass(frozen=True)
class Plan:
    """What standing down will change: the incident's open or full hubs, and the
    deployments not yet checked out."""

    hubs: list[Hub]
    deployed: list[Deployment]
    waiting: list[HelpRequest]  # requests still open or partly met: cancelled


@dataclass
class Outcome:
    """What standing down did, by hub name and volunteer count (no personal data)."""

    closed: list[str] = field(default_factory=list)
    standby: list[str] = field(default_factory=list)
    checked_out: int = 0
    cancelled: int = 0  # requests still open

    def summary(self) -> str:
        parts = []
        if self.closed:
            parts.append(f"{_count(len(self.closed), 'hub')} closed")
        if self.standby:
            parts.append(f"{_count(len(self.standby), 'hub')} returned to standby")
        if self.checked_out:
            parts.append(f"{_count(self.checked_out, 'volunteer')} checked out")
        if self.cancelled:
            parts.append(f"{_count(self.cancelled, 'request')} still open cancelled")
        return ", ".join(parts)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def plan(incident: Incident) -> Plan:
    open_deployments = [d for d in deployments.deployed(incident) if d.checked_out_at is None]
    waiting = [found for found, _ in requests.waiting(incident)]
    return Plan(hubs.open_for(incident), open_deployments, waiting)


def stand_down(
    incident: Incident,
    debrief: str,
    choices: dict[int, str],
    by_id: int | None,
    to_change: str = "",
) -> Outcome:
    """Close each open hub or return it to standby (`choices`: hub id → "closed" or
    "standby"; a hub with no choice is closed), check out everyone still deployed, record the
    flood warnings in force for the debrief, and end the incident with what went well
    (`debrief`) and what to change. Does nothing to an incident already stood down.
    Commits."""
    outcome = Outcome()
    if not incident.active:
        return outcome
    now = plan(incident)
    moment = utcnow()  # the hubs' changes and the end share it: `outcome` finds them by it
    for hub in now.hubs:
        status = choices.get(hub.id, HubStatus.closed.value)
        if status not in HUB_CHOICES:
            status = HubStatus.closed.value
        hubs.change_status(hub, status, 0, "", by_id, incident, at=moment)
        (outcome.standby if status == HubStatus.standby else outcome.closed).append(
            hub.location.name
        )
    for deployment in now.deployed:
        deployments.check_out(deployment, by_id)
        outcome.checked_out += 1
    for waiting in now.waiting:
        requests.set_status(waiting, RequestStatus.cancelled, by_id, cvec=True)
        outcome.cancelled += 1
    if in_force := floods.in_force_text(floods.cached()):
        incidents.log(incident, "floods", f"Flood warnings in force: {in_force}", by_id)
    incident.to_change = to_change
    incidents.end(incident, debrief, outcome.summary(), by_id, at=moment)
    return outcome


def outcome(incident: Incident) -> Outcome:
    """What standing this incident down did, read back from the record (for the page that
    confirms it): the hub changes made at the moment it ended, the volunteers checked out."""
    done = Outcome()
    if incident.ended_at is None:
        return done
    changes = db.session.scalars(
        select(HubUpdate)
        .where(HubUpdate.incident_id == incident.id, HubUpdate.at == incident.ended_at)
        .options(selectinload(HubUpdate.hub).selectinload(Hub.location))
    )
    for change in changes:
        names = done.standby if change.status == HubStatus.standby else done.closed
        names.append(change.hub.location.name)
    done.closed.sort(key=str.lower)
    done.standby.sort(key=str.lower)
    done.checked_out = sum(
        1
        for d in deployments.deployed(incident)
        if d.checked_out_at is not None and d.checked_out_at >= incident.ended_at
    )
    done.cancelled = sum(
        1
        for r in requests.of_incident(incident)
        if r.status == RequestStatus.cancelled and r.status_at >= incident.ended_at
    )
    return done
