"""Signing in tells nobody which addresses have accounts and never locks the owner out
(issue 16): one message and one password check for every address; after repeated failures
the right password also needs a single-use code emailed to the address."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from accord import accounts, clock
from accord.extensions import db
from accord.models import AuditEvent, OutboxMessage, Role
from tests.factories import PASSWORD

OWNER = "cvec@example.org"


def fail(client, email: str, times: int) -> None:
    for _ in range(times):
        assert client.sign_in(email, "not the password at all").status_code in (200, 302)


def codes() -> list[OutboxMessage]:
    return list(
        db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "sign-in-code"))
    )


def code_in(message: OutboxMessage) -> str:
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def without_tokens(body: str) -> str:
    return re.sub(r'(value|nonce)="[^"]*"', "", body)


def test_every_address_gets_the_same_answer(client, make, app):
    make.user(role=Role.cvec, email=OWNER)
    answers = set()
    for email in (OWNER, "nobody@example.org"):
        body = client.sign_in(email, "not the password at all").get_data(as_text=True)
        assert "Enter a correct email address and password" in body
        answers.add(without_tokens(body).replace(email, "EMAIL"))
    assert len(answers) == 1
    # Past the failure limit, a wrong password gets the same page for both: no "locked" for
    # the real one only.
    for email in (OWNER, "nobody@example.org"):
        fail(client, email, app.config["LOGIN_MAX_FAILURES"])
        response = client.sign_in(email, "not the password at all")
        assert response.location == "/sign-in/code"
        page = client.get_page("/sign-in/code").get_text()
        assert "locked" not in page.lower()
        assert f"we have sent a 6-digit code to {email}" in " ".join(page.split())
    assert codes() == []  # and no email to either: the password was wrong


class CountingHasher:
    def __init__(self, real):
        self.real, self.verified = real, 0

    def verify(self, stored, password):
        self.verified += 1
        return self.real.verify(stored, password)

    def __getattr__(self, name):
        return getattr(self.real, name)


@pytest.mark.parametrize(
    "case", ["unknown", "wrong", "inactive", "invited", "right", "throttled-right", "throttled"]
)
def test_every_attempt_checks_one_password_hash(client, make, app, monkeypatch, case):
    """The same work for every address, so timing does not tell which have accounts."""
    make.user(email=OWNER)
    make.user(email="gone@example.org", active=False)
    make.user(email="invited@example.org", password=None)
    if case.startswith("throttled"):
        fail(client, OWNER, app.config["LOGIN_MAX_FAILURES"])
    counting = CountingHasher(accounts.hasher())
    monkeypatch.setattr(accounts, "hasher", lambda: counting)
    email, password = {
        "unknown": ("nobody@example.org", PASSWORD),
        "wrong": (OWNER, "not the password at all"),
        "inactive": ("gone@example.org", PASSWORD),
        "invited": ("invited@example.org", ""),
        "right": (OWNER, PASSWORD),
        "throttled-right": (OWNER, PASSWORD),
        "throttled": (OWNER, "not the password at all"),
    }[case]
    client.sign_in(email, password or "anything at all")
    assert counting.verified == 1


def test_the_owner_still_signs_in_with_an_emailed_code(client, make, app):
    owner = make.user(role=Role.cvec, email=OWNER)
    attacker = app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    fail(attacker, OWNER, app.config["LOGIN_MAX_FAILURES"] + 3)

    response = client.sign_in(OWNER, PASSWORD)
    assert response.location == "/sign-in/code"
    assert client.get("/emergency").status_code == 302  # not signed in yet
    [message] = codes()
    assert message.to == OWNER and message.subject.startswith("Your code to sign in")
    code = code_in(message)
    db.session.refresh(owner)
    # Kept as a keyed hash only.
    assert len(owner.sign_in_code_hash) == 64 and code not in owner.sign_in_code_hash

    page = client.get_page("/sign-in/code")
    assert page.h1.get_text(strip=True) == "Check your email"
    wrong = "000000" if code != "000000" else "111111"
    body = client.submit("/sign-in/code", {"code": wrong}).get_data(as_text=True)
    assert "Enter the code from the latest email" in body
    response = client.submit("/sign-in/code", {"code": f" {code[:3]} {code[3:]} "})
    assert response.location == "/emergency"
    assert client.get("/emergency").status_code == 200
    actions = set(
        db.session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == owner.id))
    )
    assert {"user.sign_in_code_sent", "user.signed_in"} <= actions

    # Single use: the same code does not sign in again.
    client.submit("/sign-out", {}, form_path="/account")
    client.get("/sign-in")
    with client.session_transaction() as session:
        session["sign_in_code_for"] = OWNER
    assert client.submit("/sign-in/code", {"code": code}).status_code == 200
    # Signing in cleared the failures: the right password alone works again.
    assert client.sign_in(OWNER, PASSWORD).location == "/emergency"


def throttled_code(client, app) -> str:
    fail(client, OWNER, app.config["LOGIN_MAX_FAILURES"])
    assert client.sign_in(OWNER, PASSWORD).location == "/sign-in/code"
    return code_in(codes()[-1])


def test_a_code_expires(client, make, app, monkeypatch):
    make.user(email=OWNER)
    code = throttled_code(client, app)
    later = clock.system_time() + timedelta(minutes=app.config["LOGIN_CODE_MINUTES"], seconds=1)
    monkeypatch.setattr(clock, "system_time", lambda: later)
    assert client.submit("/sign-in/code", {"code": code}).status_code == 200
    assert client.get("/account").status_code == 302


def test_a_code_stops_working_after_five_wrong_tries(client, make, app):
    make.user(email=OWNER)
    code = throttled_code(client, app)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        client.submit("/sign-in/code", {"code": wrong})
    assert client.submit("/sign-in/code", {"code": code}).status_code == 200
    assert client.get("/account").status_code == 302


def test_the_code_page_needs_a_sign_in_first(client):
    assert client.get("/sign-in/code").location == "/sign-in"


def test_a_council_office_on_one_address_is_not_locked_out_together(client, make):
    """The limit per visitor address is generous; one account's failures slow only that."""
    people = [make.user(email=f"officer{n}@example.org") for n in range(9)]
    for person in people:
        fail(client, person.email, 2)
    for person in people:
        signed_in = client.sign_in(person.email, PASSWORD)
        assert signed_in.status_code == 302 and signed_in.location == "/account"
        client.submit("/sign-out", {}, form_path="/account")


