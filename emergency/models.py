"""Emergency mode: incidents, hubs and their history, the incident log and the cached
flood-warning feed. Mutual-aid networks and volunteers have their own models
(emergency/networks/models.py, emergency/volunteers/models.py).

Personal data lives in two places only: `Volunteer` (name, email, phone) and
`Hub.keyholders` / `MutualAidNetwork.private_contact`. Those columns are shown to CVEC alone and
never serialised to a public page, GeoJSON, map or log line.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accord.clock import now_uk, utcnow
from accord.extensions import Model
from accord.models import Location, Organisation, User

if TYPE_CHECKING:  # the networks feature's table, named here only for the relationship
    from emergency.networks.models import NetworkActivation


class IncidentKind(enum.StrEnum):
    flood = "flood"
    severe_weather = "severe_weather"
    power_outage = "power_outage"
    water_outage = "water_outage"
    heat = "heat"
    evacuation = "evacuation"
    other = "other"


INCIDENT_KIND_LABELS = {
    IncidentKind.flood: "Flood",
    IncidentKind.severe_weather: "Severe weather (snow, ice, storm)",
    IncidentKind.power_outage: "Power outage",
    IncidentKind.water_outage: "Water outage",
    IncidentKind.heat: "Extreme heat",
    IncidentKind.evacuation: "Evacuation",
    IncidentKind.other: "Other",
}


class HubKind(enum.StrEnum):
    rest_centre = "rest_centre"
    warm_space = "warm_space"
    distribution_point = "distribution_point"
    information_point = "information_point"


HUB_KIND_LABELS = {
    HubKind.rest_centre: "Rest centre (somewhere to stay)",
    HubKind.warm_space: "Warm space (somewhere warm, drinks and charging)",
    HubKind.distribution_point: "Distribution point (water, food, supplies)",
    HubKind.information_point: "Information point (advice and updates)",
}


class HubStatus(enum.StrEnum):
    standby = "standby"
    open = "open"
    full = "full"
    closed = "closed"


HUB_STATUS_LABELS = {
    HubStatus.standby: "On standby",
    HubStatus.open: "Open",
    HubStatus.full: "Full",
    HubStatus.closed: "Closed",
}
# Sahana's shelter colours, kept so responders used to them read the map at a glance.
# Okabe and Ito's palette, told apart by people with any common colour blindness; maps draw
# each status in its own shape too (emergency/layers.py).
HUB_STATUS_COLOURS = {
    HubStatus.open: "#009e73",  # bluish green
    HubStatus.full: "#e69f00",  # orange
    HubStatus.closed: "#000000",  # black
    HubStatus.standby: "#56b4e9",  # sky blue
}

HUB_FACILITIES = {
    "kitchen": "Kitchen",
    "showers": "Showers",
    "beds": "Beds or camp beds",
    "generator": "Generator",
    "wifi": "Wi-Fi",
    "charging": "Phone charging",
    "accessible_toilet": "Accessible toilet",
    "pets": "Pets welcome",
    "parking": "Parking",
}


class Incident(Model):
    """An emergency CVEC declared; `ended_at` set when it was stood down. Kept for the record."""

    __tablename__ = "incident"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    # The affected area: a circle round a place (postcode or town) and/or a list of towns.
    place: Mapped[str] = mapped_column(String(100), default="")
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    radius_miles: Mapped[float | None]
    towns: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Shown to the public in the site banner and on /help.
    public_message: Mapped[str] = mapped_column(Text, default="")
    started_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    ended_at: Mapped[datetime | None] = mapped_column(index=True)
    declared_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    # Written when standing down (theme 15: learning after): what went well, and what to
    # change next time.
    debrief: Mapped[str] = mapped_column(Text, default="")
    to_change: Mapped[str] = mapped_column(Text, default="", server_default="")
    # What an hour of a volunteer's time is valued at (theme 4's social value), set by CVEC.
    hour_rate_pence: Mapped[int | None]
    # A rehearsal (theme 15: exercises and training): it works as a real one for those taking
    # part, and residents are never told of it.
    exercise: Mapped[bool] = mapped_column(default=False, server_default=false())

    log: Mapped[list[IncidentLog]] = relationship(
        back_populates="incident", order_by="IncidentLog.at", cascade="all, delete-orphan"
    )
    networks: Mapped[list[NetworkActivation]] = relationship(
        back_populates="incident", cascade="all, delete-orphan"
    )

    @property
    def active(self) -> bool:
        return self.ended_at is None

    @property
    def kind_label(self) -> str:
        return INCIDENT_KIND_LABELS.get(IncidentKind(self.kind), self.kind)


class IncidentLog(Model):
    """The incident's timeline: every change of state during it, time-stamped, no personal data."""

    __tablename__ = "incident_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incident.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # declared / hub / network / volunteer / note / stood_down / flood
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)

    incident: Mapped[Incident] = relationship(back_populates="log")
    by: Mapped[User | None] = relationship()


