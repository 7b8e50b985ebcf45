"""Standing an incident down: a confirmation step that asks what happens to each open hub and
requires the debrief; then the hubs are closed or back on standby, volunteers checked out, and
the public no longer sees any hub as open."""

from __future__ import annotations

import json

import pytest

from accord.extensions import db
from emergency import hubs, standing_down
from emergency.models import HubStatus, Incident
from emergency.volunteers import deployments
from tests.emergency import data

DEBRIEF = "Sandbag requests came in faster than we logged them."


@pytest.fixture
def flood(make):
    """A Shrewsbury flood with an open hub, a full one, one on standby and a volunteer out."""
    incident = data.incident()
    frankwell = data.hub(
        location=make.location(name="Frankwell Hall", postcode="SY3 8HQ"),
        status=HubStatus.open,
        occupancy=12,
        needs="blankets",
    )
    coleham = data.hub(location=make.location(name="Coleham Hall"), status=HubStatus.full)
    standby = data.hub(location=make.location(name="Standby Hall"))
    volunteer = data.volunteer()
    deployment = deployments.deploy(volunteer, incident, hub=frankwell)
    deployments.check_in(deployment)
    db.session.commit()
    return {
        "incident": incident,
        "frankwell": frankwell,
        "coleham": coleham,
        "standby": standby,
        "deployment": deployment,
    }


def test_the_incident_page_offers_a_link_to_a_confirmation_step_not_a_one_click_form(cvec, flood):
    incident = flood["incident"]
    page = cvec.get_page(f"/emergency/incidents/{incident.id}")
    link = page.find("a", string="Stand down the incident")
    assert link["href"] == f"/emergency/incidents/{incident.id}/stand-down"
    posts = [f["action"] for f in page.find_all("form", method="post")]
    assert not any(action.endswith("/stand-down") for action in posts)

    confirm = cvec.get_page(link["href"])
    text = confirm.get_text(" ", strip=True)
    assert "What happens to Frankwell Hall?" in text
    assert "What happens to Coleham Hall?" in text
    assert "Standby Hall" not in text  # not open: nothing to decide
    assert "checks out the 1 volunteer still deployed" in text
    for hub in (flood["frankwell"], flood["coleham"]):
        values = [r["value"] for r in confirm.select(f"input[name=hub_{hub.id}]")]
        assert values == ["closed", "standby"]
    db.session.refresh(incident)
    assert incident.active  # looking is not standing down


@pytest.mark.parametrize(
    "answers, message",
    [
        ({"debrief": ""}, "Enter what went well"),
        ({"debrief": "   "}, "Enter what went well"),
        ({"debrief": DEBRIEF, "frankwell": ""}, "Select what happens to Frankwell Hall"),
        ({"debrief": DEBRIEF, "coleham": "demolished"}, "Not a valid choice"),
    ],
)
def test_an_empty_debrief_or_a_hub_left_undecided_is_refused(cvec, flood, answers, message):
    incident = flood["incident"]
    choices = {"frankwell": "closed", "coleham": "standby", **answers}
    form = {"debrief": choices["debrief"]}
    for key in ("frankwell", "coleham"):
        if choices[key]:
            form[f"hub_{flood[key].id}"] = choices[key]
    path = f"/emergency/incidents/{incident.id}/stand-down"
    response = cvec.submit(path, form)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "There is a problem" in body and message in body
    assert choices["debrief"] in body  # what was typed is kept
    db.session.refresh(incident)
    assert incident.active
    assert db.session.get(type(flood["frankwell"]), flood["frankwell"].id).status == "open"


