"""What the resident's message says of each service: who runs it (the organisation managing
a claimed listing, not the feed it came from) and each building's address with its town."""

from __future__ import annotations

from accord.extensions import db
from directory.handoff import handoff
from directory.models import ServiceAtLocation
from tests.directory.data import service


def test_a_claimed_listing_names_the_charity_that_manages_it(app, make):
    record = service("Clun Friday Lunch", "food")
    record.managed_by = make.organisation(name="Clun Valley Lunch Club", slug="clun-lunch")
    db.session.commit()
    assert handoff.entry(record).organisation == "Clun Valley Lunch Club"


def test_an_address_names_its_town_once(app, make):
    record = service("Lunch", "food")
    hall = make.location(
        name="Clun Memorial Hall", address="Church Street", town="Clun", postcode="SY7 8JB"
    )
    centre = make.location(
        name="Castlefields Community Centre",
        address="Castlefields Community Centre, 1 Street, Shrewsbury",
        town="Shrewsbury",
        postcode="SY1 1AA",
    )
    for place in (hall, centre):
        record.at_locations.append(ServiceAtLocation(location=place))
    db.session.commit()
    assert handoff.entry(record).places == [
        "Clun Memorial Hall, Church Street, Clun, SY7 8JB",
        "Castlefields Community Centre, 1 Street, Shrewsbury, SY1 1AA",
    ]
