"""Demo data for the funding opportunities board: a few open grants and contracts from
signatories, closing some weeks from the day the demo is loaded (so they stay open a while)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from accord import demo
from accord.clock import today_uk
from accord.extensions import db
from accord.models import Organisation
from registry.funding.models import FundingOpportunity

# funder, title, kind, from, to, days until it closes, link, major change
OPPORTUNITIES = [
    (
        "Shropshire Council",
        "Warm spaces grants 2027",
        "grant",
        500,
        5000,
        45,
        "https://www.example.org/warm-spaces",
        False,
    ),
    (
        "Shropshire Council",
        "Community advice services contract",
        "contract",
        250000,
        400000,
        90,
        "https://www.example.org/advice-contract",
        True,
    ),
    (
        "Telford & Wrekin Council",
        "Small grants for volunteer-led groups",
        "grant",
        None,
        1500,
        20,
        "https://www.example.org/small-grants",
        False,
    ),
]


def load() -> list[str]:
    orgs = {org.name: org for org in db.session.scalars(select(Organisation))}
    known = set(db.session.scalars(select(FundingOpportunity.title)))
    added = 0
    for funder, title, kind, low, high, days, link, major in OPPORTUNITIES:
        if title not in known and funder in orgs:
            db.session.add(
                FundingOpportunity(
                    organisation=orgs[funder],
                    title=title,
                    kind=kind,
                    amount_from=low,
                    amount_to=high,
                    closing_date=today_uk() + timedelta(days=days),
                    link=link,
                    major_change=major,
                )
            )
            added += 1
    db.session.commit()
    return [f"{added} new funding opportunities"]


demo.register(26, "funding opportunities", load)
