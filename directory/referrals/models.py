"""Referrals: one consented referral of one resident to one service, and its states."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accord.clock import utcnow
from accord.extensions import Model
from accord.models import Organisation, User
from directory.models import Service, new_uuid


class ReferralStatus(enum.StrEnum):
    draft = "draft"  # being written by the referrer; the service cannot see it
    sent = "sent"
    accepted = "accepted"
    declined = "declined"
    completed = "completed"
    withdrawn = "withdrawn"  # by the referrer, before the service accepted it


OPEN_STATUSES = (ReferralStatus.sent, ReferralStatus.accepted)
CLOSED_STATUSES = (ReferralStatus.declined, ReferralStatus.completed, ReferralStatus.withdrawn)

STATUS_LABELS = {
    ReferralStatus.draft: "Not sent yet",
    ReferralStatus.sent: "Waiting for the service",
    ReferralStatus.accepted: "Accepted",
    ReferralStatus.declined: "Declined",
    ReferralStatus.completed: "Completed",
    ReferralStatus.withdrawn: "Withdrawn",
}

DECLINE_REASONS = {
    "not_eligible": "Not eligible for this service",
    "no_capacity": "No capacity at the moment",
    "could_not_contact": "Could not contact the person",
    "declined_by_resident": "The person decided not to go ahead",
    "other": "Another reason",
}
# The reasons that are evidence of need the county is not meeting (Accord theme 6).
UNMET_REASONS = ("not_eligible", "no_capacity")


class Referral(Model):
    """A consented referral of one resident to one service.

    Everything that identifies the resident is in `sealed` (Fernet, see accord.sealing),
    readable only through directory.referrals.referrals by the referrer and the receiving
    organisation's members. The plain columns are what anonymous statistics need: service,
    needs, postcode district, dates, status and reason. Purging empties `sealed` and
    `subject_key` and keeps the rest.
    """

    __tablename__ = "referral"

    id: Mapped[int] = mapped_column(primary_key=True)
    # In addresses, so ids cannot be counted through; every lookup still checks who asks.
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    service_id: Mapped[int | None] = mapped_column(
        ForeignKey("service.id", ondelete="SET NULL"), index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    referrer_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(12), default=ReferralStatus.draft, index=True)
    decline_reason: Mapped[str] = mapped_column(String(30), default="")
    need_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    outcode: Mapped[str] = mapped_column(String(4), default="")
    safeguarding_checked: Mapped[bool] = mapped_column(default=False)
    # Consent, as recorded by the referrer: who gave it (the person, a parent or carer …),
    # how, when, and which details may be shared. Names, if any, are sealed.
    consent_by: Mapped[str] = mapped_column(String(30), default="")
    consent_how: Mapped[str] = mapped_column(String(30), default="")
    consent_at: Mapped[datetime | None]
    consent_scope: Mapped[list[str]] = mapped_column(JSON, default=list)
    sealed: Mapped[str] = mapped_column(Text, default="")
    # A keyed hash of the person's name and contact, to find their referrals for a subject
    # access request or erasure without decrypting every row (accord.sealing.blind_index).
    subject_key: Mapped[str] = mapped_column(String(64), default="", index=True)
    # The random token of the form that started it: a double-clicked or replayed start finds
    # this referral instead of making another (sending is draft → sent, once, likewise).
    start_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    first_response_at: Mapped[datetime | None]
    accepted_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    overdue_flagged_at: Mapped[datetime | None]
    purged_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    service: Mapped[Service | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    referrer: Mapped[User | None] = relationship()
