"""The CVEC map and the public help map (what each audience may see), and the situation
report as a page and CSV."""

from __future__ import annotations

import csv
import io
import re

import pytest
from bs4 import BeautifulSoup

from accord import maps
from accord.extensions import db
from emergency import incidents
from emergency.models import HubStatus
from emergency.networks import networks
from emergency.volunteers.models import Deployment
from tests.accord.maps.test_maps import features, markup, text_of
from tests.emergency import data
from tests.factories import PASSWORD

EVIL = "<img src=x onerror=alert(1)>{{ 7*7 }}"
# The scene's phone numbers, spaced or not. Not a bare "07700": folium names each element
# with 32 random hex digits, which hold "07700" about once in 1,500 maps.
PHONES = ("07700 900", "07700900", "+447700")


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
    for private in ("Vera", "vera@example.org", "Pat Keyholder", *PHONES, "Sam Organiser"):
        assert private not in html, private


def test_public_map_shows_open_hubs_and_active_networks_only(client, scene):
    page = client.get_page("/help/map")
    assert "Frankwell Hall" in page.get_text()
    html = client.get("/help/map/frame").get_data(as_text=True)
    assert "Frankwell Hall" in html and "Coleham Neighbours" in html
    for hidden in ("Standby Hall", "Quiet Lane Helpers", "Volunteers by district", "Vera"):
        assert hidden not in html, hidden
    for private in ("Pat Keyholder", *PHONES, "Sam Organiser", "sam@example.org"):
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


def names_on(document: str) -> list[str]:
    """Each feature's name as the map shows it (the tooltip's bold first line)."""
    return [
        text_of(re.search(r"<strong>(.*?)</strong>", f["properties"]["t"]).group(1))
        for f in features(document)
        if "t" in f["properties"]
    ]


def test_the_lists_beside_cvec_map_name_what_it_draws(client, make, scene):
    sign_in(client, make)
    page = client.get_page("/emergency/map")
    drawn = names_on(client.get("/emergency/map/frame").get_data(as_text=True))
    listed_hubs = [a.get_text() for a in page.select(".app-map-list a")]
    assert sorted(listed_hubs) == sorted(n for n in drawn if n.endswith("Hall"))
    assert sorted(listed_hubs) == ["Frankwell Hall", "Standby Hall"]
    text = " ".join(page.get_text(" ").split())
    assert "Coleham Neighbours (active in the incident)" in text
    assert "Quiet Lane Helpers" in text and "Quiet Lane Helpers (active" not in text
    assert f"Incident: {scene['incident'].name}" in drawn
    assert "SY1: 1 volunteer" in text and "SY1: 1 volunteer" in drawn
    # Each hub carries the map's own symbol for its status, and the key says what it is.
    open_item = page.select(".app-map-list li")[0]
    assert open_item.find("svg").find("circle")["fill"] == "#009e73"
    key = [li.get_text() for li in page.select("ul.app-legend li")]
    assert key[:4] == ["Hub open", "Hub full", "Hub on standby", "Hub closed"]
    assert "Incident area" in key and "Mutual-aid network, not active" in key


def test_help_map_lists_open_hubs_apart_from_full_ones_as_the_map_draws_them(client, make, scene):
    full = data.hub(location=make.location(name="Crowded Hall"), status=HubStatus.full)
    db.session.commit()
    page = client.get_page("/help/map")
    frame = client.get("/help/map/frame").get_data(as_text=True)
    # Each pin's link text: the hub's name.
    pins = {
        text_of(re.search(r"<a [^>]*>(.*?)</a>", f["properties"]["p"]).group(1)): f["properties"]
        for f in features(frame)
        if "p" in f["properties"]
    }
    opened = page.select_one("#open + ul")
    assert opened["data-count"] == "1" and "Frankwell Hall" in opened.get_text()
    assert "Crowded Hall" not in opened.get_text()
    assert "Hubs open now (1)" in page.get_text() and "Hubs that are full (1)" in page.get_text()
    assert set(pins) == {"Frankwell Hall", "Crowded Hall"}
    # A pin's link leads to its hub in the list beside the map; the shape tells full apart.
    assert markup(pins["Crowded Hall"]["p"])[0][1]["href"] == f"/help/map#hub-{full.id}"
    assert page.select_one(f"#hub-{full.id}") is not None
    # Each hub in the list links to its building in the directory: where, how to get in.
    link = page.select_one(f"#hub-{scene['open'].id} a")
    assert link["href"] == f"/directory/places/{scene['open'].location_id}"
    assert pins["Crowded Hall"]["s"] == "square" and "s" not in pins["Frankwell Hall"]
    assert [li.get_text() for li in page.select("ul.app-legend li")] == [
        "Hub open",
        "Hub full",
        "Mutual-aid network helping now",
    ]


