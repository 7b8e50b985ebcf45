"""An open grant or contract on the funding opportunities board."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accord.clock import utcnow
from accord.extensions import Model
from accord.models import Labelled, Organisation


class OpportunityKind(Labelled):
    grant = "grant", "Grant"
    contract = "contract", "Contract"


OPPORTUNITY_KINDS: dict[str, str] = {member: member.label for member in OpportunityKind}


class FundingOpportunity(Model):
    """A grant or contract a signatory offers, open until its closing date. The funder is the
    organisation that posted it; amounts are whole pounds, either end may be left open."""

    __tablename__ = "funding_opportunity"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10), default=OpportunityKind.grant)
    amount_from: Mapped[int | None]
    amount_to: Mapped[int | None]
    closing_date: Mapped[date] = mapped_column(Date, index=True)
    link: Mapped[str] = mapped_column(String(300))
    # A major change to what is funded (a re-commissioning, a new model): the 12-week principle.
    major_change: Mapped[bool] = mapped_column(default=False)
    # Who posted it: shown to no one, kept for the audit trail.
    posted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship()

    @property
    def kind_label(self) -> str:
        return OPPORTUNITY_KINDS.get(self.kind, self.kind)

    @property
    def amount(self) -> str:
        low, high = self.amount_from, self.amount_to
        if low is not None and high is not None:
            return f"£{low:,} to £{high:,}" if low != high else f"£{low:,}"
        if high is not None:
            return f"Up to £{high:,}"
        if low is not None:
            return f"From £{low:,}"
        return "Not stated"