def test_standing_down_closes_or_stands_by_each_hub_and_checks_volunteers_out(cvec, client, flood):
    incident, frankwell, coleham = flood["incident"], flood["frankwell"], flood["coleham"]
    path = f"/emergency/incidents/{incident.id}/stand-down"
    form = {"debrief": DEBRIEF, f"hub_{frankwell.id}": "closed", f"hub_{coleham.id}": "standby"}
    response = cvec.submit(path, form)
    assert response.status_code == 302
    assert response.location == f"/emergency/incidents/{incident.id}/stood-down"

    db.session.expire_all()
    assert (frankwell.status, frankwell.occupancy, frankwell.needs) == ("closed", 0, "")
    assert coleham.status == "standby"
    assert flood["standby"].status == "standby"
    assert flood["deployment"].checked_out_at is not None
    assert incident.ended_at is not None and incident.debrief == DEBRIEF
    assert incident.log[-1].text == (
        "Incident stood down: 1 hub closed, 1 hub returned to standby, 1 volunteer checked out"
    )

    page = cvec.get_page(response.location)
    panel = page.select_one(".govuk-panel--confirmation")
    assert "Incident stood down" in panel.get_text() and incident.name in panel.get_text()
    text = page.get_text(" ", strip=True)
    assert "Closed 1 hub: Frankwell Hall." in text
    assert "Returned 1 hub to standby: Coleham Hall." in text
    assert "Checked out 1 volunteer still deployed." in text

    # The public no longer sees any hub as open, anywhere.
    client.post("/sign-out", data={"csrf_token": cvec.csrf_token("/emergency")})
    found = client.get_page("/help?where=SY3 8HQ")
    assert found.select(".app-result[id^=hub-]") == []
    assert "No community hubs are open near there" in found.get_text()
    assert "No community hubs are open" in client.get_page("/help/map").get_text()
    frame = client.get("/help/map/frame").get_data(as_text=True)
    assert "Frankwell Hall" not in frame and "Coleham Hall" not in frame
    geojson = json.loads(client.get("/emergency/hubs.geojson").get_data(as_text=True))
    assert geojson["features"] == []


def test_standing_down_twice_changes_nothing_and_pages_redirect(cvec, flood):
    incident = flood["incident"]
    path = f"/emergency/incidents/{incident.id}"
    assert cvec.get(f"{path}/stood-down").location == f"{path}/stand-down"  # not yet
    cvec.submit(f"{path}/stand-down", {"debrief": DEBRIEF, **_close_all(flood)})
    db.session.expire_all()
    hubs.set_status(flood["frankwell"], "open", 3, "", None)  # reopened later, by hand
    assert cvec.get(f"{path}/stand-down").location == path
    again = cvec.submit(f"{path}/stand-down", {"debrief": "again"}, form_path=path)
    assert again.location == path
    db.session.expire_all()
    assert flood["frankwell"].status == "open"
    assert incident.debrief == DEBRIEF


def _close_all(flood) -> dict:
    return {f"hub_{flood[k].id}": "closed" for k in ("frankwell", "coleham")}


def test_hubs_open_for_another_active_incident_stay_open(cvec, make, flood):
    other = data.incident(name="Ludlow power cut", place="Ludlow")  # the newer: hubs log to it
    ludlow = data.hub(location=make.location(name="Ludlow Assembly Rooms", town="Ludlow"))
    hubs.set_status(ludlow, "open", 5, "", None)
    assert {h.id for h in standing_down.plan(flood["incident"]).hubs} == {
        flood["frankwell"].id,
        flood["coleham"].id,
    }
    standing_down.stand_down(flood["incident"], DEBRIEF, {}, None)
    db.session.expire_all()
    assert ludlow.status == "open"
    assert flood["frankwell"].status == flood["coleham"].status == "closed"  # the default
    assert db.session.get(Incident, other.id).active


def test_no_hub_is_published_as_open_while_no_incident_is_active(client, make):
    # A hub left open by hand, with no incident: the public is not sent there.
    left_open = data.hub(location=make.location(name="Forgotten Hall"), status=HubStatus.open)
    data.hub(location=make.location(name="Quiet Hall"))
    page = client.get_page("/help?where=SY1 1AA")
    assert page.select(".app-result[id^=hub-]") == []
    assert "no community hubs are open" in page.get_text()
    assert "Forgotten Hall" not in client.get_page("/help/map").get_text()
    assert "Forgotten Hall" not in client.get("/help/map/frame").get_data(as_text=True)
    assert json.loads(client.get("/emergency/hubs.geojson").data)["features"] == []
    every = json.loads(client.get("/emergency/hubs.geojson?status=all").data)["features"]
    assert [f["properties"]["name"] for f in every] == ["Quiet Hall"]
    # During an incident the same hub is listed.
    data.incident()
    page = client.get_page("/help?where=SY1 1AA")
    assert page.select_one(f"#hub-{left_open.id}") is not None
