"""Sending a call-out: one row, one fresh token and one message a volunteer, by text where it
can go by text; the incident log with counts only; and each volunteer's answer by their link."""

from __future__ import annotations

from sqlalchemy import select

from accord.extensions import db
from accord.models import AuditEvent, OutboxMessage
from emergency.volunteers import retention
from emergency.volunteers.models import Volunteer
from tests.emergency import data
from tests.emergency.callouts.helpers import (
    cvec,
    link_of,
    messages,
    recipients,
    scene,
    start,
    the_callout,
)
from tests.emergency.volunteers.helpers import log_lines


def four(make):
    incident, hub = scene(make)
    texted = data.volunteer(name="Tess Texted", phone="07700 900001")
    emailed = data.volunteer(name="Emma Emailed", phone="", email="emma@example.org")
    stopped = data.volunteer(name="Stan Stopped", phone="07700 900002", texts_stopped=True)
    failing = data.volunteer(
        name="Fay Failing", phone="07700 900003", phone_failing=True, email="fay@example.org"
    )
    return incident, hub, [texted, emailed, stopped, failing]


def test_sending_texts_where_it_can_and_emails_the_rest(client, make):
    incident, hub, (texted, emailed, stopped, failing) = four(make)
    data.volunteer(name="Nobody Reachable", phone="", email_failing=True)
    response = start(cvec(client, make), incident, hub)
    assert response.status_code == 200
    assert "Call-out sent" in response.get_data(as_text=True)
    sent = messages("callout")
    assert [(m.channel, m.to) for m in sent] == [
        ("sms", "+447700900001"),
        ("email", "emma@example.org"),
        ("email", stopped.email),
        ("email", "fay@example.org"),
    ]
    rows = recipients()
    assert [r.volunteer_id for r in rows] == [texted.id, emailed.id, stopped.id, failing.id]
    assert len({r.token for r in rows}) == 4 and all(len(r.token) >= 40 for r in rows)
    for row, message in zip(rows, sent, strict=True):
        assert row.message_ids == [message.id]
        assert link_of(message) == f"/volunteer/callouts/{row.token}"
    assert sent[1].subject == "Can you help? Drivers with 4x4s to move sandbags"
    callout = the_callout()
    assert "[personal link]" in callout.message and callout.hub_id == hub.id
    line = log_lines()[-1]
    assert line == (
        "Call-out sent to 4 volunteers (1 texts, 3 emails): Drivers with 4x4s to move sandbags"
    )
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "callout.sent" in actions


def test_the_incident_log_and_audit_hold_no_personal_data(client, make):
    incident, hub, volunteers = four(make)
    start(cvec(client, make), incident, hub)
    for row in recipients():
        client.post(link_of_row(row), data={"csrf_token": csrf(client, row), "answer": "coming"})
    callout = the_callout()
    base = f"/emergency/incidents/{incident.id}/callouts/{callout.id}"
    for action in ("deploy", "close"):
        client.submit(f"{base}/{action}", {}, form_path=base)
    logged = " ".join(log_lines())
    details = " ".join(str(d) for d in db.session.scalars(select(AuditEvent.details)))
    for volunteer in volunteers:
        for personal in (volunteer.name, volunteer.email, volunteer.phone):
            if personal:
                assert personal not in logged and personal not in details
    assert "+4477" not in logged


def link_of_row(row) -> str:
    return f"/volunteer/callouts/{row.token}"


def csrf(client, row) -> str:
    return client.csrf_token(link_of_row(row))


def test_a_volunteer_answers_by_their_link(client, make):
    incident, hub, _ = four(make)
    start(cvec(client, make), incident, hub)
    first, second, *_ = recipients()
    volunteer = app_client(client)
    page = volunteer.get_page(link_of_row(first))
    assert page.h1.text == "Can you help?"
    assert "Drivers with 4x4s to move sandbags" in page.text and "Frankwell Hall" in page.text
    assert "Tess" not in page.text  # no one's details on a page anyone with the link sees
    response = volunteer.get(link_of_row(first))
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    said = volunteer.submit(link_of_row(first), {"answer": "coming"})
    assert "Thank you: you said you can come" in said.get_data(as_text=True)
    said = volunteer.submit(link_of_row(second), {"answer": "cannot"})
    assert "Thank you for letting us know" in said.get_data(as_text=True)
    db.session.expire_all()
    assert [r.answer for r in recipients()[:3]] == ["coming", "cannot", ""]
    # A changed mind is kept too.
    volunteer.submit(link_of_row(first), {"answer": "cannot"})
    db.session.expire_all()
    assert recipients()[0].answer == "cannot"


def app_client(client):
    return client.application.test_client()


