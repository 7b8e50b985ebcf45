"""The Accord in action: did a consultation allow 12 weeks, did a funding change come with
6 months' notice (Herefordshire's compact asks three at least)? Plain functions first, then
logging them and the ambassadors list. Nothing here touches `request`."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, exists, select

from accord import audit
from accord.clock import utcnow
from accord.extensions import db
from accord.models import Organisation, Role, Sector, User
from registry.notices import affected
from registry.notices.models import Ambassador, AmbassadorSector, Consultation, FundingNotice
from registry.signatories.models import Signatory, SignatoryStatus

# Shropshire Accord theme 14 (communications and engagement): 12 week formal consultations.
CONSULTATION_WEEKS = 12
# Theme 11 (decommissioning well): no less than 6 months' notice of funding changes.
NOTICE_MONTHS = 6
# Herefordshire Compact: at least three months' notice in writing.
MINIMUM_NOTICE_MONTHS = 3


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when it has no such day
    (31 August + 6 months is 29 February in a leap year, 28 otherwise)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def consultation_length(start: date, end: date) -> timedelta:
    return end - start


def meets_consultation_weeks(start: date, end: date, weeks: int = CONSULTATION_WEEKS) -> bool:
    """At least `weeks` whole weeks from the day it opened to the day it closed."""
    return end - start >= timedelta(weeks=weeks)


def meets_notice(notice: date, change: date, months: int = NOTICE_MONTHS) -> bool:
    """The change takes effect `months` calendar months after notice was given, or later."""
    return change >= add_months(notice, months)


@dataclass(frozen=True)
class NoticeVerdict:
    six_months: bool
    three_months: bool


def notice_verdict(notice: date, change: date) -> NoticeVerdict:
    return NoticeVerdict(
        meets_notice(notice, change, NOTICE_MONTHS),
        meets_notice(notice, change, MINIMUM_NOTICE_MONTHS),
    )


# --- who may log ----------------------------------------------------------------------------


# Who makes the commitments on consultations and notices: the public sector, and town and
# parish councils (their own sector in the registry), once they have signed.
PUBLIC_BODIES = (Sector.public, Sector.parish)


def loggable_organisations(user: User) -> list[Organisation]:
    """The public bodies (town and parish councils too) the user is a member of that have
    signed the Accord."""
    return signed_organisations(user, PUBLIC_BODIES)


def signed_organisations(user: User, sectors: tuple[str, ...] = ()) -> list[Organisation]:
    """The organisations the user is a member of that have signed the Accord (of `sectors`
    only, when given), by name."""
    ids = user.organisation_ids(Role.member)
    if not ids:
        return []
    signed = exists().where(
        and_(
            Signatory.organisation_id == Organisation.id,
            Signatory.status == SignatoryStatus.published,
        )
    )
    found = select(Organisation).where(Organisation.id.in_(ids), signed)
    if sectors:
        found = found.where(Organisation.sector.in_(sectors))
    return list(db.session.scalars(found.order_by(Organisation.name)))


def log_consultation(
    user: User,
    organisation: Organisation,
    title: str,
    start: date,
    end: date,
    link: str = "",
    short_reason: str = "",
) -> Consultation:
    record = Consultation(
        organisation=organisation,
        title=title,
        start_date=start,
        end_date=end,
        link=link,
        short_reason=short_reason,
        logged_by_id=user.id,
    )
    db.session.add(record)
    db.session.flush()
    audit.record(
        "consultation.logged",
        "consultation",
        record.id,
        details={
            "organisation_id": organisation.id,
            "meets_12_weeks": meets_consultation_weeks(start, end),
        },
    )
    return record


def log_notice(
    user: User,
    organisation: Organisation,
    change: str,
    notice: date,
    change_on: date,
    **details,
) -> FundingNotice:
    """`details`: funding_stream, end_date, decision_date, reason, impact_link and affected
    (the organisations named), all optional here; the form asks for the reason."""
    record = FundingNotice(
        organisation=organisation,
        change=change,
        notice_date=notice,
        change_date=change_on,
        logged_by_id=user.id,
        **details,
    )
    db.session.add(record)
    db.session.flush()
    verdict = notice_verdict(notice, change_on)
    audit.record(
        "funding_notice.logged",
        "funding_notice",
        record.id,
        details={
            "organisation_id": organisation.id,
            "affected_ids": [org.id for org in record.affected],
            "meets_6_months": verdict.six_months,
            "meets_3_months": verdict.three_months,
            "emails_queued": affected.tell(record),
        },
    )
    return record


def _year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def consultations(year: int | None = None) -> list[Consultation]:
    """Newest closing date first; a year picks those that closed in it."""
    query = select(Consultation).order_by(Consultation.end_date.desc(), Consultation.id.desc())
    if year is not None:
        first, last = _year_bounds(year)
        query = query.where(Consultation.end_date.between(first, last))
    return list(db.session.scalars(query))


def notices(year: int | None = None) -> list[FundingNotice]:
    """Newest change first; a year picks the changes that took effect in it."""
    query = select(FundingNotice).order_by(
        FundingNotice.change_date.desc(), FundingNotice.id.desc()
    )
    if year is not None:
        first, last = _year_bounds(year)
        query = query.where(FundingNotice.change_date.between(first, last))
    return list(db.session.scalars(query))


# --- ambassadors ----------------------------------------------------------------------------

AMBASSADOR_FIELDS = ("name", "sector", "theme_number", "organisation", "contact")


def ambassadors(include_retired: bool = False) -> list[Ambassador]:
    query = select(Ambassador)
    if not include_retired:
        query = query.where(Ambassador.retired_at.is_(None))
    found = list(db.session.scalars(query))
    order: list[str] = list(AmbassadorSector)
    return sorted(
        found,
        key=lambda a: (
            a.retired_at is not None,
            order.index(a.sector) if a.sector in order else len(order),
            a.theme_number or 0,
            a.name.casefold(),
        ),
    )


def save_ambassador(ambassador: Ambassador | None, **values) -> Ambassador:
    """Add one (ambassador None) or change one; audited with the fields that changed."""
    if values.get("sector") != AmbassadorSector.theme:
        values["theme_number"] = None
    adding = ambassador is None
    if ambassador is None:
        ambassador = Ambassador()
        db.session.add(ambassador)
    changed = [k for k in AMBASSADOR_FIELDS if k in values and getattr(ambassador, k) != values[k]]
    for key in AMBASSADOR_FIELDS:
        if key in values:
            setattr(ambassador, key, values[key])
    db.session.flush()
    audit.record(
        "ambassador.added" if adding else "ambassador.changed",
        "ambassador",
        ambassador.id,
        details={"fields": changed},
    )
    return ambassador


def retire_ambassador(ambassador: Ambassador) -> None:
    if ambassador.retired_at is None:
        ambassador.retired_at = utcnow()
        audit.record("ambassador.retired", "ambassador", ambassador.id)
