"""A claim on a listing, and the hub's few switches the coordinator keeps in the database."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accord.clock import utcnow
from accord.extensions import Model
from accord.models import Organisation, User
from directory.models import Service, new_uuid


class ClaimStatus(enum.StrEnum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"
    # Left undecided past claims.CLAIM_DAYS: its address no longer opens; claim again.
    expired = "expired"


class DecidedBy(enum.StrEnum):
    coordinator = "coordinator"
    domain = "domain"  # the member's email domain is the listing's: approved at once


class ListingClaim(Model):
    """An organisation asks to manage a service ("This is our service")."""

    __tablename__ = "listing_claim"
    __table_args__ = (
        # One pending claim per service per organisation.
        Index(
            "uq_listing_claim_pending",
            "service_id",
            "organisation_id",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # In addresses, so claims cannot be counted through (the coordinator's decision page).
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    service_id: Mapped[int] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(10), default=ClaimStatus.pending, index=True)
    decided_by: Mapped[str] = mapped_column(String(12), default="")
    decided_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]

    service: Mapped[Service] = relationship()
    organisation: Mapped[Organisation] = relationship()
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])


class SiteSetting(Model):
    """A switch the coordinator sets from a page (key → value), read at each use."""

    __tablename__ = "site_setting"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
