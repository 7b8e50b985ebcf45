"""Who delivers a message: GOV.UK Notify (email and text) when NOTIFY_API_KEY is set, else
SMTP (email) or the log; text messages without Notify are held, never silently dropped.

A sender returns the provider's id for the message ("" when it gives none) or raises:
`Refused` when this message can never go as it is (a bad number or address: retrying would
fail the same way), `Unavailable` when the service failed (down, slow, rate-limited, our key
refused), which would fail every message the same way.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage

from flask import current_app
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

from accord.models import Channel, OutboxMessage

log = logging.getLogger(__name__)

NO_SMS_SERVICE = "no text message service configured"

# SMTP refusals of one message (its address, its content); any other failure is the server's.
SMTP_REFUSALS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


class Refused(Exception):
    """This message can never be delivered as it is."""


class Unavailable(Exception):
    """The service failed; try again later (after `retry_after_s`, when it said)."""

    def __init__(self, why: str, retry_after_s: float | None = None):
        super().__init__(why)
        self.retry_after_s = retry_after_s


class Held(Exception):
    """No service here can send this kind of message."""


@dataclass(frozen=True)
class Letter:
    """What a sender needs of a message: a copy, safe to read in another thread."""

    id: int
    channel: str
    to: str
    subject: str
    body: str
    reference: str
    kind: str
    html: str = ""


def letter(message: OutboxMessage) -> Letter:
    return Letter(
        message.id,
        message.channel,
        message.to,
        message.subject,
        message.body,
        message.reference,
        message.kind,
        message.html,
    )


Sender = Callable[[Letter], str]
# Messages sent at once by one run or job: Notify answers in about 100 ms, so ten messages
# one after another take a second where five at a time take a fifth of it. Well under
# Notify's 3,000 a minute with several workers; SMTP and the log take one at a time.
NOTIFY_AT_ONCE = 5


def sender() -> tuple[Sender, int]:
    """The sender the settings choose, and how many messages it may send at once."""
    cfg = current_app.config
    if cfg.get("NOTIFY_API_KEY"):
        return notify, NOTIFY_AT_ONCE
    return (smtp if cfg.get("MAIL_SERVER") else to_log), 1


def notify(message: Letter) -> str:
    """Through GOV.UK Notify: one email template and one text template, each showing the
    subject and body we rendered (personalisation `subject`, `body`)."""
    cfg = current_app.config
    client = NotificationsAPIClient(
        cfg["NOTIFY_API_KEY"], base_url=cfg["NOTIFY_API_URL"], timeout=cfg["MAIL_TIMEOUT_S"]
    )
    try:
        if message.channel == Channel.sms:
            answer = client.send_sms_notification(
                phone_number=message.to,
                template_id=cfg["NOTIFY_SMS_TEMPLATE_ID"],
                personalisation={"body": message.body},
                reference=message.reference,
            )
        else:
            answer = client.send_email_notification(
                email_address=message.to,
                template_id=cfg["NOTIFY_EMAIL_TEMPLATE_ID"],
                personalisation={"subject": message.subject, "body": message.body},
                reference=message.reference,
            )
    except APIError as exc:
        raise _classified(exc) from exc
    return str(answer.get("id", ""))


def _classified(exc: APIError) -> Exception:
    """Notify's answer as ours: a 400 is this message's fault (a number that is not a mobile,
    an address that is not one); 403 (our key), 429 (its rate limit) and 5xx are the service's.
    The client reports a connection that failed or timed out as a 503."""
    code = exc.status_code
    why = f"Notify {code}: {str(exc.message)[:300]}"
    if code == 400:
        return Refused(why)
    if code == 429:
        return Unavailable(why, retry_after_s=60.0)
    return Unavailable(why)


def smtp(message: Letter) -> str:
    if message.channel == Channel.sms:
        raise Held(NO_SMS_SERVICE)
    cfg = current_app.config
    email = EmailMessage()
    email["From"] = cfg["MAIL_FROM"]
    email["To"] = message.to
    email["Subject"] = message.subject
    email["Message-ID"] = f"<outbox-{message.id}@accord-hub>"
    email.set_content(message.body)
    if message.html:
        email.add_alternative(message.html, subtype="html")
    try:
        with smtplib.SMTP(
            cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=cfg["MAIL_TIMEOUT_S"]
        ) as server:
            if cfg["MAIL_USE_TLS"]:
                server.starttls()
            if cfg["MAIL_USERNAME"]:
                server.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
            server.send_message(email)
    except SMTP_REFUSALS as exc:
        raise Refused(f"{type(exc).__name__}: {exc}"[:500]) from exc
    except (OSError, smtplib.SMTPException) as exc:
        raise Unavailable(f"{type(exc).__name__}: {exc}"[:500]) from exc
    return ""


def to_log(message: Letter) -> str:
    if message.channel == Channel.sms:
        raise Held(NO_SMS_SERVICE)
    # No recipient or body in the log: both can hold personal data. Read `flask outbox list`.
    log.info("outbox message %s (%s) delivered to the log transport", message.id, message.kind)
    return ""
