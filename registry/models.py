"""The Accord's published versions and their sections (themes, principles, preamble)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accord.clock import utcnow
from accord.extensions import Model


class AccordVersion(Model):
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


class AccordSection(Model):
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
