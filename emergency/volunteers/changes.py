"""Changing one's details: confirmed from the address on record, by an emailed link.

Anyone can type anyone's email address into the sign-up form, so a second sign-up changes
nothing: the details asked for wait in a VolunteerChange row and the address on record is
emailed a link carrying only a random token (we keep its hash), never the details: a link ends
up in server and proxy logs, browser history and mail scanners. The change is bound to the record
as it is now, so it works once and stops working after any other change. Plain functions; none
reads `request`. Callers commit.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy import delete as delete_rows

from accord import audit, emails, links
from accord.clock import today_uk, utcnow
from accord.extensions import db
from accord.models import OutboxMessage, OutboxStatus
from emergency.volunteers.deployments import number
from emergency.volunteers.details import AVAILABILITY, SKILLS, Details, set_details
from emergency.volunteers.models import Volunteer, VolunteerChange

log = logging.getLogger(__name__)

CHANGE_MAX_AGE_S = 7 * links.DAY_S
CHANGE_KIND = "volunteer-change"
# Emails asking an address to confirm a change, per day: the per-address limit on the form
# stops one machine, this stops many from filling a volunteer's inbox.
CHANGE_EMAILS_PER_DAY = 3
# A token is 43 characters (32 random bytes); anything much longer is not one of ours.
MAX_TOKEN_LENGTH = 100
CHANGE_EMAIL_REMOVED = (
    "[Removed: this email held a link to confirm a change to a volunteer's details. The link "
    "has expired, or the volunteer's details have been deleted.]"
)


def _state(volunteer: Volunteer) -> str:
    """A keyed digest of the record's details now; it reveals nothing of them to a link's reader.

    consent_at changes with every confirmed change, so a used link never matches again.
    """
    parts = [
        volunteer.id,
        volunteer.email,
        volunteer.created_at.isoformat(),
        volunteer.consent_at.isoformat(),
        volunteer.name,
        volunteer.phone,
        volunteer.outcode,
        list(volunteer.skills or []),
        volunteer.languages,
        bool(volunteer.dbs_checked),
        volunteer.dbs_date.isoformat() if volunteer.dbs_date else None,
        list(volunteer.availability or []),
    ]
    key = current_app.config["SECRET_KEY"]
    key = (key if isinstance(key, bytes) else str(key).encode()) + b"|volunteer-state"
    raw = json.dumps(parts, ensure_ascii=False).encode()
    return hmac.new(key, raw, hashlib.sha256).hexdigest()[:24]


def _pending(details: Details) -> dict:
    skills = [s for s in SKILLS if s in details.skills]
    dbs_date = details.dbs_date if details.dbs_checked else None
    return {
        "n": details.name,
        "p": details.phone,
        "o": details.outcode,
        "s": skills,
        "l": details.languages if "languages" in skills else "",
        "b": bool(details.dbs_checked),
        "d": dbs_date.isoformat() if dbs_date else None,
        "a": [a for a in AVAILABILITY if a in details.availability],
    }


def _text(value: object, limit: int) -> bool:
    return isinstance(value, str) and len(value) <= limit


def _keys(value: object, allowed: dict) -> bool:
    return isinstance(value, list) and all(isinstance(k, str) and k in allowed for k in value)


def _details_from(data: object, email: str) -> Details | None:
    """The details a link carries, or None if they are not what `_pending` makes."""
    if not isinstance(data, dict):
        return None
    try:
        dbs_date = date.fromisoformat(data["d"]) if data.get("d") is not None else None
    except (TypeError, ValueError):
        return None
    if not (
        _text(data.get("n"), 120)
        and data["n"]
        and _text(data.get("p"), 40)
        and _text(data.get("o"), 4)
        and _keys(data.get("s"), SKILLS)
        and _text(data.get("l"), 200)
        and isinstance(data.get("b"), bool)
        and _keys(data.get("a"), AVAILABILITY)
    ):
        return None
    return Details(
        name=data["n"],
        email=email,
        outcode=data["o"],
        phone=data["p"],
        skills=data["s"],
        languages=data["l"],
        dbs_checked=data["b"],
        dbs_date=dbs_date,
        availability=data["a"],
    )


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def pending_change(volunteer: Volunteer, details: Details) -> str:
    """Keep the details asked for until confirmed; the token for the link (only its hash is
    stored, so the table alone opens no link)."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        VolunteerChange(
            volunteer_id=volunteer.id,
            token_hash=_hash(token),
            state=_state(volunteer),
            details=_pending(details),
            created_at=utcnow(),
            expires_at=utcnow() + timedelta(seconds=CHANGE_MAX_AGE_S),
        )
    )
    db.session.flush()
    return token


