"""What the volunteer tests share: a sign-up's answers, a volunteer on record, the emails sent
and the logs written."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from sqlalchemy import select

from accord.clock import today_uk, utcnow
from accord.extensions import db
from accord.models import AuditEvent, OutboxMessage, Role
from emergency.models import IncidentLog
from emergency.volunteers import changes
from emergency.volunteers.models import Volunteer
from tests.emergency import data
from tests.factories import PASSWORD

ANSWERS = {
    "name": "Robin Helper",
    "email": "Robin.Helper@example.org",
    "phone": "07700 900982",
    "postcode": "sy3 8hq",
    "skills": ["first_aid", "four_by_four", "languages"],
    "languages": "Welsh, Polish",
    "dbs": "yes",
    "dbs_date": ["14", "2", "2024"],
    "availability": ["weekends", "short_notice"],
    "consent": "y",
}
_addresses = itertools.count(1)


def answers(**different) -> dict:
    return {**ANSWERS, **different}


def fresh_address(client) -> None:
    """Each sign-up test comes from its own address, so the per-IP limit counts only its own."""
    client.environ_base["REMOTE_ADDR"] = f"10.9.{next(_addresses) % 250}.{next(_addresses) % 250}"


def signed_in(client, make, role: str = Role.cvec):
    make.user(role=role, email=f"{role}@example.org")
    client.sign_in(f"{role}@example.org", PASSWORD)
    return client


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def log_lines() -> list[str]:
    return list(db.session.scalars(select(IncidentLog.text).order_by(IncidentLog.id)))


CHANGED = {
    "name": "Robin Changed",
    "email": " robin.helper@EXAMPLE.org ",
    "phone": "07700 900555",
    "postcode": "SY8 1AA",
    "skills": ["lifting"],
    "availability": ["overnight"],
    "consent": "y",
}
RECORD_FIELDS = [
    *("name", "email", "phone", "outcode", "latitude", "longitude", "skills", "languages"),
    *("dbs_checked", "dbs_date", "availability", "consent", "consent_at", "active"),
    *("retain_until", "created_at"),
]


def on_record(email: str = "robin.helper@example.org", **fields) -> Volunteer:
    """Robin, signed up a while ago (so a renewal shows in consent_at and retain_until)."""
    values = {
        "name": "Robin Helper",
        "email": email,
        "phone": "07700 900982",
        "outcode": "SY3",
        "skills": ["first_aid", "languages"],
        "languages": "Welsh",
        "dbs_checked": True,
        "dbs_date": date(2023, 5, 1),
        "availability": ["weekends"],
        "consent_at": utcnow() - timedelta(days=100),
        "retain_until": today_uk() + timedelta(days=630),
    }
    return data.volunteer(**{**values, **fields})


def snapshot(volunteer: Volunteer) -> dict:
    db.session.expire_all()
    fresh = db.session.get(Volunteer, volunteer.id)
    return {name: getattr(fresh, name) for name in RECORD_FIELDS}


def change_messages() -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.kind == changes.CHANGE_KIND)
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def link_in(message: OutboxMessage) -> str:
    return "/" + message.body.split("http://localhost/", 1)[1].split()[0]


def sign_up_again(client, **different):
    fresh_address(client)
    return client.submit("/volunteer", {**CHANGED, **different})


def leave_link() -> str:
    body = db.session.scalar(
        select(OutboxMessage.body).where(OutboxMessage.kind == "volunteer-leave")
    )
    return "/" + body.split("http://localhost/", 1)[1].split()[0]
