"""Mutual-aid networks (published once reviewed) and their activation in an incident."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accord.clock import utcnow
from accord.extensions import Model
from accord.models import Review
from emergency.models import Incident


class MutualAidNetwork(Model):
    """A neighbourhood mutual-aid group; registers itself, published once CVEC approves."""

    __tablename__ = "mutual_aid_network"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    offers: Mapped[str] = mapped_column(Text, default="")  # what they offer, public
    # Coverage: towns and/or postcode districts, and/or a circle round a place.
    towns: Mapped[list[str]] = mapped_column(JSON, default=list)
    outcodes: Mapped[list[str]] = mapped_column(JSON, default=list)
    place: Mapped[str] = mapped_column(String(100), default="")
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    radius_miles: Mapped[float | None]
    # How the public reaches them (a website, a phone, a Facebook group), shown only if they
    # chose so; the private contact is for CVEC alone.
    public_contact: Mapped[str] = mapped_column(Text, default="")
    show_contact: Mapped[bool] = mapped_column(default=False)
    private_contact: Mapped[str] = mapped_column(Text, default="")
    review: Mapped[str] = mapped_column(String(10), default=Review.pending, index=True)
    review_note: Mapped[str] = mapped_column(Text, default="")
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    activations: Mapped[list[NetworkActivation]] = relationship(
        back_populates="network", cascade="all, delete-orphan"
    )


class NetworkActivation(Model):
    """CVEC marked this network active in this incident."""

    __tablename__ = "network_activation"
    __table_args__ = (UniqueConstraint("incident_id", "network_id", name="uq_network_activation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id", ondelete="CASCADE"))
    network_id: Mapped[int] = mapped_column(
        ForeignKey("mutual_aid_network.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)

    incident: Mapped[Incident] = relationship(back_populates="networks")
    network: Mapped[MutualAidNetwork] = relationship(back_populates="activations")


class NetworkArea(Model):
    """Where a network may help, as index keys (emergency/networks/areas.py): a postcode
    district its circle may reach or that it names ("district"), a town it names ("town"), or
    "none" when it covers nothing we can index. /help reads the networks of one district and
    town from here instead of testing every network."""

    __tablename__ = "network_area"
    __table_args__ = (Index("ix_network_area_kind_key", "kind", "key"),)

    network_id: Mapped[int] = mapped_column(
        ForeignKey("mutual_aid_network.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
