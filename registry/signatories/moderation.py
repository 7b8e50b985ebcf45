"""The coordinator's sign-up queue: possible duplicates, then approve (publish), reject or ask
for changes. Every decision is audited and the organisation is told by email."""

from __future__ import annotations

import difflib
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import func, or_, select

from accord import audit, emails, membership
from accord.accounts import same_mailbox
from accord.clock import utcnow
from accord.extensions import db
from accord.geo import outcode_of
from accord.links import absolute_url
from accord.models import Organisation, User
from accord.text import slugify
from registry.signatories.models import Signatory, SignatoryStatus, SignUp, SignUpKind, SignUpStatus
from registry.signatories.signup import PEOPLE_FIELDS, signup_token


def queue() -> list[SignUp]:
    return list(
        db.session.scalars(
            select(SignUp)
            .where(SignUp.status == SignUpStatus.pending)
            .order_by(SignUp.confirmed_at, SignUp.id)
        )
    )


# --- possible duplicates --------------------------------------------------------------------


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


# --- deciding -------------------------------------------------------------------------------


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


def _tell(signup: SignUp, template: str, **context) -> None:
    """The signer and the Accord lead (once if they are the same person)."""
    recipients = {signup.signer_email.lower(), signup.lead_email.lower()} - {""}
    for to in sorted(recipients):
        emails.queue(to, template, kind="signup-outcome", signup=signup, **context)


def _decided(signup: SignUp, status: SignUpStatus, note: str | None = None) -> None:
    signup.status = status
    signup.decided_at = utcnow()
    if note is not None:
        signup.decision_note = note


def approve(signup: SignUp, link_to: Organisation | None = None) -> Signatory | Organisation:
    """Publish a sign-up (creating or linking the organisation), or apply a signatory's change."""
    _decided(signup, SignUpStatus.approved)
    if signup.kind == SignUpKind.change:
        return _apply_change(signup)
    org = link_to
    if org is None:
        org = Organisation(slug=unique_slug(signup.name), name=signup.name)
        db.session.add(org)
    org.sector, org.org_type, org.website = signup.sector, signup.org_type, signup.website
    org.identifier = signup.identifier or org.identifier
    org.address, org.town, org.postcode = signup.address, signup.town, signup.postcode
    org.outcode = outcode_of(signup.postcode) or ""
    org.latitude, org.longitude = signup.latitude, signup.longitude
    org.location_status = signup.location_status
    db.session.flush()
    signup.organisation = org
    signatory = _publish(signup, org)
    audit.record(
        "signup.approved",
        "signup",
        signup.id,
        details={"organisation_id": org.id, "signatory_id": signatory.id, "linked": bool(link_to)},
    )
    _tell(signup, "registry/signup_approved", profile=_profile(org))
    return signatory


def give_accounts(signup: SignUp, by: User | None) -> list[membership.Added]:
    """The person who signed and the Accord lead become members of the organisation a new
    sign-up's approval published: an address new to the hub is emailed a link to set a
    password, an existing account is added (and told), a member already is left alone.

    `by` is the approving coordinator. If they are one of the two people, they are skipped
    (Outcome.yourself), not granted: accounts.grant refuses anyone changing their own roles,
    and a coordinator approving their own organisation's sign-up must not thereby give
    themselves its referrals; another coordinator or an administrator adds them. The caller
    commits, with the approval."""
    org = signup.organisation
    if signup.kind != SignUpKind.signup or org is None:
        return []
    given: list[membership.Added] = []
    people = [(signup.signer_email, signup.signer_name), (signup.lead_email, signup.lead_name)]
    for email, name in people:
        if not email.strip() or any(same_mailbox(email, done.email) for done in given):
            continue
        given.append(membership.add_member(email, org, by=by, name=name, signed=True))
    return given


def _profile(org: Organisation) -> str:
    """The organisation's published page, for the email that says it is there."""
    return absolute_url("registry.signatory", slug=org.slug)


def _apply_change(signup: SignUp) -> Organisation:
    """A signatory's new name, number or sector goes on the list."""
    org = signup.organisation
    assert org is not None, "a change is always made for an organisation"
    before = {"name": org.name, "identifier": org.identifier, "sector": org.sector}
    org.name, org.identifier = signup.name, signup.identifier
    org.sector = signup.sector or org.sector
    audit.record("organisation.renamed", "organisation", org.id, details={"before": before})
    audit.record("signup.approved", "signup", signup.id, details={"kind": "change"})
    _tell(signup, "registry/change_approved", profile=_profile(org))
    return org


def _publish(signup: SignUp, org: Organisation) -> Signatory:
    """The organisation's signatory record, (re)published for this sign-up."""
    signatory = db.session.scalar(select(Signatory).where(Signatory.organisation_id == org.id))
    if signatory is None:
        signatory = Signatory(organisation=org)
        db.session.add(signatory)
    assert signup.accord_version_id is not None, "a sign-up is made against a version"
    signatory.accord_version_id = signup.accord_version_id
    signatory.status = SignatoryStatus.published
    signatory.signed_at = signup.confirmed_at or signup.created_at
    signatory.published_at = utcnow()
    signatory.withdrawn_at = None
    signatory.withdrawal_reason = ""
    for key in PEOPLE_FIELDS:
        setattr(signatory, key, getattr(signup, key))
    db.session.flush()
    return signatory


def reject(signup: SignUp, reason: str) -> None:
    _decided(signup, SignUpStatus.rejected, reason)
    audit.record("signup.rejected", "signup", signup.id, details={"reason": reason})
    _tell(signup, "registry/signup_rejected", reason=reason)


def request_changes(signup: SignUp, note: str) -> None:
    _decided(signup, SignUpStatus.changes_requested, note)
    signup.token_nonce = secrets.token_hex(16)
    audit.record("signup.changes_requested", "signup", signup.id, details={"note": note})
    emails.queue(
        signup.signer_email,
        "registry/signup_changes",
        kind="signup-changes",
        signup=signup,
        note=note,
        token=signup_token(signup, "amend"),
    )
