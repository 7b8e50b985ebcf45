"""A case's stages after it is raised: acknowledged, statements requested, written statements,
the meeting, the outcome and closing. Each is recorded once, in order; a step that does not
fit the case's stage raises WrongState (a replayed POST changes nothing). Both parties are told
of each step by email, with a link and no details. The caller commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from accord import audit
from accord.clock import utcnow
from accord.extensions import db
from accord.models import User
from registry.concerns.concerns import (
    WrongState,
    advance,
    must_be_acknowledged,
    must_be_named,
    must_be_open,
    record_step,
    tell_mediator,
    tell_parties,
)
from registry.concerns.models import (
    STAGE_LABELS,
    Concern,
    ConcernStep,
    Outcome,
    Party,
    Permission,
    Stage,
    StepKind,
)


def acknowledge(concern: Concern, by: User, on: datetime) -> None:
    if concern.stage != Stage.raised:
        raise WrongState(f"the case is {concern.stage}")
    concern.acknowledged_at = on
    advance(concern, Stage.acknowledged, by, "Acknowledged", on)


STEP_DATES = {
    Stage.statements_requested: "statements_requested_at",
    Stage.meeting_held: "meeting_held_at",
}


def record_stage(
    concern: Concern, stage: str, by: User, on: datetime, party: str = Party.coordinator
) -> None:
    """Statements requested or meeting held, each once, after acknowledgement; by the
    coordinator or the appointed mediator."""
    if stage not in STEP_DATES:
        raise ValueError(f"unknown stage {stage!r}")
    must_be_acknowledged(concern)
    column = STEP_DATES[Stage(stage)]
    if getattr(concern, column) is not None:
        raise WrongState(f"{stage} already recorded")
    must_be_named(concern)
    setattr(concern, column, on)
    advance(concern, Stage(stage), by, STAGE_LABELS[Stage(stage)], on, party)


def add_statement(
    concern: Concern, by: User, party: str | None, text: str, token: str
) -> ConcernStep:
    """A written statement from one side; the same form token again adds nothing."""
    found = db.session.scalar(select(ConcernStep).where(ConcernStep.token == token))
    if found is not None:
        if found.concern_id != concern.id or found.actor_id != by.id:
            raise WrongState("that form was used for something else")
        return found
    if party is None or party not in (Party.raiser, Party.concerned):
        raise ValueError(f"not a party: {party!r}")
    must_be_open(concern)
    step = record_step(concern, StepKind.statement, party, by, text=text, token=token)
    db.session.flush()
    audit.record(
        "concern.statement_added",
        "concern",
        concern.id,
        actor_id=by.id,
        details={"party": party, "step_id": step.id},
    )
    tell_parties(concern, f"A statement from the {SIDE_NAMES[Party(party)]}", exclude=by)
    tell_mediator(concern, "registry/concern_statement")
    return step


SIDE_NAMES = {
    Party.raiser: "organisation that raised the concern",
    Party.concerned: "organisation the concern is about",
}


@dataclass
class Result:
    outcome: str
    summary: str
    breach: bool
    lessons: str
    names_agreed: bool
    public_statement: str = ""


def record_outcome(concern: Concern, by: User, result: Result, on: datetime) -> None:
    must_be_open(concern)
    if result.outcome not in set(Outcome):
        raise ValueError(f"unknown outcome {result.outcome!r}")
    concern.outcome = result.outcome
    concern.outcome_summary = result.summary
    concern.breach = result.breach
    concern.lessons = result.lessons
    concern.names_agreed = result.names_agreed and concern.permission == Permission.named
    concern.public_statement = result.public_statement
    concern.outcome_recorded_at = on
    details = {
        "outcome": result.outcome,
        "breach": result.breach,
        "public_statement": bool(result.public_statement),
    }
    advance(
        concern, Stage.outcome_recorded, by, "The outcome has been recorded", on, details=details
    )


def close(concern: Concern, by: User) -> None:
    """Closed, never deleted: after the outcome is recorded (or, for anonymous learning, once
    the lessons are written)."""
    if concern.stage != Stage.outcome_recorded:
        raise WrongState(f"the case is {concern.stage}")
    concern.closed_at = utcnow()
    advance(concern, Stage.closed, by, "The case is closed")
