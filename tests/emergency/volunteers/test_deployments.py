"""CVEC deploys volunteers, checks them in and out and marks them inactive, logged by number."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from accord import clock
from accord.clock import utcnow
from accord.extensions import db
from accord.models import AuditEvent, OutboxMessage
from emergency.models import Incident
from emergency.volunteers import deployments, finding
from emergency.volunteers.models import Deployment
from tests.emergency import data
from tests.emergency.volunteers.helpers import (
    audit_actions,
    log_lines,
    signed_in,
)


def test_a_volunteer_can_be_given_a_task_at_a_hub(client, make):
    volunteer = data.volunteer()
    hub = data.hub(location=make.location(name="Frankwell Hall", town="Shrewsbury"))
    incident = data.incident()
    signed_in(client, make)
    path = f"/emergency/volunteers/{volunteer.id}"
    response = client.submit(
        path + "/deploy",
        {"incident": str(incident.id), "hub": str(hub.id), "task": "Serving hot meals"},
        form_path=path,
    )
    assert response.status_code == 302
    deployment = db.session.scalar(select(Deployment))
    assert (deployment.hub_id, deployment.task) == (hub.id, "Serving hot meals")
    said = "Frankwell Hall, Shrewsbury (task: Serving hot meals)"
    assert log_lines() == [f"Volunteer V{volunteer.id} deployed to {said}"]
    page = client.get_page(path)
    assert said in page.get_text()
    listed = client.get_page("/emergency/volunteers").select_one("tbody").get_text(" ", strip=True)
    assert said in listed
    report = client.get_page(f"/emergency/incidents/{incident.id}/sitrep").get_text(" ")
    assert "Frankwell Hall (task: Serving hot meals)" in report
    with pytest.raises(deployments.Refused, match="Choose a hub or describe a task"):
        deployments.deploy(data.volunteer(), incident)


def test_a_volunteer_deployed_from_their_page_is_told_where_to_go(client, make):
    volunteer = data.volunteer(phone="07700 900111")
    building = make.location(name="Frankwell Hall", town="Shrewsbury", postcode="SY3 8HQ")
    hub = data.hub(location=building)
    incident = data.incident()
    signed_in(client, make)
    path = f"/emergency/volunteers/{volunteer.id}"
    client.submit(
        path + "/deploy",
        {"incident": str(incident.id), "hub": str(hub.id), "task": "Serving hot meals"},
        form_path=path,
    )
    (message,) = db.session.scalars(select(OutboxMessage))
    assert (message.channel, message.to) == ("sms", "+447700900111")
    assert "Frankwell Hall" in message.body and "SY3 8HQ" in message.body
    assert "Serving hot meals" in message.body and "Pat Keyholder" not in message.body


def test_deploy_check_in_and_check_out_are_logged_by_number(client, make):
    volunteer = data.volunteer(name="Dana Private", phone="07700 900111")
    hub = data.hub(location=make.location(name="Frankwell Hall", town="Shrewsbury"))
    incident = data.incident()
    signed_in(client, make)
    path = f"/emergency/volunteers/{volunteer.id}"
    page = client.get_page(path)
    assert "Dana Private" in page.h1.get_text()
    assert volunteer.email in page.get_text() and "07700 900111" in page.get_text()
    assert page.find("a", href="tel:07700900111").get_text() == "07700 900111"
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
    assert [d.id for d in deployments.deployed(incident)] == [deployment.id]
    assert deployments.on_duty(incident) == 0

    client.submit(f"{path}/deployments/{deployment.id}/check-in", {}, form_path=path)
    assert deployments.on_duty(incident) == 1
    # A second press of the button is refused, saying why.
    again = client.submit(f"{path}/deployments/{deployment.id}/check-in", {}, form_path=path)
    assert "already checked in" in again.get_data(as_text=True)
    client.submit(f"{path}/deployments/{deployment.id}/check-out", {}, form_path=path)
    assert deployments.on_duty(incident) == 0

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


def test_the_record_shows_times_on_uk_clocks(client, make, monkeypatch):
    # 1:05pm UTC in July is 2:05pm in Shrewsbury (British Summer Time).
    monkeypatch.setattr(clock, "system_time", lambda: datetime(2026, 7, 15, 13, 5, tzinfo=UTC))
    volunteer = data.volunteer(dbs_checked=True, dbs_date=date(2024, 2, 14))
    incident = data.incident()
    deployment = deployments.deploy(volunteer, incident, task="Sandbags")
    deployments.check_in(deployment)
    db.session.commit()
    signed_in(client, make)
    page = client.get_page(f"/emergency/volunteers/{volunteer.id}")
    rows = {
        row.dt.get_text(strip=True): row.dd.get_text(" ", strip=True)
        for row in page.select(".govuk-summary-list__row")
    }
    assert rows["DBS check"] == "Yes, issued 14 February 2024"
    assert rows["Details kept until"] == clock.date_text(volunteer.retain_until)
    assert rows["Deployed at"] == rows["Checked in"] == "15 July 2026 at 2:05pm"
    history = page.select_one("table tbody tr").get_text(" ", strip=True)
    assert "15 Jul 2026, 2:05pm 15 Jul 2026, 2:05pm –" in history
    listed = client.get_page("/emergency/volunteers").select_one("tbody").get_text(" ", strip=True)
    assert "Yes, 14 Feb 2024" in listed


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
    assert deployments.deployed(newer) == []
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
    with pytest.raises(deployments.Refused, match="stood down"):
        deployments.deploy(volunteer, db.session.scalar(select(Incident)), hub=hub)


def test_inactive_volunteers_are_not_deployed_and_the_change_is_logged(client, make):
    volunteer = data.volunteer()
    incident = data.incident()
    signed_in(client, make)
    path = f"/emergency/volunteers/{volunteer.id}"
    deployments.deploy(volunteer, incident, task="Drive supplies")
    db.session.commit()
    client.submit(path + "/active", {"active": "no"}, form_path=path)
    db.session.refresh(volunteer)
    assert volunteer.active is False
    assert f"Volunteer V{volunteer.id} marked inactive" in log_lines()
    assert finding.counts_by_outcode() == {}
    with pytest.raises(deployments.Refused, match="inactive"):
        deployments.deploy(volunteer, incident, task="Drive")
    db.session.rollback()  # as the views do: a refusal may come after the row was locked
    client.submit(path + "/active", {"active": "yes"}, form_path=path)
    db.session.refresh(volunteer)
    assert volunteer.active is True
    assert audit_actions()[-2:] == ["volunteer.marked_inactive", "volunteer.marked_active"]


def test_unknown_or_mismatched_records_are_not_found(client, make):
    one, two = data.volunteer(), data.volunteer()
    deployment = deployments.deploy(one, data.incident(), task="Drive")
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
