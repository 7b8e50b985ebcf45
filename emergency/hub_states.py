"""A hub's part in each incident (HubActivation): made when it is first asked for, read back as
the State each incident's pages show, and settled into `Hub.status`, what residents are told
across the real incidents under way."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select

from accord.extensions import db
from emergency.models import (
    HUB_STATUS_LABELS,
    Hub,
    HubActivation,
    HubStatus,
    Incident,
    people_text,
)

# Where a resident can go: open first, then full ones (so they know to try elsewhere).
RECEIVING = (HubStatus.open, HubStatus.full)


def activation(hub: Hub, incident: Incident) -> HubActivation:
    """The hub's part in the incident, made (on standby) the first time it is asked for."""
    found = db.session.scalar(
        select(HubActivation).where(
            HubActivation.hub_id == hub.id, HubActivation.incident_id == incident.id
        )
    )
    if found is None:
        found = HubActivation(
            hub=hub, incident=incident, status=HubStatus.standby, occupancy=0, needs="", peak=0
        )
        db.session.add(found)
    return found


# Which of a hub's states in several incidents residents are told: open before full (it
# takes people), full before standby, anything before closed.
_RANK = {HubStatus.open: 0, HubStatus.full: 1, HubStatus.standby: 2, HubStatus.closed: 3}


def settle(hub: Hub, at: datetime | None = None) -> None:
    """Work out `hub.status`, occupancy and needs (what residents are told, on /help and the
    public map) from its states in the real incidents under way, counting the building once:
    its most open status, the people in it for each, their needs. With none, the hub keeps its
    own standing. Exercises never change what residents see."""
    db.session.flush()
    states = list(
        db.session.scalars(
            select(HubActivation)
            .join(Incident, Incident.id == HubActivation.incident_id)
            .where(
                HubActivation.hub_id == hub.id,
                Incident.ended_at.is_(None),
                Incident.exercise.is_(False),
            )
        )
    )
    if not states:
        return
    best = min(states, key=lambda s: _RANK[HubStatus(s.status)])
    receiving = [s for s in states if s.status in RECEIVING]
    hub.status = HubStatus(best.status)
    hub.occupancy = sum(s.occupancy for s in receiving)
    hub.needs = "; ".join(dict.fromkeys(s.needs for s in states if s.needs))
    hub.status_at = at or max(s.status_at for s in states)


def people(hub: Hub, occupancy: int) -> str:
    return people_text(occupancy, hub.day_capacity, hub.night_capacity, hub.overnight)


@dataclass(frozen=True)
class State:
    """A hub's status, people and needs in one incident, as its pages show them."""

    status: str
    occupancy: int
    needs: str
    people: str
    status_at: datetime | None
    active: bool  # its own row in the incident (False: the hub's standing, or not in it)

    @property
    def status_label(self) -> str:
        return HUB_STATUS_LABELS[HubStatus(self.status)]


def states_in(incident: Incident, listed: list[Hub]) -> dict[int, State]:
    """Each hub's state in the incident: its own row there; else, while the incident is under
    way and the hub is part of no other, its standing (a hub opened by hand before the
    incident was declared); else on standby. The rows read are those of the incidents under
    way (a few hubs each), whatever `listed` holds."""
    rows = db.session.execute(
        select(HubActivation, Incident.id)
        .join(Incident, Incident.id == HubActivation.incident_id)
        .where(or_(HubActivation.incident_id == incident.id, Incident.ended_at.is_(None)))
    ).all()
    mine = {a.hub_id: a for a, incident_id in rows if incident_id == incident.id}
    elsewhere = {a.hub_id for a, incident_id in rows if incident_id != incident.id}
    if not incident.active:
        elsewhere = {hub.id for hub in listed}  # an ended incident had only its own
    found = {}
    for hub in listed:
        if (activation := mine.get(hub.id)) is not None:
            found[hub.id] = _state(
                hub,
                activation.status,
                activation.occupancy,
                activation.needs,
                activation.status_at,
                True,
            )
        elif hub.id in elsewhere:
            found[hub.id] = _state(hub, HubStatus.standby, 0, "", None, False)
        else:
            found[hub.id] = _state(hub, hub.status, hub.occupancy, hub.needs, hub.status_at, False)
    return found


def _state(
    hub: Hub, status: str, occupancy: int, needs: str, at: datetime | None, own: bool
) -> State:
    shown = people(hub, occupancy) if status in RECEIVING else ""
    return State(str(status), occupancy, needs, shown, at, own)


def counts_of(states) -> dict[str, int]:
    """Hubs by status among `states` (State) that are part of the incident (their own row, or
    open by hand and taken in by no other), and the people in the open and full ones."""
    states = [s for s in states if s.active or s.status in RECEIVING]
    counts = {status.value: 0 for status in HubStatus}
    for state in states:
        counts[state.status] += 1
    counts["people"] = sum(s.occupancy for s in states if s.status in RECEIVING)
    return counts
