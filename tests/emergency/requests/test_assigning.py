"""Asking someone to meet a request: a volunteer deployed with the request as the task, a
mutual-aid network active in the incident (refused for one that is not), a public-sector team
by name and contact with when it was asked and when it answered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from accord.extensions import db
from emergency.networks import networks
from emergency.volunteers.models import Deployment
from tests.emergency import data
from tests.emergency.requests.helpers import (
    audit_of,
    cvec,
    latest,
    log_texts,
    page_of,
    raise_one,
    scene,
)

START = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


def test_deploy_a_volunteer_with_the_request_as_the_task(client, make):
    incident, hub = scene(make)
    cvec(client, make)
    made = raise_one(client, incident, hub)
    volunteer = data.volunteer()
    response = client.submit(
        f"{page_of(made)}/assign", {"to": "volunteers", "volunteer": f"v{volunteer.id}"}
    )
    assert response.status_code == 302
    deployment = db.session.scalars(select(Deployment)).one()
    assert deployment.volunteer_id == volunteer.id and deployment.hub_id == hub.id
    assert deployment.task == "request R1: blankets"
    row = latest().assignments[0]
    assert (row.kind, row.deployment_id) == ("volunteers", deployment.id)
    assert (
        log_texts(incident)[-1] == f"Request R1 (bedding ×20) assigned to Volunteer V{volunteer.id}"
    )
    page = client.get_page(page_of(made))
    assert f"Volunteer V{volunteer.id}" in page.select_one("#asked").find_next("table").get_text()
    # Deployed already: refused, saying why; an unknown number too.
    again = client.submit(
        f"{page_of(made)}/assign", {"to": "volunteers", "volunteer": str(volunteer.id)}
    )
    assert again.status_code == 409 and "already deployed" in again.get_data(as_text=True)
    unknown = client.submit(f"{page_of(made)}/assign", {"to": "volunteers", "volunteer": "V999"})
    assert unknown.status_code == 409 and "There is no volunteer V999" in unknown.get_data(
        as_text=True
    )
    bad = client.submit(f"{page_of(made)}/assign", {"to": "volunteers", "volunteer": "Bob"})
    assert bad.status_code == 400 and "Enter a volunteer number like V12" in bad.get_data(
        as_text=True
    )


def test_a_private_request_task_carries_no_words(client, make):
    incident, hub = scene(make)
    cvec(client, make)
    made = raise_one(client, incident, hub, kind="transport", detail="dialysis run", public="no")
    volunteer = data.volunteer()
    client.submit(f"{page_of(made)}/assign", {"to": "volunteers", "volunteer": str(volunteer.id)})
    task = db.session.scalars(select(Deployment.task)).one()
    assert task == "request R1 (transport ×20)"
    assert not any("dialysis" in line for line in log_texts(incident))


def test_ask_a_network_active_in_the_incident_only(client, make):
    incident, hub = scene(make)
    cvec(client, make)
    made = raise_one(client, incident, hub)
    helping, idle = data.network(name="Castlefields Mutual Aid"), data.network(name="Idle Aid")
    networks.set_active(helping, incident, True)
    db.session.commit()
    page = client.get_page(page_of(made))
    offered = [o.get_text() for o in page.select("select[name=network] option")]
    assert offered == ["Choose a network", "Castlefields Mutual Aid"]
    refused = client.submit(f"{page_of(made)}/assign", {"to": "network", "network": str(idle.id)})
    assert refused.status_code == 400
    assert "Choose a network active in this incident" in refused.get_data(as_text=True)
    assert latest().assignments == []
    done = client.submit(f"{page_of(made)}/assign", {"to": "network", "network": str(helping.id)})
    assert done.status_code == 302
    row = latest().assignments[0]
    assert (row.kind, row.network_id) == ("network", helping.id)
    assert log_texts(incident)[-1] == f"Request R1 (bedding ×20) asked of network N{helping.id}"


def test_the_plain_function_refuses_a_network_not_active(make):
    import pytest

    from emergency.requests import requests

    incident, hub = scene(make)
    made = requests.raise_request(
        incident, requests.Details("food", "soup", 3, None, "", True, hub.id), None
    )
    with pytest.raises(requests.Refused, match="is not active in this incident"):
        requests.assign_network(made, data.network(), None)


def test_ask_a_team_and_record_its_answer(client, make, monkeypatch):
    data.set_clock(monkeypatch, START)
    incident, hub = scene(make)
    cvec(client, make)
    made = raise_one(client, incident, hub, kind="medical", detail="oxygen", public="no")
    team = {
        "to": "team",
        "team_name": "Adult social care duty team",
        "team_contact": "01743 555000",
    }
    missing = client.submit(f"{page_of(made)}/assign", {**team, "team_contact": ""})
    assert missing.status_code == 400 and "Enter how to contact the team" in missing.get_data(
        as_text=True
    )
    assert client.submit(f"{page_of(made)}/assign", team).status_code == 302
    row = latest().assignments[0]
    assert (row.kind, row.team_name, row.asked_at) == (
        "team",
        team["team_name"],
        START.replace(tzinfo=None),
    )
    assert log_texts(incident)[-1] == "Request R1 (medical ×20) asked of a public-sector team"
    page = client.get_page(page_of(made))
    assert page.select_one("#asked ~ table a[href='tel:01743555000']") is not None
    link = page.select_one("a:-soup-contains('Record the answer')")["href"]

    data.set_clock(monkeypatch, START + timedelta(hours=1))
    form = client.get_page(link)
    assert form.select_one("input[name=time]")["value"] == "11:00"
    early = {"answer": "Sending a nurse", "day": ["3", "12", "2026"], "time": "9am"}
    response = client.submit(link, early)
    assert response.status_code == 400
    assert "The time answered must be after the time asked" in response.get_data(as_text=True)
    assert client.submit(link, {**early, "time": "10:40am"}).status_code == 302
    row = latest().assignments[0]
    assert row.answer == "Sending a nurse"
    assert row.answered_at == datetime(2026, 12, 3, 10, 40)
    assert log_texts(incident)[-1] == "Request R1 (medical ×20) answered by the team"
    actions = [e.action for e in audit_of(latest())]
    assert actions[-2:] == ["help_request.assigned", "help_request.answered"]
    assert "Sending a nurse" not in str([e.details for e in audit_of(latest())])
    shown = client.get_page(page_of(made)).select_one("#asked ~ table").get_text(" ", strip=True)
    assert "3 Dec 2026, 10:40am: Sending a nurse" in shown


def test_closed_requests_take_no_more_asks(client, make):
    incident, hub = scene(make)
    cvec(client, make)
    made = raise_one(client, incident, hub)
    client.submit(f"{page_of(made)}/status", {"status": "met"})
    assert "Ask someone to meet it" not in client.get(page_of(made)).get_data(as_text=True)
    team = {"to": "team", "team_name": "Highways", "team_contact": "01743 555000"}
    response = client.submit(f"{page_of(made)}/assign", team)
    assert response.status_code == 409
    assert "is met" in response.get_data(as_text=True)
