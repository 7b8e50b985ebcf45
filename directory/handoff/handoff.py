"""Sending a signposting list to a resident, once.

The message goes through the outbox as a transient message: its address or number, and its
words, are blanked the moment it is sent or given up on (accord.outbox.blank), and nothing
else records them: the audit event has the message id and the channel, and `lists_sent` a
count a day. A text message carries the services' names and phone numbers and the link to the
full list; an email adds addresses and opening times.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from flask import current_app
from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite

from accord import audit, emails
from accord.clock import today_uk
from accord.extensions import db
from accord.links import absolute_url
from accord.models import Channel, OutboxMessage
from accord.outbox import queue_email, queue_sms
from accord.text import tel_href
from directory import hours, schedules
from directory.handoff.models import ListsSent
from directory.models import Service
from directory.search import signposting
from emergency.callouts import segments

KIND = "signposting-list"
TEMPLATE = "directory/signposting_list"
# A text message of up to four parts: a few names and numbers, then the link for the rest.
MAX_SMS_PARTS = 4
# Typographic marks that would make a text Unicode (70 characters a part instead of 160).
PLAIN = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "..."})


@dataclass(frozen=True)
class Entry:
    """What a message says of one service."""

    name: str
    organisation: str
    phone: str
    tel: str  # the phone as a tel: link ("" for none)
    places: list[str]
    hours: list[str]


def entry(service: Service) -> Entry:
    places = [
        _address(place.name, place.address, place.town, place.postcode)
        for place in service.locations
    ]
    lines = schedules.describe(hours.rules_of(service))
    if not lines:
        lines = [s.description for s in service.schedules if s.description]
    name = service.runner.name if service.runner else ""
    tel = tel_href(service.phone) if service.phone else ""
    return Entry(service.name, name, service.phone, tel, places, lines)


def _address(name: str, address: str, town: str, postcode: str) -> str:
    """One line, the building's name and its town once each, whether or not the address
    holds them (buildings added on our form keep the town apart; imported ones often not):
    "Castlefields Community Centre, 1 Street, Shrewsbury, SY1 1AA"."""
    parts = [address] if address.startswith(name) else [name, address]
    if town and town.lower() not in address.lower():
        parts.append(town)
    return ", ".join(part for part in [*parts, postcode] if part)


def email_parts(items: list[str]) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of the email listing these services."""
    found = [entry(service) for service in signposting.services(items)]
    token = signposting.share_token(items)
    subject, text = emails.render(TEMPLATE, entries=found, token=token)
    page = current_app.jinja_env.get_template(f"emails/{TEMPLATE}.html")
    return subject, text, page.render(subject=subject, entries=found, token=token)


HEAD = "Services that can help, from the Shropshire Accord Hub:"


def text_message(items: list[str]) -> str:
    """Names and phone numbers, as many as fit in MAX_SMS_PARTS, then the link to them all."""
    found = signposting.services(items)
    link = absolute_url("directory.shared_list", token=signposting.compact_token(items))
    lines: list[str] = []
    for n, service in enumerate(found, start=1):
        line = f"{n}. {emails.oneline(service.name)}"
        if service.phone:
            line += f", {emails.oneline(service.phone)}"
        line = line.translate(PLAIN)
        longer = _text([*lines, line], len(found), link)
        if lines and segments.count(longer).count > MAX_SMS_PARTS:
            break
        lines.append(line)
    return _text(lines, len(found), link)


def _text(lines: list[str], listed: int, link: str) -> str:
    left = listed - len(lines)
    lead = f"{left} more, with" if left else "With"
    return "\n".join([HEAD, *lines, f"{lead} addresses and opening times: {link}"])


def send(items: list[str], channel: str, to: str) -> OutboxMessage:
    """Queue the list to `to` (an email address, or a UK mobile number for Channel.sms) and
    count it; the caller commits. Raises ValueError for an empty list or a number that is
    not a UK mobile."""
    if not signposting.services(items):
        raise ValueError("the list is empty")
    if channel == Channel.sms:
        message = queue_sms(to, text_message(items), kind=KIND, transient=True)
    else:
        subject, text, html = email_parts(items)
        message = queue_email(to, subject, text, kind=KIND, html=html, transient=True)
    db.session.flush()
    count(str(channel))
    audit.record("signposting.sent", "outbox_message", message.id, details={"channel": channel})
    return message


def count(channel: str) -> None:
    """One more list sent today by `channel`: one statement, so two at once both count."""
    table = cast(Table, ListsSent.__table__)
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(table).values(day=today_uk(), channel=channel, count=1)
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=["day", "channel"], set_={"count": table.c.count + 1}
        )
    )


def total(channel: str | None = None) -> int:
    """Lists sent, ever (by one channel, if given)."""
    query = db.select(db.func.coalesce(db.func.sum(ListsSent.count), 0))
    if channel:
        query = query.where(ListsSent.channel == channel)
    return int(db.session.scalar(query) or 0)
