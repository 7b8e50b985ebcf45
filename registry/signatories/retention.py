"""What the registry keeps about the people who sign for an organisation (the signer and the
Accord lead), for how long, and their rights over it: the retention purge, subject access and
erasure, found by email address. Registered with accord.privacy; audited by id; callers commit.

Retention: a signatory's contacts are kept while it is signed up (the coordinator needs to reach
it about concerns and renewal); after a rejection, or a withdrawal, for SIGNUP_RETENTION_DAYS
(a year: questions about the decision, an organisation signing again); a sign-up never
confirmed for 30 days (its link died after 7).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, or_, select

from accord import audit, privacy
from accord.extensions import db
from registry.signatories import drafts
from registry.signatories.models import Signatory, SignatoryStatus, SignUp, SignUpStatus

UNCONFIRMED_DAYS = 30
SIGNER = ("signer_name", "signer_position", "signer_email")
LEAD = ("lead_name", "lead_email")


def _blank(record: SignUp | Signatory, fields: tuple[str, ...]) -> None:
    for field in fields:
        setattr(record, field, "")


def _forget_contacts(record: SignUp | Signatory, action: str) -> None:
    _blank(record, SIGNER + LEAD)
    if isinstance(record, SignUp):
        record.decision_note = ""
    else:
        record.withdrawal_reason = ""
    audit.record(action, type(record).__tablename__, record.id)


def _has_contacts():
    return (SignUp.signer_email != "") | (SignUp.lead_email != "")


def purge(now: datetime, keep_days: int) -> int:
    """Forget the contacts of sign-ups rejected, and signatories withdrawn, more than
    `keep_days` ago, and of sign-ups never confirmed after UNCONFIRMED_DAYS."""
    before = now - timedelta(days=keep_days)
    stale = select(SignUp).where(
        _has_contacts(),
        or_(
            (SignUp.status == SignUpStatus.rejected) & (SignUp.decided_at < before),
            (SignUp.status == SignUpStatus.unconfirmed)
            & (SignUp.created_at < now - timedelta(days=UNCONFIRMED_DAYS)),
        ),
    )
    count = 0
    for signup in db.session.scalars(stale):
        _forget_contacts(signup, "signup.contacts_purged")
        count += 1
    withdrawn = select(Signatory).where(
        Signatory.status == SignatoryStatus.withdrawn,
        Signatory.withdrawn_at < before,
        (Signatory.signer_email != "") | (Signatory.lead_email != ""),
    )
    for signatory in db.session.scalars(withdrawn):
        _forget_contacts(signatory, "signatory.contacts_purged")
        count += 1
        # The sign-ups that made it hold the same contacts.
        for signup in db.session.scalars(
            select(SignUp).where(
                SignUp.organisation_id == signatory.organisation_id, _has_contacts()
            )
        ):
            _forget_contacts(signup, "signup.contacts_purged")
    # Sign-ups begun and abandoned: their answers (names, emails) wait a day at most.
    return count + drafts.purge_expired()


def _matching(model: type[SignUp] | type[Signatory], email: str) -> list:
    return list(
        db.session.scalars(
            select(model)
            .where(
                or_(func.lower(model.signer_email) == email, func.lower(model.lead_email) == email)
            )
            .order_by(model.id)
        )
    )


def _describe(record: SignUp | Signatory, email: str) -> dict:
    """The record as it names this person: as signer, as Accord lead, or both (never the
    other person's details)."""
    as_signer = record.signer_email.lower() == email
    as_lead = record.lead_email.lower() == email
    roles = [role for role, named in (("signer", as_signer), ("Accord lead", as_lead)) if named]
    organisation = record.organisation.name if record.organisation else getattr(record, "name", "")
    return {
        "record": f"{type(record).__tablename__} {record.id}",
        "organisation": organisation,
        "status": record.status,
        "as": " and ".join(roles),
        "signer": {f: getattr(record, f) for f in SIGNER} if as_signer else None,
        "lead": {f: getattr(record, f) for f in LEAD} if as_lead else None,
        "created_at": record.created_at.isoformat(),
    }


def subject_access(email: str) -> list[dict]:
    """Every sign-up and signature naming this address as signer or Accord lead."""
    found = []
    for record in [*_matching(SignUp, email), *_matching(Signatory, email)]:
        audit.record("signup.subject_access", type(record).__tablename__, record.id)
        found.append(_describe(record, email))
    return found


def erase(email: str) -> int:
    """Forget this person as signer or Accord lead wherever they are named; the organisation's
    record stays (the coordinator asks it for a new contact)."""
    count = 0
    for record in [*_matching(SignUp, email), *_matching(Signatory, email)]:
        if record.signer_email.lower() == email:
            _blank(record, SIGNER)
        if record.lead_email.lower() == email:
            _blank(record, LEAD)
        audit.record("signup.contact_erased", type(record).__tablename__, record.id)
        count += 1
    return count


def register() -> None:
    privacy.register(
        privacy.Holder(
            "sign-ups and signatures",
            subject_access,
            erase,
            lambda now: purge(now, current_app.config["SIGNUP_RETENTION_DAYS"]),
        )
    )
