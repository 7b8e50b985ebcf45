"""The one helper every change of state calls to write the audit log.

The log keeps who did what to which record, with ids and statuses: never free text. A reason,
a note or a debrief is written by a person about a person and lives on its record, where
retention and erasure reach it; the audit log is kept for good, so a copy there would outlive
both. `record` drops such text from `details` whoever passes it.
"""

import re

from flask import has_request_context
from flask_login import current_user

from accord.extensions import db
from accord.models import AuditEvent

# What a status, key, version or date looks like ("declined", "in_person", "2025", "2026-12-03").
# Anything else (words with spaces or capitals, emails, names) is free text.
TOKEN = re.compile(r"[a-z0-9][a-z0-9_.:+-]{0,59}|\d{4}-\d{2}-\d{2}T[\d:.+-]{2,20}")


def ids_and_statuses(value: object) -> object:
    """`value` with free text taken out: numbers, flags and status-like words stay, in the
    dicts and lists that hold them; anything else goes (from a dict, its key too)."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return value if TOKEN.fullmatch(value) else _DROPPED
    if isinstance(value, dict):
        kept = {str(k): ids_and_statuses(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v is not _DROPPED}
    if isinstance(value, list | tuple | set):
        return [v for v in map(ids_and_statuses, value) if v is not _DROPPED]
    return _DROPPED


_DROPPED = object()


def record(
    action: str,
    target_type: str,
    target_id: object,
    *,
    actor_id: int | None = None,
    details: dict | None = None,
) -> AuditEvent:
    """Add an AuditEvent to the session; the caller's commit makes it permanent with the change.

    The actor defaults to the signed-in user; CLI and system jobs pass actor_id or leave it None.
    """
    if actor_id is None and has_request_context() and current_user.is_authenticated:
        actor_id = current_user.id
    kept = ids_and_statuses(details or {})
    event = AuditEvent(
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        actor_id=actor_id,
        details=kept if isinstance(kept, dict) else {},
    )
    db.session.add(event)
    return event
