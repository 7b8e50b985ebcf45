"""Sign-ups waiting for moderation, and signatories: an organisation's signature of a version."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accord.clock import utcnow
from accord.extensions import Model
from accord.models import Organisation, User
from registry.models import AccordVersion


class SignatoryStatus(enum.StrEnum):
    published = "published"
    withdrawn = "withdrawn"


class Signatory(Model):
    """An organisation's signature of the Accord: one row an organisation, holding a version."""

    __tablename__ = "signatory"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), unique=True
    )
    accord_version_id: Mapped[int] = mapped_column(ForeignKey("accord_version.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=SignatoryStatus.published, index=True)
    # The person signing and the Accord lead: personal data, never on a public page or export.
    signer_name: Mapped[str] = mapped_column(String(120), default="")
    signer_position: Mapped[str] = mapped_column(String(120), default="")
    signer_email: Mapped[str] = mapped_column(String(254), default="")
    lead_name: Mapped[str] = mapped_column(String(120), default="")
    lead_email: Mapped[str] = mapped_column(String(254), default="")
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]
    reaffirmed_at: Mapped[datetime | None]
    reaffirm_requested_at: Mapped[datetime | None]
    # The due dates the yearly renewal's two emails were sent for (registry/signatories/
    # renewals.py): each goes once for each due date.
    renewal_soon_told: Mapped[date | None]
    renewal_due_told: Mapped[date | None]
    withdrawn_at: Mapped[datetime | None]
    withdrawal_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    accord_version: Mapped[AccordVersion] = relationship()


class SignUpKind(enum.StrEnum):
    signup = "signup"  # a new signature from the online form
    change = "change"  # a signatory's change of name, number or sector, checked first


class SignUpStatus(enum.StrEnum):
    unconfirmed = "unconfirmed"  # waiting for the signer to open the emailed link
    pending = "pending"  # in the coordinator's queue
    changes_requested = "changes_requested"
    approved = "approved"
    rejected = "rejected"


class SignUp(Model):
    """What someone submitted, kept apart from the published records until a coordinator decides."""

    __tablename__ = "signup"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), default=SignUpKind.signup)
    status: Mapped[str] = mapped_column(String(20), default=SignUpStatus.unconfirmed, index=True)
    # Part of every emailed link, so a link only ever acts on this sign-up (and rotates on reuse).
    token_nonce: Mapped[str] = mapped_column(String(32))
    accord_version_id: Mapped[int | None] = mapped_column(ForeignKey("accord_version.id"))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )

    name: Mapped[str] = mapped_column(String(200))
    sector: Mapped[str] = mapped_column(String(20), default="")
    org_type: Mapped[str] = mapped_column(String(60), default="")
    identifier: Mapped[str | None] = mapped_column(String(60), index=True)
    website: Mapped[str] = mapped_column(String(300), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    postcode: Mapped[str] = mapped_column(String(10), default="", index=True)
    town: Mapped[str] = mapped_column(String(100), default="")
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    location_status: Mapped[str] = mapped_column(String(10), default="pending")
    statements: Mapped[list[str]] = mapped_column(JSON, default=list)

    signer_name: Mapped[str] = mapped_column(String(120), default="")
    signer_position: Mapped[str] = mapped_column(String(120), default="")
    signer_email: Mapped[str] = mapped_column(String(254), default="")
    lead_name: Mapped[str] = mapped_column(String(120), default="")
    lead_email: Mapped[str] = mapped_column(String(254), default="")

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    decision_note: Mapped[str] = mapped_column(Text, default="")

    accord_version: Mapped[AccordVersion | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    decided_by: Mapped[User | None] = relationship()


class SignUpDraft(Model):
    """A sign-up being filled in. The answers wait here, not in the session cookie (browsers drop
    a cookie over 4 KB, and long answers in other scripts reach that): the cookie holds only
    the key. Drafts expire a day after their last change and are purged (signatories/drafts.py)."""

    __tablename__ = "signup_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    # The sign-up the coordinator asked to be changed, when this draft amends one.
    amend_id: Mapped[int | None] = mapped_column(ForeignKey("signup.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class RegisterEntry(Model):
    """A charity or company as the public register extract last loaded says it stands
    (`flask registry import-register`): what a sign-up's number is checked against. The
    registers' own public data, not ours: no people, only the body's name and standing."""

    __tablename__ = "register_entry"
    __table_args__ = (UniqueConstraint("register", "number", name="uq_register_entry"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    register: Mapped[str] = mapped_column(String(20))  # charity-commission | companies-house
    number: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(40))  # active | removed | dissolved | …
    extract_date: Mapped[date]
