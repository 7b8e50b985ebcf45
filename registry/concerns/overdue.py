"""The six-week target: when a case is due, which open cases are past it, and telling the
coordinators (and the mediator) once about each (`flask concerns flag-overdue`, daily)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from accord import audit, emails
from accord.clock import utcnow
from accord.extensions import db
from registry.concerns.concerns import coordinator_emails
from registry.concerns.models import Concern, Stage

# Staffordshire's and Herefordshire's target for the formal stage: six weeks.
TARGET = timedelta(days=42)
OPEN_STAGES = tuple(s for s in Stage if s not in (Stage.outcome_recorded, Stage.closed))


def due_by(concern: Concern) -> datetime | None:
    """Six weeks from acknowledgement."""
    return concern.acknowledged_at + TARGET if concern.acknowledged_at else None


def is_overdue(concern: Concern, now: datetime | None = None) -> bool:
    due = due_by(concern)
    return due is not None and concern.stage in OPEN_STAGES and (now or utcnow()) > due


def overdue_unflagged(now: datetime | None = None) -> list[Concern]:
    """Open cases past their six-week target that nobody has been told about yet. Locked on
    PostgreSQL (SKIP LOCKED), so two runners of the command never email about one twice."""
    query = (
        select(Concern)
        .where(
            Concern.stage.in_(OPEN_STAGES),
            Concern.acknowledged_at < (now or utcnow()) - TARGET,
            Concern.overdue_flagged_at.is_(None),
        )
        .order_by(Concern.id)
    )
    # Several runners never take one row twice (PostgreSQL; SQLite has one writer and
    # SQLAlchemy leaves FOR UPDATE out there).
    query = query.with_for_update(skip_locked=True)
    return list(db.session.scalars(query))


def flag_overdue(now: datetime | None = None) -> int:
    """Tell the coordinators and the appointed mediator once about each case past its
    six-week target; the count told. Only the reference, dates and the case's address: the
    details stay behind sign-in."""
    told = 0
    for concern in overdue_unflagged(now):
        concern.overdue_flagged_at = utcnow()
        recipients = set(coordinator_emails())
        if concern.mediator is not None and concern.mediator.contact:
            recipients.add(concern.mediator.contact)
        for email in sorted(recipients):
            emails.queue(
                email,
                "registry/concern_overdue",
                kind="concern",
                concern=concern,
                due=due_by(concern),
            )
        audit.record("concern.overdue", "concern", concern.id)
        told += 1
    return told
