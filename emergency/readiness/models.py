"""Hub readiness checks (every one kept: the latest is the hub's readiness) and volunteers'
training (personal data: CVEC only; deleted with the volunteer)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accord.clock import utcnow
from accord.extensions import Model
from emergency.models import Hub

NOTE_MAX = 300
DETAIL_MAX = 100


class HubReadiness(Model):
    """One readiness check of a hub, by one of its managers."""

    __tablename__ = "hub_readiness"

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("hub.id", ondelete="CASCADE"))
    keyholders_confirmed: Mapped[bool] = mapped_column(default=False)
    capacity_confirmed: Mapped[bool] = mapped_column(default=False)
    facilities_checked: Mapped[bool] = mapped_column(default=False)
    # What the manager wants CVEC to know, e.g. "boiler serviced; side door sticks". No one's
    # name or number: key-holders live on the hub's profile, which CVEC alone sees.
    note: Mapped[str] = mapped_column(String(NOTE_MAX), default="")
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)
    checked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    hub: Mapped[Hub] = relationship()

    __table_args__ = (Index("ix_hub_readiness_hub_id_checked_at", "hub_id", "checked_at"),)

    @property
    def complete(self) -> bool:
        """Everything confirmed: the hub is ready."""
        return self.keyholders_confirmed and self.capacity_confirmed and self.facilities_checked


class VolunteerTraining(Model):
    """A course a volunteer has done, and until when it counts."""

    __tablename__ = "volunteer_training"

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id", ondelete="CASCADE"))
    course: Mapped[str] = mapped_column(String(30))  # a key of training.COURSES
    detail: Mapped[str] = mapped_column(String(DETAIL_MAX), default="")  # what "other" was
    completed_on: Mapped[date]
    expires_on: Mapped[date | None]
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        Index("ix_volunteer_training_volunteer_id", "volunteer_id"),
        Index("ix_volunteer_training_course_volunteer_id", "course", "volunteer_id"),
    )

    def expired(self, today: date) -> bool:
        return self.expires_on is not None and self.expires_on < today
