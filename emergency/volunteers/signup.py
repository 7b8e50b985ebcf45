"""Signing up as an emergency volunteer. A new volunteer is emailed a link to confirm their
address, and CVEC sees them as unconfirmed until they do. A second sign-up with an address
already on the list changes nothing: it emails that address a link to confirm the change
(changes.py), and the person sees the same page either way, so nobody learns who has signed up.

Plain functions; none reads `request`. Callers commit.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date

from accord import audit, emails, links
from accord.accounts import normalise_email
from accord.clock import today_uk, utcnow
from accord.extensions import db
from emergency.volunteers import changes
from emergency.volunteers.details import Details, by_email, set_details
from emergency.volunteers.models import MAX_ID, Volunteer

CONFIRM_PURPOSE = "volunteer-confirm-email"
CONFIRM_MAX_AGE_S = 7 * links.DAY_S
CONFIRM_KIND = "volunteer-confirm-email"


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
    volunteer = Volunteer(email=normalise_email(details.email), created_at=utcnow())
    set_details(volunteer, details, consent, today or today_uk())
    db.session.add(volunteer)
    db.session.flush()
    audit.record("volunteer.signed_up", "volunteer", volunteer.id)
    send_confirmation(volunteer)
    return volunteer


def _fingerprint(volunteer: Volunteer) -> str:
    # Ties a link to this record: a later record reusing the id (SQLite may) does not match.
    raw = f"{volunteer.email}|{volunteer.created_at.isoformat()}".encode()
    return hashlib.sha256(raw).hexdigest()[:16]


def confirm_token(volunteer: Volunteer) -> str:
    """The token of the link that confirms a volunteer's address (their number only)."""
    return links.sign(CONFIRM_PURPOSE, {"v": volunteer.id, "f": _fingerprint(volunteer)})


def send_confirmation(volunteer: Volunteer) -> None:
    """Email the volunteer a link to confirm that the address they gave is theirs."""
    emails.queue(
        volunteer.email,
        "emergency/volunteer_confirm_email",
        kind=CONFIRM_KIND,
        token=confirm_token(volunteer),
    )
    audit.record("volunteer.confirmation_sent", "volunteer", volunteer.id)


def volunteer_to_confirm(token: str) -> Volunteer | None:
    """The volunteer a confirmation link was sent to; None if it is forged, expired or for a
    record since deleted."""
    data = links.read(CONFIRM_PURPOSE, token, CONFIRM_MAX_AGE_S)
    if not isinstance(data, dict) or not isinstance(data.get("v"), int):
        return None
    if not 0 < data["v"] <= MAX_ID or not isinstance(data.get("f"), str):
        return None
    volunteer = db.session.get(Volunteer, data["v"])
    if volunteer is None or not hmac.compare_digest(_fingerprint(volunteer), data["f"]):
        return None
    return volunteer


def confirm_email(volunteer: Volunteer) -> None:
    """Record that the volunteer confirmed their address (once: a second press changes nothing)."""
    if volunteer.email_confirmed_at is not None:
        return
    volunteer.email_confirmed_at = utcnow()
    audit.record("volunteer.email_confirmed", "volunteer", volunteer.id)
