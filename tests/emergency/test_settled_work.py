"""Maps and /help do not redo settled work per request: kept maps and answers, a revision
kept by database triggers that reaches every app server, networks' areas worked out when a
network changes, and the nearest hubs picked from a box in SQL."""

from __future__ import annotations

import random
import re

import pytest
from sqlalchemy import delete, func, select

from accord import geo
from accord.extensions import db
from emergency import hubs, layers, map_cache
from emergency.models import Hub, HubStatus, MapRevision
from emergency.networks import areas, networks
from emergency.networks.models import NetworkArea
from tests.emergency import data
from tests.factories import PASSWORD


def sign_in(client, make):
    make.user(role="cvec", email="cvec@example.org")
    client.sign_in("cvec@example.org", PASSWORD)


def counted(monkeypatch, module, name: str) -> list[int]:
    """Count the calls of module.name (still calling it)."""
    calls: list[int] = []
    real = getattr(module, name)

    def wrapper(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapper)
    return calls


def nonce_of(response) -> str:
    return re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])[1]


# --- the revision ---------------------------------------------------------------------------


def test_triggers_bump_the_revision_for_each_thing_a_map_shows(app, make):
    seen = [map_cache.revision()]

    def bumped() -> bool:
        seen.append(map_cache.revision())
        return seen[-1] > seen[-2]

    place = make.location(name="Frankwell Hall")
    help_revision = map_cache.revision(map_cache.HELP)
    hub = data.hub(location=place)
    assert bumped()
    assert map_cache.revision(map_cache.HELP) > help_revision
    hubs.set_status(hub, HubStatus.open, 5, None, None)
    assert bumped()
    place.name = "Frankwell Community Hall"
    db.session.commit()
    assert bumped()
    place.address = "Frankwell Quay"
    db.session.commit()
    assert bumped()
    place.description = "Not on any map"
    db.session.commit()
    assert not bumped()  # only a building's name and place are on a map
    incident = data.incident()
    assert bumped()
    network = data.network()
    assert bumped()
    networks.set_active(network, incident, True, None)
    db.session.commit()
    assert bumped()
    help_revision = map_cache.revision(map_cache.HELP)
    data.volunteer()
    assert bumped()
    # Volunteers are on CVEC's map only: /help's kept answers stay.
    assert map_cache.revision(map_cache.HELP) == help_revision
    db.session.execute(delete(Hub))  # bulk statements too, not only the ORM's
    db.session.commit()
    assert bumped()


def test_the_counter_survives_its_row_being_deleted(app):
    db.session.execute(delete(MapRevision))
    db.session.commit()
    assert map_cache.revision() == 0
    data.hub()
    assert map_cache.revision() >= 1


# --- the CVEC map and the public map --------------------------------------------------------


def test_the_cvec_map_is_built_once_and_each_response_has_its_own_nonce(client, make, monkeypatch):
    sign_in(client, make)
    data.hub(location=make.location(name="Frankwell Hall"), status=HubStatus.open)
    built = counted(monkeypatch, layers, "coordination")
    first = client.get("/emergency/map/frame")
    second = client.get("/emergency/map/frame")
    assert built == [1]
    assert "Frankwell Hall" in first.get_data(as_text=True)
    assert nonce_of(first) != nonce_of(second)
    for response in (first, second):
        body = response.get_data(as_text=True)
        assert f'nonce="{nonce_of(response)}"' in body
        assert map_cache.NONCE not in body


def test_a_change_through_another_app_server_reaches_this_one(client, make, make_app, monkeypatch):
    """Two gunicorn workers are two apps on one database: a hub's status changed through one
    shows on the other's next map, though that one had the map kept."""
    sign_in(client, make)
    hub = data.hub(location=make.location(name="Frankwell Hall"), status=HubStatus.open)
    assert "Frankwell Hall" in client.get("/emergency/map/frame").get_data(as_text=True)
    assert "needs camp beds" not in client.get("/emergency/map/frame").get_data(as_text=True)
    other = make_app()
    with other.app_context():
        hubs.set_status(db.session.get(Hub, hub.id), HubStatus.full, 80, "camp beds", None)
    built = counted(monkeypatch, layers, "coordination")
    body = client.get("/emergency/map/frame").get_data(as_text=True)
    assert built == [1]
    assert "Frankwell Hall" in body and "needs camp beds" in body


def test_a_kept_map_is_rebuilt_after_a_while_whatever_happens(client, make, monkeypatch):
    sign_in(client, make)
    built = counted(monkeypatch, layers, "coordination")
    client.get("/emergency/map/frame")
    monkeypatch.setattr(map_cache, "KEEP_S", -1.0)
    client.get("/emergency/map/frame")
    assert built == [1, 1]


def test_the_public_map_is_kept_and_follows_an_incident(client, make, monkeypatch):
    data.hub(location=make.location(name="Frankwell Hall"), status=HubStatus.open)
    built = counted(monkeypatch, layers, "public")
    # No hub is shown open to the public while no incident is active.
    assert "Frankwell Hall" not in client.get("/help/map/frame").get_data(as_text=True)
    client.get("/help/map/frame")
    assert built == [1]
    data.incident()
    assert "Frankwell Hall" in client.get("/help/map/frame").get_data(as_text=True)
    assert built == [1, 1]


# --- /help ----------------------------------------------------------------------------------


