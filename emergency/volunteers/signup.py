"""Signing up as an emergency volunteer. A second sign-up with an address already on the list
changes nothing: it emails that address a link to confirm the change (changes.py), and the
person sees the same page either way, so nobody learns who has signed up.

Plain functions; none reads `request`. Callers commit.
"""

from __future__ import annotations

from datetime import date

from accord import audit
from accord.accounts import normalise_email
from accord.clock import today_uk
from accord.extensions import db
from emergency.volunteers import changes
from emergency.volunteers.details import Details, by_email, set_details
from emergency.volunteers.models import Volunteer


def first_name(name: str) -> str:
    return (name.split() or [""])[0][:60]


def sign_up(details: Details, consent: str, today: date | None = None) -> Volunteer | None:
    """Create a volunteer, or, when the email is already on record, change nothing and email
    that address a link to confirm the change (anyone can type anyone's email address).

    Returns the new volunteer, or None when the address was emailed instead.
    """
    existing = by_email(details.email)
    if existing is not None:
        changes.ask_to_confirm(existing, details)
        return None
    volunteer = Volunteer(email=normalise_email(details.email))
    set_details(volunteer, details, consent, today or today_uk())
    db.session.add(volunteer)
    db.session.flush()
    audit.record("volunteer.signed_up", "volunteer", volunteer.id)
    return volunteer
