"""What a volunteer tells us and how it is kept: the skills and times they can offer, the
words they agree to, and their details written onto their record (by signing up, signup.py, or
by confirming a change, changes.py).

Plain functions; none reads `request`. Callers commit. A volunteer's name, email and phone are
personal data: they never go into a log line, an audit event or the incident log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import func, select

from accord import geocoding
from accord.accounts import normalise_email
from accord.clock import utcnow
from accord.extensions import db
from accord.geo import Point
from accord.models import Channel
from accord.phones import uk_mobile
from emergency.volunteers.models import Volunteer

# Stored keys are stable (other pages and exports read them); the labels may change.
SKILLS = {
    "first_aid": "First aid",
    "driving": "Driving, with my own car",
    "four_by_four": "Driving a 4x4",
    "boat": "Boat handling or water rescue",
    "languages": "Languages other than English",
    "catering": "Cooking and catering",
    "caring": "Caring and befriending",
    "lifting": "Lifting and carrying",
    "comms": "Admin, radio and communications",
}
AVAILABILITY = {
    "weekday_daytime": "Weekdays, daytime",
    "weekday_evenings": "Weekday evenings",
    "weekends": "Weekends",
    "overnight": "Overnight",
    "short_notice": "At short notice",
}


def retention_words(days: int) -> str:
    """730 → "2 years": the retention period as the consent statement says it."""
    if days % 365 == 0:
        years = days // 365
        return f"{years} year{'' if years == 1 else 's'}"
    if days % 7 == 0:
        weeks = days // 7
        return f"{weeks} week{'' if weeks == 1 else 's'}"
    return f"{days} day{'' if days == 1 else 's'}"


def consent_text(retention_days: int) -> str:
    """The words a volunteer agrees to, stored with their record as they read them."""
    return (
        "I agree that the Community and Voluntary Emergency Cell (CVEC) may keep my details and "
        "contact me by email or phone to ask me to volunteer in an emergency in Shropshire. "
        "Only CVEC coordinators can see my details. They are kept for "
        f"{retention_words(retention_days)} from today and then deleted. I can ask for them to "
        "be deleted sooner at any time, using the “Stop volunteering” page linked from the "
        "sign-up form, or by asking a CVEC coordinator."
    )


@dataclass
class Details:
    """What a person tells us when they sign up."""

    name: str
    email: str
    outcode: str
    phone: str = ""
    skills: list[str] = field(default_factory=list)
    languages: str = ""
    dbs_checked: bool = False
    dbs_date: date | None = None
    availability: list[str] = field(default_factory=list)


def district(raw: str) -> tuple[str, Point] | None:
    """A full postcode or a postcode district → (its district, the district's centre).

    Offline (the imported Outcode table, else the bundled one): only the district is kept, so
    there is nothing to gain from asking postcodes.io, and a sign-up never waits on it.
    """
    found = geocoding.lookup_outcode(raw)
    if found is None or found.point is None or found.outcode is None:
        return None
    return found.outcode, found.point


def by_email(email: str) -> Volunteer | None:
    wanted = normalise_email(email)
    query = select(Volunteer).where(func.lower(Volunteer.email) == wanted).order_by(Volunteer.id)
    return db.session.scalars(query.limit(1)).first()


def mark_failing(channel: str, to: str) -> None:
    """GOV.UK Notify says messages to `to` can never arrive (accord/outbox/receipts.py): the
    volunteer's record says so, for CVEC to see and ask for another number or address."""
    if channel == Channel.sms:
        # Numbers are kept as typed: few have one, and a permanent failure is rare.
        for volunteer in db.session.scalars(select(Volunteer).where(Volunteer.phone != "")):
            if uk_mobile(volunteer.phone) == to:
                volunteer.phone_failing = True
        return
    wanted = normalise_email(to)
    for volunteer in db.session.scalars(
        select(Volunteer).where(func.lower(Volunteer.email) == wanted)
    ):
        volunteer.email_failing = True


def set_details(volunteer: Volunteer, details: Details, consent: str, today: date) -> None:
    """Everything but the email (the record's key) and `active` (CVEC's to change)."""
    centre = district(details.outcode)
    point = centre[1] if centre else None
    volunteer.name = details.name
    if volunteer.phone != details.phone:
        volunteer.phone_failing = False  # a new number: nothing is known against it yet
    volunteer.phone = details.phone
    volunteer.outcode = details.outcode
    volunteer.latitude = point.latitude if point else None
    volunteer.longitude = point.longitude if point else None
    volunteer.skills = [s for s in SKILLS if s in details.skills]
    volunteer.languages = details.languages if "languages" in details.skills else ""
    volunteer.dbs_checked = details.dbs_checked
    volunteer.dbs_date = details.dbs_date if details.dbs_checked else None
    volunteer.availability = [a for a in AVAILABILITY if a in details.availability]
    volunteer.consent = consent
    volunteer.consent_at = utcnow()
    volunteer.retain_until = today + timedelta(days=current_app.config["VOLUNTEER_RETENTION_DAYS"])
