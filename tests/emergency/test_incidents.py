"""Declaring, messaging and standing down an incident; the site-wide banner; the log."""

from __future__ import annotations

from datetime import datetime

import pytest

from accord.extensions import db
from accord.models import AuditEvent
from emergency import incidents
from emergency.models import Incident
from tests.emergency import data

FORM = {
    "exercise": "no",
    "name": "River Severn flooding, Shrewsbury",
    "kind": "flood",
    "place": "Shrewsbury",
    "radius": "3",
    "towns": "Atcham, Cressage",
    "public_message": "Frankwell and Coleham are flooded. Rest centres are open.",
}


def declare(cvec, answers: dict):
    """Answer the questions, then "Declare incident" on the check page."""
    response = cvec.submit("/emergency/incidents/new", answers)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.location == "/emergency/incidents/new/check"
    return cvec.submit("/emergency/incidents/new/check", {})


def test_declaring_shows_a_banner_on_every_page_linking_to_help(cvec, client):
    response = declare(cvec, FORM)
    assert response.status_code == 302
    incident = db.session.scalars(db.select(Incident)).one()
    assert (incident.towns, incident.radius_miles) == (["Atcham", "Cressage"], 3.0)
    assert incident.latitude is not None
    assert [e.kind for e in incident.log] == ["declared"]
    actions = db.session.scalars(db.select(AuditEvent.action)).all()
    assert [a for a in actions if a.startswith("incident.")] == ["incident.declared"]

    client.get("/sign-out")
    for path in ("/", "/directory", "/signatories", "/help/map"):
        page = client.get_page(path)
        banner = page.select_one(".app-incident-banner")
        assert banner is not None, path
        assert "River Severn flooding, Shrewsbury" in banner.get_text()
        assert "Frankwell and Coleham are flooded" in banner.get_text()
        assert banner.find("a")["href"] == "/help"


def test_standing_down_removes_the_banner_and_keeps_the_record(cvec, client):
    incident = data.incident()
    response = cvec.submit(
        f"/emergency/incidents/{incident.id}/stand-down",
        {"debrief": "Sandbag requests came in faster than we logged them."},
    )
    assert response.location == f"/emergency/incidents/{incident.id}/stood-down"
    db.session.refresh(incident)
    assert incident.ended_at is not None
    assert incident.log[-1].kind == "stood_down"
    assert client.get_page("/").select_one(".app-incident-banner") is None
    page = cvec.get_page(f"/emergency/incidents/{incident.id}")
    assert "Sandbag requests came in faster" in page.get_text()
    assert "stood down" in page.select_one(".govuk-caption-l").get_text()


def test_past_incidents_are_the_stood_down_ones_latest_ended_first(app):
    first = data.incident(name="Teme flooding", ended_at=datetime(2026, 1, 5))
    data.incident(name="Severn flooding")  # still active
    second = data.incident(name="Heatwave", ended_at=datetime(2026, 7, 20))
    assert incidents.past(20) == [second, first]
    assert incidents.past(1) == [second]


def test_notes_and_message_changes_go_in_the_log(cvec):
    incident = data.incident()
    path = f"/emergency/incidents/{incident.id}"
    cvec.submit(f"{path}/log", {"text": "Police closed the Welsh Bridge"}, form_path=path)
    cvec.submit(f"{path}/message", {"public_message": "Welsh Bridge is closed."}, form_path=path)
    page = cvec.get_page(path)
    log = page.select_one(".app-log").get_text()
    assert "Police closed the Welsh Bridge" in log
    assert "Public message changed to: Welsh Bridge is closed." in log
    assert "Welsh Bridge is closed." in page.select_one(".app-incident-banner").get_text()


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"name": ""}, "name", "Enter the incident name"),
        ({"exercise": ""}, "exercise", "Select yes if this is an exercise"),
        ({"kind": "alien-invasion"}, "kind", "Not a valid choice"),
        ({"place": "", "towns": ""}, "place", "Enter the centre of the affected area"),
        ({"radius": "-5"}, "radius", "Radius must be between 0.1 and 50 miles"),
        ({"radius": "1e9"}, "radius", "Radius must be between 0.1 and 50 miles"),
        ({"radius": ""}, "radius", "Enter the radius in miles"),
        ({"towns": "Atlantis"}, "towns", "We do not know Atlantis"),
        ({"place": "Nowhereville"}, "place", "We could not find “Nowhereville”"),
        # postcodes.io is unreachable in tests and ZZ99 is in no offline table
        ({"place": "ZZ99 9ZZ"}, "place", "Postcode search is unavailable at the moment"),
        ({"public_message": "x" * 601}, "public_message", "600 characters or fewer"),
    ],
)
def test_bad_input_is_explained_in_the_error_summary(cvec, change, field, message):
    response = cvec.submit("/emergency/incidents/new", {**FORM, **change})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert message in page
    assert db.session.scalars(db.select(Incident)).all() == []


