"""The shared nouns: Organisation, Location, User and Membership, AuditEvent, OutboxMessage."""

from __future__ import annotations

import enum
from datetime import datetime
from uuid import uuid4

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accord.clock import utcnow
from accord.extensions import Model


class Labelled(enum.StrEnum):
    """A stored value with the words people read beside it: Sector.vcs.label."""

    label: str

    # Defining members passes both; Sector("vcs") with the value alone looks a member up.
    def __new__(cls, value: str, label: str = "") -> Labelled:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member


class Sector(Labelled):
    vcs = "vcs", "Voluntary and community sector"
    public = "public", "Public sector"
    private = "private", "Private sector"
    parish = "parish", "Town and parish councils"


SECTOR_LABELS = {sector: sector.label for sector in Sector}


class OrgType(Labelled):
    """What kind of body an organisation is: the one list for forms, pages, open data and the
    demo (Organisation.org_type stores the value; "" when not known)."""

    charity = "charity", "Registered charity"
    cio = "cio", "Charitable incorporated organisation (CIO)"
    cic = "cic", "Community interest company (CIC)"
    guarantee_company = "guarantee_company", "Company limited by guarantee"
    community_benefit_society = "community_benefit_society", "Community benefit society"
    unincorporated = "unincorporated", "Unincorporated group or association"
    local_authority = "local_authority", "Local authority"
    parish_council = "parish_council", "Town or parish council"
    nhs = "nhs", "NHS body"
    emergency_service = "emergency_service", "Police, fire or other emergency service"
    other_public = "other_public", "Other public body"
    private_company = "private_company", "Private company"
    housing_association = "housing_association", "Housing association"
    other = "other", "Other"


ORG_TYPE_LABELS: dict[str, str] = {org_type.value: org_type.label for org_type in OrgType}


class Role(Labelled):
    member = "member", "Organisation member (manages listings, receives referrals)"
    frontline = "frontline", "Frontline worker (makes referrals)"
    coordinator = "coordinator", "VCS Assembly coordinator (moderation, concerns)"
    cvec = "cvec", "CVEC emergency coordinator"
    admin = "admin", "Administrator"


ROLE_LABELS = {role: role.label for role in Role}


class Review(enum.StrEnum):
    """Where a record stands with its moderator: a new provider's listing, a mutual-aid
    network waiting for CVEC. Only published records appear on public pages."""

    pending = "pending"
    published = "published"
    rejected = "rejected"


