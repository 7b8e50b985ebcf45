"""Emergency volunteers (personal data: CVEC only) and their deployments to hubs."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accord.clock import utcnow
from accord.extensions import Model
from emergency.models import Hub, Incident

# PostgreSQL's integer: no record has a larger id, and asking for one makes the database raise.
MAX_ID = 2**31 - 1


class Volunteer(Model):
    """An emergency volunteer. Personal data: CVEC only; deleted when `retain_until` passes."""

    __tablename__ = "volunteer"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(40), default="")
    # GOV.UK Notify said a message to this number, or address, could never be delivered:
    # CVEC sees it, and asks for a new one.
    phone_failing: Mapped[bool] = mapped_column(default=False)
    email_failing: Mapped[bool] = mapped_column(default=False)
    # They pressed "Stop texts" on a call-out's page: call-outs reach them by email only.
    texts_stopped: Mapped[bool] = mapped_column(default=False)
    # Home postcode district only (e.g. SY1), and its centroid: enough to deploy nearby.
    outcode: Mapped[str] = mapped_column(String(4), index=True)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[str] = mapped_column(String(200), default="")
    dbs_checked: Mapped[bool] = mapped_column(default=False)
    dbs_date: Mapped[date | None]
    availability: Mapped[list[str]] = mapped_column(JSON, default=list)
    # What they agreed to, in the words shown on the form, and when.
    consent: Mapped[str] = mapped_column(Text)
    consent_at: Mapped[datetime] = mapped_column(default=utcnow)
    active: Mapped[bool] = mapped_column(default=True)
    # When they opened the link emailed on sign-up (or confirmed a change from their inbox);
    # None: nobody has shown the address is theirs, and CVEC sees it marked so.
    email_confirmed_at: Mapped[datetime | None]
    retain_until: Mapped[date] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    deployments: Mapped[list[Deployment]] = relationship(
        back_populates="volunteer", cascade="all, delete-orphan"
    )


class Deployment(Model):
    """A volunteer sent to a hub or a request during an incident, with check-in and out."""

    __tablename__ = "deployment"

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(
        ForeignKey("volunteer.id", ondelete="CASCADE"), index=True
    )
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("incident.id", ondelete="SET NULL"), index=True
    )
    hub_id: Mapped[int | None] = mapped_column(ForeignKey("hub.id", ondelete="SET NULL"))
    # For a request rather than a hub, e.g. "sandbags to Frankwell" (no resident's details).
    task: Mapped[str] = mapped_column(Text, default="")
    deployed_at: Mapped[datetime] = mapped_column(default=utcnow)
    checked_in_at: Mapped[datetime | None]
    checked_out_at: Mapped[datetime | None]
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    volunteer: Mapped[Volunteer] = relationship(back_populates="deployments")
    hub: Mapped[Hub | None] = relationship()
    incident: Mapped[Incident | None] = relationship()


class VolunteerChange(Model):
    """Details a volunteer asked to change to, waiting for them to confirm from the address on
    record. Kept here, not in the emailed link: the link carries only a random token, of which
    we keep a hash. Used once, then deleted; deleted when it expires or the volunteer is."""

    __tablename__ = "volunteer_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(
        ForeignKey("volunteer.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # A keyed digest of the record when the change was asked for (changes._state): any other
    # change to the record in between makes this one stale.
    state: Mapped[str] = mapped_column(String(64))
    details: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
