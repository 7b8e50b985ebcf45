"""Signing in and out, lockout, session safety, passwords and invitations."""

import base64
import re

import pytest
from flask import url_for
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from accord import accounts, links
from accord.extensions import db
from accord.models import AuditEvent, OutboxMessage, Role, User
from tests.factories import PASSWORD
from tests.pages import check_html


def test_sign_in_and_out(client, make):
    user = make.user(role=Role.frontline, email="worker@example.org")
    response = client.sign_in("Worker@Example.org ", PASSWORD)
    assert response.status_code == 302 and response.location == "/account"
    page = client.get_page("/account")
    assert "worker@example.org" in page.get_text()

    response = client.submit("/sign-out", {}, form_path="/account")
    assert response.status_code == 302
    assert client.get("/account").status_code == 302  # back to sign-in
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == user.id))
    assert {"user.signed_in", "user.signed_out"} <= set(actions)


def test_passwords_are_argon2_hashes(make):
    user = make.user()
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_wrong_password_gives_an_error_summary(client, make):
    make.user(email="worker@example.org")
    response = client.sign_in("worker@example.org", "not the password")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    page = check_html(body)  # the re-rendered form passes the page checks too
    summary = page.find(class_="govuk-error-summary")
    assert "Enter a correct email address and password" in summary.get_text()
    assert page.title.get_text().startswith("Error: Sign in")


def test_malformed_email_names_the_field(client):
    response = client.sign_in("not-an-email", "whatever")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'href="#email"' in body
    assert "Enter an email address in the correct format" in body


def test_unknown_email_gives_the_same_message_as_a_wrong_password(client):
    body = client.sign_in("nobody@example.org", "whatever").get_data(as_text=True)
    assert "Enter a correct email address and password" in body


def test_session_is_renewed_at_sign_in(client, make):
    make.user(email="worker@example.org")
    client.get("/sign-in")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    client.sign_in("worker@example.org", PASSWORD)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"].endswith(":1")


def test_an_old_session_cookie_stops_working_after_sign_out(client, make, app):
    make.user(email="worker@example.org")
    client.sign_in("worker@example.org", PASSWORD)
    stolen = client.get_cookie("accord_session").value
    client.submit("/sign-out", {}, form_path="/account")

    thief = app.test_client()
    thief.set_cookie("accord_session", stolen)
    assert thief.get("/account").status_code == 302


def test_next_only_follows_local_paths(client, make):
    make.user(email="worker@example.org")
    token = client.csrf_token("/sign-in")
    response = client.post(
        "/sign-in?next=https://evil.example/",
        data={"csrf_token": token, "email": "worker@example.org", "password": PASSWORD},
    )
    assert response.location == "/account"


def test_next_returns_to_the_page_asked_for(client, make):
    make.user(role=Role.cvec, email="cvec@example.org")
    assert client.get("/emergency").location == "/sign-in?next=/emergency"
    token = client.csrf_token("/sign-in")
    response = client.post(
        "/sign-in?next=/emergency",
        data={"csrf_token": token, "email": "cvec@example.org", "password": PASSWORD},
    )
    assert response.location == "/emergency"


def test_change_password(client, make):
    make.user(email="worker@example.org")
    client.sign_in("worker@example.org", PASSWORD)
    new = "a brand new long password"
    response = client.submit("/account", {"current": PASSWORD, "password": new, "confirm": new})
    assert response.status_code == 302
    client.submit("/sign-out", {}, form_path="/account")
    assert client.sign_in("worker@example.org", new).location == "/account"


def test_change_password_checks_the_current_one(client, make):
    make.user(email="worker@example.org")
    client.sign_in("worker@example.org", PASSWORD)
    new = "a brand new long password"
    body = client.submit(
        "/account", {"current": "wrong", "password": new, "confirm": new}
    ).get_data(as_text=True)
    assert "Your current password is not correct" in body


def test_admin_invites_a_user_who_sets_a_password(client, make, app):
    make.user(role=Role.admin, email="admin@example.org")
    org = make.organisation(slug="ludlow-larder", name="Ludlow Larder")
    client.sign_in("admin@example.org", PASSWORD)
    client.get_page("/admin/users")
    response = client.submit(
        "/admin/users",
        {"email": "new.member@example.org", "role": "member", "organisation": org.slug},
    )
    assert response.status_code == 302
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "invite"))
    assert message.to == "new.member@example.org"
    link = re.search(r"(/account/invite/\S+)", message.body).group(1)

    newcomer = app.test_client()
    newcomer.get_page(link)
    new = "my own long password"
    response = newcomer.submit(link, {"password": new, "confirm": new})
    assert response.location == "/account"
    user = db.session.scalar(select(User).where(User.email == "new.member@example.org"))
    assert user.has_role(Role.member) and user.organisation_ids() == {org.id}
    # The link works once.
    assert app.test_client().get(link).status_code == 404


