"""Sessions end 12 hours after signing in however busy they are, and pages that may show
personal data are never stored by a browser or proxy (issue 16)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from accord import accounts, clock
from accord.extensions import db
from accord.models import OutboxMessage, Role
from tests.factories import PASSWORD


def move_clock(monkeypatch, by: timedelta) -> None:
    moment = clock.system_time() + by
    monkeypatch.setattr(clock, "system_time", lambda: moment)


def test_a_session_ends_12_hours_after_signing_in_however_busy(client, make, monkeypatch, app):
    assert app.config["SESSION_ABSOLUTE_HOURS"] == 12
    make.user(role=Role.cvec, email="cvec@example.org")
    client.sign_in("cvec@example.org", PASSWORD)
    # Busy all day (never idle for long): still signed in at 11 hours 59 minutes.
    for hours in range(1, 12):
        move_clock(monkeypatch, timedelta(hours=1))
        assert client.get("/emergency").status_code == 200, hours
    move_clock(monkeypatch, timedelta(minutes=59))
    assert client.get("/emergency").status_code == 200
    move_clock(monkeypatch, timedelta(minutes=2))
    response = client.get("/emergency")
    assert response.location == "/sign-in?next=/emergency"
    page = client.get_page("/sign-in")
    assert "You have been signed out because you signed in a long time ago" in page.get_text()
    assert client.get("/emergency").status_code == 302  # signed out, not just redirected once


def test_the_absolute_lifetime_is_a_setting(make_app, make, monkeypatch):
    short = make_app(SESSION_ABSOLUTE_HOURS=1)
    client = short.test_client()
    with short.app_context():
        make.user(email="worker@example.org")
        client.sign_in("worker@example.org", PASSWORD)
        move_clock(monkeypatch, timedelta(minutes=61))
        assert client.get("/account").status_code == 302


def test_a_session_without_a_sign_in_time_is_ended(client, make):
    make.user(email="worker@example.org")
    client.sign_in("worker@example.org", PASSWORD)
    with client.session_transaction() as session:
        del session["signed_in_at"]
    assert client.get("/account").status_code == 302


def test_setting_a_password_starts_a_session_with_a_lifetime(client, make, monkeypatch):
    user = accounts.invite("new@example.org", Role.frontline, None)
    db.session.commit()
    body = db.session.scalar(select(OutboxMessage.body).where(OutboxMessage.to == user.email))
    link = re.search(r"(/account/invite/\S+)", body).group(1)
    client.get_page(link)
    new = "kettle harbour violet ramp"
    assert client.submit(link, {"password": new, "confirm": new}).location == "/account"
    assert client.get("/account").status_code == 200
    move_clock(monkeypatch, timedelta(hours=12, minutes=1))
    assert client.get("/account").status_code == 302


# --- no-store ---------------------------------------------------------------------------

SIGNED_IN = [
    (Role.admin, "/admin/"),
    (Role.admin, "/admin/users"),
    (Role.admin, "/admin/outbox"),
    (Role.coordinator, "/admin/"),
    (Role.coordinator, "/concerns/"),
    (Role.frontline, "/referrals/"),
    (Role.frontline, "/account"),
    (Role.member, "/referrals/"),
    (Role.member, "/account"),
    (Role.cvec, "/emergency"),
    (Role.cvec, "/emergency/volunteers"),
    (Role.cvec, "/emergency/hubs"),
    # Public pages too, once someone is signed in: the menu names them.
    (Role.frontline, "/directory"),
    (Role.frontline, "/"),
]
PUBLIC = ["/", "/directory", "/signatories", "/accessibility", "/help", "/privacy", "/sign-in"]


@pytest.mark.parametrize(("role", "path"), SIGNED_IN)
def test_pages_for_signed_in_people_are_never_stored(client, make, role, path):
    make.user(role=role, email="someone@example.org")
    client.sign_in("someone@example.org", PASSWORD)
    response = client.get(path)
    assert response.status_code == 200, path
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", PUBLIC)
def test_public_pages_for_visitors_may_be_stored(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_an_emailed_link_and_a_form_answer_are_never_stored(client, make):
    user = accounts.invite("new@example.org", Role.frontline, None)
    db.session.commit()
    token = accounts.invite_token(user)
    assert client.get(f"/account/invite/{token}").headers["Cache-Control"] == "no-store"
    refused = client.sign_in("someone@example.org", "not the password at all")
    assert refused.headers["Cache-Control"] == "no-store"
    assert client.get("/volunteer").headers["Cache-Control"] == "no-store"


def test_static_files_keep_their_caching_when_signed_in(client, make):
    make.user(email="someone@example.org")
    client.sign_in("someone@example.org", PASSWORD)
    response = client.get("/static/app.js")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    response.close()


def test_a_clock_set_back_does_not_end_a_session(client, make, monkeypatch):
    make.user(email="worker@example.org")
    client.sign_in("worker@example.org", PASSWORD)
    move_clock(monkeypatch, -timedelta(days=1))
    assert client.get("/account").status_code == 200