class Hub(Model):
    """A community building's emergency profile. One per Location."""

    __tablename__ = "hub"

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(
        ForeignKey("location.id", ondelete="CASCADE"), unique=True
    )
    # The organisation whose members manage this hub (change its status from a phone).
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    kinds: Mapped[list[str]] = mapped_column(JSON, default=list)  # HubKind values
    day_capacity: Mapped[int | None]
    night_capacity: Mapped[int | None]
    facilities: Mapped[list[str]] = mapped_column(JSON, default=list)  # HUB_FACILITIES keys
    # What a resident should know: what is offered, how to get there. Public.
    offer: Mapped[str] = mapped_column(Text, default="")
    # Key-holder names and phone numbers: private to CVEC.
    keyholders: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default=HubStatus.standby, index=True)
    occupancy: Mapped[int] = mapped_column(default=0)
    # What the hub is short of, e.g. "blankets, volunteers with cars". Public.
    needs: Mapped[str] = mapped_column(Text, default="")
    status_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    location: Mapped[Location] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    history: Mapped[list[HubUpdate]] = relationship(
        back_populates="hub", order_by="HubUpdate.at.desc()", cascade="all, delete-orphan"
    )

    @property
    def status_label(self) -> str:
        return HUB_STATUS_LABELS.get(HubStatus(self.status), self.status)

    @property
    def overnight(self) -> bool:
        """Is it night on Shropshire's clocks now, when the overnight capacity applies?"""
        return is_overnight(now_uk())

    @property
    def capacity(self) -> int | None:
        """The capacity that applies now: overnight from 8pm to 8am, by day otherwise (a hub
        with nowhere to sleep has none overnight)."""
        return self.night_capacity if self.overnight else self.day_capacity

    @property
    def people(self) -> str:
        """ "38 people of 120 by day", "38 people of 40 overnight": the same words everywhere."""
        return people_text(self.occupancy, self.day_capacity, self.night_capacity, self.overnight)


# Overnight on UK clocks: from 8pm until 8am, when a rest centre counts beds, not chairs.
OVERNIGHT_FROM_HOUR = 20
OVERNIGHT_UNTIL_HOUR = 8


def is_overnight(moment: datetime) -> bool:
    return moment.hour >= OVERNIGHT_FROM_HOUR or moment.hour < OVERNIGHT_UNTIL_HOUR


def people_text(occupancy: int, day: int | None, night: int | None, overnight: bool) -> str:
    """How many are in a hub against the capacity for the time of day, saying which one."""
    noun = "person" if occupancy == 1 else "people"
    capacity = night if overnight else day
    if capacity:
        return f"{occupancy} {noun} of {capacity} {'overnight' if overnight else 'by day'}"
    if overnight and day:
        return f"{occupancy} {noun} (no overnight places)"
    return f"{occupancy} {noun}"


class HubActivation(Model):
    """A hub's part in one incident: its status, occupancy and needs there. The same building
    can be on standby for one incident and open for another; `Hub.status` is what it is doing
    for residents across the real incidents under way (emergency/hubs.py keeps it)."""

    __tablename__ = "hub_activation"
    __table_args__ = (
        UniqueConstraint("hub_id", "incident_id", name="uq_hub_activation_hub_incident"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("hub.id", ondelete="CASCADE"))
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incident.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(10))
    occupancy: Mapped[int] = mapped_column(default=0)
    needs: Mapped[str] = mapped_column(Text, default="")
    status_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When it first opened for this incident, and the most people it held: for the debrief.
    opened_at: Mapped[datetime | None]
    peak: Mapped[int] = mapped_column(default=0)

    hub: Mapped[Hub] = relationship()
    incident: Mapped[Incident] = relationship()

    @property
    def status_label(self) -> str:
        return HUB_STATUS_LABELS.get(HubStatus(self.status), self.status)

    @property
    def people(self) -> str:
        hub = self.hub
        return people_text(self.occupancy, hub.day_capacity, hub.night_capacity, hub.overnight)


class HubUpdate(Model):
    """One change of a hub's status, occupancy or needs: its history."""

    __tablename__ = "hub_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("hub.id", ondelete="CASCADE"), index=True)
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("incident.id", ondelete="SET NULL"), index=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(10))
    occupancy: Mapped[int] = mapped_column(default=0)
    needs: Mapped[str] = mapped_column(Text, default="")

    hub: Mapped[Hub] = relationship(back_populates="history")
    by: Mapped[User | None] = relationship()


class FloodFeed(Model):
    """The last flood warnings fetched from the Environment Agency, shared by every app server.

    One row per feed (`name`, e.g. "warnings"); `items` is the simplified list the maps and pages
    read, `fetched_at` when it last succeeded, `error` why the last attempt failed (or "").
    """

    __tablename__ = "flood_feed"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    items: Mapped[list[dict]] = mapped_column(JSON, default=list)
    fetched_at: Mapped[datetime | None]
    attempted_at: Mapped[datetime | None]
    error: Mapped[str] = mapped_column(Text, default="")


class MapRevision(Model):
    """Counters database triggers bump whenever something a map (row 1) or /help's answer
    (row 2) shows changes (migration 0022): every app server compares them with those its
    kept maps and answers were built at (emergency/map_cache.py)."""

    __tablename__ = "map_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision: Mapped[int]
