"""Signing the Accord: submit, confirm by email, moderate, amend, re-affirm, withdraw, edit.

Plain functions over plain values; the views parse forms and call these. Every change of
state writes an audit event; every email goes through the outbox.
"""

from __future__ import annotations

import difflib
import re
import secrets
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, or_, select

from accord import audit, geocoding
from accord.clock import utcnow
from accord.extensions import db
from accord.geo import outcode_of
from accord.models import Organisation
from accord.outbox import queue_email
from accord.text import slugify
from registry.models import AccordVersion
from registry.signatories.models import Signatory, SignatoryStatus, SignUp, SignUpKind, SignUpStatus

CONFIRM_MAX_AGE_S = 7 * 24 * 3600
AMEND_MAX_AGE_S = 30 * 24 * 3600
WITHDRAW_MAX_AGE_S = 3 * 24 * 3600
REAFFIRM_MAX_AGE_S = 120 * 24 * 3600

ORG_FIELDS = ("name", "sector", "org_type", "identifier", "website", "address", "town", "postcode")
PEOPLE_FIELDS = ("signer_name", "signer_position", "signer_email", "lead_name", "lead_email")


def plain(text: str) -> str:
    """One line of user text for an email: no line breaks to forge headers or fake paragraphs."""
    return " ".join(str(text).split())


# --- signed links ---------------------------------------------------------------------------


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"accord-{purpose}")


def signup_token(signup: SignUp, purpose: str) -> str:
    return _serializer(purpose).dumps({"id": signup.id, "n": signup.token_nonce})


def signup_from_token(token: str, purpose: str, max_age: int) -> SignUp | None:
    """The sign-up a link was made for, or None if it is forged, expired or superseded."""
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("id"), int):
        return None
    signup = db.session.get(SignUp, data["id"])
    if signup is None or not secrets.compare_digest(signup.token_nonce, str(data.get("n"))):
        return None
    return signup


def signatory_token(signatory: Signatory, purpose: str, extra: int = 0) -> str:
    return _serializer(purpose).dumps({"s": signatory.id, "x": extra})


def signatory_from_token(token: str, purpose: str, max_age: int) -> tuple[Signatory, int] | None:
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
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


def _confirm_email(signup: SignUp, link_base: str) -> None:
    link = f"{link_base.rstrip('/')}/accord/sign/confirm/{signup_token(signup, 'confirm')}"
    queue_email(
        signup.signer_email,
        "Confirm your organisation's signature of the Shropshire Accord",
        f"You asked to sign the Shropshire Accord for {plain(signup.name)}.\n\n"
        f"Confirm by opening this link within 7 days:\n{link}\n\n"
        "The VCS Assembly coordinator will then check the sign-up before it is published.\n"
        "If you did not ask for this, ignore this email and nothing will be published.",
        kind="signup-confirm",
    )


def submit(answers: dict, version: AccordVersion, link_base: str) -> SignUp:
    """A new sign-up from the form's answers; waits for the signer to confirm their email."""
    place = locate(answers["postcode"])
    signup = SignUp(
        kind=SignUpKind.signup,
        status=SignUpStatus.unconfirmed,
        token_nonce=secrets.token_hex(16),
        accord_version=version,
        statements=list(answers.get("statements") or []),
        latitude=place.latitude,
        longitude=place.longitude,
        location_status=place.status,
        **{key: answers.get(key) or "" for key in ORG_FIELDS + PEOPLE_FIELDS},
    )
    signup.identifier = answers.get("identifier") or None
    db.session.add(signup)
    db.session.flush()
    _confirm_email(signup, link_base)
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


def amend(signup: SignUp, answers: dict, link_base: str) -> SignUp:
    """Changes asked for by the coordinator: back to the queue (re-confirm if the email changed)."""
    email_changed = answers.get("signer_email", "").lower() != signup.signer_email.lower()
    for key in ORG_FIELDS + PEOPLE_FIELDS:
        setattr(signup, key, answers.get(key) or "")
    signup.identifier = answers.get("identifier") or None
    signup.statements = list(answers.get("statements") or [])
    place = locate(signup.postcode)
    signup.latitude, signup.longitude, signup.location_status = (
        place.latitude,
        place.longitude,
        place.status,
    )
    signup.token_nonce = secrets.token_hex(16)  # the old links stop working
    if email_changed:
        signup.status = SignUpStatus.unconfirmed
        signup.confirmed_at = None
        _confirm_email(signup, link_base)
    else:
        signup.status = SignUpStatus.pending
    audit.record("signup.amended", "signup", signup.id)
    return signup


