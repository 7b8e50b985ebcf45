"""The Accord's published versions and the organisations that have signed it."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accord.extensions import db
from accord.models import Organisation, utcnow


class AccordVersion(db.Model):
    __tablename__ = "accord_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    subtitle: Mapped[str] = mapped_column(String(300), default="")
    authors: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime] = mapped_column(default=utcnow)

    sections: Mapped[list[AccordSection]] = relationship(
        back_populates="version",
        order_by="AccordSection.position",
        cascade="all, delete-orphan",
    )

    @property
    def themes(self) -> list[AccordSection]:
        return [s for s in self.sections if s.kind == SectionKind.theme]


class SectionKind(enum.StrEnum):
    intro = "intro"
    theme = "theme"
    in_action = "in_action"
    glossary = "glossary"


class AccordSection(db.Model):
    __tablename__ = "accord_section"
    __table_args__ = (UniqueConstraint("version_id", "slug", name="uq_accord_section_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("accord_version.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(20))
    number: Mapped[int | None]
    slug: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(200))
    body_md: Mapped[str] = mapped_column(Text)
    # Rendered once at publish time from our own escaped Markdown (see registry.content).
    body_html: Mapped[str] = mapped_column(Text)

    version: Mapped[AccordVersion] = relationship(back_populates="sections")


class SignatoryStatus(enum.StrEnum):
    unconfirmed = "unconfirmed"  # waiting for the signer to confirm their email
    pending = "pending"  # confirmed, waiting in the coordinator's queue
    changes_requested = "changes_requested"
    published = "published"
    rejected = "rejected"
    withdrawn = "withdrawn"


class Signatory(db.Model):
    """An organisation's signature of one version of the Accord."""

    __tablename__ = "signatory"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    accord_version_id: Mapped[int] = mapped_column(ForeignKey("accord_version.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=SignatoryStatus.unconfirmed, index=True)
    # The person signing and the Accord lead: personal data, never on a public page or export.
    signer_name: Mapped[str] = mapped_column(String(120), default="")
    signer_position: Mapped[str] = mapped_column(String(120), default="")
    signer_email: Mapped[str] = mapped_column(String(254), default="")
    lead_name: Mapped[str] = mapped_column(String(120), default="")
    lead_email: Mapped[str] = mapped_column(String(254), default="")
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    accord_version: Mapped[AccordVersion] = relationship()