def test_inviting_a_member_needs_an_organisation(client, make):
    make.user(role=Role.admin, email="admin@example.org")
    client.sign_in("admin@example.org", PASSWORD)
    body = client.submit(
        "/admin/users", {"email": "x@example.org", "role": "member", "organisation": ""}
    ).get_data(as_text=True)
    assert "A member belongs to an organisation" in body


def test_an_invalid_invitation_link_is_a_clear_page(client):
    page = client.get_page("/account/invite/not-a-token", status=404)
    assert page.h1.get_text(strip=True) == "This invitation link does not work"


def test_an_invitation_email_links_to_the_public_address(app, make_app, still_clock):
    public = make_app(PUBLIC_BASE_URL="https://accord.example.org")
    with public.test_request_context("/", headers={"Host": "evil.example.com"}):
        user = accounts.invite("Ann@Example.org", Role.frontline, None)
        db.session.commit()
        message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "invite"))
        assert message.to == "ann@example.org"
        assert message.subject == "You have been invited to the Shropshire Accord Hub"
        link = re.search(r"https://accord\.example\.org/account/invite/(\S+)", message.body)
        assert link is not None and accounts.user_for_invite(link.group(1)) == user
        # Opaque: the address holds nothing readable (a signed-only token's payload is
        # base64 of its JSON, {"u": the account's id, …}).
        raw = base64.urlsafe_b64decode(link.group(1) + "==")
        assert b'"u"' not in raw and b'"h"' not in raw
        assert message.body == (
            "You have been given an account on the Shropshire Accord Hub.\n\n"
            f"Set your password within 7 days using this link:\n{link.group(0)}\n\n"
            "If you were not expecting this, you can ignore this email.\n"
        )


def test_an_invitation_sent_before_links_were_shared_still_opens(app, make):
    """Invitations keep their signing salt, so a link emailed before the change works."""
    user = make.user(email="new@example.org", password=None)
    old = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="accord-invite")
    token = old.dumps({"u": user.id, "h": user.password_hash[-16:]})
    assert accounts.user_for_invite(token) == user
    assert accounts.user_for_invite(links.sign("another-purpose", {"u": user.id})) is None


@pytest.mark.parametrize(
    ("role", "lands_on"),
    [
        (Role.coordinator, "/admin/"),
        (Role.admin, "/admin/"),
        (Role.cvec, "/emergency"),
        (Role.frontline, "/account"),
    ],
)
def test_signing_in_lands_on_the_work_the_role_comes_for(client, make, role, lands_on):
    make.user(role=role, email="someone@example.org")
    assert client.sign_in("someone@example.org", PASSWORD).location == lands_on
    # Signed in already, the sign-in page sends them there too.
    assert client.get("/sign-in").location == lands_on


@pytest.mark.parametrize(
    "path", ["/account", "/directory", "/directory/list", "/emergency", "/admin/"]
)
def test_every_signed_in_page_can_sign_out_from_the_menu(client, make, path):
    make.user(role=Role.admin, email="someone@example.org")
    client.sign_in("someone@example.org", PASSWORD)
    page = client.get_page(path)
    menu = page.select_one(".govuk-service-navigation")
    [form] = menu.select(f"form[action='{url_for('core.sign_out')}']")
    assert form.select_one("input[name=csrf_token]")["value"]
    assert form.select_one("button").get_text(strip=True) == "Sign out"
    response = client.post(
        "/sign-out", data={"csrf_token": form.select_one("input[name=csrf_token]")["value"]}
    )
    assert response.status_code == 302
    assert client.get("/account").status_code == 302  # signed out: to the sign-in page


def test_signed_out_the_menu_offers_sign_in_not_sign_out(client):
    menu = client.get_page("/directory").select_one(".govuk-service-navigation")
    assert menu.find("a", href="/sign-in").get_text(strip=True) == "Sign in"
    assert not menu.select("form")
