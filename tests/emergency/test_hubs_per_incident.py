"""Hubs belong to incidents: two at once (a flood in Shrewsbury, a power cut in Oswestry), one
building on standby in one and open in the other, each counted once on each incident's page,
map, sitrep and /help; standing one down leaves the other as it was."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from accord import demo
from accord.extensions import db
from emergency import hubs, standing_down
from emergency.models import Hub, HubActivation, HubStatus, Incident
from tests.conftest import MIGRATIONS, scratch_database
from tests.emergency import data
from tests.factories import PASSWORD


@pytest.fixture
def cvec(client, make):
    make.user(role="cvec", email="cvec@example.org")
    client.sign_in("cvec@example.org", PASSWORD)
    return client


@pytest.fixture
def two(make):
    """A Shrewsbury flood and an Oswestry power cut; the Guildhall (in Shrewsbury) on standby
    for the flood and open for the power cut (people sent by coach), Castle Hall open for
    the flood alone."""
    flood = data.incident(name="Severn flood")
    power = data.incident(
        name="Oswestry power cut", place="Oswestry", latitude=52.8598, longitude=-3.0538
    )
    guildhall = data.hub(location=make.location(name="Guildhall", postcode="SY1 1HH"))
    castle = data.hub(location=make.location(name="Castle Hall", postcode="SY1 2AA"))
    hubs.set_status(guildhall, HubStatus.standby, None, None, None, flood)
    hubs.set_status(guildhall, HubStatus.open, 30, "camp beds", None, power)
    hubs.set_status(castle, HubStatus.open, 12, "blankets", None, flood)
    return {"flood": flood, "power": power, "guildhall": guildhall, "castle": castle}


def _state(hub: Hub, incident: Incident) -> HubActivation:
    return db.session.scalars(
        db.select(HubActivation).filter_by(hub_id=hub.id, incident_id=incident.id)
    ).one()


def test_one_building_has_a_status_in_each_incident(two):
    assert _state(two["guildhall"], two["flood"]).status == "standby"
    guildhall_power = _state(two["guildhall"], two["power"])
    assert (guildhall_power.status, guildhall_power.occupancy) == ("open", 30)
    assert guildhall_power.opened_at is not None and guildhall_power.peak == 30
    # What residents are told: the building is open, with everyone in it, counted once.
    assert (two["guildhall"].status, two["guildhall"].occupancy) == ("open", 30)
    # Each incident's log has its own change only.
    flood_log = " ".join(entry.text for entry in two["flood"].log)
    assert "Guildhall: On standby" in flood_log and "Guildhall: Open" not in flood_log
    assert "Guildhall: Open, 30 people" in " ".join(e.text for e in two["power"].log)


def test_each_incident_page_counts_its_own_hubs(cvec, two):
    flood = cvec.get_page(f"/emergency/incidents/{two['flood'].id}")
    counts = flood.select_one("#hub-counts").get_text(" ", strip=True)
    assert "1 open, 0 full, 1 on standby" in counts and "12 people" in counts
    row = next(r for r in flood.select("tbody tr") if "Guildhall" in r.get_text())
    assert "On standby" in row.get_text() and "camp beds" not in row.get_text()

    power = cvec.get_page(f"/emergency/incidents/{two['power'].id}")
    counts = power.select_one("#hub-counts").get_text(" ", strip=True)
    assert "1 open, 0 full, 0 on standby" in counts and "30 people" in counts
    row = next(r for r in power.select("tbody tr") if "Guildhall" in r.get_text())
    assert "Open" in row.get_text() and "camp beds" in row.get_text()


def test_each_sitrep_follows_its_incident_with_a_toggle_for_every_hub(cvec, two, make):
    data.hub(location=make.location(name="Ludlow Hall", town="Ludlow"))  # in neither
    flood = cvec.get_page(f"/emergency/incidents/{two['flood'].id}/sitrep").get_text(" ")
    assert "Castle Hall" in flood and "Guildhall" in flood and "Ludlow Hall" not in flood
    assert "People in hubs 12" in " ".join(flood.split())
    every = cvec.get_page(f"/emergency/incidents/{two['flood'].id}/sitrep?hubs=all")
    assert "Ludlow Hall" in every.get_text()

    body = cvec.get(f"/emergency/incidents/{two['power'].id}/sitrep.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body)))
    assert ["People in hubs", "30"] in rows
    named = {row[0]: row for row in rows if row and row[0] in ("Guildhall", "Castle Hall")}
    assert set(named) == {"Guildhall"}  # Castle Hall has no part in the power cut
    assert named["Guildhall"][2] == "Open" and named["Guildhall"][7] == "camp beds"


def test_each_incident_map_draws_the_hub_in_its_state_there(cvec, two):
    flood = cvec.get(f"/emergency/incidents/{two['flood'].id}/map").get_data(as_text=True)
    power = cvec.get(f"/emergency/incidents/{two['power'].id}/map").get_data(as_text=True)
    assert "Guildhall" in flood and "camp beds" not in flood
    assert "camp beds" in power and "blankets" not in power  # Castle Hall is not in it
    every = cvec.get(f"/emergency/incidents/{two['power'].id}/map?hubs=all")
    assert "Castle Hall" in every.get_data(as_text=True)


def test_help_lists_the_building_once(client, two):
    page = client.get_page("/help?where=SY1 1HH")
    assert len(page.select(f"#hub-{two['guildhall'].id}")) == 1
    assert "30 people" in page.select_one(f"#hub-{two['guildhall'].id}").get_text()
    geojson = json.loads(client.get("/emergency/hubs.geojson").get_data(as_text=True))
    names = [f["properties"]["name"] for f in geojson["features"]]
    assert sorted(names) == ["Castle Hall", "Guildhall"]


def test_standing_one_down_leaves_the_other_as_it_was(two):
    assert {h.id for h in standing_down.plan(two["power"]).hubs} == {two["guildhall"].id}
    standing_down.stand_down(two["power"], "Coaches worked.", {}, None)
    db.session.expire_all()
    assert two["flood"].active and not two["power"].active
    assert _state(two["guildhall"], two["power"]).status == "closed"
    assert _state(two["guildhall"], two["flood"]).status == "standby"
    assert _state(two["castle"], two["flood"]).occupancy == 12
    # Residents are now told the Guildhall is on standby (its state in the flood).
    assert (two["guildhall"].status, two["guildhall"].occupancy) == ("standby", 0)
    assert two["castle"].status == "open"


def test_the_hub_page_asks_which_incident_when_several_are_under_way(cvec, two):
    path = f"/emergency/hubs/{two['guildhall'].id}"
    page = cvec.get_page(path)
    headings = [h.get_text(strip=True) for h in page.select("h2")]
    assert "In Severn flood" in headings and "In Oswestry power cut" in headings
    assert page.select_one("select[name=incident]") is not None
    refused = cvec.submit(f"{path}/status", {"status": "full", "occupancy": "40"}, form_path=path)
    assert refused.status_code == 400
    assert "Select the incident this is for" in refused.get_data(as_text=True)
    done = cvec.submit(
        f"{path}/status",
        {"incident": two["flood"].id, "status": "full", "occupancy": "40", "needs": ""},
        form_path=path,
    )
    assert done.status_code == 302
    db.session.expire_all()
    assert _state(two["guildhall"], two["flood"]).status == "full"
    assert _state(two["guildhall"], two["power"]).status == "open"
    assert (two["guildhall"].status, two["guildhall"].occupancy) == ("open", 70)
    # A status button names its incident.
    quick = cvec.submit(
        f"{path}/quick", {"incident": two["power"].id, "status": "closed"}, form_path=path
    )
    assert quick.status_code == 302
    db.session.expire_all()
    assert _state(two["guildhall"], two["power"]).status == "closed"
    assert two["guildhall"].status == "full"


def test_a_hub_in_an_exercise_is_never_shown_to_residents(client, make):
    drill = data.incident(name="Winter drill", exercise=True)
    hall = data.hub(location=make.location(name="Drill Hall", postcode="SY1 1HH"))
    hubs.set_status(hall, HubStatus.open, 20, "", None, drill)
    db.session.expire_all()
    assert _state(hall, drill).status == "open"
    assert hall.status == "standby"
    page = client.get_page("/help?where=SY1 1HH")
    assert page.select_one(f"#hub-{hall.id}") is None
    features = json.loads(client.get("/emergency/hubs.geojson").get_data(as_text=True))
    assert features["features"] == []


def test_the_migration_carries_each_hubs_status_into_the_incident_under_way(
    make_app, database_url, tmp_path
):
    # The demo county, taken back to before migration 0028 with an incident under way (its
    # hubs had one status each), then upgraded: nothing lost, each status carried over.
    with (
        scratch_database(database_url, tmp_path, "hubs_check") as url,
        make_app(url).app_context(),
    ):
        upgrade(directory=MIGRATIONS)
        demo.load_all()
        db.session.commit()
        downgrade(directory=MIGRATIONS, revision="0027")
        run = db.session.execute
        run(
            text(
                "INSERT INTO incident (name, kind, place, towns, public_message, started_at, "
                "debrief) VALUES ('Old flood', 'flood', 'Shrewsbury', '[]', '', :at, ''), "
                "('Newer flood', 'flood', 'Ludlow', '[]', '', :later, '')"
            ),
            {"at": datetime(2026, 11, 30), "later": datetime(2026, 12, 1)},
        )
        newer = run(text("SELECT id FROM incident WHERE name = 'Newer flood'")).scalar_one()
        first, second, third = run(text("SELECT id FROM hub ORDER BY id LIMIT 3")).scalars()
        run(text("UPDATE hub SET status = 'open', occupancy = 9 WHERE id = :id"), {"id": first})
        run(text("UPDATE hub SET status = 'full', occupancy = 40 WHERE id = :id"), {"id": second})
        run(
            text(
                "INSERT INTO hub_update (hub_id, incident_id, at, status, occupancy, needs) "
                "VALUES (:hub, :incident, :at, 'closed', 0, '')"
            ),
            {"hub": third, "incident": newer, "at": datetime(2026, 12, 1, 9)},
        )
        db.session.commit()
        before = _row_counts()
        upgrade(directory=MIGRATIONS, revision="0028")  # later migrations add tables of their own
        after = _row_counts()
        assert after.pop("hub_activation") == 3
        assert after == before and before["hub"] > 3
        carried = run(
            text(
                "SELECT hub_id, incident_id, status, occupancy, peak FROM hub_activation "
                "ORDER BY hub_id"
            )
        ).all()
        assert [tuple(row) for row in carried] == [
            (first, newer, "open", 9, 9),
            (second, newer, "full", 40, 40),
            (third, newer, "standby", 0, 0),
        ]
        assert not any(run(text("SELECT exercise FROM incident")).scalars())
        db.session.remove()


def _row_counts() -> dict[str, int]:
    names = [n for n in db.inspect(db.engine).get_table_names() if n != "alembic_version"]
    counts = {
        name: db.session.execute(text(f"SELECT count(*) FROM {name}")).scalar_one()  # noqa: S608 - table names from the schema
        for name in names
    }
    db.session.commit()  # no transaction left open to hold the migration's locks up
    return counts


def test_an_exercise_beside_a_real_incident_reaches_no_resident(app, cvec, make):
    real = data.incident(name="Severn flood")
    drill = data.incident(name="Winter drill", exercise=True)
    hall = data.hub(location=make.location(name="Drill Hall", postcode="SY1 1HH"))
    hubs.set_status(hall, HubStatus.open, 20, "", None, drill)
    hubs.set_status(hall, HubStatus.standby, None, None, None, real)
    page = cvec.get_page(f"/emergency/hubs/{hall.id}")
    drill_part = page.find("h2", string="In Winter drill").find_next("p")
    assert "EXERCISE" in drill_part.get_text()
    client = app.test_client()  # a resident, not signed in
    assert client.get_page("/help?where=SY1 1HH").select_one(f"#hub-{hall.id}") is None
    assert "Drill Hall" not in client.get("/help/map/frame").get_data(as_text=True)
    assert json.loads(client.get("/emergency/hubs.geojson").data)["features"] == []
