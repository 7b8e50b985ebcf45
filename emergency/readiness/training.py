"""Volunteers' training: CVEC records a course a volunteer has done (with when, and until when
it counts), lists it on their record, and finds volunteers by training still valid. Deleted
with the volunteer (retention.delete and purge call `forget`).

Plain functions; none reads `request`. Audited by ids; callers commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, delete, select

from accord import audit
from accord.extensions import db
from emergency.readiness.models import VolunteerTraining
from emergency.volunteers.models import Volunteer

OTHER = "other"
COURSES = {
    "rest_centre": "Rest centre",
    "first_aid": "First aid",
    "safeguarding": "Safeguarding",
    "manual_handling": "Manual handling",
    "food_hygiene": "Food hygiene",
    "psychological_first_aid": "Psychological first aid",
    OTHER: "Other",
}


def name(training: VolunteerTraining) -> str:
    """ "First aid", or what "other" was: "Other: chainsaw safety"."""
    label = COURSES.get(training.course, training.course)
    return f"{label}: {training.detail}" if training.detail else label


def of(volunteer: Volunteer) -> list[VolunteerTraining]:
    """The volunteer's training, most recently completed first."""
    return list(
        db.session.scalars(
            select(VolunteerTraining)
            .where(VolunteerTraining.volunteer_id == volunteer.id)
            .order_by(VolunteerTraining.completed_on.desc(), VolunteerTraining.id.desc())
        )
    )


@dataclass(frozen=True)
class Listed:
    """A line of a volunteer's training as their record shows it."""

    course: str
    completed_on: date
    expires_on: date | None
    expired: bool


def listing(volunteer: Volunteer, today: date) -> list[Listed]:
    """The volunteer's training to show, most recently completed first, expired ones marked."""
    return [Listed(name(t), t.completed_on, t.expires_on, t.expired(today)) for t in of(volunteer)]


def record(
    volunteer: Volunteer,
    course: str,
    detail: str,
    completed_on: date,
    expires_on: date | None,
    by_id: int | None,
) -> VolunteerTraining:
    if course not in COURSES:
        raise ValueError(f"not a course: {course!r}")
    training = VolunteerTraining(
        volunteer_id=volunteer.id,
        course=course,
        detail=detail if course == OTHER else "",
        completed_on=completed_on,
        expires_on=expires_on,
        recorded_by_id=by_id,
    )
    db.session.add(training)
    db.session.flush()
    audit.record(
        "volunteer.training_recorded",
        "volunteer",
        volunteer.id,
        actor_id=by_id,
        details={"training_id": training.id, "course": course},
    )
    return training


def valid_in(course: str, today: date) -> ColumnElement[bool]:
    """A condition on Volunteer: they hold `course`, done by `today` and not expired."""
    holders = select(VolunteerTraining.volunteer_id).where(
        VolunteerTraining.course == course,
        VolunteerTraining.completed_on <= today,
        VolunteerTraining.expires_on.is_(None) | (VolunteerTraining.expires_on >= today),
    )
    return Volunteer.id.in_(holders)


def subject_access(volunteer: Volunteer) -> list[dict]:
    return [
        {
            "course": name(t),
            "completed_on": t.completed_on.isoformat(),
            "expires_on": t.expires_on.isoformat() if t.expires_on else None,
        }
        for t in of(volunteer)
    ]


def forget(volunteer_ids: list[int]) -> None:
    """Volunteers being deleted: their training goes with them (the foreign key cascades on
    PostgreSQL; SQLite here does not enforce foreign keys)."""
    if volunteer_ids:
        db.session.execute(
            delete(VolunteerTraining)
            .where(VolunteerTraining.volunteer_id.in_(volunteer_ids))
            .execution_options(synchronize_session=False)
        )
