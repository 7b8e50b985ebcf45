"""The funding opportunities board: who may post (members of any organisation that has
signed, whatever its sector: VCS funders and public bodies alike offer grants and contracts),
posting, and the open list. Nothing here touches `request`."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from accord import audit
from accord.clock import today_uk
from accord.extensions import db
from accord.models import Organisation, User
from registry.funding.models import FundingOpportunity
from registry.notices import notices

# Shropshire Accord theme 14 and the Compact: at least 12 weeks where a decision is likely to
# have a significant effect on the VCS (where legally possible).
MAJOR_CHANGE_WEEKS = 12


def posting_organisations(user: User) -> list[Organisation]:
    """The organisations the user is a member of that have signed the Accord (any sector)."""
    return notices.signed_organisations(user)


def post(user: User, organisation: Organisation, **values) -> FundingOpportunity:
    """`values`: title, kind, amount_from, amount_to, closing_date, link, major_change."""
    record = FundingOpportunity(organisation=organisation, posted_by_id=user.id, **values)
    db.session.add(record)
    db.session.flush()
    audit.record(
        "funding_opportunity.posted",
        "funding_opportunity",
        record.id,
        details={"organisation_id": organisation.id, "major_change": record.major_change},
    )
    return record


def open_now(today: date | None = None) -> list[FundingOpportunity]:
    """Open ones (closing today or later), closing soonest first; closed ones drop off."""
    day = today or today_uk()
    return list(
        db.session.scalars(
            select(FundingOpportunity)
            .where(FundingOpportunity.closing_date >= day)
            .order_by(FundingOpportunity.closing_date, FundingOpportunity.id)
        )
    )