def answers_of(signup: SignUp) -> dict:
    """A sign-up as the form's answers (to amend it)."""
    answers = {key: getattr(signup, key) or "" for key in ORG_FIELDS + PEOPLE_FIELDS}
    answers["statements"] = list(signup.statements or [])
    return answers


# --- the coordinator's queue ----------------------------------------------------------------


def queue() -> list[SignUp]:
    return list(
        db.session.scalars(
            select(SignUp)
            .where(SignUp.status == SignUpStatus.pending)
            .order_by(SignUp.confirmed_at, SignUp.id)
        )
    )


def queue_count() -> int:
    query = select(func.count(SignUp.id)).where(SignUp.status == SignUpStatus.pending)
    return db.session.scalar(query) or 0


def _name_key(name: str) -> str:
    words = re.sub(r"[^a-z0-9 ]", " ", name.lower()).split()
    noise = {"the", "ltd", "limited", "cic", "cio", "of", "and", "trust", "group"}
    return " ".join(w for w in words if w not in noise)


def similar_names(a: str, b: str) -> bool:
    ka, kb = _name_key(a), _name_key(b)
    if not ka or not kb:
        return False
    return ka == kb or difflib.SequenceMatcher(None, ka, kb).ratio() >= 0.85


@dataclass
class Duplicate:
    organisation: Organisation | None
    signup: SignUp | None
    reasons: list[str]


def possible_duplicates(signup: SignUp) -> list[Duplicate]:
    """Organisations and other sign-ups with the same org-id, a similar name or the postcode."""
    found: list[Duplicate] = []
    conditions = [Organisation.postcode == signup.postcode]
    if signup.identifier:
        conditions.append(Organisation.identifier == signup.identifier)
    first_word = (_name_key(signup.name).split() or [""])[0]
    if first_word:
        conditions.append(func.lower(Organisation.name).contains(first_word))
    for org in db.session.scalars(select(Organisation).where(or_(*conditions)).limit(200)):
        if org.id == signup.organisation_id:
            continue
        reasons = _reasons(signup, org.identifier, org.name, org.postcode)
        if reasons:
            found.append(Duplicate(org, None, reasons))
    others = select(SignUp).where(
        SignUp.id != signup.id,
        SignUp.status.in_([SignUpStatus.pending, SignUpStatus.unconfirmed]),
    )
    for other in db.session.scalars(others.limit(500)):
        reasons = _reasons(signup, other.identifier, other.name, other.postcode)
        if reasons:
            found.append(Duplicate(None, other, reasons))
    return found


def _reasons(signup: SignUp, identifier: str | None, name: str, postcode: str) -> list[str]:
    reasons = []
    if signup.identifier and identifier == signup.identifier:
        reasons.append(f"same identifier {identifier}")
    if similar_names(signup.name, name):
        reasons.append("similar name")
    if signup.postcode and postcode == signup.postcode:
        reasons.append("same postcode")
    return reasons


