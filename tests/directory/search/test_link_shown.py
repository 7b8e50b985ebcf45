"""Each link's copy of its service's state (migration 0054: `shown`, `assured_at`), which a search
reads from the link's own index instead of the service's row: it agrees with the service after
every change a writer makes, through the ORM or by hand, on both engines."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, text, update

from accord.extensions import db
from directory.models import Service, ServiceAtLocation
from directory.search import conditions
from directory.search.query import Query
from tests.directory import data


def agree() -> int:
    """Every link says what the search's own filters say of its service (and its service's
    day of last check): the links checked."""
    shown = {
        sid
        for sid in db.session.scalars(
            select(Service.id).where(*conditions.local_filters(Query(), None))
        )
    }
    links = db.session.execute(
        select(
            ServiceAtLocation.service_id,
            ServiceAtLocation.shown,
            ServiceAtLocation.assured_at,
            Service.assured_at,
        ).join(Service, Service.id == ServiceAtLocation.service_id)
    ).all()
    for sid, copied, copied_day, day in links:
        assert copied == (sid in shown), sid
        assert copied_day == day, sid
    return len(links)


def test_every_change_of_a_service_or_its_links_keeps_the_copy(app):
    club = data.service("Riverside lunch club", "food", "shrewsbury")
    line = data.service("Carers line", "carers", "ludlow", assured_at=date(2026, 1, 5))
    agree()
    changes = [
        {"status": "temporarily closed"},
        {"status": "inactive"},
        {"status": "active", "review": "pending"},
        {"review": "published", "online_only": True},
        {"online_only": False, "assured_at": date(2026, 11, 30)},
        {"assured_at": None},
    ]
    for change in changes:
        for key, value in change.items():
            setattr(club, key, value)
        db.session.commit()
        assert agree() == 2
    # Written by hand, not the ORM: a service's row, a new link, a link moved to another.
    db.session.execute(update(Service).where(Service.id == line.id).values(status="inactive"))
    hall = data.place("frankwell")
    db.session.execute(
        text(
            "INSERT INTO service_at_location (uuid, service_id, location_id) "
            "VALUES ('5ab6c1de-0000-4000-8000-000000000001', :s, :l)"
        ),
        {"s": club.id, "l": hall.id},
    )
    assert agree() == 3
    db.session.execute(
        update(ServiceAtLocation)
        .where(ServiceAtLocation.location_id == hall.id)
        .values(service_id=line.id)
    )
    assert agree() == 3
    db.session.commit()
    closed = db.session.scalars(
        select(ServiceAtLocation.service_id).where(ServiceAtLocation.shown.is_(False))
    ).all()
    assert sorted(closed) == [line.id, line.id]
