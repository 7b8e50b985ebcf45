"""Signing up again: a change is confirmed from the address on record, by an emailed link that
works once, for 7 days, and only while the record is unchanged."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import timedelta

from sqlalchemy import func, select

from accord import clock, geo
from accord.clock import today_uk
from accord.extensions import db, limiter
from accord.models import AuditEvent, OutboxMessage, OutboxStatus
from emergency.volunteers import changes, details, leaving, retention
from emergency.volunteers.models import Volunteer, VolunteerChange
from tests.emergency.volunteers.helpers import (
    CHANGED,
    audit_actions,
    change_messages,
    fresh_address,
    link_in,
    on_record,
    sign_up_again,
    snapshot,
)
from tests.pages import check_html


def test_signing_up_again_changes_nothing_and_emails_the_address_on_record(client):
    volunteer = on_record()
    before = snapshot(volunteer)
    response = sign_up_again(client)
    assert response.status_code == 302 and response.location == "/volunteer/thanks"
    assert "Thank you, Robin" in client.get_page("/volunteer/thanks").get_text()

    assert snapshot(volunteer) == before
    assert db.session.scalar(select(func.count(Volunteer.id))) == 1
    [message] = db.session.scalars(select(OutboxMessage)).all()
    assert message.kind == changes.CHANGE_KIND
    assert message.to == "robin.helper@example.org"
    assert message.subject == "Confirm the change to your volunteer details"
    assert "We have not changed your details" in message.body
    assert "within 7 days" in message.body
    assert link_in(message).startswith("/volunteer/confirm/")
    # The details wait on the server: the link carries a random token, of which we keep a hash.
    url = message.body.split("http://localhost", 1)[1].split()[0]
    token = url.rsplit("/", 1)[1]
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)
    [waiting] = db.session.scalars(select(VolunteerChange)).all()
    assert waiting.volunteer_id == volunteer.id and waiting.token_hash != token
    assert waiting.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert waiting.details["n"] == "Robin Changed"
    assert audit_actions() == ["volunteer.change_requested"]


def test_the_change_email_says_nothing_changed_and_links_to_the_public_address(
    app, make_app, still_clock
):
    # `app` too: its teardown empties the tables this test fills.
    other = make_app(PUBLIC_BASE_URL="https://accord.example.org")
    with other.app_context():
        volunteer = on_record()
        change = details.Details("Robin Changed", "robin.helper@example.org", "SY8")
        changes.ask_to_confirm(volunteer, change)  # a plain function: no request to read
        db.session.commit()
        [message] = change_messages()
        token = message.body.split("/volunteer/confirm/", 1)[1].split()[0]
        assert message.to == "robin.helper@example.org"
        assert message.subject == "Confirm the change to your volunteer details"
        assert message.body == (
            "Someone filled in the form to volunteer in an emergency in Shropshire with this "
            "email address, which is already on the list of emergency volunteers kept by "
            "Shropshire's Community and Voluntary Emergency Cell (CVEC).\n\n"
            "We have not changed your details. To change them to the ones given on the form, "
            "open this link within 7 days, check them and confirm:\n"
            f"https://accord.example.org/volunteer/confirm/{token}\n\n"
            "If you did not fill in the form, ignore this email: nothing will change.\n"
        )
        found = changes.change_for_token(token)
        assert found is not None and found[0] == volunteer and found[1].name == "Robin Changed"


def test_opening_the_link_shows_the_change_and_only_the_button_applies_it(client):
    volunteer = on_record()
    before = snapshot(volunteer)
    sign_up_again(client)
    link = link_in(change_messages()[0])

    other = client.application.test_client()  # opened elsewhere: a phone, a mail scanner
    for _ in range(2):
        response = other.get(link)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Referrer-Policy"] == "no-referrer"
    page = other.get_page(link)
    assert page.h1.get_text(strip=True) == "Confirm the change to your volunteer details"
    shown = page.select_one(".govuk-summary-list").get_text(" ", strip=True)
    for expected in ("Robin Changed", "07700 900555", "SY8", "Lifting and carrying", "Overnight"):
        assert expected in shown
    assert "DBS check No" in shown and "robin.helper" not in page.get_text()
    assert details.consent_text(730) in page.get_text(" ", strip=True)
    assert page.find("button", string=lambda t: t and "Confirm the change" in t)
    assert snapshot(volunteer) == before

    response = other.submit(link, {})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    done = check_html(response.get_data(as_text=True))
    assert done.h1.get_text(" ", strip=True) == "Your volunteer details have been changed"
    after = snapshot(volunteer)
    centre = geo.district_point("SY8")
    assert after["name"] == "Robin Changed" and after["phone"] == "07700 900555"
    assert (after["outcode"], after["latitude"], after["longitude"]) == (
        "SY8",
        centre.latitude,
        centre.longitude,
    )
    assert after["skills"] == ["lifting"] and after["languages"] == ""
    assert after["dbs_checked"] is False and after["dbs_date"] is None
    assert after["availability"] == ["overnight"]
    assert after["consent"] == details.consent_text(730)
    assert after["consent_at"] > before["consent_at"]
    assert after["retain_until"] == today_uk() + timedelta(days=730)
    for kept in ("email", "active", "created_at"):
        assert after[kept] == before[kept], kept
    event = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()))
    assert event.action == "volunteer.updated_own_details"
    assert event.target_id == str(volunteer.id) and event.details == {}

    # Used once: opening or pressing it again changes nothing more.
    assert "has been used" in other.get_page(link, status=404).h1.get_text()
    assert other.submit(link, {}, form_path="/volunteer").status_code == 404
    assert snapshot(volunteer) == after
    assert audit_actions().count("volunteer.updated_own_details") == 1


def test_a_confirmed_change_keeps_an_inactive_volunteer_inactive(client):
    volunteer = on_record(active=False)
    sign_up_again(client)
    assert snapshot(volunteer)["active"] is False
    client.submit(link_in(change_messages()[0]), {})
    after = snapshot(volunteer)
    assert after["name"] == "Robin Changed" and after["active"] is False


def test_the_thank_you_response_is_the_same_for_known_and_unknown_addresses(app):
    on_record()

    def responses(email: str) -> list:
        client = app.test_client()
        fresh_address(client)
        posted = client.submit("/volunteer", {**CHANGED, "email": email})
        thanks = client.get("/volunteer/thanks")
        return [posted, thanks]

    def same(response) -> tuple:
        # Only the per-response nonce, the session cookie (its CSRF token) and the clock may
        # differ: Retry-After counts the seconds left in the rate-limit window, so it ticks
        # from 60 to 59 when the two posts straddle a second. Its presence is still compared.
        headers = {
            k: "seconds" if k == "Retry-After" else re.sub(r"nonce-[^']+", "nonce", v)
            for k, v in response.headers.items()
            if k not in ("Set-Cookie", "Date") and not k.lower().startswith("x-ratelimit-reset")
        }
        body = re.sub(rb'nonce="[^"]+"', b'nonce=""', response.get_data())
        return response.status_code, response.location, headers, body

    known = responses(" robin.helper@EXAMPLE.org ")
    unknown = responses("someone.else@example.org")
    assert [same(r) for r in known] == [same(r) for r in unknown]
    assert known[0].status_code == 302 and b"Thank you, Robin" in known[1].get_data()
    assert [len(r.headers.getlist("Set-Cookie")) for r in known] == [
        len(r.headers.getlist("Set-Cookie")) for r in unknown
    ]
    # Behind the same page: one address was emailed, the other signed up.
    assert [m.to for m in change_messages()] == ["robin.helper@example.org"]
    assert details.by_email("someone.else@example.org").name == "Robin Changed"
    assert details.by_email("robin.helper@example.org").name == "Robin Helper"


def test_a_later_change_or_a_deletion_stops_an_earlier_link(client):
    volunteer = on_record()
    sign_up_again(client, phone="07700 900111")
    sign_up_again(client, phone="07700 900222")
    first, second = (link_in(m) for m in change_messages())
    client.get_page(first)
    client.get_page(second)  # both work while nothing has changed
    client.submit(second, {})
    assert snapshot(volunteer)["phone"] == "07700 900222"
    page = client.get_page(first, status=404)
    assert "This link has expired or has been used" in page.h1.get_text()
    assert client.submit(first, {}, form_path="/volunteer").status_code == 404
    assert snapshot(volunteer)["phone"] == "07700 900222"

    sign_up_again(client, phone="07700 900333")
    third = link_in(change_messages()[-1])
    retention.delete(db.session.get(Volunteer, volunteer.id), by_volunteer=True)
    db.session.commit()
    client.get_page(third, status=404)
    assert client.submit(third, {}, form_path="/volunteer").status_code == 404
    assert db.session.scalar(select(func.count(Volunteer.id))) == 0


def test_the_emailed_link_holds_none_of_the_details_given(client):
    on_record()
    given = {
        "name": "Zebedee Quartermaine",
        "phone": "07700 900765",
        "postcode": "TF9 4AA",
        "skills": ["boat", "catering"],
        "availability": ["overnight"],
    }
    sign_up_again(client, **given)
    [message] = change_messages()
    url = message.body.split("http://localhost", 1)[1].split()[0]
    token = url.rsplit("/", 1)[1]
    decoded = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    for text in (url.lower(), decoded.decode("latin-1").lower()):
        for secret in ("zebedee", "quartermaine", "07700", "900765", "tf9", "boat", "catering"):
            assert secret not in text
        assert "overnight" not in text and "robin" not in text and "example.org" not in text
    # …and the change it confirms is the one given.
    client.submit(url, {})
    assert db.session.scalar(select(Volunteer.name)) == "Zebedee Quartermaine"


def test_a_change_link_works_once_and_expires(client, monkeypatch):
    volunteer = on_record()
    sign_up_again(client, phone="07700 900111")
    link = link_in(change_messages()[0])
    assert client.submit(link, {}).status_code == 200
    assert snapshot(volunteer)["phone"] == "07700 900111"
    assert db.session.scalar(select(func.count(VolunteerChange.id))) == 0  # used: deleted
    assert client.get(link).status_code == 404

    sign_up_again(client, phone="07700 900222")
    later = link_in(change_messages()[-1])
    eight_days_on = clock.system_time() + timedelta(days=8)
    monkeypatch.setattr(clock, "system_time", lambda: eight_days_on)
    page = client.get_page(later, status=404)
    assert "This link has expired or has been used" in page.h1.get_text()
    assert client.submit(later, {}, form_path="/volunteer").status_code == 404
    assert snapshot(volunteer)["phone"] == "07700 900111"
    retention.purge(today_uk())  # the daily run deletes the expired change
    db.session.commit()
    assert db.session.scalar(select(func.count(VolunteerChange.id))) == 0


def test_tampered_and_odd_links_get_a_clear_page(client):
    volunteer = on_record()
    before = snapshot(volunteer)
    sign_up_again(client)
    link = link_in(change_messages()[0])
    token = link.rsplit("/", 1)[1]
    waiting = db.session.scalar(select(VolunteerChange))
    bad = [
        ("A" if token[0] != "A" else "B") + token[1:],
        token[:-1],
        token + "A",
        "not-a-token",
        "x" * 3000,
        "%00",
        waiting.token_hash,  # what the table holds opens nothing
        leaving.leave_token(db.session.get(Volunteer, volunteer.id)),  # another link's token
    ]
    for n, token in enumerate(bad):
        client.environ_base["REMOTE_ADDR"] = f"10.7.0.{n}"
        page = client.get_page(f"/volunteer/confirm/{token}", status=404)
        assert "This link has expired or has been used" in page.h1.get_text(), n
        assert page.find("a", href="/volunteer"), n
        response = client.submit(f"/volunteer/confirm/{token}", {}, form_path="/volunteer")
        assert response.status_code == 404, n
    assert snapshot(volunteer) == before
    # Without the form's CSRF token a press is refused, changing nothing.
    refused = client.post(link, data={})
    assert refused.status_code == 400 and "Your form has expired" in refused.text
    assert snapshot(volunteer) == before
    client.get_page(link)  # the real link still works


def test_change_emails_to_one_address_are_limited_per_day(app):
    volunteer = on_record()
    statuses = []
    for _ in range(changes.CHANGE_EMAILS_PER_DAY + 2):
        statuses.append(sign_up_again(app.test_client()).status_code)
    assert statuses == [302] * (changes.CHANGE_EMAILS_PER_DAY + 2)
    assert len(change_messages()) == changes.CHANGE_EMAILS_PER_DAY
    # A day later they may be sent again.
    for message in change_messages():
        message.created_at -= timedelta(days=1, minutes=1)
    db.session.commit()
    limiter.reset()  # a day later the form's own per-address limit has passed too
    sign_up_again(app.test_client())
    assert len(change_messages()) == changes.CHANGE_EMAILS_PER_DAY + 1
    assert snapshot(volunteer)["name"] == "Robin Helper"


def test_the_details_in_change_emails_are_not_kept_once_the_link_is_dead(client):
    robin = on_record()
    on_record(email="kit@example.org")
    for email in ["robin.helper@example.org"] * 2 + ["kit@example.org"] * 3:
        sign_up_again(client, email=email)
    robin_queued, robin_sent, kit_old, kit_stale, kit_new = change_messages()
    robin_sent.status = kit_old.status = kit_new.status = OutboxStatus.sent
    kit_old.created_at -= timedelta(days=8)
    kit_stale.created_at -= timedelta(days=8)  # never sent, and its link has expired
    ids = [m.id for m in (robin_queued, robin_sent, kit_old, kit_stale, kit_new)]
    db.session.commit()

    def bodies() -> list[str | None]:
        db.session.expire_all()
        found = [db.session.get(OutboxMessage, i) for i in ids]
        return [
            m and ("removed" if m.body == changes.CHANGE_EMAIL_REMOVED else "link") for m in found
        ]

    retention.purge(today_uk())  # the daily run
    db.session.commit()
    assert bodies() == ["link", "link", "removed", None, "link"]
    retention.delete(db.session.get(Volunteer, robin.id), by_volunteer=True)
    db.session.commit()
    # Deleting Robin deletes every email to Robin (accord.outbox.forget), sent ones too.
    assert bodies() == [None, None, "removed", None, "link"]
