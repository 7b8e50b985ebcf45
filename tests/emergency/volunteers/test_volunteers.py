"""Emergency volunteers: the public sign-up, CVEC's search and deployments, deletion, retention,
roles, privacy, and bad input that must never become a 500."""

from __future__ import annotations

import itertools
import logging
import re
import time
from datetime import date, timedelta

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import func, select

from accord import geo, outbox
from accord.extensions import db
from accord.models import AuditEvent, OutboxMessage, OutboxStatus, Role, utcnow
from emergency.models import Incident, IncidentLog
from emergency.volunteers import volunteers
from emergency.volunteers.cli import purge_volunteers
from emergency.volunteers.models import Deployment, Volunteer
from tests.emergency import data
from tests.factories import PASSWORD
from tests.pages import check_html

ANSWERS = {
    "name": "Robin Helper",
    "email": "Robin.Helper@example.org",
    "phone": "07700 900982",
    "postcode": "sy3 8hq",
    "skills": ["first_aid", "four_by_four", "languages"],
    "languages": "Welsh, Polish",
    "dbs": "yes",
    "dbs_date": ["14", "2", "2024"],
    "availability": ["weekends", "short_notice"],
    "consent": "y",
}
_addresses = itertools.count(1)


def answers(**changes) -> dict:
    return {**ANSWERS, **changes}


def fresh_address(client) -> None:
    """Each sign-up test comes from its own address, so the per-IP limit counts only its own."""
    client.environ_base["REMOTE_ADDR"] = f"10.9.{next(_addresses) % 250}.{next(_addresses) % 250}"


def signed_in(client, make, role: str = Role.cvec):
    make.user(role=role, email=f"{role}@example.org")
    client.sign_in(f"{role}@example.org", PASSWORD)
    return client


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def log_lines() -> list[str]:
    return list(db.session.scalars(select(IncidentLog.text).order_by(IncidentLog.id)))


# --- signing up ------------------------------------------------------------------------------


def test_sign_up_keeps_the_district_and_the_words_agreed_to(app, client):
    page = client.get_page("/volunteer")
    consent = page.find("input", attrs={"name": "consent"})
    words = page.find("label", attrs={"for": consent["id"]}).get_text(" ", strip=True)
    assert page.find("a", href="/volunteer/privacy")

    response = client.submit("/volunteer", answers())
    assert response.status_code == 302 and response.location == "/volunteer/thanks"
    thanks = client.get_page("/volunteer/thanks")
    assert "Thank you, Robin" in thanks.get_text()
    assert "Helper" not in thanks.get_text() and "example.org" not in thanks.get_text()

    volunteer = db.session.scalar(select(Volunteer))
    assert volunteer.email == "robin.helper@example.org"
    assert volunteer.outcode == "SY3"
    centre = geo.district_point("SY3")
    assert (volunteer.latitude, volunteer.longitude) == (centre.latitude, centre.longitude)
    assert volunteer.skills == ["first_aid", "four_by_four", "languages"]
    assert volunteer.languages == "Welsh, Polish"
    assert volunteer.dbs_checked and volunteer.dbs_date == date(2024, 2, 14)
    assert volunteer.availability == ["weekends", "short_notice"]
    assert volunteer.consent == words == volunteers.consent_text(730)
    assert volunteer.consent_at is not None
    assert volunteer.retain_until == date.today() + timedelta(days=730)
    assert audit_actions() == ["volunteer.signed_up"]
    # The thank-you page forgets the name once shown.
    assert "Robin" not in client.get_page("/volunteer/thanks").get_text()


def test_the_consent_says_why_who_how_long_and_how_to_leave():
    words = volunteers.consent_text(730)
    for needed in (
        "CVEC",
        "volunteer in an emergency in Shropshire",
        "Only CVEC coordinators",
        "2 years",
        "deleted",
        "Stop volunteering",
    ):
        assert needed in words
    assert "1 year " in volunteers.consent_text(365)
    assert "13 weeks" in volunteers.consent_text(91)
    assert "100 days" in volunteers.consent_text(100)


def test_the_retention_setting_changes_the_words_and_the_date(app, make_app):
    # `app` too: its teardown empties the tables this test fills.
    other = make_app(VOLUNTEER_RETENTION_DAYS=365)
    client = other.test_client()
    with other.app_context():
        assert "1 year" in client.get_page("/volunteer").get_text()
        client.submit("/volunteer", answers())
        volunteer = db.session.scalar(select(Volunteer))
        assert volunteer.retain_until == date.today() + timedelta(days=365)
        assert "1 year" in volunteer.consent


# --- signing up again: a change is confirmed from the address on record ----------------------

# Everything different from Robin's record, with no DBS check ticked.
CHANGED = {
    "name": "Robin Changed",
    "email": " robin.helper@EXAMPLE.org ",
    "phone": "01743 555123",
    "postcode": "SY8 1AA",
    "skills": ["lifting"],
    "availability": ["overnight"],
    "consent": "y",
}
RECORD_FIELDS = [
    *("name", "email", "phone", "outcode", "latitude", "longitude", "skills", "languages"),
    *("dbs_checked", "dbs_date", "availability", "consent", "consent_at", "active"),
    *("retain_until", "created_at"),
]


