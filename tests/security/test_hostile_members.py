"""The security sweep for an organisation's members' pages (issue 21): inviting a colleague and
leaving. Every hostile string goes into the invitation's email box (and into a member's name,
which the members' list shows); NUL, a too-long answer and odd extra fields get a clean answer;
the pages that show the stored text afterwards are escaped."""

from __future__ import annotations

from sqlalchemy import func, select

from accord.extensions import db
from accord.models import OutboxMessage, Role, User
from tests import hostile
from tests.factories import PASSWORD
from tests.security.test_hostile_forms import checked, clean, submit

LONG = "a" * 300 + "@example.org"  # over the 254 characters an address may have
ODD = [hostile.SQL[1], hostile.SCRIPTS[0], hostile.NUL, hostile.FORMULAS[0]]


def test_member_invite_and_leave(app, client, make):
    org = make.organisation(slug="ludlow-larder", name="Ludlow Larder")
    for n, text in enumerate(hostile.STORABLE):
        # A member's name, as the sign-up or an administrator gave it, shown on the list.
        make.user(role=Role.member, organisation=org, email=f"m{n}@larder.example", name=text)
    client.sign_in("m0@larder.example", PASSWORD)
    # Invitations are limited per account (30 a minute): a second member sends half.
    other = app.test_client()
    other.sign_in("m1@larder.example", PASSWORD)
    pages = "/account/organisations/ludlow-larder/members"
    invite = f"{pages}/invite"
    users = db.session.scalar(select(func.count(User.id)))
    for text in [*hostile.STORABLE, hostile.JAVASCRIPT_URL, hostile.NUL, LONG]:
        response = submit(client, invite, {"email": text})
        clean(response, invite)
        assert response.status_code == 200
        assert hostile.unsafe_html(response.get_data(as_text=True)) == [], text
        # The same strings in an address's own parts: refused, or a real invitation.
        clean(submit(other, invite, {"email": f"{text}@larder.example"}), invite)
    invited = db.session.scalar(select(func.count(User.id))) - users
    # Nothing above is a valid address except those whose text is one in the local part.
    assert invited == db.session.scalar(
        select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == "invite")
    )
    checked(client, [pages], shows=("&lt;script&gt;",))
    checked(client, [invite, f"{pages}/leave"])

    leave = f"{pages}/leave"
    for n, text in enumerate(ODD, start=2):
        member = app.test_client()
        member.sign_in(f"m{n}@larder.example", PASSWORD)
        clean(submit(member, leave, {"submit": text, "email": text}), leave)
        # Odd fields or not, the one button left the organisation.
        assert member.get(pages).status_code == 403
    checked(client, [pages])
