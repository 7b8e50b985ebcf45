"""A small fixed county for search tests: known services at known places."""

from __future__ import annotations

from accord.extensions import db
from accord.models import Location, Organisation
from directory import listings, taxonomy
from directory.models import Schedule, Service, ServiceAtLocation

# name, town, postcode, lat, lon, accessibility
PLACES = {
    "shrewsbury": (
        "Castlefields Community Centre",
        "Shrewsbury",
        "SY1 1AA",
        52.71315,
        -2.74911,
        ["step_free", "hearing_loop"],
    ),
    "ludlow": (
        "Rockspring Community Centre",
        "Ludlow",
        "SY8 1AA",
        52.36700,
        -2.71800,
        ["step_free"],
    ),
    "oswestry": ("Cambrian Hall", "Oswestry", "SY11 1AA", 52.86000, -3.05400, []),
    # Round Castlefields, for the distance bands: about 0.6, 1.7 and 2.7 miles from it.
    "frankwell": ("Frankwell Hall", "Shrewsbury", "SY3 8JY", 52.71040, -2.76100, []),
    "meole": ("Meole Brace Hall", "Shrewsbury", "SY3 9HF", 52.69150, -2.75900, []),
    "bayston": ("Bayston Hill Hall", "Shrewsbury", "SY3 0DA", 52.67500, -2.76000, []),
}


def place(key: str) -> Location:
    name, town, postcode, lat, lon, access = PLACES[key]
    found = db.session.query(Location).filter_by(name=name).one_or_none()
    if found:
        return found
    location = Location(
        name=name,
        town=town,
        postcode=postcode,
        latitude=lat,
        longitude=lon,
        accessibility=access,
        address=f"{name}, {town}",
    )
    db.session.add(location)
    return location


def organisation() -> Organisation:
    taxonomy.ensure()  # emptied between tests with every other table
    found = db.session.query(Organisation).filter_by(slug="helpers").one_or_none()
    if found:
        return found
    org = Organisation(slug="helpers", name="Helpers Trust", sector="vcs")
    db.session.add(org)
    return org


def service(
    name: str,
    need: str,
    where: str | None = None,
    *,
    description: str = "",
    hours: list[tuple[str, str, str]] | None = None,
    **fields,
) -> Service:
    taxonomy.ensure()
    terms = {t.code: t for t in taxonomy.needs()}
    record = Service(name=name, organisation=organisation(), **fields)
    listings.set_description(record, plain=description or f"{name} helps people.")
    record.terms = [terms[need]]
    if where:
        record.at_locations = [ServiceAtLocation(location=place(where))]
    for byday, opens, closes in hours or []:
        record.schedules.append(
            Schedule(freq="WEEKLY", byday=byday, opens_at=opens, closes_at=closes)
        )
    db.session.add(record)
    db.session.flush()
    listings.index(record)
    db.session.commit()
    return record


def two_food_services() -> dict[str, Service]:
    """A food bank with a phone in Shrewsbury and a lunch club in Oswestry."""
    return {
        "bank": service(
            "Shrewsbury Food Bank",
            "food",
            "shrewsbury",
            description="Emergency food parcels.",
            phone="01743 123456",
        ),
        "club": service("Oswestry Lunch Club", "food", "oswestry", description="Hot lunches."),
    }
