"""The one helper every change of state calls to write the audit log."""

from flask import has_request_context
from flask_login import current_user

from accord.extensions import db
from accord.models import AuditEvent


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
    event = AuditEvent(
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        actor_id=actor_id,
        details=details or {},
    )
    db.session.add(event)
    return event