class Organisation(Model):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The Open Referral UK organization id: stable across re-imports and restarts.
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=lambda: str(uuid4()))
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    sector: Mapped[str] = mapped_column(String(20))
    org_type: Mapped[str] = mapped_column(String(60), default="")
    # Org-id identifier (org-id.guide): GB-CHC-1234567, GB-COH-01234567, GB-LAE-SHR …
    identifier: Mapped[str | None] = mapped_column(String(60), index=True)
    website: Mapped[str] = mapped_column(String(300), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    postcode: Mapped[str] = mapped_column(String(10), default="", index=True)
    # The postcode district, stored so lists can filter by area without parsing postcodes.
    outcode: Mapped[str] = mapped_column(String(4), default="", index=True)
    town: Mapped[str] = mapped_column(String(100), default="", index=True)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    # found / pending (geocoder unavailable, retried by `flask geo retry`) / not_found
    location_status: Mapped[str] = mapped_column(String(10), default="found")
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    memberships: Mapped[list[Membership]] = relationship(back_populates="organisation")
    locations: Mapped[list[Location]] = relationship(back_populates="operator")

    @property
    def sector_label(self) -> str:
        return SECTOR_LABELS.get(Sector(self.sector), self.sector)

    @property
    def org_type_label(self) -> str:
        return ORG_TYPE_LABELS.get(self.org_type, self.org_type)


class BuildingOwner(Labelled):
    """Who owns a community building (Location.owner stores the value; "" when not known)."""

    council = "council", "A council"
    parish = "parish", "A town or parish council"
    charity = "charity", "A charity or community group"
    other = "other", "Someone else"


OWNER_LABELS: dict[str, str] = {owner.value: owner.label for owner in BuildingOwner}


class Location(Model):
    """A place: a community building, a service venue, an emergency hub's building."""

    __tablename__ = "location"
    # Searches by distance first narrow to a latitude/longitude box; the directory counts
    # buildings by town and pages a town's by name (migration 0023, directory/buildings.py).
    __table_args__ = (
        Index("ix_location_lat_lon", "latitude", "longitude"),
        Index("ix_location_town_review_name", "town", "review", "name", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The Open Referral UK id: stable across re-imports and restarts.
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=lambda: str(uuid4()))
    name: Mapped[str] = mapped_column(String(200), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(Text, default="")
    town: Mapped[str] = mapped_column(String(100), default="", index=True)
    postcode: Mapped[str] = mapped_column(String(10), default="", index=True)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    uprn: Mapped[str | None] = mapped_column(String(12))
    # Lists of keys from accord.geo.ACCESSIBILITY / FACILITIES, stored as JSON arrays.
    accessibility: Mapped[list[str]] = mapped_column(JSON, default=list)
    facilities: Mapped[list[str]] = mapped_column(JSON, default=list)
    capacity: Mapped[int | None]
    bookable: Mapped[bool] = mapped_column(default=False)
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    review: Mapped[str] = mapped_column(String(10), default="published")
    source_id: Mapped[str] = mapped_column(String(200), default="", index=True)
    # What its organisation says of it (directory/places, migration 0033): when it is open or
    # can be booked, how to book or hire it and whom to ask (shown to the public only when
    # booking_contact_public), who owns it, and whether it could serve as an emergency hub.
    opening_hours: Mapped[str] = mapped_column(Text, default="")
    booking: Mapped[str] = mapped_column(Text, default="")
    booking_contact: Mapped[str] = mapped_column(String(254), default="")
    booking_contact_public: Mapped[bool] = mapped_column(default=False)
    owner: Mapped[str] = mapped_column(String(20), default="")  # a BuildingOwner; "" not known
    hub_ready: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    operator: Mapped[Organisation | None] = relationship(back_populates="locations")


class User(UserMixin, Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    # argon2id hash; empty until an invited user sets a password.
    password_hash: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped on sign-out and password change so old session cookies stop working.
    session_version: Mapped[int] = mapped_column(default=1)
    # The one-time code emailed after repeated failed sign-ins (accord/signin.py): a keyed
    # hash only, when it stops working, and how many wrong codes have been tried.
    sign_in_code_hash: Mapped[str] = mapped_column(String(64), default="")
    sign_in_code_expires_at: Mapped[datetime | None]
    sign_in_code_tries: Mapped[int] = mapped_column(default=0)
    last_login_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def roles(self) -> set[str]:
        return {m.role for m in self.memberships}

    def has_role(self, *roles: str) -> bool:
        """Admins may do everything; others need one of the named roles."""
        mine = self.roles
        return Role.admin in mine or any(r in mine for r in roles)

    def organisation_ids(self, role: str = Role.member) -> set[int]:
        return {m.organisation_id for m in self.memberships if m.role == role and m.organisation_id}


class Membership(Model):
    """A user's role, optionally within an organisation (member role is always per organisation)."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id", "role", name="uq_membership"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation | None] = relationship(back_populates="memberships")


class AuditEvent(Model):
    """Who did what to which record, when. Written by accord.audit.record only."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(80), index=True)
    target_type: Mapped[str] = mapped_column(String(60))
    target_id: Mapped[str] = mapped_column(String(60))
    # Ids, numbers and statuses only (accord/audit.py strips free text): no names, no reasons.
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()


class OutboxStatus(enum.StrEnum):
    """Where a message is in our queue (OutboxDelivery says what became of it after)."""

    pending = "pending"
    sending = "sending"  # claimed by a sender, being handed over (accord/outbox/sending.py)
    sent = "sent"  # handed over: to the SMTP server, or accepted by GOV.UK Notify
    failed = "failed"  # gave up (a permanent refusal, or the maximum attempts); an admin may retry
    held = "held"  # a text message with no text message service configured: never sent


class Channel(enum.StrEnum):
    email = "email"
    sms = "sms"


class OutboxDelivery(enum.StrEnum):
    """What GOV.UK Notify's delivery receipt said (its own words), "" before any."""

    none = ""
    sending = "sending"
    delivered = "delivered"
    permanent_failure = "permanent-failure"
    temporary_failure = "temporary-failure"
    technical_failure = "technical-failure"


class OutboxMessage(Model):
    """Every email and text message is a row first; accord.outbox delivers it."""

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(5), default=Channel.email)
    # An email address, or a mobile number as Notify takes it (+447700900123).
    to: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))  # "" for a text message
    body: Mapped[str] = mapped_column(Text)
    # An email's HTML part beside `body`, its plain text ("" for plain text alone).
    html: Mapped[str] = mapped_column(Text, default="")
    # Sent once and forgotten: its recipient and words are blanked the moment it is sent or
    # given up on (a signposting list sent to a resident keeps nothing of them).
    transient: Mapped[bool] = mapped_column(default=False)
    # Why it was sent (e.g. "invite", "signup-confirm"), for filtering without reading bodies.
    kind: Mapped[str] = mapped_column(String(40), default="", index=True)
    # Ours, random: given to Notify with the message and read back from its receipts.
    reference: Mapped[str] = mapped_column(String(32), default=lambda: uuid4().hex, unique=True)
    # Notify's id for the message once it accepted it ("" for SMTP or before).
    provider_id: Mapped[str] = mapped_column(String(64), default="", index=True)
    delivery: Mapped[str] = mapped_column(String(20), default=OutboxDelivery.none)
    status: Mapped[str] = mapped_column(String(10), default=OutboxStatus.pending, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    sent_at: Mapped[datetime | None]

    @property
    def state(self) -> str:
        """One word for where it is: queued, sending (handed over, no receipt yet), sent (by
        SMTP, which gives no receipts), delivered, permanent-failure, temporary-failure,
        technical-failure, held (no text message service), failed (we gave up)."""
        if self.delivery:
            return self.delivery
        if self.status == OutboxStatus.sent:
            return "sending" if self.provider_id else "sent"
        return "queued" if self.status == OutboxStatus.pending else self.status


class Outcode(Model):
    """Postcode-district centroids for offline geocoding (`flask geo import-outcodes CSV`)."""

    __tablename__ = "outcode"

    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    latitude: Mapped[float]
    longitude: Mapped[float]
    # Often a list of the towns in the district, so unbounded.
    town: Mapped[str] = mapped_column(Text, default="")
