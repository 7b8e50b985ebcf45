"""Keeping listings right: providers edit, new providers are reviewed, capacity is flagged,
anyone can report a wrong listing, and old listings get reminders."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import or_, select

from accord import accounts, audit, emails
from accord.clock import today_uk, utcnow
from accord.extensions import db
from accord.models import Location, Organisation, Review
from directory import freshness, listings, taxonomy
from directory.freshness import checks
from directory.models import (
    REFERRAL_FIELDS,
    Capacity,
    ListingReport,
    Schedule,
    Service,
    ServiceAtLocation,
)


def is_new_provider(org: Organisation) -> bool:
    """An organisation with nothing published yet: its listings are checked first."""
    query = select(Service.id).where(
        Service.organisation_id == org.id, Service.review == Review.published
    )
    return db.session.scalar(query.limit(1)) is None


def save_service(service: Service, answers: dict, *, trusted: bool) -> Service:
    """Apply a provider's answers; the provider vouches for the listing as of today."""
    is_new = service.id is None
    service.name = answers["name"]
    listings.set_description(service, plain=answers["description"])
    service.eligibility = answers.get("eligibility") or ""
    service.minimum_age = answers.get("minimum_age")
    service.maximum_age = answers.get("maximum_age")
    service.is_free = answers.get("cost") == "free"
    service.fees = "" if service.is_free else answers.get("fees") or ""
    service.access_routes = list(answers.get("access_routes") or [])
    service.referral_fields = [
        key for key in REFERRAL_FIELDS if key in (answers.get("referral_fields") or [])
    ]
    service.referral_response_days = answers.get("referral_response_days") or 5
    service.phone = answers.get("phone") or ""
    service.email = answers.get("email") or ""
    terms = {t.code: t for t in taxonomy.needs()}
    service.terms = [terms[code] for code in answers.get("needs") or [] if code in terms]
    location = (
        db.session.get(Location, int(answers["location"])) if answers.get("location") else None
    )
    service.at_locations = _at(service, location)
    if answers.get("days"):
        # The form sets one weekly pattern; richer imported schedules are kept until then.
        service.schedules = [
            Schedule(
                freq="WEEKLY",
                byday=",".join(answers["days"]),
                opens_at=answers["opens_at"],
                closes_at=answers["closes_at"],
            )
        ]
    service.assured_at = today_uk()
    service.reminded_at = None
    if not trusted and is_new_provider(service.organisation):
        service.review = Review.pending
    elif service.review != Review.pending or trusted:
        service.review = Review.published
    db.session.add(service)
    db.session.flush()
    listings.index(service)
    audit.record(
        "service.created" if is_new else "service.edited",
        "service",
        service.id,
        details={"review": service.review},
    )
    return service


def _at(service: Service, location: Location | None) -> list[ServiceAtLocation]:
    """The service's one link to `location`: the existing row when the building is unchanged,
    since a new identical row would be inserted before the old one is deleted and break the
    unique constraint uq_service_location (and the ORUK id of the link would change)."""
    if location is None:
        return []
    kept = [sal for sal in service.at_locations if sal.location_id == location.id]
    return kept[:1] or [ServiceAtLocation(location=location)]


def set_capacity(service: Service, capacity: str) -> None:
    service.capacity = Capacity(capacity)
    service.capacity_updated_at = utcnow()
    audit.record("service.capacity", "service", service.id, details={"capacity": capacity})


def still_correct(service: Service) -> None:
    service.assured_at = today_uk()
    service.reminded_at = None
    audit.record("service.assured", "service", service.id)


def report(service: Service, what: str) -> ListingReport:
    record = ListingReport(service=service, what=what)
    db.session.add(record)
    db.session.flush()
    for to in recipients(service):
        emails.queue(
            to, "directory/listing_report", kind="listing-report", service=service, what=what
        )
    audit.record("service.reported", "service", service.id, details={"report_id": record.id})
    return record


def review_queue() -> list[Service]:
    return list(
        db.session.scalars(
            select(Service).where(Service.review == Review.pending).order_by(Service.updated_at)
        )
    )


def decide(service: Service, publish: bool) -> None:
    service.review = Review.published if publish else Review.rejected
    audit.record("service.reviewed", "service", service.id, details={"published": publish})
    for to in recipients(service):
        emails.queue(
            to,
            "directory/listing_review",
            kind="listing-review",
            service=service,
            published=publish,
        )


def recipients(service: Service) -> list[str]:
    """Who is emailed about a listing's upkeep: the members of the organisation that manages
    it (the one that claimed it, directory/claims, or else its own)."""
    return accounts.member_emails(service.manager_id)


def send_reminders(today: date | None = None) -> int:
    """Email the members managing each published listing last checked REMIND_MONTHS or more
    ago, once per check: saving the listing or saying it is still correct clears reminded_at
    and starts the next wait. The number of listings whose providers were reminded; the
    caller commits."""
    today = today or today_uk()
    query = select(Service).where(
        Service.review == Review.published,
        Service.assured_at <= freshness.remind_by(today),
        # Reminded before its last check, or never: a feed's import may date a check
        # without clearing reminded_at as saving does.
        or_(Service.reminded_at.is_(None), Service.reminded_at < Service.assured_at),
    )
    # Several runners never take one row twice (PostgreSQL; SQLite has one writer and
    # SQLAlchemy leaves FOR UPDATE out there).
    query = query.with_for_update(skip_locked=True)
    sent = 0
    for service in db.session.scalars(query):
        to = recipients(service)
        if not to:
            continue  # reminded once someone can act on it
        # Set before the link is made: the link's fingerprint is of the state it may change.
        service.reminded_at = datetime.combine(today, time())
        token = checks.check_token(service)
        for address in to:
            emails.queue(
                address,
                "directory/listing_reminder",
                kind="listing-reminder",
                service=service,
                token=token,
                stale_months=freshness.STALE_MONTHS,
            )
        audit.record("service.reminded", "service", service.id)
        sent += 1
    return sent
