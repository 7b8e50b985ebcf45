"""Requests in an incident: what a hub team or CVEC needs (people, transport, supplies …), how
many, by when, where; and each time CVEC asked someone to meet one (volunteers deployed, a
mutual-aid network, a public-sector team) with the answer.

A request holds no resident's details: a private one ("a driver for a resident's dialysis")
shows to CVEC and its hub only, and its words never go into the incident log or the audit."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accord.clock import utcnow
from accord.extensions import Model
from emergency.models import Hub, Incident
from emergency.networks.models import MutualAidNetwork
from emergency.volunteers.models import Deployment


class RequestKind(enum.StrEnum):
    people = "people"
    transport = "transport"
    supplies = "supplies"
    food = "food"
    bedding = "bedding"
    medical = "medical"
    other = "other"


KIND_LABELS = {
    RequestKind.people: "People",
    RequestKind.transport: "Transport",
    RequestKind.supplies: "Supplies",
    RequestKind.food: "Food",
    RequestKind.bedding: "Bedding",
    RequestKind.medical: "Medical",
    RequestKind.other: "Other",
}


class RequestStatus(enum.StrEnum):
    open = "open"
    partly_met = "partly_met"
    met = "met"
    cancelled = "cancelled"


STATUS_LABELS = {
    RequestStatus.open: "Open",
    RequestStatus.partly_met: "Partly met",
    RequestStatus.met: "Met",
    RequestStatus.cancelled: "Cancelled",
}
STATUS_COLOURS = {
    RequestStatus.open: "yellow",
    RequestStatus.partly_met: "light-blue",
    RequestStatus.met: "green",
    RequestStatus.cancelled: "grey",
}
WAITING = (RequestStatus.open, RequestStatus.partly_met)


class AssignedTo(enum.StrEnum):
    volunteers = "volunteers"
    network = "network"
    team = "team"


class HelpRequest(Model):
    __tablename__ = "help_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id", ondelete="CASCADE"))
    hub_id: Mapped[int | None] = mapped_column(ForeignKey("hub.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(10))
    # "blankets", "a driver to the Royal Shrewsbury": never a resident's name.
    detail: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int]
    needed_by: Mapped[datetime | None]
    # Where, when not at a hub ("Frankwell car park").
    place: Mapped[str] = mapped_column(String(100), default="")
    public: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(10), default=RequestStatus.open)
    raised_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
    status_at: Mapped[datetime] = mapped_column(default=utcnow)
    met_at: Mapped[datetime | None]

    incident: Mapped[Incident] = relationship()
    hub: Mapped[Hub | None] = relationship()
    assignments: Mapped[list[HelpRequestAssignment]] = relationship(
        back_populates="request",
        cascade="all, delete-orphan",
        order_by="HelpRequestAssignment.id",
    )

    __table_args__ = (
        Index("ix_help_request_incident_id_status", "incident_id", "status"),
        Index("ix_help_request_hub_id", "hub_id"),
        Index("ix_help_request_status_public", "status", "public"),
    )

    @property
    def reference(self) -> str:
        return f"R{self.id}"

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(RequestKind(self.kind), self.kind)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(RequestStatus(self.status), self.status)

    @property
    def waiting(self) -> bool:
        return self.status in WAITING


class HelpRequestAssignment(Model):
    """One ask to meet a request: volunteers deployed, a network, or a public-sector team
    (its name and contact), when asked and when and what it answered."""

    __tablename__ = "help_request_assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("help_request.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    deployment_id: Mapped[int | None] = mapped_column(
        ForeignKey("deployment.id", ondelete="SET NULL")
    )
    network_id: Mapped[int | None] = mapped_column(
        ForeignKey("mutual_aid_network.id", ondelete="SET NULL")
    )
    team_name: Mapped[str] = mapped_column(String(100), default="")
    team_contact: Mapped[str] = mapped_column(String(100), default="")
    asked_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None]
    answer: Mapped[str] = mapped_column(String(300), default="")
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    request: Mapped[HelpRequest] = relationship(back_populates="assignments")
    deployment: Mapped[Deployment | None] = relationship()
    network: Mapped[MutualAidNetwork | None] = relationship()

    __table_args__ = (
        Index("ix_help_request_assignment_request_id", "request_id"),
        Index("ix_help_request_assignment_deployment_id", "deployment_id"),
        Index("ix_help_request_assignment_network_id", "network_id"),
    )
