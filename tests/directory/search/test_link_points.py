"""service_at_location.latitude/longitude: the database copies each link's building's point
(migration 0041's triggers), whoever writes — the ORM, a bulk update, raw SQL — so the search,
which reads where a link is from the link alone, finds a service where its building is now.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from flask_migrate import upgrade
from sqlalchemy import select, text, update

from accord.extensions import db
from accord.models import Location
from directory.models import Service, ServiceAtLocation
from directory.search import candidates, search
from directory.search.query import Query
from tests.conftest import MIGRATIONS, scratch_database
from tests.directory import data

SHREWSBURY = data.PLACES["shrewsbury"][3:5]  # Castlefields, by the search's place below
LUDLOW = data.PLACES["ludlow"][3:5]  # 24 miles south


@pytest.fixture
def club(app):
    """A lunch club at a hall in Shrewsbury, and a second hall in Ludlow."""
    data.service("Riverside lunch club", "food", "shrewsbury", description="A hot lunch.")
    return {"town": data.place("shrewsbury"), "ludlow": data.place("ludlow")}


def points() -> list[tuple[float | None, float | None]]:
    """Every link's stored point (read fresh from the database)."""
    db.session.expire_all()
    return [
        tuple(row)
        for row in db.session.execute(
            select(ServiceAtLocation.latitude, ServiceAtLocation.longitude)
        )
    ]


def found_near_shrewsbury() -> list[str]:
    """The services found within 5 miles, both ways a search reads links: from its few matches
    (words), and from the spatial index (a place alone); the same either way."""
    by_words, by_place = (
        [hit.service.name for hit in search.run(query, per_page=20).hits]
        for query in (
            Query(words="lunch club", place="SY1 1AA", radius=5),
            Query(place="SY1 1AA", radius=5),
        )
    )
    assert by_words == by_place
    return by_words


def test_a_new_link_takes_its_buildings_point(club):
    assert points() == [SHREWSBURY]
    assert found_near_shrewsbury() == ["Riverside lunch club"]


def test_a_building_moved_moves_its_links(club):
    # A bulk UPDATE, as an import might make, not the ORM's row by row.
    db.session.execute(
        update(Location)
        .where(Location.id == club["town"].id)
        .values(latitude=LUDLOW[0], longitude=LUDLOW[1])
    )
    db.session.commit()
    assert points() == [LUDLOW]
    assert found_near_shrewsbury() == []


def test_a_link_moved_to_another_building_takes_its_point(club):
    link = db.session.scalar(select(ServiceAtLocation))
    link.location = club["ludlow"]
    db.session.commit()
    assert points() == [LUDLOW]
    assert found_near_shrewsbury() == []


def test_a_building_placed_later_places_its_links(app):
    """A building saved before its postcode was looked up has no point, nor do its links,
    until the point is written."""
    hall = data.place("shrewsbury")
    hall.latitude = hall.longitude = None
    data.service("Riverside lunch club", "food", "shrewsbury", description="A hot lunch.")
    assert points() == [(None, None)]
    assert found_near_shrewsbury() == []
    db.session.execute(
        text("UPDATE location SET latitude = :lat, longitude = :lon WHERE id = :id"),
        {"lat": SHREWSBURY[0], "lon": SHREWSBURY[1], "id": hall.id},
    )
    db.session.commit()
    assert points() == [SHREWSBURY]
    assert found_near_shrewsbury() == ["Riverside lunch club"]


def test_migration_0041_gives_existing_links_their_points(make_app, database_url, tmp_path):
    with (
        scratch_database(database_url, tmp_path, "link_points") as url,
        make_app(url).app_context(),
    ):
        upgrade(directory=MIGRATIONS, revision="0040")
        now = datetime(2026, 11, 1)
        db.session.execute(
            text(
                "INSERT INTO organisation (slug, name, sector, org_type, website, address, "
                "postcode, outcode, town, location_status, description, created_at, updated_at, "
                "uuid) VALUES ('hall-trust', 'Hall trust', 'vcs', '', '', '', '', '', '', "
                "'found', '', :now, :now, 'a0000000-0000-4000-8000-000000000001')"
            ),
            {"now": now},
        )
        org = db.session.execute(text("SELECT id FROM organisation")).scalar_one()
        hall = Location(name="Hall", latitude=SHREWSBURY[0], longitude=SHREWSBURY[1])
        service = Service(name="Lunch club", organisation_id=org)
        db.session.add_all([hall, service])
        db.session.flush()
        db.session.execute(
            text(
                "INSERT INTO service_at_location (uuid, service_id, location_id) "
                "VALUES ('b0000000-0000-4000-8000-000000000001', :service, :hall)"
            ),
            {"service": service.id, "hall": hall.id},
        )
        db.session.commit()
        upgrade(directory=MIGRATIONS)
        stored = db.session.execute(
            text("SELECT latitude, longitude FROM service_at_location")
        ).all()
        assert [tuple(row) for row in stored] == [SHREWSBURY]
        db.session.remove()


@pytest.mark.engine("postgresql")  # the GiST index and its index-only scans are PostgreSQL's
def test_a_ring_reads_the_links_near_the_place_from_the_spatial_index_alone(club):
    """A ring without matches read by key (here a place alone) reads each link's service and
    point, and its service's copied state (0054), from the GiST index (migration 0050), not
    the link's row as well. With a handful of
    links the planner would read the links' other index whole; with it out of the way (dropped
    for the moment) and the table priced out, as for a county's thousands near a town, the
    plan is an index-only scan of the GiST index."""
    made = "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_search_link_gist'"
    held = "INCLUDE (service_id, latitude, longitude, shown, assured_at)"
    assert held in db.session.scalar(text(made))
    query = Query(place="SY1 1AA", radius=5)
    plan = candidates.ordered_local(query, None, search.origin_of("SY1 1AA")[0], "", 5.0)
    statement = plan.build().params(plan.values)
    compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
    moment = db.session.begin_nested()
    db.session.execute(text("DROP INDEX ix_search_link_point"))
    for off in ("enable_seqscan", "enable_bitmapscan"):
        db.session.execute(text(f"SET LOCAL {off} = off"))
    steps = " | ".join(row[0] for row in db.session.execute(text(f"EXPLAIN {compiled}")))
    moment.rollback()
    assert "Index Only Scan using ix_search_link_gist on service_at_location" in steps, steps
    found = [row.sid for row in db.session.execute(statement)]
    assert found == [row.sid for row in plan.run()] and len(found) == 1


@pytest.mark.engine("sqlite")  # the R*Tree and its links' covering index are SQLite's
def test_a_ring_reads_the_links_of_the_buildings_near_the_place_from_their_index_alone(club):
    """SQLite's ring without matches read by key finds the buildings round the place in the
    R*Tree, then their links' services and copied state (0054) from the links' index by
    building (migration 0055), not each link's row as well."""
    query = Query(place="SY1 1AA", radius=5)
    plan = candidates.ordered_local(query, None, search.origin_of("SY1 1AA")[0], "", 5.0)
    statement = plan.build().params(plan.values)
    compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
    explain = text(f"EXPLAIN QUERY PLAN {compiled}")
    steps = " | ".join(row[-1] for row in db.session.execute(explain))
    assert "SCAN location_rtree VIRTUAL TABLE" in steps, steps
    link = "SEARCH service_at_location USING COVERING INDEX ix_search_service_at_location"
    assert link in steps, steps
    found = [row.sid for row in db.session.execute(statement)]
    assert found == [row.sid for row in plan.run()] and len(found) == 1
