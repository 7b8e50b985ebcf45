"""Volunteers' hours in an incident, from their check-ins and check-outs: by hub and in total,
and their value at the rate CVEC sets (theme 4's social value; theme 15's case-by-case
funding asks for it). Counts and hours only: no volunteer is named.

A deployment counts from check-in to check-out; one still checked in counts until the
incident ended, or until now while it is under way. One never checked in counts nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from accord.clock import utcnow
from emergency.models import Incident
from emergency.volunteers import deployments
from emergency.volunteers.models import Deployment

TASKS = "Tasks away from a hub"


@dataclass
class Hours:
    """An incident's volunteer hours: in total, by hub (name → hours), and how many
    volunteers worked them."""

    total: float = 0.0
    by_hub: dict[str, float] = field(default_factory=dict)
    volunteers: int = 0
    rate_pence: int | None = None

    @property
    def value_pence(self) -> int | None:
        """The hours' value at the rate set, to the penny; None with no rate."""
        if self.rate_pence is None:
            return None
        return round(self.total * self.rate_pence)


def worked(deployment: Deployment, until: datetime) -> float:
    """Hours from check-in to check-out (or `until`)."""
    if deployment.checked_in_at is None:
        return 0.0
    end = deployment.checked_out_at or until
    return max((end - deployment.checked_in_at).total_seconds(), 0.0) / 3600


def of_incident(incident: Incident, now: datetime | None = None) -> Hours:
    until = incident.ended_at or now or utcnow()
    found = Hours(rate_pence=incident.hour_rate_pence)
    people = set()
    for deployment in deployments.deployed(incident):
        spent = worked(deployment, until)
        if not spent:
            continue
        people.add(deployment.volunteer_id)
        name = deployment.hub.location.name if deployment.hub else TASKS
        found.by_hub[name] = found.by_hub.get(name, 0.0) + spent
        found.total += spent
    found.volunteers = len(people)
    found.by_hub = dict(sorted(found.by_hub.items(), key=lambda item: (-item[1], item[0])))
    return found


def pounds(pence: int | None) -> str:
    """£1,234.50 (or "not set")."""
    if pence is None:
        return "not set"
    return f"£{pence / 100:,.2f}"
