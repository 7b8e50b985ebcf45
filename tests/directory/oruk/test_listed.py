"""service_at_location.listed: the database keeps it (migration 0021's triggers), whoever
writes — the ORM, a bulk update, raw SQL — so /api/oruk/service_at_locations, which pages
on it alone, lists a link exactly while its service and its building are both published.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select, text, update

from accord.extensions import db
from accord.models import Location, Review
from directory.models import Service, ServiceAtLocation

API = "/api/oruk/service_at_locations"


@pytest.fixture
def hall(app, make):
    """Two services at one published hall, a second hall, a pending hall."""
    org = make.organisation()
    halls = {
        "hall": make.location(),
        "other": make.location(),
        "pending": make.location(review="pending"),
    }
    for name in ("Lunch club", "Warm space"):
        service = Service(name=name, organisation=org)
        service.at_locations = [ServiceAtLocation(location=halls["hall"])]
        db.session.add(service)
    db.session.commit()
    return halls


def listed() -> dict[str, bool]:
    """Each link's flag as stored, by service name (read fresh from the database)."""
    db.session.expire_all()
    rows = db.session.execute(
        select(Service.name, ServiceAtLocation.listed).join(ServiceAtLocation.service)
    )
    return {name: flag for name, flag in rows}


def api_names(client) -> list[str]:
    body = client.get(API).get_json()
    assert body["total_items"] == len(body["contents"])
    return sorted(item["service"]["name"] for item in body["contents"])


def test_a_new_link_is_listed_when_both_are_published(client, hall):
    assert listed() == {"Lunch club": True, "Warm space": True}
    assert api_names(client) == ["Lunch club", "Warm space"]


def test_a_service_unpublished_and_published_again(client, hall):
    lunch = db.session.scalar(select(Service).where(Service.name == "Lunch club"))
    lunch.review = Review.pending
    db.session.commit()
    assert listed() == {"Lunch club": False, "Warm space": True}
    assert api_names(client) == ["Warm space"]
    uuid = lunch.at_locations[0].uuid
    assert client.get(f"{API}/{uuid}").status_code == 404
    lunch.review = Review.published
    db.session.commit()
    assert listed() == {"Lunch club": True, "Warm space": True}
    assert client.get(f"{API}/{uuid}").status_code == 200


def test_a_building_unpublished_takes_every_link_at_it(client, hall):
    # A bulk UPDATE, as a moderation queue might make, not the ORM's row by row.
    db.session.execute(
        update(Location).where(Location.id == hall["hall"].id).values(review="pending")
    )
    db.session.commit()
    assert listed() == {"Lunch club": False, "Warm space": False}
    assert api_names(client) == []
    hall["hall"].review = "published"
    db.session.commit()
    assert api_names(client) == ["Lunch club", "Warm space"]


def test_a_link_to_a_pending_service_or_building_is_not_listed(client, hall, make):
    org = make.organisation()
    pending = Service(name="Pending", organisation=org, review=Review.pending)
    pending.at_locations = [ServiceAtLocation(location=hall["hall"])]
    shut = Service(name="At a pending hall", organisation=org)
    shut.at_locations = [ServiceAtLocation(location=hall["pending"])]
    db.session.add_all([pending, shut])
    db.session.commit()
    assert listed() == {
        "Lunch club": True,
        "Warm space": True,
        "Pending": False,
        "At a pending hall": False,
    }
    assert api_names(client) == ["Lunch club", "Warm space"]


def test_a_link_moved_to_another_building_reads_that_building(client, hall):
    db.session.execute(
        update(ServiceAtLocation)
        .where(
            ServiceAtLocation.service_id
            == select(Service.id).where(Service.name == "Warm space").scalar_subquery()
        )
        .values(location_id=hall["pending"].id)
    )
    db.session.commit()
    assert listed() == {"Lunch club": True, "Warm space": False}
    db.session.execute(
        update(ServiceAtLocation)
        .where(ServiceAtLocation.location_id == hall["pending"].id)
        .values(location_id=hall["other"].id)
    )
    db.session.commit()
    assert listed() == {"Lunch club": True, "Warm space": True}


def test_a_link_written_in_raw_sql_is_kept_too(client, hall, make):
    service = Service(name="Raw", organisation=make.organisation())
    db.session.add(service)
    db.session.commit()
    db.session.execute(
        text(
            "INSERT INTO service_at_location (uuid, service_id, location_id) "
            "VALUES ('aaaaaaaa-0000-4000-8000-000000000001', :service, :location)"
        ),
        {"service": service.id, "location": hall["other"].id},
    )
    db.session.commit()
    assert listed()["Raw"] is True
    assert api_names(client) == ["Lunch club", "Raw", "Warm space"]
