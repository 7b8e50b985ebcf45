"""GOV.UK Notify's delivery receipts: what became of each message after Notify took it.

Notify POSTs a receipt to /notify/callback (accord/views.py, with the bearer token it was
given: NOTIFY_CALLBACK_TOKEN) for each email and text message. A permanent failure means the
number or address will never work: features that keep contacts (volunteers) register a hook
here to mark theirs as failing, for a coordinator to see and ask for a new one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import select

from accord.extensions import db
from accord.models import OutboxDelivery, OutboxMessage

log = logging.getLogger(__name__)

# Called with (channel, to) when Notify says a message there can never be delivered.
FailureHook = Callable[[str, str], None]
_hooks: list[FailureHook] = []
RECEIPTS = {status.value for status in OutboxDelivery if status.value}


def on_permanent_failure(hook: FailureHook) -> None:
    if hook not in _hooks:
        _hooks.append(hook)


def record(receipt: dict) -> bool:
    """Apply one receipt to its message; False when none has its id or reference (erased
    since, or not ours). Raises ValueError for a receipt that is not one."""
    status, notify_id, reference = (
        receipt.get("status"),
        receipt.get("id"),
        receipt.get("reference"),
    )
    if status not in RECEIPTS or not isinstance(notify_id, str) or not notify_id:
        raise ValueError("not a delivery receipt")
    message = None
    if isinstance(reference, str) and reference:  # ours: the surest match
        message = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.reference == reference[:32])
        ).first()
    if message is None:
        message = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.provider_id == notify_id[:64]).limit(1)
        ).first()
    if message is None:
        return False
    message.delivery = status
    message.provider_id = message.provider_id or notify_id[:64]
    # Ids only: the number or address is personal data and never reaches a log line.
    log.info("outbox message %s: Notify says %s", message.id, status)
    # A transient message (a list sent to a resident) was blanked once sent: no one to mark.
    if status == OutboxDelivery.permanent_failure and message.to:
        for hook in _hooks:
            hook(message.channel, message.to)
    return True
