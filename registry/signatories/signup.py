"""Signing the Accord: submit the form's answers, confirm by email, amend when the coordinator
asks for changes. Deciding is in moderation.py; what happens after signing in changes.py.

Plain functions over plain values; the views parse forms and call these. Every change of
state writes an audit event; every email goes through the outbox.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select

from accord import audit, emails, geocoding, links
from accord.clock import utcnow
from accord.extensions import db
from registry.models import AccordVersion
from registry.signatories.models import Signatory, SignUp, SignUpKind, SignUpStatus

CONFIRM_MAX_AGE_S = 7 * links.DAY_S
AMEND_MAX_AGE_S = 30 * links.DAY_S
WITHDRAW_MAX_AGE_S = 3 * links.DAY_S
REAFFIRM_MAX_AGE_S = 120 * links.DAY_S

ORG_FIELDS = ("name", "sector", "org_type", "identifier", "website", "address", "town", "postcode")
PEOPLE_FIELDS = ("signer_name", "signer_position", "signer_email", "lead_name", "lead_email")


# --- signed links ---------------------------------------------------------------------------
# The purposes keep their first salts ("accord-confirm" …) so links already sent still open.


def signup_token(signup: SignUp, purpose: str) -> str:
    return links.sign(f"accord-{purpose}", {"id": signup.id, "n": signup.token_nonce})


def signup_from_token(token: str, purpose: str, max_age: int) -> SignUp | None:
    """The sign-up a link was made for, or None if it is forged, expired or superseded."""
    data = links.read(f"accord-{purpose}", token, max_age)
    if not isinstance(data, dict) or not isinstance(data.get("id"), int):
        return None
    signup = db.session.get(SignUp, data["id"])
    if signup is None or not secrets.compare_digest(signup.token_nonce, str(data.get("n"))):
        return None
    return signup


def signatory_token(signatory: Signatory, purpose: str, extra: int = 0) -> str:
    return links.sign(f"accord-{purpose}", {"s": signatory.id, "x": extra})


def signatory_from_token(token: str, purpose: str, max_age: int) -> tuple[Signatory, int] | None:
    data = links.read(f"accord-{purpose}", token, max_age)
    if not isinstance(data, dict) or not isinstance(data.get("s"), int):
        return None
    signatory = db.session.get(Signatory, data["s"])
    return (signatory, int(data.get("x") or 0)) if signatory else None


# --- where an organisation is ---------------------------------------------------------------


@dataclass
class Place:
    latitude: float | None
    longitude: float | None
    status: str  # found, pending (geocoder unavailable: retried later) or not_found


def locate(postcode: str) -> Place:
    """Never blocks a sign-up: an unavailable geocoder leaves the location pending."""
    try:
        found = geocoding.lookup_postcode(postcode)
    except geocoding.GeocoderUnavailable:
        return Place(None, None, "pending")
    if found is None or found.point is None:
        return Place(None, None, "not_found")
    return Place(found.point.latitude, found.point.longitude, "found")


def pending_locations(limit: int) -> list[SignUp]:
    """Undecided sign-ups the geocoder could not place when they were made: `flask geo retry`
    places them, so the coordinator deciding sees where the organisation is."""
    undecided = (SignUpStatus.unconfirmed, SignUpStatus.pending, SignUpStatus.changes_requested)
    return list(
        db.session.scalars(
            select(SignUp)
            .where(SignUp.location_status == "pending", SignUp.status.in_(undecided))
            .limit(limit)
        )
    )


# --- submitting and confirming --------------------------------------------------------------


def _confirm_email(signup: SignUp) -> None:
    emails.queue(
        signup.signer_email,
        "registry/signup_confirm",
        kind="signup-confirm",
        signup=signup,
        token=signup_token(signup, "confirm"),
    )


def _take_answers(signup: SignUp, answers: dict) -> None:
    """The form's answers onto a sign-up, and where its postcode is."""
    for key in ORG_FIELDS + PEOPLE_FIELDS:
        setattr(signup, key, answers.get(key) or "")
    signup.identifier = answers.get("identifier") or None
    signup.statements = list(answers.get("statements") or [])
    place = locate(signup.postcode)
    signup.latitude, signup.longitude = place.latitude, place.longitude
    signup.location_status = place.status


def submit(answers: dict, version: AccordVersion) -> SignUp:
    """A new sign-up from the form's answers; waits for the signer to confirm their email."""
    signup = SignUp(
        kind=SignUpKind.signup,
        status=SignUpStatus.unconfirmed,
        token_nonce=secrets.token_hex(16),
        accord_version=version,
    )
    _take_answers(signup, answers)
    db.session.add(signup)
    db.session.flush()
    _confirm_email(signup)
    audit.record("signup.submitted", "signup", signup.id, details={"version": version.version})
    return signup


def confirm(token: str) -> SignUp | None:
    """Opening the link again (a mail scanner, a second click) is harmless: it stays confirmed."""
    signup = signup_from_token(token, "confirm", CONFIRM_MAX_AGE_S)
    if signup is None:
        return None
    if signup.status == SignUpStatus.unconfirmed:
        signup.status = SignUpStatus.pending
        signup.confirmed_at = utcnow()
        audit.record("signup.confirmed", "signup", signup.id)
    return signup


def amend(signup: SignUp, answers: dict) -> SignUp:
    """Changes asked for by the coordinator: back to the queue (re-confirm if the email changed)."""
    email_changed = answers.get("signer_email", "").lower() != signup.signer_email.lower()
    _take_answers(signup, answers)
    signup.token_nonce = secrets.token_hex(16)  # the old links stop working
    if email_changed:
        signup.status = SignUpStatus.unconfirmed
        signup.confirmed_at = None
        _confirm_email(signup)
    else:
        signup.status = SignUpStatus.pending
    audit.record("signup.amended", "signup", signup.id)
    return signup


def answers_of(signup: SignUp) -> dict:
    """A sign-up as the form's answers (to amend it)."""
    answers = {key: getattr(signup, key) or "" for key in ORG_FIELDS + PEOPLE_FIELDS}
    answers["statements"] = list(signup.statements or [])
    return answers
