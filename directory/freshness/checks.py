"""The one-click "still correct" link emailed with a reminder: opaque (encrypted and signed,
accord/links.py sign_opaque), expiring after CHECK_MAX_AGE_S, and single use: it carries a
fingerprint of the listing's check state (assured_at, reminded_at), which saying "still
correct" or saving the listing changes."""

from __future__ import annotations

import hashlib
import hmac

from accord import audit, links
from accord.clock import today_uk
from accord.extensions import db
from directory.models import Service

CHECK_PURPOSE = "listing-still-correct"
CHECK_MAX_AGE_S = 60 * links.DAY_S
MAX_ID = 2**63 - 1


def _fingerprint(service: Service) -> str:
    # The uuid ties the link to this listing (SQLite may reuse a deleted row's id).
    raw = f"{service.uuid}|{service.assured_at}|{service.reminded_at}".encode()
    return hashlib.sha256(raw).hexdigest()[:16]


def check_token(service: Service) -> str:
    return links.sign_opaque(CHECK_PURPOSE, {"s": service.id, "f": _fingerprint(service)})


def service_for_token(token: str) -> Service | None:
    """The listing a link was sent about; None if the link is forged, expired, used, or the
    listing was checked or saved since."""
    data = links.read_opaque(CHECK_PURPOSE, token, CHECK_MAX_AGE_S)
    if not isinstance(data, dict) or not isinstance(data.get("f"), str):
        return None
    sid = data.get("s")
    if not isinstance(sid, int) or isinstance(sid, bool) or not 0 < sid <= MAX_ID:
        return None
    service = db.session.get(Service, sid)
    if service is None or not hmac.compare_digest(_fingerprint(service), data["f"]):
        return None
    return service


def confirm(service: Service) -> None:
    """The provider says the listing is still correct, from the emailed link (nobody signed
    in: the link is the proof). The caller commits."""
    service.assured_at = today_uk()
    service.reminded_at = None
    audit.record("service.assured", "service", service.id, details={"via": "emailed_link"})