def on_record(email: str = "robin.helper@example.org", **fields) -> Volunteer:
    """Robin, signed up a while ago (so a renewal shows in consent_at and retain_until)."""
    values = {
        "name": "Robin Helper",
        "email": email,
        "phone": "07700 900982",
        "outcode": "SY3",
        "skills": ["first_aid", "languages"],
        "languages": "Welsh",
        "dbs_checked": True,
        "dbs_date": date(2023, 5, 1),
        "availability": ["weekends"],
        "consent_at": utcnow() - timedelta(days=100),
        "retain_until": date.today() + timedelta(days=630),
    }
    return data.volunteer(**{**values, **fields})


def snapshot(volunteer: Volunteer) -> dict:
    db.session.expire_all()
    fresh = db.session.get(Volunteer, volunteer.id)
    return {name: getattr(fresh, name) for name in RECORD_FIELDS}


def change_messages() -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.kind == volunteers.CHANGE_KIND)
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def link_in(message: OutboxMessage) -> str:
    return "/" + message.body.split("http://localhost/", 1)[1].split()[0]


def sign_up_again(client, **changes):
    fresh_address(client)
    return client.submit("/volunteer", {**CHANGED, **changes})


def test_signing_up_again_changes_nothing_and_emails_the_address_on_record(client):
    volunteer = on_record()
    before = snapshot(volunteer)
    response = sign_up_again(client)
    assert response.status_code == 302 and response.location == "/volunteer/thanks"
    assert "Thank you, Robin" in client.get_page("/volunteer/thanks").get_text()

    assert snapshot(volunteer) == before
    assert db.session.scalar(select(func.count(Volunteer.id))) == 1
    [message] = db.session.scalars(select(OutboxMessage)).all()
    assert message.kind == volunteers.CHANGE_KIND
    assert message.to == "robin.helper@example.org"
    assert message.subject == "Confirm the change to your volunteer details"
    assert "We have not changed your details" in message.body
    assert "within 7 days" in message.body
    assert link_in(message).startswith("/volunteer/confirm/")
    # Nothing the link does not need: no email address, position or consent in it.
    token = link_in(message).rsplit("/", 1)[1]
    carried = volunteers._change_serializer().loads(token)
    assert set(carried) == {"v", "f", "d"} and carried["v"] == volunteer.id
    assert set(carried["d"]) == {"n", "p", "o", "s", "l", "b", "d", "a"}
    assert "example.org" not in str(carried) and "Welsh" not in str(carried)
    assert re.fullmatch(r"[0-9a-f]{24}", carried["f"])  # a keyed digest of the record
    assert audit_actions() == ["volunteer.change_requested"]


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
    for expected in ("Robin Changed", "01743 555123", "SY8", "Lifting and carrying", "Overnight"):
        assert expected in shown
    assert "DBS check No" in shown and "robin.helper" not in page.get_text()
    assert volunteers.consent_text(730) in page.get_text(" ", strip=True)
    assert page.find("button", string=lambda t: t and "Confirm the change" in t)
    assert snapshot(volunteer) == before

    response = other.submit(link, {})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    done = check_html(response.get_data(as_text=True))
    assert done.h1.get_text(" ", strip=True) == "Your volunteer details have been changed"
    after = snapshot(volunteer)
    centre = geo.district_point("SY8")
    assert after["name"] == "Robin Changed" and after["phone"] == "01743 555123"
    assert (after["outcode"], after["latitude"], after["longitude"]) == (
        "SY8",
        centre.latitude,
        centre.longitude,
    )
    assert after["skills"] == ["lifting"] and after["languages"] == ""
    assert after["dbs_checked"] is False and after["dbs_date"] is None
    assert after["availability"] == ["overnight"]
    assert after["consent"] == volunteers.consent_text(730)
    assert after["consent_at"] > before["consent_at"]
    assert after["retain_until"] == date.today() + timedelta(days=730)
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
    assert volunteers.by_email("someone.else@example.org").name == "Robin Changed"
    assert volunteers.by_email("robin.helper@example.org").name == "Robin Helper"


def test_a_later_change_or_a_deletion_stops_an_earlier_link(client):
    volunteer = on_record()
    sign_up_again(client, phone="01743 111111")
    sign_up_again(client, phone="01743 222222")
    first, second = (link_in(m) for m in change_messages())
    client.get_page(first)
    client.get_page(second)  # both work while nothing has changed
    client.submit(second, {})
    assert snapshot(volunteer)["phone"] == "01743 222222"
    page = client.get_page(first, status=404)
    assert "This link has expired or has been used" in page.h1.get_text()
    assert client.submit(first, {}, form_path="/volunteer").status_code == 404
    assert snapshot(volunteer)["phone"] == "01743 222222"

    sign_up_again(client, phone="01743 333333")
    third = link_in(change_messages()[-1])
    volunteers.delete(db.session.get(Volunteer, volunteer.id), by_volunteer=True)
    db.session.commit()
    client.get_page(third, status=404)
    assert client.submit(third, {}, form_path="/volunteer").status_code == 404
    assert db.session.scalar(select(func.count(Volunteer.id))) == 0


