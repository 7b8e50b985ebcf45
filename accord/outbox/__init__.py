"""The outbox: every email and text message is an OutboxMessage first, committed with the
change that caused it, then delivered by GOV.UK Notify, SMTP or the log (senders.py), by
`flask outbox send` or an RQ job (sending.py, jobs.py); Notify's receipts come back through
receipts.py."""

from accord.outbox.queue import (
    MAX_ATTEMPTS,
    backoff,
    blank,
    forget,
    prune,
    queue_email,
    queue_sms,
    retry,
)
from accord.outbox.receipts import on_permanent_failure, record
from accord.outbox.sending import claim, deliver, recover, send_pending

__all__ = [
    "MAX_ATTEMPTS",
    "backoff",
    "blank",
    "claim",
    "deliver",
    "forget",
    "on_permanent_failure",
    "prune",
    "queue_email",
    "queue_sms",
    "record",
    "recover",
    "retry",
    "send_pending",
]
