"""Services, where they are delivered, when they are open and which needs they meet.

Shaped after Open Referral UK 3.0 (../shared/oruk): Organisation → Service →
ServiceAtLocation → Location, with schedules and taxonomy terms. `uuid` columns are the
ORUK ids: stable across re-imports and restarts.
"""

from __future__ import annotations

import enum
import uuid as uuid_lib
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Column,
    FetchedValue,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accord.clock import utcnow
from accord.extensions import Model, db
from accord.models import Location, Organisation, Review, User


def new_uuid() -> str:
    return str(uuid_lib.uuid4())


class ServiceStatus(enum.StrEnum):
    active = "active"
    temporarily_closed = "temporarily closed"
    inactive = "inactive"
    defunct = "defunct"


class Capacity(enum.StrEnum):
    accepting = "accepting"
    waiting_list = "waiting_list"
    at_capacity = "at_capacity"
    closed_to_referrals = "closed_to_referrals"


CAPACITY_LABELS = {
    Capacity.accepting: "Accepting new people",
    Capacity.waiting_list: "Waiting list",
    Capacity.at_capacity: "At capacity",
    Capacity.closed_to_referrals: "Closed to referrals",
}

ACCESS_ROUTES = {
    "drop_in": "Drop in",
    "self_referral": "Self-referral",
    "professional_referral": "Professional referral",
}


class OrukRecord:
    """An Open Referral UK record: an integer key here, and a UUID, its id in ORUK feeds and
    the API (first in the table, as the migrations made them)."""

    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-2)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid, sort_order=-1)


class Taxonomy(OrukRecord, Model):
    __tablename__ = "taxonomy"

    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    uri: Mapped[str] = mapped_column(String(300), default="")
    version: Mapped[str] = mapped_column(String(40), default="")

    terms: Mapped[list[TaxonomyTerm]] = relationship(back_populates="taxonomy")


class TaxonomyTerm(OrukRecord, Model):
    __tablename__ = "taxonomy_term"
    __table_args__ = (UniqueConstraint("taxonomy_id", "code", name="uq_taxonomy_term_code"),)

    taxonomy_id: Mapped[int] = mapped_column(ForeignKey("taxonomy.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(120))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("taxonomy_term.id"))

    taxonomy: Mapped[Taxonomy] = relationship(back_populates="terms")
    parent: Mapped[TaxonomyTerm | None] = relationship(remote_side="TaxonomyTerm.id")


service_term = Table(
    "service_term",
    db.metadata,
    Column("service_id", ForeignKey("service.id", ondelete="CASCADE"), primary_key=True),
    Column("term_id", ForeignKey("taxonomy_term.id", ondelete="CASCADE"), primary_key=True),
    # A need's services, for a search by need (migration 0025).
    Index("ix_service_term_term", "term_id", "service_id"),
)


class Service(OrukRecord, Model):
    __tablename__ = "service"
    # The ORUK API's pages (published services, oldest first) and their count read this
    # index alone: LIMIT/OFFSET walks it in order without visiting the table (migration 0009).
    __table_args__ = (
        Index("ix_service_review_id", "review", "id"),
        # A search's online section reads the online services from `ix_search_online`
        # alone, an index on an expression made by migration 0052 (0024, 0043 before it).
    )

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(300), index=True)
    # Plain text, and the same sanitised to safe HTML once at write time (imports carry HTML).
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=ServiceStatus.active, index=True)
    url: Mapped[str] = mapped_column(String(500), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(60), default="")
    eligibility: Mapped[str] = mapped_column(Text, default="")
    minimum_age: Mapped[int | None]
    maximum_age: Mapped[int | None]
    is_free: Mapped[bool] = mapped_column(default=True)
    fees: Mapped[str] = mapped_column(Text, default="")
    access_routes: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Postcode districts served (for services without a building, or beyond it).
    service_areas: Mapped[list[str]] = mapped_column(JSON, default=list)
    online_only: Mapped[bool] = mapped_column(default=False)
    capacity: Mapped[str] = mapped_column(String(20), default=Capacity.accepting)
    capacity_updated_at: Mapped[datetime | None]
    assured_at: Mapped[date | None]
    assurer: Mapped[str] = mapped_column(String(200), default="")
    review: Mapped[str] = mapped_column(String(10), default=Review.published, index=True)
    reminded_at: Mapped[datetime | None]
    source: Mapped[str] = mapped_column(String(200), default="")
    source_id: Mapped[str] = mapped_column(String(200), default="", index=True)
    # Referrals: what this service asks referrers for (REFERRAL_FIELDS keys), and how many
    # working days it has to answer one before the provider and referrer are told.
    referral_fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    referral_response_days: Mapped[int] = mapped_column(default=5)
    # The organisation that manages the listing when it is not its own (an approved claim,
    # directory/claims): its members, not the owner's, edit it; its page says "Managed by".
    # (No ON DELETE: see migration 0034.)
    managed_by_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)

    organisation: Mapped[Organisation] = relationship(foreign_keys=[organisation_id])
    managed_by: Mapped[Organisation | None] = relationship(foreign_keys=[managed_by_id])
    terms: Mapped[list[TaxonomyTerm]] = relationship(secondary=service_term)
    at_locations: Mapped[list[ServiceAtLocation]] = relationship(
        back_populates="service", cascade="all, delete-orphan"
    )
    schedules: Mapped[list[Schedule]] = relationship(
        back_populates="service", cascade="all, delete-orphan", order_by="Schedule.id"
    )

    @property
    def locations(self) -> list[Location]:
        return [sal.location for sal in self.at_locations]

    @property
    def manager_id(self) -> int:
        """The organisation whose members keep the listing: the one managing it after an
        approved claim, else its own."""
        return self.managed_by_id or self.organisation_id

    @property
    def runner(self) -> Organisation:
        """The organisation a resident is told runs it: the one managing it after an approved
        claim (a feed's publisher is not who answers the phone), else its own."""
        return self.managed_by or self.organisation