def test_tampered_expired_and_odd_links_get_a_clear_page(client, monkeypatch):
    volunteer = on_record()
    before = snapshot(volunteer)
    sign_up_again(client)
    link = link_in(change_messages()[0])
    token = link.rsplit("/", 1)[1]
    payload, _, signature = token.rpartition(".")

    def forged(data: dict, salt: str = "volunteer-change") -> str:
        serializer = URLSafeTimedSerializer(client.application.config["SECRET_KEY"], salt=salt)
        return serializer.dumps(data)

    carried = volunteers._change_serializer().loads(token)
    real = db.session.get(Volunteer, volunteer.id)
    with monkeypatch.context() as patched:
        eight_days_ago = int(time.time()) - 8 * 24 * 3600
        patched.setattr(TimestampSigner, "get_timestamp", lambda self: eight_days_ago)
        expired = volunteers.change_token(real, volunteers.Details("Eve", "x@example.org", "SY1"))
    bad = [
        ("A" if token[0] != "A" else "B") + token[1:],
        payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + "." + signature,
        # A middle character: the last one's low bits are base64 padding, ignored when decoded.
        payload + "." + signature[:5] + ("A" if signature[5] != "A" else "B") + signature[6:],
        "not-a-token",
        "x" * 3000,
        "%00",
        expired,
        volunteers.leave_token(real),  # another link's token
        forged(carried, salt="volunteer-leave"),
        forged({**carried, "v": 2**40}),
        forged({**carried, "v": -1}),
        forged({**carried, "v": "1"}),
        forged({**carried, "f": None}),
        forged({**carried, "f": "0" * 24}),
        forged({**carried, "d": {**carried["d"], "s": ["juggling"]}}),
        forged({**carried, "d": {**carried["d"], "n": "R" * 5000}}),
        forged({**carried, "d": {**carried["d"], "d": "31-02-2024"}}),
        forged({**carried, "d": {**carried["d"], "b": "yes"}}),
        forged({**carried, "d": None}),
        forged(["not", "a", "dict"]),
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
    for _ in range(volunteers.CHANGE_EMAILS_PER_DAY + 2):
        statuses.append(sign_up_again(app.test_client()).status_code)
    assert statuses == [302] * (volunteers.CHANGE_EMAILS_PER_DAY + 2)
    assert len(change_messages()) == volunteers.CHANGE_EMAILS_PER_DAY
    # A day later they may be sent again.
    for message in change_messages():
        message.created_at -= timedelta(days=1, minutes=1)
    db.session.commit()
    sign_up_again(app.test_client())
    assert len(change_messages()) == volunteers.CHANGE_EMAILS_PER_DAY + 1
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
            m and ("removed" if m.body == volunteers.CHANGE_EMAIL_REMOVED else "link")
            for m in found
        ]

    volunteers.purge(date.today())  # the daily run
    db.session.commit()
    assert bodies() == ["link", "link", "removed", None, "link"]
    volunteers.delete(db.session.get(Volunteer, robin.id), by_volunteer=True)
    db.session.commit()
    assert bodies() == [None, "removed", "removed", None, "link"]


def test_missing_answers_are_named_in_the_error_summary(client):
    response = client.submit("/volunteer", {})
    assert response.status_code == 200
    page = check_html(response.get_data(as_text=True))
    assert page.title.get_text().startswith("Error: ")
    summary = page.select_one(".govuk-error-summary")
    links = {a["href"]: a.get_text(strip=True) for a in summary.find_all("a")}
    assert links == {
        "#name": "Enter your full name",
        "#email": "Enter your email address",
        "#postcode": "Enter your home postcode",
        "#availability": "Select when you could help",
        "#consent": "Tick the box to agree to CVEC keeping your details and contacting you",
    }
    for target in links:
        assert page.select_one(target), target
    assert db.session.scalar(select(func.count(Volunteer.id))) == 0


BAD_ANSWERS = [
    ({"postcode": "ZZ9 9ZZ"}, "Enter a real UK postcode"),
    ({"postcode": "75001"}, "Enter a real UK postcode"),
    ({"postcode": "Shrewsbury"}, "Enter a real UK postcode"),
    ({"email": "not-an-email"}, "Enter an email address in the correct format"),
    ({"phone": "call me"}, "Enter a phone number"),
    ({"phone": "123"}, "Enter a phone number"),
    ({"languages": ""}, "Enter the languages you speak"),
    ({"dbs_date": ["", "", ""]}, "Enter the date your DBS certificate was issued"),
    ({"dbs_date": ["14", "", "2024"]}, "The date must include a month"),
    ({"dbs_date": ["31", "2", "2024"]}, "The date must be a real date"),
    ({"dbs_date": ["1", "1", "24"]}, "Enter the date as numbers"),
    ({"dbs_date": ["1", "1", "2999"]}, "must be in the past"),
    ({"dbs_date": ["1", "1", "1999"]}, "in 2002 or later"),
    ({"dbs_date": ["99999999999", "1", "2020"]}, "The date must be a real date"),
    ({"dbs_date": ["١", "1", "2020"]}, "Enter the date as numbers"),
    ({"dbs": "maybe"}, "Tick the box if you have had a DBS check"),
    ({"skills": ["juggling"]}, "Select what you could help with from the list"),
    ({"availability": ["never"]}, "Select when you could help from the list"),
    ({"name": "R" * 5000}, "Full name must be 120 characters or fewer"),
    ({"email": "r" * 5000 + "@example.org"}, "Email address must be 254 characters or fewer"),
]


