"""The signposting list: services picked for a resident, with no personal data at all.

The list lives in the session while it is built; a shared link carries the same service ids,
signed so that it cannot be edited, and needs no account to open.
"""

from __future__ import annotations

import segno
from sqlalchemy import select

from accord import links
from accord.extensions import db
from accord.models import Review
from directory.models import Service

MAX_ITEMS = 30
# The signing purpose (salt): unchanged, so links shared before still open.
PURPOSE = "signposting-list"
# A list as service ids, not ORUK uuids: a link a fifth as long, for text messages.
IDS_PURPOSE = "signposting-list-ids"


def add(items: list[str], service_uuid: str) -> list[str]:
    if service_uuid in items or len(items) >= MAX_ITEMS:
        return items
    return [*items, service_uuid]


def remove(items: list[str], service_uuid: str) -> list[str]:
    return [item for item in items if item != service_uuid]


def move(items: list[str], service_uuid: str, step: int) -> list[str]:
    if service_uuid not in items:
        return items
    index = items.index(service_uuid)
    target = max(0, min(len(items) - 1, index + step))
    reordered = [item for item in items if item != service_uuid]
    reordered.insert(target, service_uuid)
    return reordered


def change(items: list[str], action: str, service_uuid: str) -> list[str]:
    """The list after one of its buttons: add, remove, up, down or clear (ValueError for
    anything else)."""
    if action == "add":
        return add(items, service_uuid)
    if action == "remove":
        return remove(items, service_uuid)
    if action in ("up", "down"):
        return move(items, service_uuid, -1 if action == "up" else 1)
    if action == "clear":
        return []
    raise ValueError(f"no such action: {action!r}")


def services(items: list[str]) -> list[Service]:
    """The listed services still published, in the list's order."""
    if not items:
        return []
    found = {
        s.uuid: s
        for s in db.session.scalars(
            select(Service).where(Service.uuid.in_(items), Service.review == Review.published)
        )
    }
    return [found[item] for item in items if item in found]


def share_token(items: list[str]) -> str:
    """A lasting token: a shared list holds no personal data, and a printed QR code outlives
    any expiry we could choose."""
    return links.sign_lasting(PURPOSE, items)


def compact_token(items: list[str]) -> str:
    """A lasting token for the same list, short enough for a text message."""
    return links.sign_lasting(IDS_PURPOSE, [service.id for service in services(items)])


def from_token(token: str) -> list[str] | None:
    items = links.read_lasting(PURPOSE, token)
    if items is None:
        items = _from_ids(links.read_lasting(IDS_PURPOSE, token))
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        return None
    return items[:MAX_ITEMS]


def _from_ids(ids: object) -> list[str] | None:
    if not isinstance(ids, list) or not all(type(i) is int for i in ids):
        return None
    wanted = ids[:MAX_ITEMS]
    rows = db.session.execute(select(Service.id, Service.uuid).where(Service.id.in_(wanted)))
    found = {row.id: row.uuid for row in rows}
    return [found[i] for i in wanted if i in found]


def qr_data_uri(url: str) -> str:
    """An SVG QR code as a data: URI (allowed by our CSP), drawn here, not by a service."""
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)
