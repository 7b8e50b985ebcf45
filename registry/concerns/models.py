"""Accord concerns and their resolution (the Accord's "Compliance and Dispute Resolution").

A concern is raised by a member of a signatory organisation about another organisation, after
trying a direct conversation (stage 1). The VCS Assembly coordinator acknowledges it, may
appoint an independent mediator (never one linked to either party), asks both sides for a
written statement, holds a meeting if one is needed and records the outcome; Staffordshire's
and Herefordshire's compacts aim for six weeks from the formal stage. Nothing is deleted: a
case is closed. Every step is a ConcernStep on the case's timeline.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from uuid import uuid4

from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accord.clock import utcnow
from accord.extensions import Model, db
from accord.models import Labelled, Organisation, User


class Permission(Labelled):
    # The coordinator may take it forward, naming the raiser's organisation.
    named = "named", "Yes, you may take this forward and name our organisation"
    # Anonymous learning only: the other organisation is not told.
    anonymous = "anonymous", "No, use it only as anonymous learning for the Accord's review"


PERMISSION_LABELS: dict[str, str] = {member: member.label for member in Permission}


class Stage(Labelled):
    raised = "raised", "Raised"
    acknowledged = "acknowledged", "Acknowledged"
    mediator_appointed = "mediator_appointed", "Mediator appointed"
    statements_requested = "statements_requested", "Statements requested"
    meeting_held = "meeting_held", "Meeting held"
    outcome_recorded = "outcome_recorded", "Outcome recorded"
    closed = "closed", "Closed"


STAGE_LABELS: dict[str, str] = {member: member.label for member in Stage}


class Outcome(Labelled):
    resolved = "resolved", "Resolved"
    partly_resolved = "partly_resolved", "Partly resolved"
    not_resolved = "not_resolved", "Not resolved"
    formal_route = "formal_route", "Referred to a formal route (complaints or contract process)"


OUTCOME_LABELS: dict[str, str] = {member: member.label for member in Outcome}


mediator_organisation = Table(
    "mediator_organisation",
    db.metadata,
    Column("mediator_id", ForeignKey("mediator.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True),
)


class Mediator(Model):
    """An independent person on the coordinator's list. Their links to organisations (a
    trustee, an employee) rule them out of cases involving those organisations."""

    __tablename__ = "mediator"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    # Where to reach them (an email address): shown to the coordinator only.
    contact: Mapped[str] = mapped_column(String(254), default="")
    # Their account, if they have one: it lets them open the cases they are appointed to.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), unique=True
    )
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User | None] = relationship()
    organisations: Mapped[list[Organisation]] = relationship(secondary=mediator_organisation)


class Concern(Model):
    __tablename__ = "concern"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=lambda: str(uuid4()))
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    # The hidden token of the form that raised it: the same POST twice finds this concern.
    start_token: Mapped[str | None] = mapped_column(String(64), unique=True)

    raised_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    raiser_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    concerned_organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id"), index=True
    )
    accord_version_id: Mapped[int | None] = mapped_column(ForeignKey("accord_version.id"))
    themes: Mapped[list[int]] = mapped_column(JSON, default=list)
    commitments: Mapped[str] = mapped_column(Text, default="")
    what_happened: Mapped[str] = mapped_column(Text)
    tried: Mapped[str] = mapped_column(Text)
    good_outcome: Mapped[str] = mapped_column(Text)
    permission: Mapped[str] = mapped_column(String(12), default=Permission.named)

    stage: Mapped[str] = mapped_column(String(24), default=Stage.raised, index=True)
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
    acknowledged_at: Mapped[datetime | None]
    mediator_appointed_at: Mapped[datetime | None]
    statements_requested_at: Mapped[datetime | None]
    meeting_held_at: Mapped[datetime | None]
    outcome_recorded_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    # When `flask concerns flag-overdue` told the coordinator it passed six weeks: once only.
    overdue_flagged_at: Mapped[datetime | None]

    mediator_id: Mapped[int | None] = mapped_column(
        ForeignKey("mediator.id", ondelete="SET NULL"), index=True
    )
    outcome: Mapped[str] = mapped_column(String(20), default="")
    # Shared with both parties (not public).
    outcome_summary: Mapped[str] = mapped_column(Text, default="")
    breach: Mapped[bool | None]
    # For the public "What we have learned" page: written to be read by anyone.
    lessons: Mapped[str] = mapped_column(Text, default="")
    # Both parties agreed the organisations may be named on the learning page.
    names_agreed: Mapped[bool] = mapped_column(default=False)
    # The Accord's breaches process, step 3: where a breach had significant impact on services
    # or public trust, the concerned organisation's public statement (its web address).
    public_statement: Mapped[str] = mapped_column(String(500), default="", server_default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    raised_by: Mapped[User | None] = relationship()
    raiser_organisation: Mapped[Organisation] = relationship(foreign_keys=[raiser_organisation_id])
    concerned_organisation: Mapped[Organisation] = relationship(
        foreign_keys=[concerned_organisation_id]
    )
    mediator: Mapped[Mediator | None] = relationship()
    steps: Mapped[list[ConcernStep]] = relationship(
        back_populates="concern", order_by="ConcernStep.id"
    )

    @property
    def stage_label(self) -> str:
        return STAGE_LABELS.get(self.stage, self.stage)

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS.get(self.outcome, self.outcome)


class StepKind(enum.StrEnum):
    raised = "raised"
    acknowledged = "acknowledged"
    mediator_appointed = "mediator_appointed"
    statements_requested = "statements_requested"
    statement = "statement"
    meeting_held = "meeting_held"
    outcome_recorded = "outcome_recorded"
    closed = "closed"


class Party(enum.StrEnum):
    raiser = "raiser"
    concerned = "concerned"
    coordinator = "coordinator"
    mediator = "mediator"


class ConcernStep(Model):
    """One entry on a case's timeline: who (which side), what, when, and any statement."""

    __tablename__ = "concern_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(ForeignKey("concern.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    party: Mapped[str] = mapped_column(String(12))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # The date the step happened (a meeting may be recorded the day after).
    happened_on: Mapped[datetime] = mapped_column(default=utcnow)
    text: Mapped[str] = mapped_column(Text, default="")
    # The hidden token of the statement form: a double click adds one statement.
    token: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    concern: Mapped[Concern] = relationship(back_populates="steps")
    actor: Mapped[User | None] = relationship()


class OpenLetter(Model):
    """The Accord's last resort (step 7): an open letter the VCS Assembly published about a
    public-sector signatory that keeps failing to respect the ways of working. Recorded after
    it is published, with where anyone can read it."""

    __tablename__ = "open_letter"
    # The same letter posted twice (a double click) is one row.
    __table_args__ = (UniqueConstraint("organisation_id", "url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    published_on: Mapped[date]
    url: Mapped[str] = mapped_column(String(500))
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship()
