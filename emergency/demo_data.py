"""Emergency demo data: hubs on the demo community buildings, mutual-aid networks, volunteers.

No incident is declared: the demo starts in peacetime, as the county usually is. The networks,
volunteers and key-holders are invented; the towns, districts and coordinates are real.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select

from accord import demo, geo
from accord.clock import today_uk, utcnow
from accord.extensions import db
from accord.models import Location, Review
from emergency.models import Hub, HubKind, HubStatus
from emergency.networks.models import MutualAidNetwork
from emergency.readiness.models import HubReadiness, VolunteerTraining
from emergency.volunteers import details
from emergency.volunteers.models import Volunteer

# Building name (from the shell's demo buildings) → what it can be as a hub.
HUBS = {
    "Castlefields Community Centre": ([HubKind.rest_centre, HubKind.warm_space], 120, 40),
    "Meole Brace Methodist Hall": ([HubKind.warm_space, HubKind.information_point], 80, None),
    "Harlescott Community Hub": ([HubKind.distribution_point], 60, None),
    "Cambrian Hall": ([HubKind.rest_centre, HubKind.distribution_point], 200, 60),
}
# Invented key-holders, with numbers from Ofcom's range for drama.
KEYHOLDERS = ["Lynne Bowen (caretaker)", "Derek Platt", "Anita Shah", "Ian Rowe (manager)"]
OFFER = "Somewhere warm and dry, hot drinks, phone charging and the latest information."
FACILITIES = ["kitchen", "wifi", "charging", "accessible_toilet", "parking"]

# name, towns, outcodes, offers, public contact (shown), private contact
NETWORKS = [
    (
        "Frankwell and Coton Hill Neighbours",
        ["Shrewsbury"],
        ["SY3"],
        "Shopping, prescriptions, moving furniture upstairs before a flood",
        "https://example.org/frankwell-neighbours",
    ),
    (
        "Bridgnorth Low Town Flood Group",
        ["Bridgnorth"],
        ["WV16"],
        "Sandbags, checking on neighbours, flood-warning phone tree",
        "Phone 01746 000000 (group line)",
    ),
    (
        "Ludlow Good Neighbours Mutual Aid",
        ["Ludlow"],
        ["SY8"],
        "Lifts to appointments, shopping, friendly phone calls",
        "",
    ),
    (
        "Ironbridge Gorge Helpers",
        ["Ironbridge"],
        ["TF8"],
        "Checking on older residents, meals, dog walking",
        "https://example.org/ironbridge-helpers",
    ),
    (
        "Oswestry Community Support",
        ["Oswestry"],
        ["SY10", "SY11"],
        "Food parcels, prescriptions, befriending calls",
        "Facebook group: Oswestry Community Support",
    ),
    (
        "Church Stretton Snow Wardens",
        ["Church Stretton", "All Stretton"],
        ["SY6"],
        "Clearing paths, 4x4 lifts in snow, checking on neighbours",
        "",
    ),
]
ORGANISERS = ["Kath Morgan", "Ian Lewis", "Fran Baxter", "Neil Pritchard", "Zara Ali", "Eddie Cole"]
PENDING_NETWORK = ("Much Wenlock Neighbourhood Helpers", ["Much Wenlock"], ["TF13"])

# Forty different (invented) people, as a county's volunteer list would have.
NAMES = [
    "Alex Evans",
    "Sam Whitfield",
    "Jordan Price",
    "Priya Patel",
    "Gareth Hughes",
    "Rhiannon Morris",
    "Tom Ashworth",
    "Aisha Khan",
    "Dafydd Owen",
    "Mo Rahman",
    "Helen Bright",
    "Kieran Doyle",
    "Margaret Lloyd",
    "Chloe Barker",
    "Tariq Hussain",
    "Sian Davies",
    "Ben Corbett",
    "Jess Marsh",
    "Graham Tudor",
    "Nia Roberts",
    "Oliver Finch",
    "Karen Pugh",
    "Marek Nowak",
    "Ellie Brookes",
    "Dev Sharma",
    "Ruth Edwards",
    "Callum Reid",
    "Sophie Gittins",
    "Andy Bebb",
    "Hannah Jarvis",
    "Femi Adeyemi",
    "Lucy Mottram",
    "Pete Onions",
    "Gemma Clee",
    "Wojtek Kaminski",
    "Beth Heighway",
    "Rob Tranter",
    "Amira Said",
    "Jack Breeze",
    "Carol Vaughan",
]
RETAIN_DAYS = 730
OUTCODES = ["SY1", "SY2", "SY3", "SY4", "SY5", "SY8", "SY11", "TF1", "TF8", "WV16"]
SKILLS = list(details.SKILLS)
AVAILABILITY = list(details.AVAILABILITY)


def _hubs() -> int:
    taken = set(db.session.scalars(select(Hub.location_id)))
    added = 0
    for n, (name, (kinds, day, night)) in enumerate(HUBS.items()):
        building = db.session.scalars(select(Location).where(Location.name == name)).first()
        if building is None or building.id in taken:
            continue
        db.session.add(
            Hub(
                location=building,
                organisation_id=building.operator_id,
                kinds=[k.value for k in kinds],
                day_capacity=day,
                night_capacity=night,
                facilities=FACILITIES,
                offer=OFFER,
                keyholders=f"{KEYHOLDERS[n]}, 07700 900{n + 101:03d}",
                status=HubStatus.standby,
            )
        )
        added += 1
    return added


def _networks() -> int:
    existing = set(db.session.scalars(select(MutualAidNetwork.name)))
    added = 0
    rows = [(*n, Review.published) for n in NETWORKS]
    rows.append((*PENDING_NETWORK, "Neighbours helping neighbours", "", Review.pending))
    for n, (name, towns, outcodes, offers, contact, review) in enumerate(rows):
        if name in existing:
            continue
        organiser = ORGANISERS[n % len(ORGANISERS)]
        db.session.add(
            MutualAidNetwork(
                name=name,
                towns=towns,
                outcodes=outcodes,
                offers=offers,
                public_contact=contact,
                show_contact=bool(contact),
                private_contact=f"{organiser}, {organiser.split()[0].lower()}@example.org",
                review=review,
            )
        )
        added += 1
    return added


def _volunteers() -> int:
    if db.session.scalars(select(Volunteer.id).limit(1)).first() is not None:
        return 0
    rng = random.Random(2025)  # noqa: S311 - demo data, the same volunteers every time
    for n, name in enumerate(NAMES):
        outcode = OUTCODES[n % len(OUTCODES)]
        point = geo.district_point(outcode)
        db.session.add(
            Volunteer(
                name=name,
                email=f"{name.lower().replace(' ', '.')}@example.org",
                # Ofcom's range for drama: numbers that ring nobody.
                phone=f"07700 900{n:03d}" if n % 2 else "",
                outcode=outcode,
                latitude=point.latitude if point else None,
                longitude=point.longitude if point else None,
                skills=rng.sample(SKILLS, k=rng.randint(1, 3)),
                availability=rng.sample(AVAILABILITY, k=rng.randint(1, 3)),
                dbs_checked=n % 3 == 0,
                dbs_date=date(2025, 1 + n % 12, 1) if n % 3 == 0 else None,
                consent=details.consent_text(RETAIN_DAYS),
                retain_until=today_uk() + timedelta(days=RETAIN_DAYS),
                # Most have confirmed their address; a few show CVEC "Email not confirmed".
                email_confirmed_at=None if n % 8 == 0 else utcnow() - timedelta(days=30 + n),
            )
        )
    return len(NAMES)


def _readiness() -> int:
    """Readiness checks on most hubs, some long ago (so CVEC's list of hubs to check has rows),
    and a few never checked."""
    if db.session.scalars(select(HubReadiness.id).limit(1)).first() is not None:
        return 0
    every = db.session.scalars(select(Hub).order_by(Hub.id)).all()
    for n, hub in enumerate(every):
        if n % 5 == 4:
            continue  # never checked
        db.session.add(
            HubReadiness(
                hub=hub,
                keyholders_confirmed=True,
                capacity_confirmed=True,
                facilities_checked=n % 3 != 0,
                checked_at=utcnow() - timedelta(days=30 + 60 * n),
            )
        )
    return len(every)


def _training() -> int:
    """Courses for about half the volunteers: rest centre, first aid, safeguarding; some
    expired."""
    if db.session.scalars(select(VolunteerTraining.id).limit(1)).first() is not None:
        return 0
    courses = ["rest_centre", "first_aid", "safeguarding", "food_hygiene"]
    added = 0
    for n, volunteer in enumerate(db.session.scalars(select(Volunteer).order_by(Volunteer.id))):
        if n % 2:
            continue
        done = today_uk() - timedelta(days=100 + 97 * n)
        db.session.add(
            VolunteerTraining(
                volunteer_id=volunteer.id,
                course=courses[n % len(courses)],
                completed_on=done,
                expires_on=done + timedelta(days=3 * 365),
            )
        )
        added += 1
    return added


def load() -> list[str]:
    hubs, networks, volunteers = _hubs(), _networks(), _volunteers()
    db.session.flush()
    checked, trained = _readiness(), _training()
    db.session.commit()
    return [
        f"{hubs} new hubs on standby, {networks} new mutual-aid networks, "
        f"{volunteers} new emergency volunteers (no incident declared); "
        f"readiness checks on {checked} hubs, training for {trained} volunteers"
    ]


demo.register(40, "emergency hubs, mutual aid and volunteers", load)