def test_bad_answers_get_a_clear_error(client):
    token = client.csrf_token("/volunteer")
    for n, (changes, message) in enumerate(BAD_ANSWERS):
        response = client.post(
            "/volunteer",
            data={"csrf_token": token, **answers(**changes)},
            environ_base={"REMOTE_ADDR": f"10.8.0.{n}"},
        )
        assert response.status_code == 200, changes
        assert message in response.get_data(as_text=True), changes
    assert db.session.scalar(select(func.count(Volunteer.id))) == 0


def test_the_dbs_date_error_links_to_the_day_box(client):
    response = client.submit("/volunteer", answers(dbs_date=["", "", ""]))
    page = check_html(response.get_data(as_text=True))
    link = page.select_one(".govuk-error-summary a")
    assert link["href"] == "#dbs_date-day" and page.select_one("#dbs_date-day")


def test_a_post_that_omits_or_repeats_the_date_boxes_is_not_a_500(client):
    without = {k: v for k, v in answers().items() if k != "dbs_date"}
    response = client.submit("/volunteer", without)
    assert response.status_code == 200
    assert "Enter the date your DBS certificate was issued" in response.get_data(as_text=True)
    assert client.submit("/volunteer", answers(dbs_date=["2024"])).status_code == 200
    # Extra boxes (not from our form) are ignored: the first three make the date.
    assert client.submit("/volunteer", answers(dbs_date=["1", "2", "2024", "5"])).status_code == 302
    assert db.session.scalar(select(Volunteer.dbs_date)) == date(2024, 2, 1)
    # Without a DBS check the date boxes do not matter, whatever they hold.
    unchecked = {k: v for k, v in without.items() if k != "dbs"}
    done = client.submit(
        "/volunteer", {**unchecked, "email": "unchecked@example.org", "dbs_date": ["x"]}
    )
    assert done.status_code == 302
    assert volunteers.by_email("unchecked@example.org").dbs_date is None


def test_markup_emoji_and_control_characters_are_harmless(client):
    script = "<script>alert(1)</script>"
    hostile = {
        "name": f"{script} 🌊",
        "email": f"{script}@example.org",
        "phone": script,
        "postcode": script,
        "skills": [script],
        "languages": script,
        "dbs": script,
        "dbs_date": [script, script, script],
        "availability": [script],
        "consent": script,
    }
    response = client.submit("/volunteer", hostile)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<script>alert" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body

    fresh_address(client)
    done = client.submit("/volunteer", answers(name=f"Ana\x00 {script} 🌊 Ló\u200bpez"))
    assert done.status_code == 302
    assert db.session.scalar(select(Volunteer.name)) == f"Ana {script} 🌊 Ló\u200bpez"
    thanks = client.get("/volunteer/thanks").get_data(as_text=True)
    assert "Thank you, Ana" in thanks and "<script>alert" not in thanks


def test_a_missing_csrf_token_is_refused_politely(client):
    response = client.post("/volunteer", data=answers())
    assert response.status_code == 400
    assert "Your form has expired" in response.get_data(as_text=True)