def test_unknown_tokens_and_odd_answers(client, make):
    incident, hub, _ = four(make)
    start(cvec(client, make), incident, hub)
    volunteer = app_client(client)
    for token in ("nope", "x" * 43, "x" * 500):
        assert volunteer.get(f"/volunteer/callouts/{token}").status_code == 404
    page = volunteer.get_page("/volunteer/callouts/" + "y" * 43, status=404)
    assert "govuk-heading-l" in str(page.h1)
    first = recipients()[0]
    response = volunteer.submit(link_of_row(first), {"answer": "maybe"})
    assert response.status_code == 400
    db.session.expire_all()
    assert recipients()[0].answer == ""


def test_one_token_answers_for_its_own_volunteer_only(client, make):
    incident, hub, _ = four(make)
    start(cvec(client, make), incident, hub)
    first, second, *_ = recipients()
    volunteer = app_client(client)
    token = volunteer.csrf_token(link_of_row(first))
    # The other volunteer's id in the form changes nothing: the token alone decides whose.
    volunteer.post(
        link_of_row(first),
        data={"csrf_token": token, "answer": "coming", "recipient": str(second.id)},
    )
    db.session.expire_all()
    assert [r.answer for r in recipients()[:2]] == ["coming", ""]


def test_stop_texts_sends_later_call_outs_by_email(client, make):
    incident, hub, (texted, *_) = four(make)
    coordinator = cvec(client, make)
    start(coordinator, incident, hub)
    first = recipients()[0]
    volunteer = app_client(client)
    response = volunteer.submit(
        f"{link_of_row(first)}/stop-texts", {}, form_path=link_of_row(first)
    )
    assert "We will not text you again" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Volunteer, texted.id).texts_stopped
    start(coordinator, incident, hub)
    latest = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to == texted.email)).all()
    assert [m.channel for m in latest] == ["email"]


def test_a_closed_call_out_refuses_answers_politely(client, make):
    incident, hub, _ = four(make)
    coordinator = cvec(client, make)
    start(coordinator, incident, hub)
    callout = the_callout()
    base = f"/emergency/incidents/{incident.id}/callouts/{callout.id}"
    first = recipients()[0]
    volunteer = app_client(client)
    token = volunteer.csrf_token(link_of_row(first))
    coordinator.submit(f"{base}/close", {}, form_path=base)
    response = volunteer.post(link_of_row(first), data={"csrf_token": token, "answer": "coming"})
    assert response.status_code == 200
    assert "This call-out has closed" in response.get_data(as_text=True)
    db.session.expire_all()
    assert recipients()[0].answer == ""


def test_a_purged_volunteer_leaves_the_counts(client, make):
    incident, hub, (texted, *_) = four(make)
    start(cvec(client, make), incident, hub)
    first = recipients()[0]
    app_client(client).submit(link_of_row(first), {"answer": "coming"})
    token = first.token
    retention.delete(db.session.get(Volunteer, texted.id))
    db.session.commit()
    db.session.expire_all()
    assert recipients()[0].volunteer_id is None and recipients()[0].answer == "coming"
    assert app_client(client).get(f"/volunteer/callouts/{token}").status_code == 404
    callout = the_callout()
    page = client.get_page(f"/emergency/incidents/{incident.id}/callouts/{callout.id}")
    assert page.find(id="count-coming").text == "1"
    assert "Details deleted" in page.text


def test_cvec_sees_texts_stopped_on_the_volunteer(client, make):
    volunteer = data.volunteer(texts_stopped=True, phone_failing=True)
    page = cvec(client, make).get_page(f"/emergency/volunteers/{volunteer.id}")
    assert "Texts stopped" in page.text and "Number failing" in page.text


def test_the_personal_link_is_rate_limited(client, make):
    incident, hub, _ = four(make)
    start(cvec(client, make), incident, hub)
    link = link_of_row(recipients()[0])
    volunteer = app_client(client)
    statuses = {volunteer.get(link).status_code for _ in range(31)}
    assert statuses == {200, 429}


def test_the_retention_purge_keeps_the_answers_as_counts(client, make):
    from datetime import timedelta

    from accord.clock import today_uk

    incident, hub, (texted, *_) = four(make)
    start(cvec(client, make), incident, hub)
    app_client(client).submit(link_of_row(recipients()[0]), {"answer": "coming"})
    db.session.get(Volunteer, texted.id).retain_until = today_uk() - timedelta(days=1)
    db.session.commit()
    assert retention.purge(today_uk()) == 1
    db.session.commit()
    db.session.expire_all()
    first = recipients()[0]
    assert (first.volunteer_id, first.answer) == (None, "coming")
