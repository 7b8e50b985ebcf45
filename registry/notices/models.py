"""Accord in action: consultations and funding-change notices logged by public-sector
signatories, and the Accord Ambassadors the coordinator keeps."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Date, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accord.clock import utcnow
from accord.extensions import Model
from accord.models import Labelled, Organisation


class Consultation(Model):
    """A public consultation a public-sector signatory ran: were 12 weeks allowed?"""

    __tablename__ = "consultation"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date, index=True)
    link: Mapped[str] = mapped_column(String(300), default="")
    # Why it ran for less than 12 weeks, in the body's words (required when it did).
    short_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    # "You said, we did": the body's published response, recorded once it is out.
    response_link: Mapped[str] = mapped_column(String(300), default="", server_default="")
    response_summary: Mapped[str] = mapped_column(Text, default="", server_default="")
    response_date: Mapped[date | None] = mapped_column(Date)
    # When its members were asked, once it closed, to record the response (`flask registry
    # consultations`): once only.
    closing_told_on: Mapped[date | None] = mapped_column(Date)
    # Who logged it: shown to no one, kept for the audit trail.
    logged_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship()


# The organisations a funding notice names as affected (theme 11: the providers and groups
# who were told). Looked up by organisation for their own "what we were told" page.
funding_notice_organisation = Table(
    "funding_notice_organisation",
    Model.metadata,
    Column("notice_id", ForeignKey("funding_notice.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_funding_notice_organisation_organisation_id", "organisation_id"),
)


class FundingNotice(Model):
    """Notice given of a change to funding or a contract: was it 6 months (3 at least)?"""

    __tablename__ = "funding_notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    change: Mapped[str] = mapped_column(Text)
    notice_date: Mapped[date] = mapped_column(Date)
    change_date: Mapped[date] = mapped_column(Date, index=True)
    # Issue 22: what the organisations affected can act on. The stream (a grant, a contract),
    # when the current funding ends, when renewal is decided, why, and any impact assessment.
    funding_stream: Mapped[str] = mapped_column(Text, default="", server_default="")
    end_date: Mapped[date | None] = mapped_column(Date)
    decision_date: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    impact_link: Mapped[str] = mapped_column(String(300), default="", server_default="")
    logged_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    affected: Mapped[list[Organisation]] = relationship(
        secondary=funding_notice_organisation, order_by=Organisation.name
    )


class AmbassadorSector(Labelled):
    vcse = "vcse", "Voluntary, community and social enterprise sector"
    local_authority = "local_authority", "Local authority"
    health = "health", "Health"
    other_public = "other_public", "Other public sector"
    theme = "theme", "A theme of the Accord"  # a theme ambassador: theme_number says which


AMBASSADOR_SECTORS: dict[str, str] = {member: member.label for member in AmbassadorSector}


class Ambassador(Model):
    """A named point of connection for a sector or a theme: published with a role contact
    route (a shared mailbox, a web form), never a personal one."""

    __tablename__ = "ambassador"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    sector: Mapped[str] = mapped_column(String(20))
    theme_number: Mapped[int | None]
    organisation: Mapped[str] = mapped_column(String(200), default="")
    contact: Mapped[str] = mapped_column(String(300))
    retired_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def sector_label(self) -> str:
        if self.sector == AmbassadorSector.theme and self.theme_number:
            return f"Theme {self.theme_number}"
        return AMBASSADOR_SECTORS.get(self.sector, self.sector)

    @property
    def contact_is_email(self) -> bool:
        return "@" in self.contact and not self.contact.startswith(("http://", "https://"))
