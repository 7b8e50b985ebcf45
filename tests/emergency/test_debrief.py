"""The debrief of an incident and volunteers' hours: hubs opened and for how long with their
peak, hours by hub and their value at the rate CVEC sets, call-outs by count, the flood
warnings in force at stand-down, what went well and what to change; a printable page and a
CSV, with no volunteer named."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from accord.extensions import db
from emergency import debrief, hours, hubs, sitrep, standing_down
from emergency.callouts.models import Answer, Callout, CalloutRecipient
from emergency.models import FloodFeed, HubStatus
from emergency.requests import requests
from emergency.requests.models import RequestStatus
from emergency.volunteers import deployments
from tests.emergency import data

START = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def _at(monkeypatch, hours_in: float) -> None:
    data.set_clock(monkeypatch, START + timedelta(hours=hours_in))


@pytest.fixture
def response(monkeypatch, make):
    """A flood: Frankwell Hall opens at 9, is full from 11 (40 people), closes at 15 and opens
    again from 17 until the stand-down at 19; two volunteers work 3 hours and 2½ hours; one
    never checks in; a call-out to four volunteers."""
    _at(monkeypatch, 0)
    incident = data.incident(name="Severn flood")
    hall = data.hub(location=make.location(name="Frankwell Hall", town="Shrewsbury"))
    hubs.set_status(hall, HubStatus.open, 10, "", None, incident)
    _at(monkeypatch, 2)
    hubs.set_status(hall, HubStatus.full, 40, "", None, incident)
    _at(monkeypatch, 6)
    hubs.set_status(hall, HubStatus.closed, None, None, None, incident)
    _at(monkeypatch, 8)
    hubs.set_status(hall, HubStatus.open, 5, "", None, incident)
    first, second, idle = data.volunteer(), data.volunteer(), data.volunteer()
    _at(monkeypatch, 1)
    at_hall = deployments.deploy(first, incident, hub=hall)
    deployments.check_in(at_hall)
    sandbags = deployments.deploy(second, incident, task="sandbags to Coleham")
    deployments.deploy(idle, incident, hub=hall)
    db.session.commit()
    _at(monkeypatch, 4)
    deployments.check_out(at_hall)
    _at(monkeypatch, 8)
    deployments.check_in(sandbags)
    db.session.commit()
    _callout(incident, hall, [Answer.coming, Answer.coming, Answer.cannot, Answer.none])
    db.session.add(FloodFeed(name="warnings", items=[_warning()], fetched_at=START))
    db.session.commit()
    _at(monkeypatch, 10)
    standing_down.stand_down(incident, "Coaches worked.", {}, None, "Log sandbags sooner.")
    return {"incident": incident, "hall": hall}


def _callout(incident, hall, answers: list[str]) -> None:
    callout = Callout(
        incident_id=incident.id,
        hub_id=hall.id,
        need="Hands to set up camp beds",
        starts_at=START,
        ends_at=START + timedelta(hours=4),
        people_wanted=3,
        message="Can you help at Frankwell Hall?",
    )
    db.session.add(callout)
    for n, answer in enumerate(answers):
        db.session.add(CalloutRecipient(callout=callout, token=f"t{n}", answer=answer))


def _warning() -> dict:
    return {
        "id": "96958",
        "area_id": "031WAF105",
        "area_name": "River Severn at Shrewsbury",
        "severity": 2,
        "severity_label": "Flood warning",
    }


def test_the_debrief_counts_hours_open_peaks_and_volunteers(response):
    report = debrief.build(response["incident"])
    assert [(h.name, h.hours_open, h.peak) for h in report.hubs] == [
        ("Frankwell Hall", 8.0, 40)  # 9 to 15, and 17 to the stand-down at 19
    ]
    # 3 hours at the hall, 2 on sandbags until the stand-down checked them out; none idle.
    assert report.hours.by_hub == {"Frankwell Hall": 3.0, hours.TASKS: 2.0}
    assert (report.hours.total, report.hours.volunteers) == (5.0, 2)
    [callout] = report.callouts
    assert (callout.sent, callout.coming, callout.cannot, callout.no_answer) == (4, 2, 1, 1)
    assert callout.rate == 75
    assert report.floods == ["Flood warnings in force: Flood warning: River Severn at Shrewsbury"]


def test_cvec_values_the_hours_and_the_page_and_csv_say_so(cvec, response):
    incident = response["incident"]
    path = f"/emergency/incidents/{incident.id}"
    refused = cvec.submit(f"{path}/hour-rate", {"rate": "twelve"}, form_path=f"{path}/debrief")
    assert refused.status_code == 400
    assert "Enter the value of an hour" in refused.get_data(as_text=True)
    done = cvec.submit(f"{path}/hour-rate", {"rate": "12.60"}, form_path=f"{path}/debrief")
    assert done.status_code == 302
    page = cvec.get_page(f"{path}/debrief")
    text = " ".join(page.get_text(" ").split())
    assert "Volunteer hours 5.0" in text and "£63.00 at £12.60 an hour" in text
    assert "Coaches worked." in text and "Log sandbags sooner." in text
    assert "75% answered" in text
    assert len(page.find_all("h1")) == 1
    body = cvec.get(f"{path}/debrief.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body)))
    assert ["Value of the hours", "£63.00"] in rows and ["Frankwell Hall", "3.0"] in rows
    assert ["What to change", "Log sandbags sooner."] in rows
    assert "Volunteer Person" not in body and "volunteer" + "1@" not in body  # nobody named
    # The incident page and the stood-down page link to it.
    assert cvec.get_page(path).find("a", href=f"{path}/debrief") is not None


def test_the_sitrep_shows_hours_by_hub_while_under_way(cvec, monkeypatch, make):
    _at(monkeypatch, 0)
    incident = data.incident()
    hall = data.hub(location=make.location(name="Coleham Hall"))
    deployment = deployments.deploy(data.volunteer(), incident, hub=hall)
    deployments.check_in(deployment)
    db.session.commit()
    _at(monkeypatch, 1.5)
    report = sitrep.build(incident)
    assert report.hours.by_hub == {"Coleham Hall": 1.5}
    body = cvec.get(f"/emergency/incidents/{incident.id}/sitrep.csv").get_data(as_text=True)
    assert ["Volunteer hours", "1.5"] in list(csv.reader(io.StringIO(body)))
    assert (
        "Coleham Hall: 1.5 hours"
        in cvec.get_page(f"/emergency/incidents/{incident.id}/sitrep").get_text()
    )


def test_the_annual_review_counts_exercises_apart(client, response, make, monkeypatch):
    _at(monkeypatch, 12)
    drill = data.incident(name="Winter drill", exercise=True)
    hall = data.hub(location=make.location(name="Drill Hall"))
    hubs.set_status(hall, HubStatus.open, 3, "", None, drill)
    _at(monkeypatch, 24 * 40)  # into the next year: the review of 2026 is out
    body = client.get("/accord/review/2026.csv").get_data(as_text=True)
    rows = {(r[1], r[2]): r[3] for r in csv.reader(io.StringIO(body)) if r and r[0] == "2026"}
    assert rows[("Emergencies", "Incidents declared")] == "1"
    assert rows[("Emergencies", "Exercises held")] == "1"
    assert rows[("Emergencies", "Hubs opened in incidents")] == "1"
    assert rows[("Emergencies", "Hubs opened in exercises")] == "1"
    assert rows[("Emergencies", "Volunteer hours in incidents")] == "5.0"
    assert rows[("Emergencies", "Call-outs in incidents")] == "1"


def test_requests_are_counted_and_those_still_open_cancelled_at_stand_down(monkeypatch, make):
    _at(monkeypatch, 0)
    incident = data.incident()
    hall = data.hub(location=make.location(name="Coleham Hall"))

    def ask(kind: str, public: bool):
        details = requests.Details(kind, "camp beds", 20, None, "", public, hall.id)
        return requests.raise_request(incident, details, None)

    blankets, driver, food = ask("bedding", True), ask("transport", False), ask("food", True)
    db.session.commit()
    _at(monkeypatch, 3)
    requests.set_status(blankets, RequestStatus.met, None, cvec=True)
    requests.ask_team(driver, "Adult social care", "01743 000000", None)
    db.session.commit()
    _at(monkeypatch, 4)
    assert [r.id for r in standing_down.plan(incident).waiting] == [driver.id, food.id]
    done = standing_down.stand_down(incident, "Blankets came fast.", {}, None)
    assert done.cancelled == 2
    assert standing_down.outcome(incident).cancelled == 2
    asks = debrief.build(incident).requests
    assert (asks.raised, asks.public, asks.met_in_hours, asks.teams_asked) == (3, 2, 3.0, 1)
    assert asks.by_status == {"Met": 1, "Cancelled": 2}
    log = " ".join(entry.text for entry in incident.log)
    assert "camp beds" not in log  # counts and kinds only