def test_help_map_opens_at_a_searched_place_without_it_reaching_the_map(client, scene):
    plain = client.get("/help/map/frame").get_data(as_text=True)
    page = client.get_page("/help/map?where=SY1 1AA")
    src = page.find("iframe")["src"]
    assert re.fullmatch(r"/help/map/frame#at=52\.\d{5},-2\.\d{5}", src), src
    assert "The place you searched for" in [li.get_text() for li in page.select(".app-legend li")]
    assert page.select_one("#where")["value"] == "SY1 1AA"
    # The map document is the one everyone gets: the place is only in the frame's address.
    again = client.get("/help/map/frame").get_data(as_text=True)
    nonce = re.compile(r'nonce="[^"]+"')
    assert nonce.sub("", again) == nonce.sub("", plain)


def test_help_map_explains_a_place_it_cannot_find(client, scene):
    response = client.get("/help/map?where=" + "x" * 101)
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert response.status_code == 200
    assert page.select_one(".govuk-error-summary") is not None
    assert "100 characters or fewer" in page.select_one(".govuk-error-summary").get_text()
    assert page.find("iframe")["src"] == "/help/map/frame"


def test_an_incident_map_shows_its_area_its_hubs_and_its_networks(client, make, scene):
    data.hub(
        location=make.location(name="Far Hall", latitude=52.37, longitude=-2.72, town="Ludlow")
    )
    db.session.commit()
    sign_in(client, make)
    at = f"/emergency/incidents/{scene['incident'].id}"
    page = client.get_page(at)
    assert page.find("iframe")["src"] == f"{at}/map"
    frame = client.get(f"{at}/map")
    assert "frame-ancestors 'self'" in frame.headers["Content-Security-Policy"]
    document = frame.get_data(as_text=True)
    drawn = names_on(document)
    near = [row.find("a").get_text() for row in page.select("#hubs-near + table tbody tr")]
    assert "Frankwell Hall" in near
    assert sorted(n for n in drawn if n.endswith("Hall")) == sorted(near)
    assert "Far Hall" not in drawn  # 20 miles away, in Ludlow
    assert f"Incident: {scene['incident'].name}" in drawn and "Coleham Neighbours" in drawn
    assert "Quiet Lane Helpers" not in drawn  # not active in this incident
    assert "Coleham Neighbours" in page.select_one("#networks-helping + ul").get_text()
    # Fitted to what it shows, not opened on the county.
    assert "fitBounds" in document
    assert "<title>Map of the incident: " in document


def fitted(document: str) -> list[float]:
    """South, west, north, east of the map's opening view."""
    found = re.search(
        r"fitBounds\(\s*\[\[([-\d.]+), ([-\d.]+)\], \[([-\d.]+), ([-\d.]+)\]\]", document
    )
    return [float(n) for n in found.groups()]


def test_the_cvec_map_opens_on_the_whole_county(client, make, scene):
    sign_in(client, make)
    county = maps.county_extent()
    document = client.get("/emergency/map/frame").get_data(as_text=True)
    assert fitted(document) == pytest.approx([county.south, county.west, county.north, county.east])
    # Shrewsbury's one incident and hubs would open much closer.
    incident = client.get(f"/emergency/incidents/{scene['incident'].id}/map").get_data(as_text=True)
    south, west, north, east = fitted(incident)
    assert north - south < (county.north - county.south) / 2
