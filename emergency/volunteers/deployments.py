"""Deployments: CVEC sends a volunteer to a hub, a task, or a task at a hub in an incident,
checks them in and out, and marks them active or not; and what other emergency pages read of
deployments.

Plain functions; none reads `request`. Callers commit. Logs, audit events and the incident log
name a volunteer by number ("Volunteer V12"), never by name.
"""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from accord import audit
from accord.clock import utcnow
from accord.extensions import db
from emergency import incidents
from emergency.models import Hub, Incident
from emergency.volunteers.models import Deployment, Volunteer

LOG_KIND = "volunteer"
# Runs of digits long enough to be a phone number, and email addresses: a task is read by
# everyone in the incident log, so residents' contact details must not go into it.
CONTACT_DETAILS = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+|(?:\d[\s()-]*){10,}")


class Refused(ValueError):
    """A change CVEC asked for cannot be made; the message says why, for a person to read."""


def number(volunteer: Volunteer | int) -> str:
    """How logs and other people's pages name a volunteer: "Volunteer V12", never the name."""
    volunteer_id = volunteer if isinstance(volunteer, int) else volunteer.id
    return f"Volunteer V{volunteer_id}"


def where(deployment: Deployment) -> str:
    """Where a deployment sends someone, in words: a hub's public name, the task, or both
    ("Frankwell Hall, Shrewsbury (task: serving meals)")."""
    if deployment.hub is not None:
        place = deployment.hub.location
        hub = f"{place.name}, {place.town}" if place.town else place.name
        return f"{hub} (task: {deployment.task})" if deployment.task else hub
    return f"task: {deployment.task}" if deployment.task else "no destination recorded"


def task_problem(task: str) -> str | None:
    if CONTACT_DETAILS.search(task):
        return (
            "Remove the phone number or email address: the task is shown in the incident log, "
            "so it must not hold anyone's contact details"
        )
    return None


def hubs() -> list[Hub]:
    """Every hub, by town then name, for the deploy form."""
    found = db.session.scalars(select(Hub).options(selectinload(Hub.location))).all()
    return sorted(found, key=lambda h: (h.location.town.lower(), h.location.name.lower()))


def current_of(volunteer_ids: list[int]) -> dict[int, Deployment]:
    """Each volunteer's deployment not yet checked out, by volunteer id."""
    if not volunteer_ids:
        return {}
    open_ones = db.session.scalars(
        select(Deployment)
        .where(Deployment.volunteer_id.in_(volunteer_ids), Deployment.checked_out_at.is_(None))
        .options(selectinload(Deployment.hub).selectinload(Hub.location))
        .order_by(Deployment.deployed_at)
    )
    return {d.volunteer_id: d for d in open_ones}


def current(volunteer: Volunteer) -> Deployment | None:
    """The deployment not yet checked out, if any."""
    return current_of([volunteer.id]).get(volunteer.id)


def history(volunteer: Volunteer) -> list[Deployment]:
    return list(
        db.session.scalars(
            select(Deployment)
            .where(Deployment.volunteer_id == volunteer.id)
            .options(selectinload(Deployment.hub).selectinload(Hub.location))
            .options(selectinload(Deployment.incident))
            .order_by(Deployment.deployed_at.desc(), Deployment.id.desc())
        )
    )


def _lock(volunteer: Volunteer) -> None:
    # On PostgreSQL two coordinators deploying one volunteer at once take turns here, so the
    # second sees the first's deployment. SQLite has one writer at a time anyway.
    db.session.execute(select(Volunteer.id).where(Volunteer.id == volunteer.id).with_for_update())


def _check_deployable(volunteer: Volunteer, incident: Incident, hub: Hub | None, task: str) -> None:
    """Refused, saying why, unless the volunteer can go there now (locks their row)."""
    if not incident.active:
        raise Refused(f"{incident.name} has been stood down. Choose an active incident.")
    if hub is None and not task:
        raise Refused("Choose a hub or describe a task")
    if task and (problem := task_problem(task)):
        raise Refused(problem)
    _lock(volunteer)
    if not volunteer.active:
        raise Refused(
            f"{number(volunteer)} is marked inactive. Mark them active before deploying them."
        )
    if (now := current(volunteer)) is not None:
        raise Refused(
            f"{number(volunteer)} is already deployed ({where(now)}). "
            "Check them out before deploying them again."
        )


