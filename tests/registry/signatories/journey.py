"""Drive the sign-up form through the test client, as a browser would."""

from __future__ import annotations

import re

from sqlalchemy import select

from accord.extensions import db
from accord.models import OutboxMessage, Role
from registry.publish import CONTENT, publish
from registry.signatories.forms import STATEMENTS
from tests.factories import PASSWORD

ANSWERS = {
    "organisation": {
        "name": "Ludlow Community Larder",
        "sector": "vcs",
        "org_type": "charity",
        "charity_number": "1123456",
        "company_number": "",
        "website": "www.ludlowlarder.example.org",
    },
    "address": {"address": "1 Castle Square", "town": "Ludlow", "postcode": "sy8 1aa"},
    "people": {
        "signer_name": "Pat Signer",
        "signer_position": "Chair of trustees",
        "signer_email": "pat.signer@ludlowlarder.example.org",
        "lead_name": "Lee Lead",
        "lead_email": "lee.lead@ludlowlarder.example.org",
    },
    "agreement": {"statements": list(STATEMENTS)},
}


def publish_accord(version: str = "2025"):
    record = publish((CONTENT / "accord-2025.md").read_text(encoding="utf-8"), version)
    db.session.commit()
    return record


def answer(client, step: str, data: dict, **kwargs):
    return client.submit(f"/accord/sign/{step}", data, **kwargs)


def fill_in(client, **overrides):
    """Answer every step; overrides replace single answers (e.g. name="…")."""
    for step, data in ANSWERS.items():
        values = {**data, **{k: v for k, v in overrides.items() if k in data}}
        response = answer(client, step, values)
        assert response.status_code == 302, (step, response.get_data(as_text=True)[:2000])
    return client


def sign_up(client, **overrides):
    fill_in(client, **overrides)
    response = client.submit("/accord/sign/check", {})
    assert response.status_code == 302 and response.location == "/accord/sign/sent"
    return response


def last_link(kind: str, pattern: str) -> str:
    message = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id.desc())
    )
    assert message is not None, f"no {kind} email in the outbox"
    return re.search(pattern, message.body).group(0)


def confirm_link() -> str:
    return last_link("signup-confirm", r"/accord/sign/confirm/\S+")


def coordinator(client, make):
    """Sign this client in as the VCS Assembly coordinator."""
    make.user(role=Role.coordinator, email="coordinator@example.org")
    client.sign_in("coordinator@example.org", PASSWORD)