def change_for_token(token: str, *, lock: bool = False) -> tuple[Volunteer, Details] | None:
    """The volunteer a change link was sent to and the details waiting for them; None when the
    token is unknown, expired, used, for a deleted record, or the record has changed since.

    `lock` (before applying): on PostgreSQL a second press of the same link waits for the
    first, then finds the change used.
    """
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    query = select(VolunteerChange).where(
        VolunteerChange.token_hash == _hash(token), VolunteerChange.expires_at > utcnow()
    )
    change = db.session.scalars(query).first()
    if change is None:
        return None
    if lock:
        db.session.execute(
            select(Volunteer.id).where(Volunteer.id == change.volunteer_id).with_for_update()
        )
        change = db.session.scalars(query.execution_options(populate_existing=True)).first()
        if change is None:  # the first press used it meanwhile
            return None
    volunteer = db.session.get(Volunteer, change.volunteer_id, populate_existing=lock)
    if volunteer is None or not hmac.compare_digest(_state(volunteer), change.state):
        return None
    details = _details_from(change.details, volunteer.email)
    return (volunteer, details) if details is not None else None


def forget_changes(volunteer_ids: list[int] | None = None, *, expired: bool = False) -> None:
    """Delete waiting changes: a volunteer's (used, or they are being deleted), or expired ones."""
    which: list[ColumnElement[bool]] = []
    if volunteer_ids is not None:
        which.append(VolunteerChange.volunteer_id.in_(volunteer_ids))
    if expired:
        which.append(VolunteerChange.expires_at <= utcnow())
    db.session.execute(
        delete_rows(VolunteerChange).where(*which).execution_options(synchronize_session=False)
    )


def ask_to_confirm(volunteer: Volunteer, details: Details) -> None:
    """Email the address on record a link to confirm the change, a few times a day at most."""
    since = utcnow() - timedelta(days=1)
    sent_today = db.session.scalar(
        select(func.count(OutboxMessage.id)).where(
            OutboxMessage.to == volunteer.email,
            OutboxMessage.kind == CHANGE_KIND,
            OutboxMessage.created_at > since,
        )
    )
    if (sent_today or 0) >= CHANGE_EMAILS_PER_DAY:
        log.info("%s: no change email, %s sent today already", number(volunteer), sent_today)
        return
    emails.queue(
        volunteer.email,
        "emergency/volunteer_change",
        kind=CHANGE_KIND,
        token=pending_change(volunteer, details),
    )
    audit.record("volunteer.change_requested", "volunteer", volunteer.id)


def apply_change(
    volunteer: Volunteer, details: Details, consent: str, today: date | None = None
) -> None:
    """The change a volunteer confirmed from their link: new details, consent in the words they
    were shown, and retention from today. Whether CVEC marked them inactive is CVEC's to change.
    """
    set_details(volunteer, details, consent, today or today_uk())
    # The link came to the address on record: that confirms it, as the sign-up link would.
    if volunteer.email_confirmed_at is None:
        volunteer.email_confirmed_at = utcnow()
    # Used once: this change and any other waiting (stale now the record has changed) go.
    forget_changes([volunteer.id])
    db.session.flush()
    audit.record("volunteer.updated_own_details", "volunteer", volunteer.id)


def forget_change_emails(*, to: str | None = None, before: datetime | None = None) -> None:
    """Change emails sent before changes were kept server-side carried the new details in their
    link, and a change email is of no use once its link is dead (expired, or the volunteer
    deleted): the outbox keeps none of them. One not yet sent is dropped, and the body of one
    sent (or given up on) is replaced."""
    which = [OutboxMessage.kind == CHANGE_KIND]
    if to is not None:
        which.append(OutboxMessage.to == to)
    if before is not None:
        which.append(OutboxMessage.created_at < before)
    db.session.execute(
        delete_rows(OutboxMessage)
        .where(*which, OutboxMessage.status == OutboxStatus.pending)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(OutboxMessage)
        .where(*which, OutboxMessage.body != CHANGE_EMAIL_REMOVED)
        .values(body=CHANGE_EMAIL_REMOVED)
        .execution_options(synchronize_session=False)
    )
