"""Call-outs: what CVEC asked volunteers for in an incident, and each volunteer's answer.

A recipient row outlives the volunteer (their link to it is set to NULL when their details are
purged), so the incident's debrief keeps the counts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accord.clock import utcnow
from accord.extensions import Model
from emergency.models import Hub, Incident
from emergency.volunteers.models import Volunteer


class Answer:
    none = ""
    coming = "coming"
    cannot = "cannot"


class Callout(Model):
    __tablename__ = "callout"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id", ondelete="CASCADE"))
    hub_id: Mapped[int | None] = mapped_column(ForeignKey("hub.id", ondelete="SET NULL"))
    # Where, when there is no hub: a place in words ("Frankwell car park"). No one's details.
    place: Mapped[str] = mapped_column(String(100), default="")
    need: Mapped[str] = mapped_column(Text)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    people_wanted: Mapped[int]
    # The text message as sent, the personal link shown as LINK_MARK.
    message: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]

    incident: Mapped[Incident] = relationship()
    hub: Mapped[Hub | None] = relationship()
    recipients: Mapped[list[CalloutRecipient]] = relationship(
        back_populates="callout", cascade="all, delete-orphan", order_by="CalloutRecipient.id"
    )

    __table_args__ = (Index("ix_callout_incident_id", "incident_id"),)

    @property
    def open(self) -> bool:
        return self.closed_at is None


class CalloutRecipient(Model):
    """One volunteer a call-out went to, with the random token of their personal link."""

    __tablename__ = "callout_recipient"

    id: Mapped[int] = mapped_column(primary_key=True)
    callout_id: Mapped[int] = mapped_column(ForeignKey("callout.id", ondelete="CASCADE"))
    volunteer_id: Mapped[int | None] = mapped_column(
        ForeignKey("volunteer.id", ondelete="SET NULL")
    )
    token: Mapped[str] = mapped_column(String(64), unique=True)
    channel: Mapped[str] = mapped_column(String(5), default="")  # sms or email, as first sent
    answer: Mapped[str] = mapped_column(String(10), default=Answer.none)
    answered_at: Mapped[datetime | None]
    # Outbox message ids, the call-out's own first (its delivery decides "message failed").
    message_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    deployed: Mapped[bool] = mapped_column(default=False)

    callout: Mapped[Callout] = relationship(back_populates="recipients")
    volunteer: Mapped[Volunteer | None] = relationship()

    __table_args__ = (
        Index("ix_callout_recipient_callout_id", "callout_id"),
        Index("ix_callout_recipient_volunteer_id", "volunteer_id"),
    )


class CalloutDraft(Model):
    """A call-out's answers between its form and the check page, kept here under a random key
    (the only thing the session cookie holds) for a day."""

    __tablename__ = "callout_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    answers: Mapped[dict] = mapped_column(JSON)
    expires_at: Mapped[datetime] = mapped_column(index=True)