def unique_slug(name: str) -> str:
    base = slugify(name)
    taken = set(
        db.session.scalars(select(Organisation.slug).where(Organisation.slug.startswith(base)))
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _outcome_email(signup: SignUp, subject: str, body: str, kind: str) -> None:
    recipients = {signup.signer_email.lower(), signup.lead_email.lower()} - {""}
    for to in sorted(recipients):
        queue_email(to, subject, body, kind=kind)


def _apply_place(org: Organisation, signup: SignUp) -> None:
    org.address, org.town, org.postcode = signup.address, signup.town, signup.postcode
    org.outcode = outcode_of(signup.postcode) or ""
    org.latitude, org.longitude = signup.latitude, signup.longitude
    org.location_status = signup.location_status


def approve(signup: SignUp, link_to: Organisation | None = None) -> Signatory | Organisation:
    """Publish a sign-up (creating or linking the organisation), or apply a signatory's change."""
    signup.status = SignUpStatus.approved
    signup.decided_at = utcnow()
    if signup.kind == SignUpKind.change:
        org = signup.organisation
        before = {"name": org.name, "identifier": org.identifier}
        org.name, org.identifier = signup.name, signup.identifier
        audit.record("organisation.renamed", "organisation", org.id, details={"before": before})
        audit.record("signup.approved", "signup", signup.id, details={"kind": "change"})
        _outcome_email(
            signup,
            "Your change to the Shropshire Accord list has been approved",
            f"The change of name or number for {plain(signup.name)} is now published.",
            "signup-outcome",
        )
        return org

    org = link_to
    if org is None:
        org = Organisation(slug=unique_slug(signup.name), name=signup.name)
        db.session.add(org)
    org.sector, org.org_type, org.website = signup.sector, signup.org_type, signup.website
    org.identifier = signup.identifier or org.identifier
    _apply_place(org, signup)
    db.session.flush()
    signup.organisation = org

    signatory = db.session.scalar(select(Signatory).where(Signatory.organisation_id == org.id))
    if signatory is None:
        signatory = Signatory(organisation=org)
        db.session.add(signatory)
    signatory.accord_version_id = signup.accord_version_id
    signatory.status = SignatoryStatus.published
    signatory.signed_at = signup.confirmed_at or signup.created_at
    signatory.published_at = utcnow()
    signatory.withdrawn_at = None
    signatory.withdrawal_reason = ""
    for key in PEOPLE_FIELDS:
        setattr(signatory, key, getattr(signup, key))
    db.session.flush()
    audit.record(
        "signup.approved",
        "signup",
        signup.id,
        details={"organisation_id": org.id, "signatory_id": signatory.id, "linked": bool(link_to)},
    )
    _outcome_email(
        signup,
        "Your organisation has signed the Shropshire Accord",
        f"{plain(signup.name)} is now on the published list of signatories of the Shropshire "
        "Accord. Thank you.\n\nThe Accord should be referenced in any contract between two "
        "signatories.",
        "signup-outcome",
    )
    return signatory


def reject(signup: SignUp, reason: str) -> None:
    signup.status = SignUpStatus.rejected
    signup.decided_at = utcnow()
    signup.decision_note = reason
    audit.record("signup.rejected", "signup", signup.id, details={"reason": reason})
    _outcome_email(
        signup,
        "Your sign-up to the Shropshire Accord",
        f"The VCS Assembly coordinator could not accept the sign-up for {plain(signup.name)}."
        f"\n\nReason:\n{reason}\n\nReply to the VCS Assembly if you would like to talk about it.",
        "signup-outcome",
    )


def request_changes(signup: SignUp, note: str, link_base: str) -> None:
    signup.status = SignUpStatus.changes_requested
    signup.decided_at = utcnow()
    signup.decision_note = note
    signup.token_nonce = secrets.token_hex(16)
    link = f"{link_base.rstrip('/')}/accord/sign/amend/{signup_token(signup, 'amend')}"
    audit.record("signup.changes_requested", "signup", signup.id, details={"note": note})
    queue_email(
        signup.signer_email,
        "Changes needed to your Shropshire Accord sign-up",
        f"The VCS Assembly coordinator has asked for changes to the sign-up for "
        f"{plain(signup.name)}:\n\n{note}\n\nMake the changes using this link (valid for 30 "
        f"days):\n{link}",
        kind="signup-changes",
    )


# --- after signing --------------------------------------------------------------------------


def propose_change(org: Organisation, name: str, identifier: str | None) -> SignUp:
    """A change of name or number waits for the coordinator; the list keeps the old one."""
    signatory = db.session.scalar(select(Signatory).where(Signatory.organisation_id == org.id))
    change = SignUp(
        kind=SignUpKind.change,
        status=SignUpStatus.pending,
        token_nonce=secrets.token_hex(16),
        organisation=org,
        name=name,
        identifier=identifier,
        sector=org.sector,
        org_type=org.org_type,
        website=org.website,
        address=org.address,
        town=org.town,
        postcode=org.postcode,
        location_status=org.location_status,
        confirmed_at=utcnow(),
        accord_version_id=signatory.accord_version_id if signatory else None,
        **{key: getattr(signatory, key) if signatory else "" for key in PEOPLE_FIELDS},
    )
    db.session.add(change)
    db.session.flush()
    audit.record("signup.change_proposed", "signup", change.id, details={"organisation_id": org.id})
    return change


def edit_organisation(org: Organisation, answers: dict) -> SignUp | None:
    """Apply a member's edits; a new name or number goes to moderation instead of straight on."""
    changed = []
    for key in ("sector", "org_type", "website", "address", "town", "description"):
        if key in answers and answers[key] != getattr(org, key):
            setattr(org, key, answers[key])
            changed.append(key)
    if answers.get("postcode") and answers["postcode"] != org.postcode:
        org.postcode = answers["postcode"]
        org.outcode = outcode_of(org.postcode) or ""
        place = locate(org.postcode)
        org.latitude, org.longitude, org.location_status = (
            place.latitude,
            place.longitude,
            place.status,
        )
        changed.append("postcode")
    if changed:
        audit.record("organisation.edited", "organisation", org.id, details={"fields": changed})
    new_identifier = answers.get("identifier") or None
    if answers.get("name") != org.name or new_identifier != org.identifier:
        return propose_change(org, answers.get("name") or org.name, new_identifier)
    return None


def request_reaffirmation(version: AccordVersion, link_base: str) -> int:
    """Ask every published signatory on an older version to re-affirm; returns how many."""
    holders = db.session.scalars(
        select(Signatory).where(
            Signatory.status == SignatoryStatus.published,
            Signatory.accord_version_id != version.id,
        )
    ).all()
    for signatory in holders:
        token = signatory_token(signatory, "reaffirm", version.id)
        link = f"{link_base.rstrip('/')}/signatories/{signatory.organisation.slug}/reaffirm/{token}"
        queue_email(
            signatory.lead_email or signatory.signer_email,
            f"The Shropshire Accord has been revised: please re-affirm (version {version.version})",
            f"A new version of the Shropshire Accord ({version.version}) has been published.\n\n"
            f"{plain(signatory.organisation.name)} signed version "
            f"{signatory.accord_version.version}. Read the new version and re-affirm your "
            f"signature here:\n{link}",
            kind="reaffirm",
        )
        signatory.reaffirm_requested_at = utcnow()
    audit.record(
        "accord.reaffirmation_requested",
        "accord_version",
        version.id,
        details={"signatories": len(holders)},
    )
    return len(holders)


def reaffirm(signatory: Signatory, version: AccordVersion) -> None:
    previous = signatory.accord_version.version
    signatory.accord_version = version
    signatory.reaffirmed_at = utcnow()
    audit.record(
        "signatory.reaffirmed",
        "signatory",
        signatory.id,
        details={"from": previous, "to": version.version},
    )


def send_withdraw_link(signatory: Signatory, email: str, link_base: str) -> None:
    """Only the Accord lead on record gets a link; the caller shows the same page either way."""
    if not signatory.lead_email or email.strip().lower() != signatory.lead_email.lower():
        audit.record("signatory.withdraw_link_refused", "signatory", signatory.id)
        return
    token = signatory_token(signatory, "withdraw")
    link = f"{link_base.rstrip('/')}/signatories/{signatory.organisation.slug}/withdraw/{token}"
    queue_email(
        signatory.lead_email,
        "Withdrawing from the Shropshire Accord",
        f"You asked to withdraw {plain(signatory.organisation.name)} from the Shropshire Accord."
        f"\n\nUse this link within 3 days to confirm and give a reason:\n{link}\n\n"
        "If you did not ask for this, ignore this email.",
        kind="withdraw-link",
    )
    audit.record("signatory.withdraw_link_sent", "signatory", signatory.id)


def withdraw(signatory: Signatory, reason: str) -> None:
    signatory.status = SignatoryStatus.withdrawn
    signatory.withdrawn_at = utcnow()
    signatory.withdrawal_reason = reason
    audit.record("signatory.withdrawn", "signatory", signatory.id, details={"reason": reason})