def deploy(
    volunteer: Volunteer,
    incident: Incident,
    *,
    hub: Hub | None = None,
    task: str = "",
    by_id: int | None = None,
) -> Deployment:
    """Send a volunteer to a hub, a task, or a task at a hub in an active incident; logged by
    number.

    On Refused the caller rolls back: the volunteer's row may be locked by then.
    """
    task = task.strip()
    _check_deployable(volunteer, incident, hub, task)
    deployment = Deployment(
        volunteer=volunteer,
        incident_id=incident.id,
        hub=hub,
        task=task,
        by_id=by_id,
        deployed_at=utcnow(),
    )
    db.session.add(deployment)
    db.session.flush()
    audit.record(
        "volunteer.deployed",
        "volunteer",
        volunteer.id,
        actor_id=by_id,
        details={
            "deployment_id": deployment.id,
            "incident_id": incident.id,
            "hub_id": hub.id if hub else None,
        },
    )
    incidents.log(incident, LOG_KIND, f"{number(volunteer)} deployed to {where(deployment)}", by_id)
    return deployment


def check_in(deployment: Deployment, by_id: int | None = None) -> None:
    if deployment.checked_out_at is not None:
        raise Refused(f"{number(deployment.volunteer_id)} has already checked out of this.")
    if deployment.checked_in_at is not None:
        raise Refused(f"{number(deployment.volunteer_id)} has already checked in.")
    deployment.checked_in_at = utcnow()
    _record(deployment, "volunteer.checked_in", "checked in at", by_id)


def check_out(deployment: Deployment, by_id: int | None = None) -> None:
    """End a deployment; before check-in it means they were stood down before arriving."""
    if deployment.checked_out_at is not None:
        raise Refused(f"{number(deployment.volunteer_id)} has already checked out of this.")
    arrived = deployment.checked_in_at is not None
    deployment.checked_out_at = utcnow()
    said = "checked out of" if arrived else "stood down before arriving at"
    _record(deployment, "volunteer.checked_out", said, by_id)


def _record(deployment: Deployment, action: str, said: str, by_id: int | None) -> None:
    audit.record(
        action,
        "volunteer",
        deployment.volunteer_id,
        actor_id=by_id,
        details={"deployment_id": deployment.id, "incident_id": deployment.incident_id},
    )
    if deployment.incident_id is not None:
        text = f"{number(deployment.volunteer_id)} {said} {where(deployment)}"
        incidents.log(deployment.incident_id, LOG_KIND, text, by_id)


def incidents_of(volunteer: Volunteer) -> list[int]:
    """Active incidents this volunteer has been deployed in: the logs a change matters to."""
    query = (
        select(Incident.id)
        .join(Deployment, Deployment.incident_id == Incident.id)
        .where(Deployment.volunteer_id == volunteer.id, Incident.ended_at.is_(None))
        .distinct()
    )
    return sorted(db.session.scalars(query))


def set_active(volunteer: Volunteer, active: bool, by_id: int | None = None) -> None:
    if volunteer.active == active:
        return
    volunteer.active = active
    said = "marked active" if active else "marked inactive"
    audit.record(f"volunteer.{said.replace(' ', '_')}", "volunteer", volunteer.id, actor_id=by_id)
    for incident_id in incidents_of(volunteer):
        incidents.log(incident_id, LOG_KIND, f"{number(volunteer)} {said}", by_id)


# --- for other emergency pages (the situation report) ----------------------------------------


def deployed(incident: Incident | int) -> list[Deployment]:
    """Every deployment in an incident, oldest first (name volunteers with `number`)."""
    incident_id = incident if isinstance(incident, int) else incident.id
    return list(
        db.session.scalars(
            select(Deployment)
            .where(Deployment.incident_id == incident_id)
            .options(selectinload(Deployment.hub).selectinload(Hub.location))
            .order_by(Deployment.deployed_at, Deployment.id)
        )
    )


def on_duty(incident: Incident | int) -> int:
    """Volunteers checked in and not yet out in an incident."""
    incident_id = incident if isinstance(incident, int) else incident.id
    query = select(func.count(Deployment.id)).where(
        Deployment.incident_id == incident_id,
        Deployment.checked_in_at.is_not(None),
        Deployment.checked_out_at.is_(None),
    )
    return db.session.scalar(query) or 0
