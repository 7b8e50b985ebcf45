"""The annual self-assessment: an organisation's answers to the Accord's commitments, one set a
year, with SMART actions where it could do better. Only the organisation's members see them;
coordinators see anonymous counts (registry.self_assessment.self_assessment.results_by_theme)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accord.clock import utcnow
from accord.extensions import Model
from accord.models import Labelled, Organisation
from registry.models import AccordVersion


class Answer(Labelled):
    not_relevant = "not_relevant", "Not relevant to us"
    do_well = "do_well", "We already do this well"
    do_better = "do_better", "We could do this better"


ANSWER_LABELS: dict[str, str] = {member: member.label for member in Answer}


class SelfAssessment(Model):
    __tablename__ = "self_assessment"
    __table_args__ = (
        UniqueConstraint("organisation_id", "year", name="uq_self_assessment_organisation_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int] = mapped_column(index=True)
    # The version of the Accord the answers were given against (kept if a new one is published).
    accord_version_id: Mapped[int] = mapped_column(ForeignKey("accord_version.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    completed_at: Mapped[datetime | None]

    organisation: Mapped[Organisation] = relationship()
    accord_version: Mapped[AccordVersion] = relationship()
    answers: Mapped[list[SelfAssessmentAnswer]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan"
    )


class SelfAssessmentAnswer(Model):
    __tablename__ = "self_assessment_answer"
    __table_args__ = (
        UniqueConstraint(
            "self_assessment_id", "commitment_key", name="uq_self_assessment_answer_commitment"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    self_assessment_id: Mapped[int] = mapped_column(
        ForeignKey("self_assessment.id", ondelete="CASCADE"), index=True
    )
    # registry.commitments.Commitment.key (e.g. "10-public-3") and its text at the time, so
    # next year's page can show this answer beside the same commitment in a revised Accord.
    commitment_key: Mapped[str] = mapped_column(String(20))
    theme: Mapped[int]
    commitment: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(String(20))
    # The SMART action when the answer is "we could do this better": what, who, by when.
    action_what: Mapped[str] = mapped_column(Text, default="")
    action_who: Mapped[str] = mapped_column(String(200), default="")
    action_by: Mapped[date | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    assessment: Mapped[SelfAssessment] = relationship(back_populates="answers")
