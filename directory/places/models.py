"""A building's answers between its form and the check page, and the values a published
building had before each edit (so the coordinator can put them back)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accord.clock import utcnow
from accord.extensions import Model
from accord.models import Location


class LocationDraft(Model):
    """A member's answers for a new building (location_id None) or an edit, waiting for the
    check page; only its author sees it, and it lives a day."""

    __tablename__ = "location_draft"
    __table_args__ = (Index("ix_location_draft_user_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id", ondelete="CASCADE"))
    answers: Mapped[dict] = mapped_column(JSON)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class LocationRevision(Model):
    """What a published building held before one edit: the coordinator sees recent edits and
    can revert one. The audit log records only ids and statuses; the old values live here."""

    __tablename__ = "location_revision"
    __table_args__ = (
        Index("ix_location_revision_location_id", "location_id"),
        Index("ix_location_revision_edited_at", "edited_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id", ondelete="CASCADE"))
    before: Mapped[dict] = mapped_column(JSON)
    changed: Mapped[list[str]] = mapped_column(JSON, default=list)
    kind: Mapped[str] = mapped_column(String(10), default="edit")  # "edit" or "revert"
    edited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    edited_at: Mapped[datetime] = mapped_column(default=utcnow)
    reverted_at: Mapped[datetime | None]
    reverted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    location: Mapped[Location] = relationship()
