"""A page's services as results show them (search._services): on PostgreSQL read through the
function of migration 0049, which keeps its plan; its rows are the statement's own,
search._SHOWN, column for column and in the same order."""

from __future__ import annotations

from datetime import date

from accord.extensions import db
from directory.models import ServiceAtLocation
from directory.search import search
from tests.directory.data import place, service


def _county() -> list[int]:
    """Services with two buildings, one, none (area-wide and online), a phone and a date."""
    both = service(
        "Shrewsbury Food Bank",
        "food",
        "shrewsbury",
        phone="01743 123456",
        assured_at=date(2026, 11, 2),
    )
    both.at_locations.append(ServiceAtLocation(location=place("ludlow")))
    db.session.commit()
    one = service("Oswestry Lunch Club", "food", "oswestry", is_free=True)
    areawide = service("County Carers", "carers")
    online = service("Carers Line", "carers", online_only=True, phone="0800 123 4567")
    return [online.id, both.id, areawide.id, one.id]


def test_the_function_reads_what_the_statement_reads(app):
    ids = _county()
    expected = db.session.execute(search._SHOWN, {"ids": ids}).all()
    assert len(expected) == 5  # two buildings, one, and two services with none
    if db.engine.dialect.name == "postgresql":
        found = db.session.execute(search._SHOWN_PG, {"ids": ids}).all()
        assert _in_order(found) == _in_order(expected)
        assert list(found[0]._fields) == list(expected[0]._fields)


def _in_order(rows: list) -> tuple[list, list]:
    """The rows of buildings in the order read (their links' order), and the rows of services
    with none, which come after them in no order of their own (a plan kept from a bigger
    county may read them the other way round)."""
    placed = [tuple(row) for row in rows if row.place_id is not None]
    return placed, sorted(tuple(row) for row in rows if row.place_id is None)


def test_a_page_s_services_with_their_buildings_in_order(app):
    ids = _county()
    shown = search._services(ids)
    assert set(shown) == set(ids)
    by_name = {listing.name: listing for listing in shown.values()}
    bank = by_name["Shrewsbury Food Bank"]
    assert [p.town for p in bank.locations] == ["Shrewsbury", "Ludlow"]
    assert bank.phone == "01743 123456" and bank.assured_at == date(2026, 11, 2)
    assert bank.organisation.name == "Helpers Trust"
    assert by_name["Oswestry Lunch Club"].is_free
    assert [p.name for p in by_name["Oswestry Lunch Club"].locations] == ["Cambrian Hall"]
    assert by_name["County Carers"].locations == []
    assert by_name["Carers Line"].online_only and by_name["Carers Line"].locations == []
    assert search._services([]) == {}
