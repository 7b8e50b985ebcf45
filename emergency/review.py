"""The annual review's emergency section (registry/notices/review.py): incidents declared in
the year with exercises counted apart (theme 15: preparedness and response), the hubs they
opened, volunteers' hours and call-outs. Counts only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from accord.extensions import db
from emergency import hours
from emergency.callouts.models import Callout
from emergency.hub_states import RECEIVING
from emergency.models import HubUpdate, Incident
from registry.notices.review import ReviewSection


def section(year: int) -> ReviewSection:
    start, end = datetime(year, 1, 1), datetime(year + 1, 1, 1)
    declared = list(
        db.session.scalars(
            select(Incident).where(Incident.started_at >= start, Incident.started_at < end)
        )
    )
    real = [incident for incident in declared if not incident.exercise]
    drills = [incident for incident in declared if incident.exercise]
    rows: list[tuple[str, int | str]] = [
        ("Incidents declared", len(real)),
        ("Exercises held", len(drills)),
    ]
    for label, group in (("incidents", real), ("exercises", drills)):
        if not group:
            continue
        ids = [incident.id for incident in group]
        pairs = (
            select(HubUpdate.hub_id, HubUpdate.incident_id)
            .where(HubUpdate.incident_id.in_(ids), HubUpdate.status.in_(list(RECEIVING)))
            .distinct()
            .subquery()
        )
        opened = db.session.scalar(select(func.count()).select_from(pairs))
        worked = sum(hours.of_incident(incident).total for incident in group)
        sent = db.session.scalar(
            select(func.count()).select_from(Callout).where(Callout.incident_id.in_(ids))
        )
        rows += [
            (f"Hubs opened in {label}", opened or 0),
            (f"Volunteer hours in {label}", f"{worked:.1f}"),
            (f"Call-outs in {label}", sent or 0),
        ]
    return ReviewSection(
        "Emergencies",
        rows,
        "Incidents CVEC declared this year, with exercises counted apart from real incidents; "
        "the hubs each opened (a building once per incident), volunteers' checked-in hours and "
        "call-outs sent.",
    )
