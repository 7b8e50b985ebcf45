"""Each signatory's Accord record: what it has done under the Accord in the last 12 months,
for its public profile and the annual review. Counts and verdicts only; nothing personal.

- consultations and funding notices it logged, each with the product's verdict (12 weeks;
  6 months, or the 3-month minimum);
- whether it sent this year's self-assessment;
- how current its directory listings are (checked within 15 months);
- how fast it answers referrals (the median, shown from 5 answered);
- concerns closed with a published outcome where both parties agreed to be named;
- open letters recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select

from accord.clock import today_uk, utcnow
from accord.extensions import db
from accord.models import Organisation
from directory.freshness import dashboard
from directory.referrals.figures import organisation_reply_days
from registry.concerns.models import Concern, OpenLetter, Permission, Stage
from registry.notices.models import Consultation, FundingNotice
from registry.notices.notices import meets_consultation_weeks, notice_verdict
from registry.self_assessment.models import SelfAssessment
from registry.signatories.models import Signatory, SignatoryStatus

WINDOW = timedelta(days=365)


@dataclass(frozen=True)
class Logged:
    """A consultation or notice it logged, with the product's verdict."""

    what: str
    day: date  # when it closed (a consultation) or takes effect (a notice)
    verdict: str
    kept: bool


@dataclass
class Record:
    consultations: list[Logged] = field(default_factory=list)
    notices: list[Logged] = field(default_factory=list)
    self_assessment_sent: bool = False
    listings: int = 0  # published listings it answers for
    listings_current: int = 0  # of those, checked within 15 months
    reply_days: int | None = None  # None: fewer than 5 referrals answered
    concerns_named: int = 0  # closed with an outcome, both parties agreed to be named
    open_letters: int = 0

    @property
    def empty(self) -> bool:
        return not (
            self.consultations
            or self.notices
            or self.self_assessment_sent
            or self.listings
            or self.reply_days
            or self.concerns_named
            or self.open_letters
        )


def of(org: Organisation, today: date | None = None) -> Record:
    """The organisation's record over the 12 months to `today`."""
    today = today or today_uk()
    since = today - WINDOW
    record = Record()
    record.consultations = _consultations(org.id, since, today)
    record.notices = _notices(org.id, since, today)
    record.self_assessment_sent = _assessed(org.id, today.year)
    record.listings, record.listings_current = dashboard.currency_of(org.id, today)
    record.reply_days = organisation_reply_days(org.id, utcnow())
    record.concerns_named = _concerns_named(org.id, since)
    record.open_letters = (
        db.session.scalar(
            select(func.count())
            .select_from(OpenLetter)
            .where(OpenLetter.organisation_id == org.id, OpenLetter.published_on >= since)
        )
        or 0
    )
    return record


def _consultations(org_id: int, since: date, today: date) -> list[Logged]:
    found = db.session.scalars(
        select(Consultation)
        .where(Consultation.organisation_id == org_id, Consultation.end_date.between(since, today))
        .order_by(Consultation.end_date.desc())
    )
    return [
        Logged(c.title, c.end_date, *_weeks(meets_consultation_weeks(c.start_date, c.end_date)))
        for c in found
    ]


def _weeks(met: bool) -> tuple[str, bool]:
    return ("Allowed 12 weeks" if met else "Shorter than 12 weeks"), met


def _notices(org_id: int, since: date, today: date) -> list[Logged]:
    found = db.session.scalars(
        select(FundingNotice)
        .where(
            FundingNotice.organisation_id == org_id,
            FundingNotice.notice_date.between(since, today),
        )
        .order_by(FundingNotice.notice_date.desc())
    )
    logged = []
    for notice in found:
        verdict = notice_verdict(notice.notice_date, notice.change_date)
        if verdict.six_months:
            said = "6 months' notice or more"
        elif verdict.three_months:
            said = "Less than 6 months' notice; the 3-month minimum met"
        else:
            said = "Less than 3 months' notice"
        logged.append(Logged(notice.change, notice.change_date, said, verdict.six_months))
    return logged


def _assessed(org_id: int, year: int) -> bool:
    sent = select(SelfAssessment.id).where(
        SelfAssessment.organisation_id == org_id,
        SelfAssessment.year == year,
        SelfAssessment.completed_at.is_not(None),
    )
    return db.session.scalar(sent.limit(1)) is not None


def _concerns_named(org_id: int, since: date) -> int:
    """Concerns it was party to, closed with an outcome since `since`, where both parties
    agreed the organisations may be named (as on the public learning page)."""
    start = datetime(since.year, since.month, since.day)
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Concern)
            .where(
                or_(
                    Concern.raiser_organisation_id == org_id,
                    Concern.concerned_organisation_id == org_id,
                ),
                Concern.stage.in_([Stage.outcome_recorded, Stage.closed]),
                Concern.outcome_recorded_at >= start,
                Concern.names_agreed.is_(True),
                Concern.permission == Permission.named,
            )
        )
        or 0
    )


def listings_current(today: date | None = None) -> tuple[int, int]:
    """(published signatories answering for directory listings, those whose listings were
    all checked within 15 months): the Accord records' listings figure, for the review."""
    by_org = dashboard.currency_by_organisation(today or today_uk())
    signed = db.session.scalars(
        select(Signatory.organisation_id).where(Signatory.status == SignatoryStatus.published)
    )
    mine = [by_org[org_id] for org_id in signed if org_id in by_org]
    return len(mine), sum(1 for listed, fresh in mine if listed == fresh)
