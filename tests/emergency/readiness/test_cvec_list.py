"""CVEC's list of standby hubs whose readiness check is older than HUB_READINESS_DAYS or
missing, oldest first; and emailing their organisations' members, one email for each
organisation's hubs, through the outbox and the audit log."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select

from accord.extensions import db
from accord.models import AuditEvent, OutboxMessage, Role
from emergency.models import HubStatus
from emergency.readiness import readiness
from tests.emergency import data
from tests.emergency.readiness.helpers import run_hub, sign_in

NOW = data.AFTERNOON


def checked(monkeypatch, hub, days_ago: int, boxes=("keyholders", "capacity", "facilities")):
    data.set_clock(monkeypatch, NOW - timedelta(days=days_ago))
    readiness.confirm(hub, list(boxes), "", None)
    db.session.commit()
    data.set_clock(monkeypatch, NOW)


def listed(client) -> list[list[str]]:
    page = client.get_page("/emergency/readiness")
    table = page.select_one("table#due")
    if table is None:
        return []
    return [
        [" ".join(cell.get_text().split()) for cell in row.select("td")]
        for row in table.select("tbody tr")
    ]


def test_the_list_shows_missing_then_the_oldest_checks(client, make, monkeypatch):
    data.set_clock(monkeypatch, NOW)
    fresh, _ = run_hub(make, "Fresh Hall")
    stale, _ = run_hub(make, "Stale Hall")
    staler, _ = run_hub(make, "Staler Hall")
    never, _ = run_hub(make, "Never Hall")
    data.hub(location=make.location(name="Shirehall"))  # CVEC's own
    open_hub, _ = run_hub(make, "Open Hall", status=HubStatus.open)  # in use: not standby
    checked(monkeypatch, fresh, 10)
    checked(monkeypatch, stale, 181)
    checked(monkeypatch, staler, 400)
    checked(monkeypatch, staler, 300)  # its latest check counts
    checked(monkeypatch, stale, 500)  # an older one later recorded changes nothing
    sign_in(client, make, Role.cvec)
    rows = listed(client)
    assert [row[0].split(",")[0] for row in rows] == [
        "Never Hall",
        "Shirehall",
        "Staler Hall",
        "Stale Hall",
    ]
    assert rows[0][1:] == ["Never Hall Trust", "Never", "–"]
    assert rows[1][1] == "CVEC"
    assert rows[2][2:] == ["6 February 2026", "300 days"]
    assert rows[3][3] == "181 days"
    assert open_hub.id not in {d.hub.id for d in readiness.due(180)}

    client.application.config["HUB_READINESS_DAYS"] = 5
    assert [row[0].split(",")[0] for row in listed(client)][-1] == "Fresh Hall"
    client.application.config["HUB_READINESS_DAYS"] = 1000
    assert [row[0].split(",")[0] for row in listed(client)] == ["Never Hall", "Shirehall"]


def test_nothing_due_says_so(client, make, monkeypatch):
    data.set_clock(monkeypatch, NOW)
    hub, _ = run_hub(make)
    checked(monkeypatch, hub, 1)
    sign_in(client, make, Role.cvec)
    page = client.get_page("/emergency/readiness")
    assert "has been checked in the last 180 days" in page.select_one("#due").get_text()
    assert page.select("main form") == []


def test_emailing_sends_one_email_for_each_organisations_hubs(client, make, monkeypatch, caplog):
    data.set_clock(monkeypatch, NOW)
    first, trust = run_hub(make, "Frankwell Hall")
    second = data.hub(location=make.location(name="Frankwell Annexe"), organisation=trust)
    other, church = run_hub(make, "Abbey Hall")
    lonely, _ = run_hub(make, "Empty Hall")  # its organisation has no members
    data.hub(location=make.location(name="Shirehall"))  # CVEC's own
    fine, fine_org = run_hub(make, "Fine Hall")
    checked(monkeypatch, second, 200)
    checked(monkeypatch, fine, 3)
    make.user(role=Role.member, organisation=trust, email="trust@example.org")
    make.user(role=Role.member, organisation=church, email="church-b@example.org")
    make.user(role=Role.member, organisation=church, email="church-a@example.org")
    make.user(role=Role.member, organisation=fine_org, email="fine@example.org")
    cvec = sign_in(client, make, Role.cvec)
    caplog.set_level(logging.DEBUG)
    response = client.submit("/emergency/readiness/remind", {}, form_path="/emergency/readiness")
    assert response.status_code == 302 and response.headers["Location"] == "/emergency/readiness"
    assert "Emailed 2 organisations (3 emails) about 3 hubs." in client.get_page(
        "/emergency/readiness"
    ).get_text(" ")

    sent = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.kind == "hub-readiness")
        .order_by(OutboxMessage.to)
    ).all()
    assert [m.to for m in sent] == [
        "church-a@example.org",
        "church-b@example.org",
        "trust@example.org",
    ]
    trust_mail = sent[2]
    assert trust_mail.subject == "Please check your emergency hubs are ready"
    assert "Frankwell Hall: never checked" in trust_mail.body
    assert "Frankwell Annexe: last checked" in trust_mail.body
    assert f"/emergency/hubs/{first.id}/readiness" in trust_mail.body
    assert f"/emergency/hubs/{second.id}/readiness" in trust_mail.body
    assert "Abbey Hall" not in trust_mail.body
    assert f"/emergency/hubs/{other.id}/readiness" in sent[0].body

    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == "hub.readiness_reminded")
        .order_by(AuditEvent.target_id)
    ).all()
    found = {(e.target_id, tuple(sorted(e.details["hubs"])), e.details["messages"]) for e in events}
    assert found == {
        (str(trust.id), tuple(sorted([first.id, second.id])), 1),
        (str(church.id), (other.id,), 2),
    }
    assert all(e.actor_id == cvec.id for e in events)
    assert lonely.organisation_id not in {int(e.target_id) for e in events}
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "@example.org" not in logged  # no one's address in a log line


def test_emailing_with_no_one_to_email_says_so(client, make, monkeypatch):
    data.set_clock(monkeypatch, NOW)
    run_hub(make, "Empty Hall")
    sign_in(client, make, Role.cvec)
    client.submit("/emergency/readiness/remind", {}, form_path="/emergency/readiness")
    assert "No organisation could be emailed" in client.get_page("/emergency/readiness").get_text()
    assert db.session.scalars(select(OutboxMessage)).all() == []


def test_hostile_names_are_escaped_on_the_list(client, make, monkeypatch):
    evil = "<script>alert('__pwned')</script>"
    data.set_clock(monkeypatch, NOW)
    run_hub(make, evil)
    sign_in(client, make, Role.cvec)
    body = client.get("/emergency/readiness").get_data(as_text=True)
    assert "<script>alert" not in body and "&lt;script&gt;alert(&#39;__pwned&#39;)" in body


def test_only_cvec_and_admins_see_the_list(client, make):
    run_hub(make)
    assert client.get("/emergency/readiness").status_code == 302
    for role in (Role.member, Role.frontline, Role.coordinator, Role.cvec, Role.admin):
        visitor = client.application.test_client()
        sign_in(visitor, make, role)
        expected = 200 if role in (Role.cvec, Role.admin) else 403
        assert visitor.get("/emergency/readiness").status_code == expected, role
