"""An administrator cannot make themselves a member of an organisation (and so read its
referrals); a new person in an organisation is announced to its members and audited against
the organisation (issue 16)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from accord import accounts
from accord.extensions import db
from accord.models import AuditEvent, OutboxMessage, Role, User
from tests.factories import PASSWORD

ADMIN = "admin@example.org"


def invite(client, email: str, org_slug: str, role: str = "member"):
    client.get_page("/admin/users")
    return client.submit("/admin/users", {"email": email, "role": role, "organisation": org_slug})


@pytest.mark.parametrize("email", [ADMIN, "Admin@Example.org ", "admin+larder@example.org"])
def test_an_admin_cannot_invite_themselves(client, make, email):
    make.user(role=Role.admin, email=ADMIN)
    org = make.organisation(slug="ludlow-larder")
    client.sign_in(ADMIN, PASSWORD)
    response = invite(client, email, org.slug)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "You cannot invite yourself" in body and 'href="#email"' in body
    assert db.session.scalar(select(User).where(User.email.like("%+larder%"))) is None
    assert db.session.scalar(select(OutboxMessage)) is None


def test_nobody_grants_themselves_a_role(app, make):
    admin = make.user(role=Role.admin, email=ADMIN)
    org = make.organisation()
    with app.test_request_context("/admin/users"):
        from flask_login import login_user

        login_user(admin)
        with pytest.raises(accounts.AccountError, match="your own roles"):
            accounts.grant(admin, Role.member, org)


def test_a_new_member_is_announced_to_the_organisation_and_audited(client, make):
    admin = make.user(role=Role.admin, email=ADMIN)
    org = make.organisation(slug="ludlow-larder", name="Ludlow Larder")
    first = make.user(role=Role.member, organisation=org, email="first@larder.example")
    second = make.user(role=Role.member, organisation=org, email="second@larder.example")
    make.user(role=Role.member, email="elsewhere@example.org")  # another organisation
    client.sign_in(ADMIN, PASSWORD)
    assert invite(client, "new@larder.example", org.slug).status_code == 302

    told = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "member-added")
    ).all()
    assert sorted(m.to for m in told) == [first.email, second.email]
    assert told[0].subject == "Someone new has been given access to Ludlow Larder"
    assert "new@larder.example" in told[0].body and "read the referrals" in told[0].body

    newcomer = db.session.scalar(select(User).where(User.email == "new@larder.example"))
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "organisation.member_added")
    )
    assert (event.actor_id, event.target_type, event.target_id) == (
        admin.id,
        "organisation",
        str(org.id),
    )
    # Ids only, no free text.
    assert event.details == {"user_id": newcomer.id, "role": "member"}


def test_an_invitation_outside_any_organisation_tells_no_members(client, make):
    make.user(role=Role.admin, email=ADMIN)
    make.user(role=Role.member, email="member@example.org")
    client.sign_in(ADMIN, PASSWORD)
    assert invite(client, "worker@example.org", "", role="frontline").status_code == 302
    kinds = db.session.scalars(select(OutboxMessage.kind)).all()
    assert kinds == ["invite"]
