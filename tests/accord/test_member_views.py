"""An organisation's members look after its membership (issue 21): they see who the members are,
invite colleagues (the other members are told) and leave, unless nobody else could look after
the organisation. Only its own members reach these pages."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from accord import accounts, membership
from accord.accounts import AccountError
from accord.extensions import db
from accord.models import AuditEvent, Membership, OutboxMessage, Role
from tests.factories import PASSWORD
from tests.pages import check_html

ME = "me@larder.example"
COLLEAGUE = "colleague@larder.example"


@pytest.fixture
def larder(make):
    return make.organisation(slug="ludlow-larder", name="Ludlow Larder")


@pytest.fixture
def me(client, make, larder):
    """The client signed in as a member of the larder (with a colleague who can sign in)."""
    make.user(role=Role.member, organisation=larder, email=ME, name="Mo Member")
    make.user(role=Role.member, organisation=larder, email=COLLEAGUE)
    client.sign_in(ME, PASSWORD)
    return client


PAGES = "/account/organisations/ludlow-larder/members"


def outbox(kind: str) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.to)
    return list(db.session.scalars(query))


def test_members_see_who_the_members_are_and_the_public_does_not(me, client, larder, make):
    make.user(role=Role.member, email="elsewhere@example.org")  # another organisation
    page = me.get_page(PAGES)
    assert page.h1.get_text(strip=True) == "Members of Ludlow Larder"
    text = page.get_text()
    assert ME in text and COLLEAGUE in text and "Mo Member" in text
    assert "elsewhere@example.org" not in text
    assert page.find("a", href=f"{PAGES}/invite") and page.find("a", href=f"{PAGES}/leave")
    # Linked from the account page.
    assert me.get_page("/account").find("a", href=PAGES)


def test_inviting_a_colleague_emails_them_and_tells_the_other_members(me, larder, app):
    me.get_page(f"{PAGES}/invite")
    response = me.submit(f"{PAGES}/invite", {"email": " New.Person@Larder.example "})
    assert response.status_code == 200
    panel = check_html(response.get_data(as_text=True))
    assert panel.h1.get_text(strip=True) == "Invitation sent"
    assert "govuk-panel" in panel.h1.parent["class"]

    newcomer = accounts.find_user("new.person@larder.example")
    assert newcomer.organisation_ids() == {larder.id} and newcomer.password_hash == ""
    [invite] = outbox("invite")
    assert invite.to == "new.person@larder.example"
    assert (
        invite.subject == "You have been invited to join Ludlow Larder on the Shropshire Accord Hub"
    )
    assert invite.body.startswith("Mo Member, a member of Ludlow Larder, has given you an account")
    told = outbox("member-added")
    assert [m.to for m in told] == [COLLEAGUE]  # not the member who invited them
    assert told[0].body.startswith("Mo Member has given new.person@larder.example access")

    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "organisation.member_added")
    )
    assert event.actor_id == accounts.find_user(ME).id
    assert event.details == {"user_id": newcomer.id, "role": "member", "via": "member"}

    # The link sets a password once.
    link = re.search(r"/account/invite/\S+", invite.body).group(0)
    fresh = app.test_client()
    fresh.get_page(link)
    new = "a long password for the larder"
    assert fresh.submit(link, {"password": new, "confirm": new}).location == "/account"
    assert app.test_client().get(link).status_code == 404


def test_a_colleague_with_an_account_is_added_not_invited(me, larder, make):
    worker = make.user(role=Role.frontline, email="worker@example.org")
    body = me.submit(f"{PAGES}/invite", {"email": "worker@example.org"}).get_data(as_text=True)
    assert "Colleague added" in body
    db.session.refresh(worker)
    assert worker.organisation_ids() == {larder.id} and worker.has_role(Role.frontline)
    assert outbox("invite") == []
    added = [m for m in outbox("member-added") if m.to == "worker@example.org"]
    assert added[0].subject == "You are now a member of Ludlow Larder on the Shropshire Accord Hub"


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("", "Enter your colleague&#39;s email address"),
        ("not an address", "Enter an email address in the correct format"),
        ("ME@larder.example", "You cannot invite yourself"),
        ("me+larder@larder.example", "You cannot invite yourself"),
        (COLLEAGUE, f"{COLLEAGUE} is already a member of Ludlow Larder"),
    ],
)
def test_an_invitation_is_refused_with_an_error_summary(me, typed, said):
    response = me.submit(f"{PAGES}/invite", {"email": typed})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and said in body
    assert "govuk-error-summary" in body and 'href="#email"' in body
    assert f'value="{typed}"' in body or not typed  # what was typed is kept
    assert outbox("invite") == [] and outbox("member-added") == []


def test_a_member_leaves_and_the_others_are_told(me, larder):
    page = me.get_page(f"{PAGES}/leave")
    assert "You will no longer be able to change" in page.get_text()
    response = me.submit(f"{PAGES}/leave", {})
    panel = check_html(response.get_data(as_text=True))
    assert response.status_code == 200 and "govuk-panel" in panel.h1.parent["class"]
    assert panel.h1.get_text(strip=True) == "You have left Ludlow Larder"
    assert accounts.find_user(ME).organisation_ids() == set()
    [told] = outbox("member-left")
    assert told.to == COLLEAGUE and ME in told.body
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "organisation.member_left")
    )
    assert event.details == {"user_id": accounts.find_user(ME).id}
    # The pages are no longer theirs.
    assert me.get(PAGES).status_code == 403


def test_the_last_member_cannot_leave(client, make, larder):
    make.user(role=Role.member, organisation=larder, email=ME)
    # Invited but never signed in: not yet someone to hand over to.
    make.user(role=Role.member, organisation=larder, email=COLLEAGUE, password=None)
    client.sign_in(ME, PASSWORD)
    assert "You are the only member who can sign in" in client.get_page(PAGES).get_text()
    page = client.get_page(f"{PAGES}/leave")
    assert "Invite a replacement" in page.get_text() and page.find("a", href=f"{PAGES}/invite")
    assert page.find("button") is None or "Leave" not in page.find("button").get_text()
    response = client.submit(f"{PAGES}/leave", {}, form_path="/account")
    assert response.status_code == 200 and "You cannot leave yet" in response.get_data(as_text=True)
    assert accounts.find_user(ME).organisation_ids() == {larder.id}
    with pytest.raises(AccountError, match="Invite a replacement"):
        membership.leave(accounts.find_user(ME), larder)


def test_a_membership_is_never_made_twice(app, make, larder):
    member = make.user(role=Role.member, organisation=larder, email=ME)
    added = membership.add_member(ME, larder, by=None)
    assert added.outcome is membership.Outcome.already
    count = select(func.count(Membership.id)).where(Membership.user_id == member.id)
    assert db.session.scalar(count) == 1


VISITORS = ["anonymous", "other member", Role.frontline, Role.coordinator, Role.admin, "member"]


@pytest.mark.parametrize("visitor", VISITORS)
def test_only_the_organisations_members_reach_its_pages(app, make, larder, visitor):
    client = app.test_client()
    make.user(role=Role.member, organisation=larder, email="keeper@larder.example")
    if visitor != "anonymous":
        role = Role.member if "member" in visitor else visitor
        org = larder if visitor == "member" else None
        make.user(role=role, organisation=org, email="visitor@example.org")
        client.sign_in("visitor@example.org", PASSWORD)
    token = client.csrf_token("/account" if visitor != "anonymous" else "/sign-in")
    if visitor == "member":  # an organisation that is not there
        assert client.get("/account/organisations/nowhere/members").status_code == 404
    for path in (PAGES, f"{PAGES}/invite", f"{PAGES}/leave"):
        for method in ("GET", "POST"):
            if method == "POST" and path == PAGES:
                continue
            data = {"csrf_token": token, "email": "x@example.org"}
            response = client.open(path, method=method, data=data)
            where = f"{method} {path} as {visitor}"
            if visitor == "anonymous":
                assert response.status_code == 302 and "/sign-in" in response.location, where
            elif visitor == "member":
                assert response.status_code == 200, where
            else:
                assert response.status_code == 403, where
    # Only the member's invitation was sent; the last POST, leaving, worked for them alone.
    invited = accounts.find_user("x@example.org")
    assert (invited is not None) == (visitor == "member")