def test_sign_ups_are_rate_limited_per_address(app):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "192.0.2.10"
    token = client.csrf_token("/volunteer")
    statuses = [client.post("/volunteer", data={"csrf_token": token}).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    refused = client.post("/volunteer", data={"csrf_token": token}).get_data(as_text=True)
    assert "Too many attempts" in refused
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.0.2.11"
    assert other.submit("/volunteer", answers()).status_code == 302


# --- leaving ---------------------------------------------------------------------------------


def leave_link() -> str:
    body = db.session.scalar(
        select(OutboxMessage.body).where(OutboxMessage.kind == "volunteer-leave")
    )
    return "/" + body.split("http://localhost/", 1)[1].split()[0]


def test_a_volunteer_can_have_their_details_deleted(client):
    volunteer = data.volunteer(email="robin@example.org")
    incident = data.incident()
    volunteers.deploy(volunteer, incident, task="sandbags at Frankwell car park")
    db.session.commit()
    vid = volunteer.id
    client.get_page("/volunteer/leave")
    known = client.submit("/volunteer/leave", {"email": "ROBIN@example.org"})
    unknown = client.submit("/volunteer/leave", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known.location == unknown.location == "/volunteer/leave/sent"
    client.get_page("/volunteer/leave/sent")
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1

    link = leave_link()
    page = client.get_page(link)  # opening the link (a mail scanner might) deletes nothing
    assert "Delete your details?" in page.h1.get_text()
    assert db.session.get(Volunteer, vid) is not None
    response = client.submit(link, {})
    assert response.status_code == 200 and "Your details have been deleted" in response.text
    db.session.expire_all()
    assert db.session.get(Volunteer, vid) is None
    assert db.session.scalar(select(func.count(Deployment.id))) == 0
    assert f"Volunteer V{vid}'s details deleted at their request" in log_lines()
    client.get_page(link, status=404)
    client.get_page("/volunteer/leave/not-a-token", status=404)


# --- CVEC: searching -------------------------------------------------------------------------


def _place(outcode: str) -> dict:
    point = geo.district_point(outcode)
    return {"outcode": outcode, "latitude": point.latitude, "longitude": point.longitude}


def test_search_by_skill_availability_dbs_and_words(client, make):
    medic = data.volunteer(name="Ali Medic", skills=["first_aid", "driving"], dbs_checked=True)
    driver = data.volunteer(name="Bo Driver", skills=["driving"], availability=["overnight"])
    data.volunteer(name="Cy Resting", skills=["first_aid", "driving"], active=False)
    signed_in(client, make)

    def names(query: str) -> list[str]:
        page = client.get_page("/emergency/volunteers" + query)
        return [a.get_text(strip=True) for a in page.select("tbody a")]

    assert names("") == ["Ali Medic", "Bo Driver"]
    assert names("?skills=first_aid&skills=driving") == ["Ali Medic"]
    assert names("?skills=driving&availability=overnight&availability=weekday_daytime") == [
        "Bo Driver"
    ]
    assert names("?dbs=yes") == ["Ali Medic"] and names("?dbs=no") == ["Bo Driver"]

    def found(who: str) -> list[str]:
        response = client.submit(
            "/emergency/volunteers/find", {"who": who}, form_path="/emergency/volunteers"
        )
        page = check_html(response.get_data(as_text=True))
        return [a.get_text(strip=True) for a in page.select("tbody a")]

    assert found("DRIVER") == ["Bo Driver"]
    assert found(driver.email.upper()) == ["Bo Driver"]
    assert found("resting") == ["Cy Resting"]  # finding someone includes the inactive
    assert found("%") == []  # LIKE's wildcard is only a character here
    too_long = client.submit(
        "/emergency/volunteers/find", {"who": "x" * 5000}, form_path="/emergency/volunteers"
    )
    assert "200 characters or fewer" in too_long.get_data(as_text=True)
    assert "Error: " in too_long.get_data(as_text=True).split("</title>")[0]
    assert names("?skills=first_aid&inactive=y") == ["Ali Medic", "Cy Resting"]
    page = client.get_page("/emergency/volunteers?skills=first_aid")
    assert "1 volunteer" in page.select_one("#result-count").get_text()
    row = page.select_one("tbody tr").get_text(" ", strip=True)
    assert "SY1" in row and "First aid, Driving, with my own car" in row and "Yes" in row
    assert medic.email not in page.get_text()  # the list shows names; details on the record


def test_search_by_distance_nearest_first_in_miles(client, make):
    data.volunteer(name="In Ludlow", **_place("SY8"))
    data.volunteer(name="In Shrewsbury", **_place("SY1"))
    data.volunteer(name="In Oswestry", **_place("SY11"))
    data.volunteer(name="In Birmingham", **_place("B1"))
    data.volunteer(name="Nowhere", latitude=None, longitude=None)
    signed_in(client, make)
    page = client.get_page("/emergency/volunteers?place=Shrewsbury&radius=20")
    rows = [r.get_text(" ", strip=True) for r in page.select("tbody tr")]
    assert [r.split(" SY")[0] for r in rows] == ["In Shrewsbury", "In Oswestry"]
    assert all(" miles" in r for r in rows)
    assert "2 volunteers within 20 miles of Shrewsbury" in page.get_text(" ", strip=True)
    wider = client.get_page("/emergency/volunteers?place=SY1&radius=50")
    assert [a.get_text() for a in wider.select("tbody a")][-1] == "In Birmingham"
    # A full postcode outside Shropshire: postcodes.io is unreachable, its district stands in.
    near_brum = client.get_page("/emergency/volunteers?place=B1+1AA&radius=5")
    assert [a.get_text() for a in near_brum.select("tbody a")] == ["In Birmingham"]


BAD_SEARCHES = [
    ("?place=Atlantis", "We could not find that place"),
    ("?place=SY1&radius=-5", "Choose a distance from the list"),
    ("?place=SY1&radius=1e308", "Choose a distance from the list"),
    ("?skills=<script>", "Choose skills from the list"),
    ("?dbs=perhaps", "Choose Any, Yes or No"),
    ("?page=1000000000000", "That page does not exist"),
    ("?page=-1", "That page does not exist"),
    ("?page=99", "That page does not exist"),
    ("?place=%00", "1 volunteer"),
    ("?_external=1&_scheme=javascript&page=x", "1 volunteer"),
]


def test_bad_search_values_are_named_never_a_500(client, make):
    data.volunteer()
    signed_in(client, make)
    for query, message in BAD_SEARCHES:
        page = client.get_page("/emergency/volunteers" + query)
        assert message in page.get_text(" ", strip=True), query
        assert "<script>" not in str(page.select_one("main")), query
        assert "javascript" not in str(page.select_one("main")), query


def test_search_pages_through_results(client, make):
    for n in range(27):
        data.volunteer(name=f"Volunteer {n:02}")
    signed_in(client, make)
    first = client.get_page("/emergency/volunteers?skills=first_aid")
    assert "27 volunteers" in first.select_one("#result-count").get_text()
    assert len(first.select("tbody tr")) == volunteers.PER_PAGE
    following = first.select_one(".govuk-pagination__next a")["href"]
    assert "skills=first_aid" in following and "page=2" in following
    second = client.get_page(following)
    assert [a.get_text() for a in second.select("tbody a")] == ["Volunteer 25", "Volunteer 26"]


# --- CVEC: a volunteer's record and deployments ----------------------------------------------


def test_deploy_check_in_and_check_out_are_logged_by_number(client, make):
    volunteer = data.volunteer(name="Dana Private", phone="07700 900111")
    hub = data.hub(location=make.location(name="Frankwell Hall", town="Shrewsbury"))
    incident = data.incident()
    signed_in(client, make)
    path = f"/emergency/volunteers/{volunteer.id}"
    page = client.get_page(path)
    assert "Dana Private" in page.h1.get_text()
    assert volunteer.email in page.get_text() and "07700 900111" in page.get_text()
    assert "residents' names" in page.get_text()  # the task's hint
    assert page.find("input", attrs={"name": "incident", "type": "hidden"})

    response = client.submit(
        path + "/deploy",
        {"incident": str(incident.id), "hub": str(hub.id)},
        form_path=path,
    )
    assert response.status_code == 302
    deployment = db.session.scalar(select(Deployment))
    page = client.get_page(path)
    assert "Frankwell Hall, Shrewsbury" in page.get_text()
    assert f"Volunteer V{volunteer.id} deployed." in page.get_text()
    assert [d.id for d in volunteers.deployed(incident)] == [deployment.id]
    assert volunteers.on_duty(incident) == 0

    client.submit(f"{path}/deployments/{deployment.id}/check-in", {}, form_path=path)
    assert volunteers.on_duty(incident) == 1
    # A second press of the button is refused, saying why.
    again = client.submit(f"{path}/deployments/{deployment.id}/check-in", {}, form_path=path)
    assert "already checked in" in again.get_data(as_text=True)
    client.submit(f"{path}/deployments/{deployment.id}/check-out", {}, form_path=path)
    assert volunteers.on_duty(incident) == 0

    n = f"Volunteer V{volunteer.id}"
    assert log_lines() == [
        f"{n} deployed to Frankwell Hall, Shrewsbury",
        f"{n} checked in at Frankwell Hall, Shrewsbury",
        f"{n} checked out of Frankwell Hall, Shrewsbury",
    ]
    assert audit_actions()[-3:] == [
        "volunteer.deployed",
        "volunteer.checked_in",
        "volunteer.checked_out",
    ]
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.target_type == "volunteer"))
    for event in events:
        assert event.target_id == str(volunteer.id)
        assert "Dana" not in str(event.details) and "07700" not in str(event.details)
    history = client.get_page(path).select_one("table").get_text(" ", strip=True)
    assert incident.name in history and "Frankwell Hall" in history


