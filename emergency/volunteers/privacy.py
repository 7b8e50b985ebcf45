"""A volunteer's rights over their record, for `flask privacy subject-access` and `erase`
(accord.privacy). Their retention purge is `flask emergency purge-volunteers` (retention.py).

Plain functions; audited by id; callers commit.
"""

from __future__ import annotations

from sqlalchemy import func, select

from accord import audit, privacy
from accord.extensions import db
from emergency.readiness import training
from emergency.volunteers import retention
from emergency.volunteers.models import Volunteer


def _volunteers(email: str) -> list[Volunteer]:
    query = select(Volunteer).where(func.lower(Volunteer.email) == email).order_by(Volunteer.id)
    return list(db.session.scalars(query))


def subject_access(email: str) -> list[dict]:
    """The volunteer's record as kept, with where and when they were deployed and their
    training."""
    found = []
    for volunteer in _volunteers(email):
        audit.record("volunteer.subject_access", "volunteer", volunteer.id)
        found.append(
            {
                "name": volunteer.name,
                "email": volunteer.email,
                "phone": volunteer.phone,
                "postcode_district": volunteer.outcode,
                "skills": volunteer.skills,
                "languages": volunteer.languages,
                "dbs_checked": volunteer.dbs_checked,
                "dbs_date": volunteer.dbs_date.isoformat() if volunteer.dbs_date else None,
                "availability": volunteer.availability,
                "consent": volunteer.consent,
                "consent_at": volunteer.consent_at.isoformat(),
                "active": volunteer.active,
                "kept_until": volunteer.retain_until.isoformat(),
                "deployments": [
                    {
                        "incident_id": d.incident_id,
                        "hub": d.hub.location.name if d.hub and d.hub.location else None,
                        "task": d.task,
                        "deployed_at": d.deployed_at.isoformat(),
                    }
                    for d in volunteer.deployments
                ],
                "training": training.subject_access(volunteer),
            }
        )
    return found


def erase(email: str) -> int:
    """Delete the volunteer and their deployments now, as CVEC would at their request."""
    found = _volunteers(email)
    for volunteer in found:
        retention.delete(volunteer)
    return len(found)


def register() -> None:
    privacy.register(privacy.Holder("emergency volunteers", subject_access, erase))
