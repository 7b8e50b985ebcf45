"""A hub's capacity for the time of day (by day, or overnight from 8pm to 8am on UK clocks),
the same words on every page; and an incident's hubs, those in or near its area first."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from emergency.models import HubStatus, is_overnight, people_text
from tests.emergency import data


@pytest.mark.parametrize(
    "hour, overnight", [(7, True), (8, False), (14, False), (19, False), (20, True), (23, True)]
)
def test_overnight_runs_from_8pm_to_8am_on_uk_clocks(hour, overnight):
    assert is_overnight(datetime(2026, 12, 3, hour, 30, tzinfo=UTC)) is overnight


def test_people_text_names_the_capacity_it_counts_against():
    assert people_text(38, 120, 40, False) == "38 people of 120 by day"
    assert people_text(38, 120, 40, True) == "38 people of 40 overnight"
    assert people_text(1, 120, None, True) == "1 person (no overnight places)"
    assert people_text(5, None, None, False) == "5 people"


@pytest.mark.parametrize(
    "moment, shown, not_shown",
    [
        (data.AFTERNOON, "38 people of 120 by day", "of 40"),
        (data.NIGHT, "38 people of 40 overnight", "of 120"),
    ],
)
def test_every_page_shows_the_capacity_for_the_time_of_day(
    cvec, make, monkeypatch, moment, shown, not_shown
):
    data.set_clock(monkeypatch, moment)
    incident = data.incident()
    hub = data.hub(
        location=make.location(name="Frankwell Hall"),
        status=HubStatus.open,
        occupancy=38,
        day_capacity=120,
        night_capacity=40,
    )
    for path in (
        f"/emergency/hubs/{hub.id}",
        "/emergency/hubs",
        "/emergency/map",
        f"/emergency/incidents/{incident.id}",
        f"/emergency/incidents/{incident.id}/sitrep",
        "/help?where=SY1 1AA",
    ):
        text = cvec.get_page(path).get_text(" ", strip=True)
        assert shown in text, path
        assert not_shown not in text, path
    # The hub's own page says both, whatever the time.
    about = cvec.get_page(f"/emergency/hubs/{hub.id}").get_text(" ", strip=True)
    assert "120 by day, 40 overnight" in about
    assert shown in cvec.get("/help/map/frame").get_data(as_text=True)
    features = cvec.get("/emergency/hubs.geojson").get_json()["features"]
    view = features[0]["properties"]
    assert view["people"] == shown
    assert (view["day_capacity"], view["night_capacity"]) == (120, 40)


def test_sitrep_counts_spaces_against_the_capacity_for_the_time_of_day(cvec, make, monkeypatch):
    data.set_clock(monkeypatch, data.NIGHT)
    incident = data.incident()
    data.hub(status=HubStatus.open, occupancy=38, day_capacity=120, night_capacity=40)
    page = cvec.get_page(f"/emergency/incidents/{incident.id}/sitrep")
    assert "Spaces left in open hubs overnight 2" in page.get_text(" ", strip=True)
    body = cvec.get(f"/emergency/incidents/{incident.id}/sitrep.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body)))
    assert ["Spaces left in open hubs overnight", "2"] in rows


def test_an_incidents_hubs_in_or_near_its_area_come_first_the_rest_apart(cvec, make):
    # A Shrewsbury flood: 2 miles round the town centre, and Atcham named.
    incident = data.incident(radius_miles=2.0, towns=["Atcham"])
    oswestry = data.hub(
        location=make.location(
            name="Oswestry Memorial Hall", town="Oswestry", latitude=52.8598, longitude=-3.0538
        )
    )
    frankwell = data.hub(
        location=make.location(name="Frankwell Hall", latitude=52.7105, longitude=-2.7619)
    )
    # 4.6 miles west of the centre: outside the 2-mile circle, near enough.
    ford = data.hub(
        location=make.location(name="Ford Village Hall", latitude=52.7150, longitude=-2.8620)
    )
    atcham = data.hub(
        location=make.location(
            name="Atcham Village Hall", town="Atcham", latitude=None, longitude=None
        )
    )
    ludlow = data.hub(
        location=make.location(
            name="Ludlow Assembly Rooms", town="Ludlow", latitude=52.3675, longitude=-2.7190
        )
    )
    page = cvec.get_page(f"/emergency/incidents/{incident.id}")
    near = page.select_one("#hubs-near + table")
    names = [a.get_text() for a in near.select("tbody a")]
    assert names[-1] == ford.location.name
    assert set(names) == {frankwell.location.name, atcham.location.name, ford.location.name}
    assert "miles outside" in near.select("tbody tr")[-1].get_text()
    elsewhere = page.select_one("#hubs-elsewhere + table")
    assert [a.get_text() for a in elsewhere.select("tbody a")] == [
        ludlow.location.name,
        oswestry.location.name,
    ]