def test_deploying_to_a_task_when_several_incidents_are_active(client, make):
    volunteer = data.volunteer()
    older = data.incident(name="Teme flooding")
    newer = data.incident(name="Severn flooding")
    signed_in(client, make)
    path = f"/emergency/volunteers/{volunteer.id}"
    page = client.get_page(path)
    assert [o.get_text() for o in page.select("select#incident option")] == [
        "Severn flooding",
        "Teme flooding",
    ]
    missing = client.submit(path + "/deploy", {"task": ""}, form_path=path)
    text = missing.get_data(as_text=True)
    assert "Choose an active incident" in text and "Choose a hub or describe a task" in text
    both = client.submit(
        path + "/deploy",
        {"incident": str(older.id), "hub": str(data.hub().id), "task": "Drive"},
        form_path=path,
    )
    assert "Choose a hub or describe a task, not both" in both.get_data(as_text=True)
    contact = client.submit(
        path + "/deploy",
        {"incident": str(older.id), "task": "Call Mrs B on 07700 900123"},
        form_path=path,
    )
    assert "Remove the phone number or email address" in contact.get_data(as_text=True)
    client.submit(
        path + "/deploy",
        {"incident": str(older.id), "task": "Sandbags at <Frankwell> car park"},
        form_path=path,
    )
    assert log_lines() == [
        f"Volunteer V{volunteer.id} deployed to task: Sandbags at <Frankwell> car park"
    ]
    assert volunteers.deployed(newer) == []
    page = client.get_page(path)
    assert "task: Sandbags at <Frankwell> car park" in page.get_text()
    # Already deployed: the form has gone, and a second deployment is refused.
    assert page.find("form", action=path + "/deploy") is None
    twice = client.submit(
        path + "/deploy",
        {"incident": str(newer.id), "task": "Drive"},
        form_path=path,
    )
    assert "already deployed" in twice.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Deployment.id))) == 1


