"""Asking to leave: the right to erasure, without needing an account. The address on record is
emailed a link; opening it and pressing the button deletes the volunteer (retention.delete).

Plain functions; none reads `request`. Callers commit.
"""

from __future__ import annotations

import hashlib

from accord import audit, emails, links
from accord.extensions import db
from emergency.volunteers.details import by_email
from emergency.volunteers.models import MAX_ID, Volunteer

# The signing purpose (salt) of links already sent: changing it would break them.
LEAVE_PURPOSE = "volunteer-leave"
LEAVE_MAX_AGE_S = 7 * links.DAY_S
LEAVE_KIND = "volunteer-leave"


def _fingerprint(volunteer: Volunteer) -> str:
    # Ties a link to this record: a later record reusing the id (SQLite may) does not match.
    raw = f"{volunteer.email}|{volunteer.created_at.isoformat()}".encode()
    return hashlib.sha256(raw).hexdigest()[:16]


def leave_token(volunteer: Volunteer) -> str:
    return links.sign(LEAVE_PURPOSE, {"v": volunteer.id, "f": _fingerprint(volunteer)})


def volunteer_for_leave_token(token: str) -> Volunteer | None:
    data = links.read(LEAVE_PURPOSE, token, LEAVE_MAX_AGE_S)
    if not isinstance(data, dict) or not isinstance(data.get("v"), int) or data["v"] > MAX_ID:
        return None
    volunteer = db.session.get(Volunteer, data["v"])
    if volunteer is None or _fingerprint(volunteer) != data.get("f"):
        return None
    return volunteer


def request_leave(email: str) -> None:
    """Email a deletion link if the address is a volunteer's; the caller says the same either
    way, so the form does not tell anyone who has signed up."""
    volunteer = by_email(email)
    if volunteer is None:
        return
    emails.queue(
        volunteer.email,
        "emergency/volunteer_leave",
        kind=LEAVE_KIND,
        token=leave_token(volunteer),
    )
    audit.record("volunteer.leave_requested", "volunteer", volunteer.id)
