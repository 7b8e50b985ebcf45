"""After signing: a member's edits (a new name, number or sector waits for the coordinator),
re-affirming a revised Accord, and withdrawing."""

from __future__ import annotations

import secrets

from sqlalchemy import select

from accord import audit, emails
from accord.clock import utcnow
from accord.extensions import db
from accord.geo import outcode_of
from accord.models import Organisation
from registry.models import AccordVersion
from registry.signatories.models import Signatory, SignatoryStatus, SignUp, SignUpKind, SignUpStatus
from registry.signatories.signup import PEOPLE_FIELDS, locate, signatory_token


def _signatory_of(org: Organisation) -> Signatory | None:
    return db.session.scalar(select(Signatory).where(Signatory.organisation_id == org.id))


# What an organisation is and which commitments it answers for: a member's change of these
# waits for the coordinator (MODERATED); the rest of their edits show straight away.
MODERATED = ("name", "identifier", "sector")


def propose_change(
    org: Organisation, name: str, identifier: str | None, sector: str | None = None
) -> SignUp:
    """A change of name, number or sector waits for the coordinator; the list keeps the old."""
    signatory = _signatory_of(org)
    change = SignUp(
        kind=SignUpKind.change,
        status=SignUpStatus.pending,
        token_nonce=secrets.token_hex(16),
        organisation=org,
        name=name,
        identifier=identifier,
        sector=sector or org.sector,
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
    """Apply a member's edits; a new name, number or sector goes to moderation instead."""
    changed = []
    for key in ("org_type", "website", "address", "town", "description"):
        if key in answers and answers[key] != getattr(org, key):
            setattr(org, key, answers[key])
            changed.append(key)
    if answers.get("postcode") and answers["postcode"] != org.postcode:
        org.postcode = answers["postcode"]
        org.outcode = outcode_of(org.postcode) or ""
        place = locate(org.postcode)
        org.latitude, org.longitude = place.latitude, place.longitude
        org.location_status = place.status
        changed.append("postcode")
    if changed:
        audit.record("organisation.edited", "organisation", org.id, details={"fields": changed})
    name = answers.get("name") or org.name
    identifier = answers.get("identifier") or None
    sector = answers.get("sector") or org.sector
    if (name, identifier, sector) != tuple(getattr(org, key) for key in MODERATED):
        return propose_change(org, name, identifier, sector)
    return None


# --- re-affirming a revised Accord ----------------------------------------------------------


def request_reaffirmation(version: AccordVersion) -> int:
    """Ask every published signatory on an older version to re-affirm; returns how many."""
    holders = db.session.scalars(
        select(Signatory).where(
            Signatory.status == SignatoryStatus.published,
            Signatory.accord_version_id != version.id,
        )
    ).all()
    for signatory in holders:
        emails.queue(
            signatory.lead_email or signatory.signer_email,
            "registry/reaffirm",
            kind="reaffirm",
            signatory=signatory,
            version=version,
            token=signatory_token(signatory, "reaffirm", version.id),
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


# --- withdrawing ----------------------------------------------------------------------------


def send_withdraw_link(signatory: Signatory, email: str) -> None:
    """Only the Accord lead on record gets a link; the caller shows the same page either way."""
    if not signatory.lead_email or email.strip().lower() != signatory.lead_email.lower():
        audit.record("signatory.withdraw_link_refused", "signatory", signatory.id)
        return
    emails.queue(
        signatory.lead_email,
        "registry/withdraw_link",
        kind="withdraw-link",
        signatory=signatory,
        token=signatory_token(signatory, "withdraw"),
    )
    audit.record("signatory.withdraw_link_sent", "signatory", signatory.id)


def withdraw(signatory: Signatory, reason: str) -> None:
    signatory.status = SignatoryStatus.withdrawn
    signatory.withdrawn_at = utcnow()
    signatory.withdrawal_reason = reason
    audit.record("signatory.withdrawn", "signatory", signatory.id, details={"reason": reason})
