"""The CVEC map and the public help map (what each audience may see), and the situation
report as a page and CSV."""

from __future__ import annotations

import csv
import io

import pytest

from accord.extensions import db
from emergency import incidents
from emergency.models import HubStatus
from emergency.networks import networks
from emergency.volunteers.models import Deployment
from tests.emergency import data
from tests.factories import PASSWORD

EVIL = "<img src=x onerror=alert(1)>{{ 7*7 }}"


@pytest.fixture
def scene(make):
    """An incident with an open hub, a standby hub, an active and an idle network, a
    volunteer deployed and checked in."""
    incident = data.incident()
    open_hub = data.hub(
        location=make.location(name="Frankwell Hall"),
        status=HubStatus.open,
        occupancy=25,
        needs='=HYPERLINK("http://evil")',
    )
    standby = data.hub(location=make.location(name="Standby Hall"))
    active = data.network(name="Coleham Neighbours")
    idle = data.network(name="Quiet Lane Helpers", outcodes=["SY8"], towns=["Ludlow"])
    networks.set_active(active, incident, True, None)
    incidents.add_note(incident, "Police closed the Welsh Bridge", None)
    volunteer = data.volunteer(name="Vera Volunteer", email="vera@example.org")
    deployment = Deployment(volunteer=volunteer, incident_id=incident.id, hub=open_hub)
    db.session.add(deployment)
    db.session.commit()
    return {
        "incident": incident,
        "open": open_hub,
        "standby": standby,
        "active": active,
        "idle": idle,
        "volunteer": volunteer,
    }


def sign_in(client, make, role="cvec"):
    make.user(role=role, email=f"{role}@example.org")
    client.sign_in(f"{role}@example.org", PASSWORD)


def test_cvec_map_has_every_layer_and_no_personal_data(client, make, scene):
    sign_in(client, make)
    page = client.get_page("/emergency/map")
    assert page.find("iframe")["src"] == "/emergency/map/frame"
    assert "Flood data unavailable" in page.get_text()  # the feed is unreachable in tests
    frame = client.get("/emergency/map/frame")
    assert frame.status_code == 200
    assert "frame-ancestors 'self'" in frame.headers["Content-Security-Policy"]
    html = frame.get_data(as_text=True)
    for layer in ("Hubs", "Mutual-aid networks", "Incident area", "Volunteers by district"):
        assert layer in html, layer
    for name in ("Frankwell Hall", "Standby Hall", "Coleham Neighbours", "Quiet Lane Helpers"):
        assert name in html, name
    assert "SY1: 1 volunteer" in html
    for private in ("Vera", "vera@example.org", "Pat Keyholder", "07700", "Sam Organiser"):
        assert private not in html, private


def test_public_map_shows_open_hubs_and_active_networks_only(client, scene):
    page = client.get_page("/help/map")
    assert "Frankwell Hall" in page.get_text()
    html = client.get("/help/map/frame").get_data(as_text=True)
    assert "Frankwell Hall" in html and "Coleham Neighbours" in html
    for hidden in ("Standby Hall", "Quiet Lane Helpers", "Volunteers by district", "Vera"):
        assert hidden not in html, hidden
    for private in ("Pat Keyholder", "07700", "Sam Organiser", "sam@example.org"):
        assert private not in html, private


def test_typed_html_and_template_code_are_inert_on_maps(client, make):
    data.incident()
    data.hub(location=make.location(name=EVIL), status=HubStatus.open, needs=EVIL)
    html = client.get("/help/map/frame").get_data(as_text=True)
    assert "<img src=x" not in html
    assert "{{ 7*7 }}" in html  # shown as typed: never run as a template


def test_help_lists_networks_covering_the_place_helping_ones_first(client, scene):
    page = client.get_page("/help?where=SY1 1AA")
    names = [h.get_text(strip=True) for h in page.select("[id^=network-] h3")]
    assert names[0] == "Coleham Neighbours"
    assert "Helping now" in page.select_one(f"#network-{scene['active'].id}").get_text()
    assert "Quiet Lane Helpers" not in names  # covers Ludlow, not Shrewsbury
    assert "Sam Organiser" not in page.get_text()


def test_sitrep_page_and_csv(client, make, scene, monkeypatch):
    data.set_clock(monkeypatch, data.AFTERNOON)
    sign_in(client, make)
    incident = scene["incident"]
    page = client.get_page(f"/emergency/incidents/{incident.id}/sitrep")
    text = page.get_text(" ", strip=True)
    assert "People in hubs 25" in text
    assert f"V{scene['volunteer'].id} to Frankwell Hall" in text
    assert "Coleham Neighbours" in text and "Quiet Lane Helpers" not in text
    assert "Vera" not in text
    response = client.get(f"/emergency/incidents/{incident.id}/sitrep.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body)))
    hub_row = next(r for r in rows if r and r[0] == "Frankwell Hall")
    header = next(r for r in rows if r and r[0] == "Hub")
    assert header[4:7] == ["Capacity by day", "Capacity by day", "Capacity overnight"]
    assert hub_row[2:7] == ["Open", "25", "80", "80", "40"]
    assert hub_row[7].startswith("'=HYPERLINK")  # a spreadsheet shows it, never runs it
    number = f"V{scene['volunteer'].id}"
    assert next(r for r in rows if r and r[0] == number)[1] == "Frankwell Hall"
    assert any(r and r[0] == "Coleham Neighbours" for r in rows)
    assert ["note", "Police closed the Welsh Bridge"] in [r[1:] for r in rows]
    assert "Vera" not in body and "vera@example.org" not in body


@pytest.mark.parametrize("role", [None, "member", "frontline", "coordinator", "cvec", "admin"])
def test_map_and_sitrep_role_matrix(client, make, scene, role):
    if role:
        sign_in(client, make, role)
    incident = scene["incident"].id
    for path in (
        "/emergency/map",
        "/emergency/map/frame",
        f"/emergency/incidents/{incident}/sitrep",
        f"/emergency/incidents/{incident}/sitrep.csv",
    ):
        expected = 200 if role in ("cvec", "admin") else 302 if role is None else 403
        assert client.get(path).status_code == expected, (path, role)
    for path in ("/help/map", "/help/map/frame", "/emergency/hubs.geojson"):
        assert client.get(path).status_code == 200, path


def test_a_postcode_finds_networks_naming_its_post_town(client):
    town_only = data.network(name="Shrewsbury Street Champions", towns=["Shrewsbury"], outcodes=[])
    data.network(name="Ludlow Helpers", towns=["Ludlow"], outcodes=["SY8"])
    page = client.get_page("/help?where=SY3")
    names = [h.get_text(strip=True) for h in page.select("[id^=network-] h3")]
    assert names == [town_only.name]