def test_typed_html_is_shown_escaped_in_the_banner_and_log(cvec, client):
    evil = '<script>alert("x")</script>'
    declare(cvec, {**FORM, "name": evil, "public_message": evil})
    incident = db.session.scalars(db.select(Incident)).one()
    for path in ("/", f"/emergency/incidents/{incident.id}"):
        html = cvec.get(path).get_data(as_text=True)
        assert evil not in html
        assert "&lt;script&gt;" in html


def test_a_post_without_csrf_is_refused(cvec):
    response = cvec.post("/emergency/incidents/new", data=FORM)
    assert response.status_code == 400
    assert db.session.scalars(db.select(Incident)).all() == []


def test_an_unknown_incident_is_404(cvec):
    cvec.get_page("/emergency/incidents/999", status=404)


def test_declaring_asks_to_check_the_answers_before_the_banner_goes_up(cvec, client):
    response = cvec.submit("/emergency/incidents/new", FORM)
    assert response.location == "/emergency/incidents/new/check"
    assert db.session.scalars(db.select(Incident)).all() == []  # nothing declared yet
    assert client.get_page("/").select_one(".app-incident-banner") is None

    page = cvec.get_page("/emergency/incidents/new/check")
    rows = {
        row.select_one(".govuk-summary-list__key").get_text(strip=True): row
        for row in page.select(".govuk-summary-list__row")
    }
    assert "River Severn flooding, Shrewsbury" in rows["Incident name"].get_text()
    assert "Flood" in rows["Type of incident"].get_text()
    assert "Shrewsbury, 3 miles round it" in rows["Centre of the affected area"].get_text()
    assert "Atcham, Cressage" in rows["Towns and villages affected"].get_text()
    assert "Frankwell and Coleham are flooded" in rows["Message to the public"].get_text()
    change = rows["Message to the public"].select_one(".govuk-summary-list__actions a")
    assert change["href"] == "/emergency/incidents/new#public_message"
    assert page.find("button", string="Declare incident") is not None

    # "Change" goes back to the form with every answer kept.
    form = cvec.get_page(change["href"])
    assert form.select_one("#name")["value"] == FORM["name"]
    assert form.select_one("#public_message").get_text() == FORM["public_message"]
    assert form.select_one("input[name=kind][value=flood]").has_attr("checked")

    declared = cvec.submit("/emergency/incidents/new/check", {})
    incident = db.session.scalars(db.select(Incident)).one()
    assert declared.location == f"/emergency/incidents/{incident.id}"
    assert incident.radius_miles == 3.0 and incident.towns == ["Atcham", "Cressage"]
    # A second click (or the back button) declares nothing more.
    again = cvec.submit("/emergency/incidents/new/check", {}, form_path="/emergency")
    assert again.location == "/emergency/incidents/new"
    assert len(db.session.scalars(db.select(Incident)).all()) == 1


def test_on_help_the_message_shows_once_without_a_banner_linking_to_itself(client):
    data.incident(name="Severn flooding", public_message="Frankwell is flooded. Go to a hub.")
    page = client.get_page("/help")
    assert page.select(".app-incident-banner") == []
    assert page.get_text().count("Frankwell is flooded. Go to a hub.") == 1
    assert "Emergency: Severn flooding" in page.select_one(".app-incident-message").get_text()
    assert not [a for a in page.select("main a") if a.get("href") == "/help"]
    # The search box comes before the message.
    html = str(page)
    assert html.index('name="where"') < html.index("Frankwell is flooded")
    # Every other page keeps the banner and its link.
    banner = client.get_page("/help/map").select_one(".app-incident-banner")
    assert banner.find("a")["href"] == "/help"