def test_help_answers_a_place_once_until_a_hub_changes(client, make, monkeypatch):
    data.incident()
    hub = data.hub(location=make.location(name="Frankwell Hall"), status=HubStatus.open)
    looked = counted(monkeypatch, hubs, "nearest_receiving")
    for _ in range(3):
        page = client.get_page("/help?where=SY3 8HQ")
        assert "Frankwell Hall" in page.select_one(".app-result h3").get_text()
    assert looked == [1]
    # Another place is another answer; the heading repeats what this person typed.
    page = client.get_page("/help?where=sy1 1aa")
    assert "Community hubs near sy1 1aa" in page.get_text()
    assert looked == [1, 1]
    hubs.set_status(hub, HubStatus.closed, None, None, None)
    page = client.get_page("/help?where=SY3 8HQ")
    assert looked == [1, 1, 1]
    assert "No community hubs are open near there" in page.get_text()


def test_nearest_hubs_from_the_box_are_those_of_a_full_ranking(app, make):
    """Hubs scattered over the county, few of them open: the box widens until it holds
    enough, and the answer is the one ranking every hub would give."""
    rng = random.Random(17)
    south, north, west, east = 52.35, 52.95, -3.15, -2.30
    statuses = [HubStatus.open] + [HubStatus.full] * 3 + [HubStatus.standby] * 2
    for n in range(60):
        point = geo.Point(rng.uniform(south, north), rng.uniform(west, east))
        place = make.location(name=f"Hall {n}", latitude=point.latitude, longitude=point.longitude)
        db.session.add(Hub(location=place, status=rng.choice(statuses)))
    db.session.commit()
    every = db.session.scalars(select(Hub).where(Hub.status.in_(["open", "full"]))).all()
    for _ in range(15):
        origin = geo.Point(rng.uniform(south, north), rng.uniform(west, east))
        for limit in (3, 10):
            expected = sorted(
                every,
                key=lambda h: (
                    h.status != HubStatus.open,
                    geo.miles_between(origin, geo.Point(h.location.latitude, h.location.longitude)),
                ),
            )[:limit]
            found = hubs.nearest_receiving(origin, limit)
            assert [n.hub.id for n in found] == [h.id for h in expected]


# --- networks' areas ------------------------------------------------------------------------


@pytest.fixture
def spread(make):
    """Networks of every shape over the county: circles of every size, towns (one Welsh),
    districts, all three, and one covering nothing we can find."""
    rng = random.Random(5)
    places = list(geo.places())
    made = []
    for n in range(40):
        centre = rng.choice(places).point
        circle = n % 2 == 0
        made.append(
            data.network(
                name=f"Network {n}",
                towns=[rng.choice(places).name] if n % 3 == 0 else ["Croesoswallt"] * (n == 7),
                outcodes=[rng.choice(["SY1", "SY3", "SY4", "SY8", "TF1", "WV16"])] * (n % 4 == 1),
                place="Somewhere" if circle else "",
                latitude=centre.latitude if circle else None,
                longitude=centre.longitude if circle else None,
                radius_miles=rng.choice([0.5, 2.0, 6.0]) if circle else None,
            )
        )
    return made


def searches() -> list[tuple]:
    """(point, outcode, town) as /help and the networks page ask: postcodes, towns, districts."""
    rng = random.Random(9)
    asked: list[tuple] = []
    for outcode in ("SY1", "SY3", "SY4", "SY8", "SY11", "TF1", "TF9"):
        for postcode in rng.sample(geo.postcodes_in(outcode), 3):
            town = geo.post_town(outcode).title()
            asked.append((geo.postcode_point(postcode), outcode, town))
        asked.append((None, outcode, None))
    for place in rng.sample(list(geo.places()), 15):
        asked.append((place.point, place.outcode, place.name))
        asked.append((place.point, None, place.name))
    asked.append((geo.Point(52.6, -2.9), None, None))  # a point a geocoder alone knew
    return asked


def test_covering_from_the_areas_is_covering_every_network(app, spread):
    answers = [networks.covering(*asked) for asked in searches()]
    assert any(answers) and not all(answers)
    # No rows: every network is a candidate, as before the areas were kept.
    db.session.execute(delete(NetworkArea))
    db.session.commit()
    assert [networks.covering(*asked) for asked in searches()] == answers


def test_areas_follow_an_edit_and_can_be_rebuilt(app, make):
    ludlow, wem = geo.place_named("Ludlow"), geo.place_named("Wem")
    network = data.network(
        towns=[],
        outcodes=[],
        place="Ludlow",
        radius_miles=1.0,
        latitude=ludlow.point.latitude,
        longitude=ludlow.point.longitude,
    )
    assert networks.covering(ludlow.point, ludlow.outcode, "Ludlow") == [network]
    network.latitude, network.longitude = wem.point.latitude, wem.point.longitude
    db.session.commit()
    assert networks.covering(ludlow.point, ludlow.outcode, "Ludlow") == []
    assert networks.covering(wem.point, wem.outcode, "Wem") == [network]
    before = set(db.session.execute(select(NetworkArea.kind, NetworkArea.key)).all())
    db.session.execute(delete(NetworkArea))
    assert areas.rebuild() == 1
    db.session.commit()
    assert set(db.session.execute(select(NetworkArea.kind, NetworkArea.key)).all()) == before


def test_a_network_covering_nothing_findable_still_has_its_row(app):
    data.network(towns=[], outcodes=[])
    kinds = db.session.scalars(select(NetworkArea.kind)).all()
    assert kinds == [areas.NONE]
    assert db.session.scalar(select(func.count()).select_from(NetworkArea)) == 1
