"""Deleting volunteers: at their request (by their emailed link or by CVEC), and when their
retention ends (the daily `flask emergency purge-volunteers`).

Plain functions; none reads `request`. Callers commit.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import delete as delete_rows
from sqlalchemy import select

from accord import audit, outbox
from accord.clock import utcnow
from accord.extensions import db
from emergency import incidents
from emergency.callouts import callouts
from emergency.readiness import training
from emergency.volunteers.changes import CHANGE_MAX_AGE_S, forget_change_emails, forget_changes
from emergency.volunteers.deployments import LOG_KIND, incidents_of, number
from emergency.volunteers.models import Deployment, Volunteer

PURGE_BATCH = 500


def delete(volunteer: Volunteer, by_id: int | None = None, *, by_volunteer: bool = False) -> None:
    """Delete a volunteer, their deployments and training now, at their request (audited by
    id)."""
    logs = incidents_of(volunteer)
    deployments = len(volunteer.deployments)
    audit.record(
        "volunteer.deleted",
        "volunteer",
        volunteer.id,
        actor_id=by_id,
        details={"deployments": deployments, "by": "volunteer" if by_volunteer else "cvec"},
    )
    for incident_id in logs:
        text = f"{number(volunteer)}'s details deleted at their request"
        incidents.log(incident_id, LOG_KIND, text, by_id)
    forget_change_emails(to=volunteer.email)
    forget_changes([volunteer.id])
    outbox.forget(volunteer.email, volunteer.phone)  # their emails and text messages
    callouts.forget([volunteer.id])
    training.forget([volunteer.id])
    db.session.delete(volunteer)
    db.session.flush()


def purge(today: date) -> int:
    """Delete volunteers whose retention ended before `today`, their deployments, training and
    waiting changes; delete expired waiting changes; and take the details out of change emails
    whose links have expired.

    Safe on several machines at once: on PostgreSQL each takes rows the others have not
    locked (SKIP LOCKED). The caller commits.
    """
    forget_change_emails(before=utcnow() - timedelta(seconds=CHANGE_MAX_AGE_S))
    forget_changes(expired=True)
    total = 0
    while True:
        ids = list(
            db.session.scalars(
                select(Volunteer.id)
                .where(Volunteer.retain_until < today)
                .order_by(Volunteer.id)
                .limit(PURGE_BATCH)
                .with_for_update(skip_locked=True)
            )
        )
        if not ids:
            break
        contacts = db.session.execute(
            select(Volunteer.email, Volunteer.phone).where(Volunteer.id.in_(ids))
        )
        outbox.forget(*(contact for row in contacts for contact in row))
        db.session.execute(delete_rows(Deployment).where(Deployment.volunteer_id.in_(ids)))
        forget_changes(ids)
        callouts.forget(ids)
        training.forget(ids)
        db.session.execute(delete_rows(Volunteer).where(Volunteer.id.in_(ids)))
        total += len(ids)
    if total:
        db.session.expire_all()
        audit.record(
            "volunteer.purged",
            "volunteer",
            "retention",
            details={"count": total, "retained_until_before": today.isoformat()},
        )
    return total