def test_sign_in_is_rate_limited_per_address_and_per_account(client, make, app):
    make.user(email=OWNER)
    statuses = [client.sign_in(OWNER, "wrong password guess").status_code for _ in range(11)]
    assert 429 not in statuses[:10] and statuses[10] == 429
    # The owner, somewhere else, is not refused.
    owner = app.test_client()
    owner.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    assert owner.sign_in(OWNER, PASSWORD).location == "/sign-in/code"
    # The visitor address's own limit: 30 a minute, whatever the accounts.
    others = [client.sign_in(f"x{n}@example.org", "wrong").status_code for n in range(25)]
    assert others[-1] == 429


def test_a_refused_sign_in_keeps_the_email_says_why_and_never_echoes_the_password(client, make):
    make.user(email=OWNER)
    for _ in range(10):
        client.sign_in(OWNER, "wrong password guess")
    refused = client.sign_in(OWNER, "wrong password guess")
    assert refused.status_code == 429
    page = BeautifulSoup(refused.get_data(as_text=True), "html.parser")
    summary = page.select_one(".govuk-error-summary")
    assert "Too many attempts to sign in. Wait a minute" in summary.get_text()
    assert page.find("input", attrs={"name": "email"})["value"] == OWNER
    assert page.find("input", attrs={"name": "password"}).get("value") in (None, "")
    assert "wrong password guess" not in refused.get_data(as_text=True)
    assert page.title.get_text().startswith("Error:")
