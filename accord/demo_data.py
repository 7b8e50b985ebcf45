"""The shell's demo data: organisations, community buildings and a user for every role.

Public bodies and towns are real; the voluntary groups, their numbers and the buildings'
names are invented for the demo. Postcodes and coordinates are real ONS postcodes.
"""

import csv
from pathlib import Path

from sqlalchemy import select

from accord import accounts, demo, geo
from accord.extensions import db
from accord.models import Location, Organisation, OrgType, Role, User
from accord.text import slugify

DEMO_PASSWORD = "shropshire-demo-2025"  # noqa: S105 - printed for demo users only

# The demo's organisations and community buildings (a building's operator is an organisation's
# name; its street is the first line of its address; its accessibility and facilities are keys
# of accord.geo's lists, space-separated).
DATA = Path(__file__).resolve().parent / "data" / "demo"

# Real streets in each town, for organisations' office addresses (the house numbers are made up).
STREETS = {
    "Shrewsbury": ["Abbey Foregate", "Castle Street", "Longden Coleham", "Mardol", "Wyle Cop"],
    "Telford": ["Hollinsgate", "Malinsgate", "Stafford Park 4"],
    "Ludlow": ["Corve Street", "Lower Galdeford", "Old Street"],
    "Oswestry": ["Church Street", "Willow Street", "Salop Road"],
    "Bridgnorth": ["Listley Street", "Whitburn Street"],
    "Church Stretton": ["Easthope Road", "High Street"],
    "Much Wenlock": ["Barrow Street", "Wilmore Street"],
    "Market Drayton": ["Cheshire Street", "Shropshire Street"],
    "Whitchurch": ["Green End", "Watergate Street"],
    "Bishop's Castle": ["Church Street", "Station Street"],
    "Wellington": ["Market Street", "Walker Street"],
    "Craven Arms": ["Corvedale Road", "Shrewsbury Road"],
    "Ellesmere": ["Scotland Street", "Willow Street"],
    "Wem": ["High Street", "Noble Street"],
    "Newport": ["High Street", "Upper Bar"],
    "Shifnal": ["Market Place", "Park Street"],
    "Cleobury Mortimer": ["Lower Street", "Vaughan Road"],
    "Broseley": ["Church Street", "High Street"],
    "Albrighton": ["Station Road", "Shaw Lane"],
}


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# email local part, role, organisation name (members and frontline workers belong to one)
USERS = [
    ("admin", Role.admin, None),
    ("coordinator", Role.coordinator, None),
    ("cvec", Role.cvec, None),
    ("frontline", Role.frontline, "Shropshire Council"),
    ("member", Role.member, "Severn Valley Community Larder"),
]


def demo_postcode(outcode: str, seed: str) -> str:
    """A real unit postcode in the district, picked the same way on every run."""
    candidates = geo.postcodes_in(outcode)
    if not candidates:
        return outcode
    return candidates[sum(map(ord, seed)) % len(candidates)]


def office_address(name: str, town: str) -> str:
    """A street address in the town (a made-up number on a real street), the same every run."""
    seed = sum(map(ord, name))
    streets = STREETS.get(town) or ["High Street"]
    return f"{seed % 60 + 1} {streets[seed % len(streets)]}, {town}"


def _organisations() -> dict[str, Organisation]:
    found = {o.slug: o for o in db.session.scalars(select(Organisation))}
    by_name: dict[str, Organisation] = {}
    for row in _rows("organisations.csv"):
        name, town, outcode = row["name"], row["town"], row["outcode"]
        slug = slugify(name)
        org = found.get(slug)
        if org is None:
            postcode = demo_postcode(outcode, name)
            point = geo.postcode_point(postcode) or geo.district_point(outcode)
            org = Organisation(
                slug=slug,
                name=name,
                sector=row["sector"],
                org_type=OrgType(row["type"]),  # a type outside the one list fails the load
                identifier=row["org_id"] or None,
                website=row["website"],
                town=town,
                postcode=postcode,
                outcode=outcode,
                latitude=point.latitude if point else None,
                longitude=point.longitude if point else None,
                address=office_address(name, town),
            )
            db.session.add(org)
        by_name[name] = org
    return by_name


def building_details(row: dict, operator: Organisation | None) -> dict:
    """What an organisation says of its building (directory/places): hours, how to book, the
    owner, whether it could be an emergency hub. Phone numbers are Ofcom's drama range."""
    facilities, access = row["facilities"].split(), row["accessibility"].split()
    owner = {"parish": "parish", "public": "council"}.get(operator.sector if operator else "")
    number = sum(map(ord, row["name"])) % 1000
    return {
        "opening_hours": "Monday to Friday 9am to 9pm; weekends by booking",
        "booking": "Rooms by the hour or the day; community groups pay less. Book a week ahead.",
        "booking_contact": f"01632 960{number:03d}",
        "booking_contact_public": operator is not None,
        "owner": owner or "charity",
        "hub_ready": "kitchen" in facilities and "step_free" in access,
    }


def _buildings(orgs: dict[str, Organisation]) -> int:
    existing = {place.name: place for place in db.session.scalars(select(Location))}
    added = 0
    for row in _rows("buildings.csv"):
        name, town, outcode = row["name"], row["town"], row["outcode"]
        address = f"{row['street']}, {town}"
        if name in existing:
            # Demo databases loaded before buildings had streets said the name twice.
            if existing[name].address == f"{name}, {town}":
                existing[name].address = address
            if not existing[name].owner:  # loaded before buildings had these details
                for key, value in building_details(row, orgs.get(row["operator"])).items():
                    setattr(existing[name], key, value)
            continue
        postcode = demo_postcode(outcode, name)
        point = geo.postcode_point(postcode) or geo.district_point(outcode)
        db.session.add(
            Location(
                name=name,
                town=town,
                postcode=postcode,
                address=address,
                latitude=point.latitude if point else None,
                longitude=point.longitude if point else None,
                capacity=int(row["capacity"]),
                accessibility=row["accessibility"].split(),
                facilities=row["facilities"].split(),
                bookable=True,
                operator=orgs.get(row["operator"]),
                description=f"A community building in {town} available for hire and local groups.",
                **building_details(row, orgs.get(row["operator"])),
            )
        )
        added += 1
    return added


def _users(orgs: dict[str, Organisation]) -> list[str]:
    lines = []
    for local, role, org_name in USERS:
        email = f"{local}@demo.example.org"
        org = orgs.get(org_name) if org_name else None
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = accounts.create_user(email, DEMO_PASSWORD, role, org)
            user.name = f"Demo {role.value}"
        lines.append(f"{role.value:<12} {email}  password: {DEMO_PASSWORD}")
    return lines


def load() -> list[str]:
    orgs = _organisations()
    db.session.flush()
    added = _buildings(orgs)
    lines = _users(orgs)
    db.session.commit()
    return [f"{len(orgs)} organisations, {added} new community buildings", *lines]


demo.register(10, "organisations, buildings and users", load)
