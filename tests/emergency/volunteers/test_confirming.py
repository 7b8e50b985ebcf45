"""A new volunteer confirms their email address by an emailed link; until they do, CVEC sees
them marked unconfirmed."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from accord import clock
from accord.extensions import db
from accord.models import OutboxMessage
from emergency.volunteers import leaving, signup
from emergency.volunteers.models import Volunteer
from tests.emergency import data
from tests.emergency.volunteers.helpers import (
    answers,
    audit_actions,
    fresh_address,
    on_record,
    sign_up_again,
    signed_in,
)


def confirm_messages() -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.kind == signup.CONFIRM_KIND)
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def link_of(message: OutboxMessage) -> str:
    return "/" + message.body.split("http://localhost/", 1)[1].split()[0]


def confirmed_at(volunteer_id: int):
    db.session.expire_all()
    return db.session.get(Volunteer, volunteer_id).email_confirmed_at


def test_a_new_volunteer_is_emailed_a_link_and_only_the_button_confirms(client):
    fresh_address(client)
    client.submit("/volunteer", answers())
    volunteer = db.session.scalar(select(Volunteer))
    assert volunteer.email_confirmed_at is None
    [message] = confirm_messages()
    assert message.to == "robin.helper@example.org"
    assert message.subject == "Confirm your email address to volunteer in an emergency"
    assert "within 7 days" in message.body and "/volunteer/leave" in message.body
    link = link_of(message)
    assert link.startswith("/volunteer/email/")
    assert "Robin" not in link and "example.org" not in link
    thanks = client.get_page("/volunteer/thanks").get_text(" ", strip=True)
    assert "Open it within 7 days and press the button to confirm your email address" in thanks

    other = client.application.test_client()  # a mail scanner opening the link
    for _ in range(2):
        response = other.get(link)
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert confirmed_at(volunteer.id) is None
    page = other.get_page(link)
    assert page.h1.get_text(strip=True) == "Confirm your email address"
    done = other.submit(link, {})
    assert done.status_code == 200 and "Email address confirmed" in done.text
    assert "govuk-panel" in done.text
    first = confirmed_at(volunteer.id)
    assert first is not None
    other.submit(link, {})  # a second press changes nothing
    assert confirmed_at(volunteer.id) == first
    assert audit_actions().count("volunteer.email_confirmed") == 1


def test_cvec_sees_unconfirmed_volunteers_marked(client, make):
    unconfirmed = data.volunteer(name="Una Unchecked")
    confirmed = data.volunteer(name="Cara Checked", email_confirmed_at=clock.utcnow())
    signed_in(client, make)
    listing = client.get_page("/emergency/volunteers")
    rows = {
        row.select_one("td, th").get_text(" ", strip=True) for row in listing.select("tbody tr")
    }
    assert "Una Unchecked Email not confirmed" in rows
    assert "Cara Checked" in rows
    page = client.get_page(f"/emergency/volunteers/{unconfirmed.id}")
    assert "Email not confirmed" in page.get_text()
    assert (
        "Email not confirmed"
        not in client.get_page(f"/emergency/volunteers/{confirmed.id}").get_text()
    )
    # CVEC can send a volunteer signed up before this a link of their own.
    path = f"/emergency/volunteers/{unconfirmed.id}"
    client.submit(path + "/send-confirmation", {}, form_path=path)
    [message] = confirm_messages()
    assert message.to == unconfirmed.email
    client.submit(link_of(message), {})
    assert confirmed_at(unconfirmed.id) is not None
    assert "Email not confirmed" not in client.get_page(path).get_text()


def test_confirming_a_change_from_the_inbox_confirms_the_address(client):
    volunteer = on_record()
    sign_up_again(client)
    change = db.session.scalar(select(OutboxMessage))
    client.submit(link_of(change), {})
    assert confirmed_at(volunteer.id) is not None


def test_bad_expired_and_stale_confirmation_links_get_a_clear_page(client, monkeypatch):
    fresh_address(client)
    client.submit("/volunteer", answers())
    volunteer = db.session.scalar(select(Volunteer))
    link = link_of(confirm_messages()[0])
    token = link.rsplit("/", 1)[1]
    with monkeypatch.context() as patched:
        eight_days_ago = clock.system_time() - timedelta(days=8)
        patched.setattr(clock, "system_time", lambda: eight_days_ago)
        expired = signup.confirm_token(volunteer)
    bad = [
        ("A" if token[0] != "A" else "B") + token[1:],
        "not-a-token",
        "x" * 3000,
        expired,
        leaving.leave_token(volunteer),  # another link's token
    ]
    for n, wrong in enumerate(bad):
        client.environ_base["REMOTE_ADDR"] = f"10.8.0.{n}"
        page = client.get_page(f"/volunteer/email/{wrong}", status=404)
        assert page.h1.get_text(strip=True) == "This link has expired", n
        response = client.submit(f"/volunteer/email/{wrong}", {}, form_path="/volunteer")
        assert response.status_code == 404, n
    assert confirmed_at(volunteer.id) is None
    # A link for a volunteer since deleted does not confirm whoever reuses the id.
    db.session.delete(db.session.get(Volunteer, volunteer.id))
    db.session.commit()
    client.get_page(link, status=404)
