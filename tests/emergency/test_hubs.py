"""Hub profiles, status in two taps with history and the incident log, who may change what,
and the public view (never key-holders)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from accord.extensions import db
from directory.pickers import lookup
from emergency import hubs
from emergency.models import Hub, HubStatus
from tests.emergency import data
from tests.factories import PASSWORD


def sign_in(client, make, role, **fields):
    user = make.user(role=role, email=f"{role}-{make.organisation().id}@example.org", **fields)
    client.sign_in(user.email, PASSWORD)
    return user


def test_cvec_makes_a_building_a_hub(client, make):
    sign_in(client, make, "cvec")
    building = make.location(name="Shirehall Community Room")
    org = make.organisation(name="Abbey Foregate Church")
    response = client.submit(
        "/emergency/hubs/new",
        {
            "location": "shirehall",
            "organisation": org.id,
            "kinds": ["rest_centre", "warm_space"],
            "day_capacity": "120",
            "night_capacity": "40",
            "facilities": ["kitchen", "showers", "pets"],
            "offer": "Enter by the side door",
            "keyholders": "Jo 07700 900001",
        },
    )
    assert response.status_code == 302
    hub = db.session.scalars(db.select(Hub)).one()
    assert (hub.status, hub.day_capacity, hub.night_capacity) == ("standby", 120, 40)
    assert hub.location_id == building.id
    assert hub.organisation_id == org.id
    page = client.get_page(f"/emergency/hubs/{hub.id}")
    assert "Jo 07700 900001" in page.get_text()  # CVEC sees key-holders


def test_a_building_is_offered_until_it_is_a_hub(app, make):
    free = make.location(name="Abbey Hall")
    taken = make.location(name="Castle Hall")
    make.location(name="Draft Hall", review="pending")
    hub = data.hub(location=taken)
    assert [m.id for m in lookup.matches("hall", exclude=hubs.taken())] == [free.id]
    # Editing a hub offers its own building too.
    assert [m.id for m in lookup.matches("hall", exclude=hubs.taken(hub))] == [free.id, taken.id]


def test_two_taps_set_the_status_with_history_and_log(client, make, monkeypatch):
    data.set_clock(monkeypatch, data.AFTERNOON)
    sign_in(client, make, "cvec")
    incident = data.incident()
    hub = data.hub()
    path = f"/emergency/hubs/{hub.id}"
    page = client.get_page(path)  # tap one: the hub's page
    buttons = page.select(".app-status-buttons form")
    assert len(buttons) == 4
    response = client.submit(f"{path}/quick", {"status": "open"}, form_path=path)  # tap two
    assert response.status_code == 302
    data.set_clock(monkeypatch, data.AFTERNOON + timedelta(minutes=1))
    client.submit(
        f"{path}/status",
        {"status": "full", "occupancy": "40", "needs": "blankets, volunteers with cars"},
        form_path=path,
    )
    db.session.refresh(hub)
    assert (hub.status, hub.occupancy, hub.needs) == ("full", 40, "blankets, volunteers with cars")
    assert [u.status for u in hub.history] == ["full", "open"]
    db.session.refresh(incident)
    lines = [e.text for e in incident.log if e.kind == "hub"]
    assert lines[-1].endswith("Full, 40 people of 80 by day; needs blankets, volunteers with cars")
    assert "History" in client.get_page(path).get_text()


def test_a_hub_manager_changes_only_their_hub(client, make):
    org = make.organisation()
    mine = data.hub(organisation=org)
    theirs = data.hub(organisation=make.organisation())
    user = make.user(role="member", organisation=org, email="manager@example.org")
    client.sign_in(user.email, PASSWORD)

    page = client.get_page("/emergency/hubs")
    assert mine.location.name in page.get_text()
    assert theirs.location.name not in page.get_text()
    mine_page = client.get_page(f"/emergency/hubs/{mine.id}")
    assert "Pat Keyholder" not in mine_page.get_text()  # key-holders are CVEC's only
    token = client.csrf_token(f"/emergency/hubs/{mine.id}")
    assert (
        client.post(
            f"/emergency/hubs/{mine.id}/quick", data={"csrf_token": token, "status": "open"}
        ).status_code
        == 302
    )
    for path in (f"/emergency/hubs/{theirs.id}", f"/emergency/hubs/{mine.id}/edit", "/emergency"):
        assert client.get(path).status_code == 403, path
    response = client.post(
        f"/emergency/hubs/{theirs.id}/quick", data={"csrf_token": token, "status": "open"}
    )
    assert response.status_code == 403
    db.session.refresh(theirs)
    assert theirs.status == HubStatus.standby


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"status": "exploded"}, "Not a valid choice"),
        ({"status": "open", "occupancy": "-1"}, "People here now must be 0 to 10,000"),
        ({"status": "open", "occupancy": "lots"}, "Not a valid integer value"),
        ({"status": "open", "needs": "x" * 301}, "Keep needs to 300 characters"),
    ],
)
def test_bad_status_input_is_explained(client, make, fields, message):
    sign_in(client, make, "cvec")
    hub = data.hub()
    path = f"/emergency/hubs/{hub.id}"
    response = client.submit(f"{path}/status", fields, form_path=path)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert "There is a problem" in response.get_data(as_text=True)


def test_geojson_has_public_fields_only(client, make):
    data.incident()
    evil = "<img src=x onerror=alert(1)>"
    open_hub = data.hub(status=HubStatus.open, occupancy=12, needs=evil)
    data.hub(status=HubStatus.standby)
    response = client.get("/emergency/hubs.geojson")
    assert response.mimetype == "application/geo+json"
    body = response.get_data(as_text=True)
    collection = json.loads(body)
    assert [f["id"] for f in collection["features"]] == [open_hub.id]
    properties = collection["features"][0]["properties"]
    assert properties["needs"] == evil  # data, escaped where shown
    assert properties["occupancy"] == 12
    assert "Pat Keyholder" not in body and "07700" not in body
    every = json.loads(client.get("/emergency/hubs.geojson?status=all").get_data(as_text=True))
    assert len(every["features"]) == 2


ROUTES = [
    ("/emergency", "cvec"),
    ("/emergency/incidents/new", "cvec"),
    ("/emergency/hubs/new", "cvec"),
    ("/emergency/incidents/{incident}", "cvec"),
    ("/emergency/hubs/{hub}/edit", "cvec"),
    ("/emergency/hubs/{hub}", "manager"),
    ("/emergency/hubs", "manager"),
    ("/help", "public"),
    ("/emergency/hubs.geojson", "public"),
]


@pytest.mark.parametrize("role", [None, "member", "frontline", "coordinator", "cvec", "admin"])
def test_role_matrix(client, make, role):
    incident = data.incident()
    hub = data.hub(organisation=make.organisation())
    if role:
        make.user(role=role, email=f"{role}@example.org")
        client.sign_in(f"{role}@example.org", PASSWORD)
    for template, who in ROUTES:
        path = template.format(incident=incident.id, hub=hub.id)
        status = client.get(path).status_code
        if who == "public" or role in ("cvec", "admin"):
            assert status == 200, (path, role, status)
        elif role is None:
            assert status == 302, (path, role, status)
        else:
            assert status == 403, (path, role, status)


def test_key_holders_phone_numbers_are_tel_links_for_cvec(client, make):
    sign_in(client, make, "cvec")
    hub = data.hub(keyholders="Pat Keyholder 07700 900123, or <b>Jo</b> on +44 (0)1743 555000")
    page = client.get_page(f"/emergency/hubs/{hub.id}")
    links = [(a["href"], a.get_text()) for a in page.select("main a[href^='tel:']")]
    assert links == [
        ("tel:07700900123", "07700 900123"),
        ("tel:+441743555000", "+44 (0)1743 555000"),
    ]
    assert "<b>Jo</b>" in page.get_text()  # the rest of the text stays text