class ServiceAtLocation(OrukRecord, Model):
    __tablename__ = "service_at_location"
    # The columns the triggers write last (shown, assured_at) are neither sent nor read back
    # by an INSERT, nor loaded with a link: links are written and read the same way against a
    # schema before them (the migrations' tests do).
    __mapper_args__ = {"eager_defaults": False}
    __table_args__ = (
        UniqueConstraint("service_id", "location_id", name="uq_service_location"),
        # The ORUK API's /service_at_locations pages and their count (migration 0021).
        Index(
            "ix_service_at_location_listed",
            "id",
            sqlite_where=text("listed = 1"),
            postgresql_where=text("listed"),
        ),
    )

    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"))
    location_id: Mapped[int] = mapped_column(
        ForeignKey("location.id", ondelete="CASCADE"), index=True
    )
    # Both the service and the building are published. Database triggers keep it (migration
    # 0021), never Python: it is written by the server, so a loaded row's value may be stale
    # until the session expires it; only queries read it.
    listed: Mapped[bool] = mapped_column(server_default=false())
    # The building's point, copied by database triggers (migration 0041), never by Python, as
    # `listed` is: the search reads where a link is from the link's own index.
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    # The service's own, copied by database triggers (migration 0054), never by Python, as
    # `listed` is: whether it is shown by its buildings (published, active or temporarily
    # closed, not online only) and when it was last checked, for the search to read beside
    # the point from the link's own index.
    shown: Mapped[bool] = mapped_column(server_default=false(), deferred=True)
    assured_at: Mapped[date | None] = mapped_column(server_default=FetchedValue(), deferred=True)

    service: Mapped[Service] = relationship(back_populates="at_locations")
    location: Mapped[Location] = relationship()


class Schedule(OrukRecord, Model):
    """An ORUK schedule row: weekly or monthly opening hours (see directory.schedules)."""

    __tablename__ = "schedule"
    # A service's rows, with the days and hours "open now" reads of them: a search asks of
    # thousands of services without visiting their rows (migration 0045).
    __table_args__ = (
        Index("ix_schedule_hours", "service_id", "byday", "bymonthday", "opens_at", "closes_at"),
    )

    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"))
    freq: Mapped[str] = mapped_column(String(10), default="WEEKLY")
    byday: Mapped[str] = mapped_column(String(60), default="")
    bymonthday: Mapped[str] = mapped_column(String(60), default="")
    opens_at: Mapped[str] = mapped_column(String(8), default="")
    closes_at: Mapped[str] = mapped_column(String(8), default="")
    valid_from: Mapped[date | None]
    valid_to: Mapped[date | None]
    description: Mapped[str] = mapped_column(Text, default="")

    service: Mapped[Service] = relationship(back_populates="schedules")


class ServiceSearch(Model):
    """What each service is found by (directory/listings.py writes it). `title` is its name,
    its organisation's and its needs' names; `document` the rest of its words. SQLite indexes
    both with FTS5 (migration 0019: columns title, document), PostgreSQL with a GIN index on
    a stored tsvector column, `search_vector`, weighing the title 'A' and the rest 'B'; both
    are made outside these models (see accord.extensions.include_object).

    `reach`: how a search with a place finds it: "local" (by its buildings), "area" (no
    building; the districts in `areas`, " SY1 SY2 ", cover the place) or "online" (online
    only: a section of its own, never counted as near)."""

    __tablename__ = "service_search"
    # Looked up by key for each service near a place: the reach without reading the row.
    __table_args__ = (Index("ix_service_search_id_reach", "service_id", "reach"),)

    service_id: Mapped[int] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), primary_key=True
    )
    document: Mapped[str] = mapped_column(Text, default="")
    title: Mapped[str] = mapped_column(Text, default="", server_default="")
    reach: Mapped[str] = mapped_column(
        String(10), default="local", server_default="local", index=True
    )
    areas: Mapped[str] = mapped_column(Text, default="", server_default="")


class ListingReport(Model):
    """Someone told us a listing is wrong; the provider is notified."""

    __tablename__ = "listing_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    what: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    service: Mapped[Service] = relationship()
    resolved_by: Mapped[User | None] = relationship()


# What a service can ask referrers for, beyond the person's name and the reason (always asked).
REFERRAL_FIELDS = {
    "contact": "How and when to contact the person",
    "needs": "What help the person needs",
    "access": "Accessibility needs and language",
}
