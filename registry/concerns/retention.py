"""What an Accord concern keeps about people, for how long, and their rights over it.

A concern is between organisations, but its papers name people: who raised it, who wrote each
statement, the mediator, and what happened in their words. Once a case has been closed for
CONCERN_RETENTION_DAYS (six years, the limitation period for a claim arising from it) those
words and names go; what stays is what the Accord's review counts (organisations, themes,
stages, dates, outcome) and the lessons written for anyone to read. Registered with
accord.privacy; audited by id; callers commit.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, or_, select

from accord import audit, privacy
from accord.extensions import db
from accord.models import User
from registry.concerns.models import Concern, ConcernStep, Mediator, Stage

IN_THEIR_WORDS = ("what_happened", "tried", "good_outcome", "outcome_summary")


def purge(now: datetime, keep_days: int) -> int:
    """Forget the words and names in cases closed more than `keep_days` ago."""
    closed = select(Concern).where(
        Concern.stage == Stage.closed,
        Concern.closed_at < now - timedelta(days=keep_days),
        or_(Concern.what_happened != "", Concern.raised_by_id.is_not(None)),
    )
    count = 0
    for concern in db.session.scalars(closed):
        for field in IN_THEIR_WORDS:
            setattr(concern, field, "")
        concern.raised_by_id = None
        for step in concern.steps:
            step.text, step.actor_id = "", None
        audit.record("concern.purged", "concern", concern.id)
        count += 1
    return count


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email))


def _mediators(email: str, user: User | None) -> list[Mediator]:
    which = [func.lower(Mediator.contact) == email]
    if user is not None:
        which.append(Mediator.user_id == user.id)
    return list(db.session.scalars(select(Mediator).where(or_(*which)).order_by(Mediator.id)))


def subject_access(email: str) -> list[dict]:
    """The concerns this person raised, the steps they recorded, and their mediator record."""
    user = _user(email)
    found: list[dict] = []
    if user is not None:
        for concern in db.session.scalars(
            select(Concern).where(Concern.raised_by_id == user.id).order_by(Concern.id)
        ):
            audit.record("concern.subject_access", "concern", concern.id)
            found.append(
                {
                    "concern": concern.reference,
                    "as": "raised it",
                    "stage": concern.stage,
                    "raised_at": concern.raised_at.isoformat(),
                    **{field: getattr(concern, field) for field in IN_THEIR_WORDS},
                }
            )
        for step in db.session.scalars(
            select(ConcernStep).where(ConcernStep.actor_id == user.id).order_by(ConcernStep.id)
        ):
            audit.record("concern.subject_access", "concern_step", step.id)
            found.append(
                {
                    "concern": step.concern.reference,
                    "as": f"recorded: {step.kind}",
                    "happened_on": step.happened_on.isoformat(),
                    "text": step.text,
                }
            )
    for mediator in _mediators(email, user):
        audit.record("concern.subject_access", "mediator", mediator.id)
        cases = db.session.scalars(select(Concern.reference).where(Concern.mediator == mediator))
        found.append(
            {
                "as": "mediator",
                "name": mediator.name,
                "contact": mediator.contact,
                "cases": [*cases],
            }
        )
    return found


def erase(email: str) -> int:
    """Take this person's name off the cases: as raiser, as the author of steps, as mediator.
    The organisations' statements stay with the case until its retention ends."""
    user = _user(email)
    count = 0
    if user is not None:
        for concern in db.session.scalars(select(Concern).where(Concern.raised_by_id == user.id)):
            concern.raised_by_id = None
            audit.record("concern.party_erased", "concern", concern.id)
            count += 1
        for step in db.session.scalars(select(ConcernStep).where(ConcernStep.actor_id == user.id)):
            step.actor_id = None
            count += 1
    for mediator in _mediators(email, user):
        mediator.name, mediator.contact, mediator.user_id = "Erased", "", None
        mediator.active = False
        audit.record("concern.party_erased", "mediator", mediator.id)
        count += 1
    return count


def register() -> None:
    privacy.register(
        privacy.Holder(
            "Accord concerns",
            subject_access,
            erase,
            lambda now: purge(now, current_app.config["CONCERN_RETENTION_DAYS"]),
        )
    )