def test_deploying_without_an_active_incident_is_refused(client, make):
    volunteer = data.volunteer()
    hub = data.hub()
    data.incident(ended_at=utcnow())
    signed_in(client, make)
    path = f"/emergency/volunteers/{volunteer.id}"
    assert "There is no active incident" in client.get_page(path).get_text()
    response = client.submit(path + "/deploy", {"hub": str(hub.id)}, form_path=path)
    assert response.status_code == 200
    assert "There is no active incident" in response.get_data(as_text=True)
    assert "Error: " in response.get_data(as_text=True).split("</title>")[0]
    assert db.session.scalar(select(func.count(Deployment.id))) == 0
    with pytest.raises(volunteers.Refused, match="stood down"):
        volunteers.deploy(volunteer, db.session.scalar(select(Incident)), hub=hub)


def test_inactive_volunteers_are_not_deployed_and_the_change_is_logged(client, make):
    volunteer = data.volunteer()
    incident = data.incident()
    signed_in(client, make)
    path = f"/emergency/volunteers/{volunteer.id}"
    volunteers.deploy(volunteer, incident, task="Drive supplies")
    db.session.commit()
    client.submit(path + "/active", {"active": "no"}, form_path=path)
    db.session.refresh(volunteer)
    assert volunteer.active is False
    assert f"Volunteer V{volunteer.id} marked inactive" in log_lines()
    assert volunteers.counts_by_outcode() == {}
    with pytest.raises(volunteers.Refused, match="inactive"):
        volunteers.deploy(volunteer, incident, task="Drive")
    db.session.rollback()  # as the views do: a refusal may come after the row was locked
    client.submit(path + "/active", {"active": "yes"}, form_path=path)
    db.session.refresh(volunteer)
    assert volunteer.active is True
    assert audit_actions()[-2:] == ["volunteer.marked_inactive", "volunteer.marked_active"]


def test_cvec_deletes_a_volunteer_on_request(client, make):
    volunteer = data.volunteer(name="Eve Erased")
    volunteers.deploy(volunteer, data.incident(), task="Drive")
    db.session.commit()
    vid = volunteer.id
    signed_in(client, make)
    page = client.get_page(f"/emergency/volunteers/{vid}/delete")
    assert "Eve Erased" in page.get_text()
    response = client.submit(f"/emergency/volunteers/{vid}/delete", {})
    assert response.status_code == 302 and response.location == "/emergency/volunteers"
    db.session.expire_all()
    assert db.session.get(Volunteer, vid) is None
    assert db.session.scalar(select(func.count(Deployment.id))) == 0
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "volunteer.deleted"))
    assert event.target_id == str(vid) and event.details == {"deployments": 1, "by": "cvec"}
    assert (
        f"Volunteer V{vid}'s details have been deleted."
        in client.get_page("/emergency/volunteers").get_text()
    )


def test_unknown_or_mismatched_records_are_not_found(client, make):
    one, two = data.volunteer(), data.volunteer()
    deployment = volunteers.deploy(one, data.incident(), task="Drive")
    db.session.commit()
    signed_in(client, make)
    for path in (
        "/emergency/volunteers/999999",
        "/emergency/volunteers/99999999999999999999",
        "/emergency/volunteers/999999/delete",
        "/emergency/volunteers/abc",
    ):
        client.get_page(path, status=404)
    form = f"/emergency/volunteers/{one.id}"
    for path in (
        f"/emergency/volunteers/{two.id}/deployments/{deployment.id}/check-in",
        f"/emergency/volunteers/{one.id}/deployments/99999999999999/check-out",
        "/emergency/volunteers/99999999999/deploy",
        "/emergency/volunteers/99999999999/active",
    ):
        assert client.submit(path, {}, form_path=form).status_code == 404, path


# --- retention, and what other pages read -----------------------------------------------------


def test_purge_deletes_volunteers_past_their_retention(app):
    today = date.today()
    kept = data.volunteer(retain_until=today)
    gone = data.volunteer(retain_until=today - timedelta(days=1))
    volunteers.deploy(gone, data.incident(), task="Drive")
    db.session.commit()
    result = app.test_cli_runner().invoke(purge_volunteers)
    assert result.exit_code == 0, result.output
    assert "Deleted 1 volunteer past their retention date" in result.output
    db.session.expire_all()
    assert [v.id for v in db.session.scalars(select(Volunteer))] == [kept.id]
    assert db.session.scalar(select(func.count(Deployment.id))) == 0
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "volunteer.purged"))
    assert event.details["count"] == 1
    assert volunteers.purge(today) == 0
    assert audit_actions().count("volunteer.purged") == 1


