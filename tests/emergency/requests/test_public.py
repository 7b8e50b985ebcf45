"""What the public sees: public requests still waiting in real incidents under way, on /help
under "Can you help?" (what, how many, by when, the hub's building and town). A private
request's words are never on a public page, in the hub data, in the incident log, in the audit
or in a log line; an exercise's requests are never public at all."""

from __future__ import annotations

import logging

from sqlalchemy import select

from accord.extensions import db
from accord.models import AuditEvent
from emergency import hubs
from emergency.models import HubStatus
from tests.emergency.requests.helpers import (
    cvec,
    log_texts,
    page_of,
    raise_one,
    scene,
)

SECRET = "dialysis for Mrs Example"


def asks(client, path: str = "/help") -> list[str]:
    page = client.get_page(path)
    heading = page.select_one("#can-you-help")
    if heading is None:
        return []
    return [li.get_text(" ", strip=True) for li in page.select(".app-asks li")]


def test_public_requests_show_on_help_private_ones_nowhere(app, client, make, caplog):
    caplog.set_level(logging.DEBUG)
    incident, hub = scene(make)
    hubs.set_status(hub, HubStatus.open, 10, "", None, incident)
    staff = cvec(app.test_client(), make)
    public = raise_one(staff, incident, hub, day=["31", "12", "2099"], time="6pm")
    private = raise_one(
        staff, incident, hub, kind="transport", detail=SECRET, quantity="1", public="no"
    )
    staff.submit(
        f"{page_of(private)}/assign",
        {"to": "team", "team_name": "Renal unit", "team_contact": "01743 555000"},
    )
    assert asks(client) == [
        "Bedding: blankets ×20, at Frankwell Hall, Shrewsbury, needed by 31 December 2099 at 6pm"
    ]
    assert "1 Frankwell Quay" not in client.get_page("/help").select_one(".app-asks").get_text()
    # The hub's own entry on the public map's list asks too.
    entry = client.get_page("/help/map").select_one(f"#hub-{hub.id}").get_text(" ", strip=True)
    assert "Can you help? blankets ×20 by 31 December 2099 at 6pm" in entry
    public_paths = [
        "/help",
        "/help?where=SY3 8HQ",
        "/help/map",
        "/help/map/frame",
        "/emergency/hubs.geojson",
        "/emergency/hubs.geojson?status=all",
        f"/directory/places/{hub.location_id}",
        "/mutual-aid",
        "/",
    ]
    for path in public_paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "dialysis" not in response.get_data(as_text=True), path
    assert not any("dialysis" in text for text in log_texts(incident))
    details = db.session.scalars(select(AuditEvent.details)).all()
    assert "dialysis" not in str(details) and "blankets" not in str(details)
    assert not any("dialysis" in record.getMessage() for record in caplog.records)
    # Partly met still asks; met no longer does.
    staff.submit(f"{page_of(public)}/status", {"status": "partly_met"})
    assert asks(client)[0].endswith("(some already found)")
    staff.submit(f"{page_of(public)}/status", {"status": "met"})
    assert asks(client) == []


def test_the_ask_is_outside_the_cached_hub_results(app, client, make):
    incident, hub = scene(make)
    hubs.set_status(hub, HubStatus.open, 10, "", None, incident)
    assert asks(client, "/help?where=SY3 8HQ") == []
    raise_one(cvec(app.test_client(), make), incident, hub, detail="camp beds")
    assert asks(client, "/help?where=SY3 8HQ") == [
        "Bedding: camp beds ×20, at Frankwell Hall, Shrewsbury"
    ]


def test_an_exercise_requests_are_never_public(app, client, make):
    incident, hub = scene(make, exercise=True)
    staff = cvec(app.test_client(), make)
    made = raise_one(staff, incident, hub, detail="exercise blankets")
    assert "EXERCISE" in staff.get(page_of(made)).get_data(as_text=True)
    assert asks(client) == []
    assert asks(staff) == []  # not even to those taking part: it is not a real ask
    assert "exercise blankets" not in client.get("/help").get_data(as_text=True)


def test_typed_html_is_shown_as_text(app, client, make):
    incident, hub = scene(make)
    staff = cvec(app.test_client(), make)
    typed = '<b>blankets</b><img src=x onerror="alert(1)">'
    made = raise_one(staff, incident, hub, detail=typed)
    for who, path in (
        (client, "/help"),
        (staff, page_of(made)),
        (staff, f"/emergency/incidents/{incident.id}"),
        (staff, f"/emergency/hubs/{hub.id}"),
    ):
        html = who.get(path).get_data(as_text=True)
        assert "&lt;b&gt;blankets&lt;/b&gt;" in html, path
        assert "<b>blankets" not in html and "<img src=x" not in html, path
