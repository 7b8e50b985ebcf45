"""A new password is long, not a common one and not the person's own email address; the
change-password form is rate-limited (issue 16)."""

from __future__ import annotations

import re

import pytest
from click.testing import Result
from sqlalchemy import select

from accord import accounts, passwords
from accord.extensions import db
from accord.models import OutboxMessage, Role, User
from tests.factories import PASSWORD

EMAIL = "ann.jones@example.org"


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short", passwords.TOO_SHORT),
        ("elevenchars", passwords.TOO_SHORT),
        ("password1234", passwords.TOO_COMMON),
        ("Password2026!", passwords.TOO_COMMON),
        ("P@ssw0rd12345", passwords.TOO_COMMON),
        ("qwertyuiop123", passwords.TOO_COMMON),
        ("123456789012", passwords.TOO_COMMON),
        ("abcdefghijklm", passwords.TOO_COMMON),
        ("aaaaaaaaaaaa", passwords.TOO_COMMON),
        ("abababababab", passwords.TOO_COMMON),
        ("iloveyou1234", passwords.TOO_COMMON),
        ("Shropshire2026!", passwords.TOO_COMMON),
        ("liverpool1892", passwords.TOO_COMMON),
        ("ann.jones@example.org", passwords.OWN_EMAIL),
        ("Ann.Jones2026", passwords.OWN_EMAIL),
        ("annjonesexample", passwords.OWN_EMAIL),
        ("my ann.jones@example.org!", passwords.OWN_EMAIL),
        (PASSWORD, None),
        ("kettle harbour violet ramp", None),
        ("shropshire-demo-2025", None),
    ],
)
def test_what_a_password_must_be(password, problem):
    assert passwords.problem(password, EMAIL) == problem


def test_the_common_list_is_shipped_and_folded():
    common = passwords.common()
    assert len(common) >= 1000
    assert {"password", "qwerty", "iloveyou", "shropshire", "trustno1"} <= common
    assert all(re.fullmatch(r"[a-z0-9]+", word) for word in common)


def invite_link(app) -> str:
    accounts.invite(EMAIL, Role.frontline, None)
    db.session.commit()
    body = db.session.scalar(select(OutboxMessage.body).where(OutboxMessage.kind == "invite"))
    return re.search(r"(/account/invite/\S+)", body).group(1)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("password1234", "too easy to guess"),
        ("Ann.Jones.2026", "must not be your email address"),
        ("short", "between 12 and 200 characters"),
    ],
)
def test_accepting_an_invitation_refuses_a_weak_password(client, app, password, message):
    link = invite_link(app)
    client.get_page(link)
    response = client.submit(link, {"password": password, "confirm": password})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert message in body and 'href="#password"' in body
    assert db.session.scalar(select(User.password_hash).where(User.email == EMAIL)) == ""


def test_changing_a_password_refuses_a_weak_one(client, make):
    make.user(email=EMAIL)
    client.sign_in(EMAIL, PASSWORD)
    for weak, message in [
        ("qwerty123456", "too easy to guess"),
        ("annjones1234", "must not be your email address"),
    ]:
        values = {"current": PASSWORD, "password": weak, "confirm": weak}
        body = client.submit("/account", values).get_data(as_text=True)
        assert message in body, weak
    user = db.session.scalar(select(User).where(User.email == EMAIL))
    assert accounts.password_matches(user.password_hash, PASSWORD)


def test_the_change_password_form_is_rate_limited(client, make):
    make.user(email=EMAIL)
    client.sign_in(EMAIL, PASSWORD)
    statuses = [
        client.submit(
            "/account", {"current": "a wrong guess", "password": "", "confirm": ""}
        ).status_code
        for _ in range(6)
    ]
    assert statuses == [200] * 5 + [429]
    # Reading the page is never refused.
    assert client.get("/account").status_code == 200


def test_the_command_line_refuses_a_common_password(app):
    runner = app.test_cli_runner()
    result: Result = runner.invoke(
        args=["users", "create", "--email", EMAIL, "--password", "Password1234", "--role", "admin"]
    )
    assert result.exit_code != 0
    assert "too easy to guess" in result.output