def test_counts_by_outcode_counts_active_volunteers_only(app):
    data.volunteer(outcode="SY1")
    data.volunteer(outcode="SY1")
    data.volunteer(outcode="SY8")
    data.volunteer(outcode="SY8", active=False)
    assert volunteers.counts_by_outcode() == {"SY1": 2, "SY8": 1}


# --- who may see what ------------------------------------------------------------------------

PUBLIC = ["/volunteer", "/volunteer/thanks", "/volunteer/privacy", "/volunteer/leave"]
VISITORS = [None, Role.member, Role.frontline, Role.coordinator, Role.cvec, Role.admin]


@pytest.mark.parametrize("visitor", VISITORS, ids=lambda v: v or "anonymous")
def test_role_matrix(client, make, visitor):
    volunteer = data.volunteer()
    deployment = volunteers.deploy(volunteer, data.incident(), task="Drive")
    db.session.commit()
    vid = volunteer.id
    base = f"/emergency/volunteers/{vid}"
    gets = ["/emergency/volunteers", base, base + "/delete"]
    posts = [
        "/emergency/volunteers/find",
        base + "/deploy",
        f"{base}/deployments/{deployment.id}/check-in",
        f"{base}/deployments/{deployment.id}/check-out",
        base + "/active",
        base + "/delete",
    ]
    if visitor is not None:
        signed_in(client, make, visitor)
    for path in PUBLIC:
        client.get_page(path)
    allowed = visitor in (Role.cvec, Role.admin)
    token = client.csrf_token("/volunteer")
    for path in gets:
        if visitor is None:
            response = client.get(path)
            assert response.status_code == 302 and response.location.startswith("/sign-in")
        elif allowed:
            client.get_page(path)
        else:
            page = client.get_page(path, status=403)
            assert "You do not have permission" in page.h1.get_text()
    for path in posts:
        response = client.post(path, data={"csrf_token": token})
        if visitor is None:
            assert response.status_code == 302 and response.location.startswith("/sign-in")
        elif not allowed:
            assert response.status_code == 403
    db.session.expire_all()
    assert (db.session.get(Volunteer, vid) is None) == allowed


def test_personal_details_stay_off_public_pages_logs_and_the_audit(client, make, caplog):
    caplog.set_level(logging.DEBUG)
    client.submit("/volunteer", answers())
    client.get_page("/volunteer/thanks")
    volunteer = db.session.scalar(select(Volunteer))
    # Changing them: the email asking to confirm (sent through the log transport), the link
    # opened and confirmed, and more asks than a day allows (refused in the log, by number).
    for _ in range(volunteers.CHANGE_EMAILS_PER_DAY + 1):
        sign_up_again(client, name="Robin Newname", phone="01743 555123")
        client.get_page("/volunteer/thanks")
    assert outbox.send_pending()["sent"] == volunteers.CHANGE_EMAILS_PER_DAY
    link = link_in(change_messages()[0])
    client.get_page(link)
    client.submit(link, {})
    assert snapshot(volunteer)["phone"] == "01743 555123"
    assert "no change email" in caplog.text
    incident = data.incident()
    hub = data.hub()
    staff = signed_in(client.application.test_client(), make)
    path = f"/emergency/volunteers/{volunteer.id}"
    staff.submit(
        path + "/deploy",
        {"incident": str(incident.id), "hub": str(hub.id)},
        form_path=path,
    )
    deployment = db.session.scalar(select(Deployment))
    staff.submit(f"{path}/deployments/{deployment.id}/check-in", {}, form_path=path)
    staff.submit(f"{path}/deployments/{deployment.id}/check-out", {}, form_path=path)
    staff.submit(path + "/active", {"active": "no"}, form_path=path)
    staff.get_page(f"/emergency/volunteers?place={ANSWERS['postcode']}")
    staff.submit("/emergency/volunteers/find", {"who": "robin"}, form_path="/emergency/volunteers")
    client.submit("/volunteer/leave", {"email": ANSWERS["email"]})
    staff.submit(path + "/delete", {})

    private = ("Robin", "Helper", "Newname", "robin.helper", "07700 900982", "900982", "SY3 8HQ")
    private += ("01743 555123", "555123", "SY8 1AA")
    public = [*PUBLIC, "/volunteer/leave/sent", "/help", "/"]
    texts = [client.get(p).get_data(as_text=True) for p in public]
    audit = [
        f"{e.action} {e.target_id} {e.details}" for e in db.session.scalars(select(AuditEvent))
    ]
    for where, text in [("log", caplog.text), ("audit", " ".join(audit))] + list(
        zip(public, texts, strict=True)
    ):
        for value in private:
            assert value.lower() not in text.lower(), (where, value)
    for line in log_lines():
        assert "Volunteer V" in line
        for value in private:
            assert value.lower() not in line.lower()
