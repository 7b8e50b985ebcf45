"""Directory demo data: 300+ services across the needs, delivered from buildings county-wide.

Invented services at the real towns' community buildings (see accord.demo_data), with
weekly and monthly opening times, capacity states and review dates spread realistically.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta
from typing import NamedTuple

from sqlalchemy import select

from accord import demo
from accord.extensions import db
from accord.models import Location, Organisation
from directory import listings, taxonomy
from directory.models import Capacity, Schedule, Service, ServiceAtLocation, TaxonomyTerm

# need code → (name pattern, what it is, who it is for, access routes, min age, max age)
TEMPLATES: dict[str, list[tuple[str, str, str, list[str], int | None, int | None]]] = {
    "food": [
        (
            "{town} Community Larder",
            "Low-cost food shop: pay a small membership and choose your own food each week.",
            "Anyone living locally on a low income.",
            ["drop_in"],
            18,
            None,
        ),
        (
            "{town} Lunch Club",
            "A hot two-course lunch and good company.",
            "Older people and anyone who would like company over lunch.",
            ["drop_in", "self_referral"],
            50,
            None,
        ),
        (
            "{town} Food Bank",
            "Emergency food parcels for three days, with advice on what to do next.",
            "People in crisis, with a voucher from a referral agency.",
            ["professional_referral"],
            None,
            None,
        ),
    ],
    "money-and-debt": [
        (
            "Benefits and debt advice at {building}",
            "Free, confidential help to check your benefits, sort out debts and deal with letters.",
            "Anyone who lives in Shropshire.",
            ["drop_in", "self_referral", "professional_referral"],
            16,
            None,
        ),
    ],
    "housing": [
        (
            "{town} Housing Help",
            "Advice if you are at risk of losing your home, and support to keep a tenancy.",
            "Adults at risk of homelessness.",
            ["self_referral", "professional_referral"],
            16,
            None,
        ),
    ],
    "mental-health": [
        (
            "{town} Wellbeing Café",
            "A relaxed peer-support café for people living with anxiety or low mood.",
            "Adults who would like to talk with others who understand.",
            ["drop_in"],
            18,
            None,
        ),
        (
            "Talking Space counselling, {town}",
            "Six to twelve sessions of counselling with a qualified counsellor.",
            "Adults; referral by a GP, social prescriber or self.",
            ["self_referral", "professional_referral"],
            18,
            None,
        ),
    ],
    "loneliness": [
        (
            "{town} Befriending",
            "A volunteer visits or phones each week for a chat.",
            "People who feel lonely or isolated, often after a bereavement or illness.",
            ["self_referral", "professional_referral"],
            18,
            None,
        ),
        (
            "Coffee Morning at {building}",
            "Tea, cake and conversation every week. Just turn up.",
            "Everyone welcome.",
            ["drop_in"],
            None,
            None,
        ),
    ],
    "carers": [
        (
            "{town} Carers Group",
            "Meet other unpaid carers, share tips and get information and a break.",
            "Anyone who looks after a family member or friend.",
            ["drop_in", "self_referral"],
            16,
            None,
        ),
    ],
    "children-and-families": [
        (
            "{town} Stay and Play",
            "Play sessions for babies and toddlers with their parents or carers.",
            "Children aged 0 to 4 with an adult.",
            ["drop_in"],
            0,
            4,
        ),
        (
            "{town} Youth Club",
            "Games, music, trips and someone to talk to.",
            "Young people aged 11 to 18.",
            ["drop_in"],
            11,
            18,
        ),
    ],
    "older-people": [
        (
            "Active Ageing at {building}",
            "Gentle exercise, talks and day trips.",
            "People aged 60 and over.",
            ["drop_in", "self_referral"],
            60,
            None,
        ),
    ],
    "disability": [
        (
            "{town} Inclusive Social Club",
            "Evening social club with accessible activities.",
            "Adults with learning disabilities and their supporters.",
            ["self_referral", "professional_referral"],
            18,
            None,
        ),
    ],
    "domestic-abuse": [
        (
            "Safe Space outreach, {town}",
            "Confidential support, safety planning and help with the next steps.",
            "Anyone experiencing domestic abuse. If you are in danger call 999.",
            ["self_referral", "professional_referral"],
            16,
            None,
        ),
    ],
    "transport": [
        (
            "{town} Community Car Scheme",
            "Volunteer drivers take you to medical appointments and the shops.",
            "People who cannot use public transport.",
            ["self_referral", "professional_referral"],
            None,
            None,
        ),
    ],
    "digital": [
        (
            "Digital help drop-in at {building}",
            "Help with phones, tablets, email, online forms and staying safe online.",
            "Anyone who wants help getting online.",
            ["drop_in"],
            None,
            None,
        ),
    ],
    "employment": [
        (
            "{town} Work Club",
            "CV help, job searching and interview practice.",
            "People looking for work or training.",
            ["drop_in", "self_referral"],
            16,
            None,
        ),
    ],
    "health": [
        (
            "Health walks from {building}",
            "Free, friendly, short walks led by trained volunteers.",
            "Anyone who wants to be more active.",
            ["drop_in"],
            None,
            None,
        ),
    ],
    "bereavement": [
        (
            "{town} Bereavement Support Group",
            "A safe place to talk after someone has died.",
            "Adults who have been bereaved.",
            ["drop_in", "self_referral"],
            18,
            None,
        ),
    ],
    "volunteering": [
        (
            "Volunteer with {org}",
            "Find a volunteering role that suits you, from driving to gardening.",
            "Anyone aged 16 and over.",
            ["self_referral"],
            16,
            None,
        ),
    ],
    "warm-spaces": [
        (
            "Warm Welcome at {building}",
            "A warm, free place to spend time, with hot drinks and Wi-Fi.",
            "Everyone welcome.",
            ["drop_in"],
            None,
            None,
        ),
    ],
    "advice": [
        (
            "Advice surgery at {building}",
            "Help with forms, letters and finding the right service.",
            "Anyone who needs advice.",
            ["drop_in"],
            None,
            None,
        ),
    ],
    "substance-use": [
        (
            "{town} Recovery Café",
            "Peer support for people in recovery from drug or alcohol use.",
            "Adults in or seeking recovery.",
            ["drop_in", "self_referral"],
            18,
            None,
        ),
    ],
    "learning": [
        (
            "English conversation club, {town}",
            "Practise speaking English in a friendly group.",
            "Adults learning English.",
            ["drop_in"],
            16,
            None,
        ),
    ],
}

# A few services are delivered across the county, online or by phone, with no building.
COUNTYWIDE = [
    (
        "Shropshire Carers Helpline",
        "carers",
        "Phone and online support for unpaid carers across Shropshire.",
        True,
    ),
    (
        "Money advice by phone",
        "money-and-debt",
        "Benefits and debt advice by phone and video.",
        True,
    ),
    (
        "Home visits befriending, south Shropshire",
        "loneliness",
        "Volunteers visit people at home across south Shropshire.",
        False,
    ),
]

WEEKLY_PATTERNS = [
    [("MO,TU,WE,TH,FR", "09:00", "17:00")],
    [("TU,TH", "10:00", "13:00")],
    [("WE", "12:00", "14:00")],
    [("MO", "09:30", "12:30"), ("MO", "13:30", "16:00")],
    [("SA", "10:00", "12:00")],
    [("FR", "18:00", "21:00")],
    [("TH", "14:00", "16:00")],
]
CAPACITIES = [Capacity.accepting] * 7 + [Capacity.waiting_list, Capacity.at_capacity]
SOUTH = ["SY5", "SY6", "SY7", "SY8", "SY9", "WV16", "DY14"]


def _organisation_for(place: Location, orgs: Sequence[Organisation]) -> Organisation:
    if place.operator is not None:
        return place.operator
    local = [o for o in orgs if o.town == place.town and o.sector == "vcs"]
    return (local or [o for o in orgs if o.sector == "vcs"])[0]


class Listing(NamedTuple):
    name: str
    need: str
    description: str
    who: str  # who it is for
    routes: list[str]
    ages: tuple[int | None, int | None]
    source_id: str


def _add(
    rng: random.Random,
    terms: dict[str, TaxonomyTerm],
    org: Organisation,
    listing: Listing,
    place: Location | None = None,
) -> Service:
    routes = listing.routes
    service = Service(
        name=listing.name,
        organisation=org,
        eligibility=listing.who,
        minimum_age=listing.ages[0],
        maximum_age=listing.ages[1],
        access_routes=list(routes),
        is_free=rng.random() > 0.15,
        languages=["English"] + (["Welsh"] if rng.random() < 0.1 else []),
        capacity=rng.choice(CAPACITIES),
        assured_at=date(2026, 11, 1) - timedelta(days=rng.randint(5, 480)),
        assurer=f"{org.name}",
        source="demo",
        source_id=listing.source_id,
        phone="01743 000000",
        # What a referrer is asked for, beyond the name and the reason (see the referral pages).
        referral_fields=["contact", "needs"] if "professional_referral" in routes else [],
    )
    if not service.is_free:
        service.fees = "A small charge for some sessions; ask about help with costs."
    listings.set_description(service, plain=listing.description)
    service.terms = [terms[listing.need]]
    if place is not None:
        service.at_locations = [ServiceAtLocation(location=place)]
    for byday, opens, closes in rng.choice(WEEKLY_PATTERNS):
        service.schedules.append(
            Schedule(freq="WEEKLY", byday=byday, opens_at=opens, closes_at=closes)
        )
    db.session.add(service)
    return service


class _County(NamedTuple):
    """What adding the demo services needs: one seeded random source (the same county every
    time), the needs, the organisations and the services already loaded."""

    rng: random.Random
    terms: dict[str, TaxonomyTerm]
    orgs: list[Organisation]
    existing: set[str]


def _at_buildings(county: _County) -> list[Service]:
    """Each need's services at every community building (a county-wide spread)."""
    rng, terms, orgs, existing = county
    added = []
    places = db.session.scalars(select(Location).order_by(Location.id)).all()
    for place in places:
        org = _organisation_for(place, orgs)
        for need, options in TEMPLATES.items():
            for n, (pattern, description, who, routes, low, high) in enumerate(options):
                source_id = f"{place.name}/{need}/{n}"
                if source_id in existing:
                    continue
                name = pattern.format(town=place.town, building=place.name, org=org.name)
                listing = Listing(name, need, description, who, routes, (low, high), source_id)
                added.append(_add(rng, terms, org, listing, place))
    return added


def _countywide(county: _County) -> list[Service]:
    """Services with no building: online, or visiting homes across the south of the county."""
    rng, terms, orgs, existing = county
    added = []
    council = next((o for o in orgs if o.slug == "shropshire-council"), orgs[0])
    for name, need, description, online in COUNTYWIDE:
        if name in existing:
            continue
        routes = ["self_referral", "professional_referral"]
        listing = Listing(
            name, need, description, "Anyone in Shropshire.", routes, (None, None), name
        )
        service = _add(rng, terms, council, listing)
        service.online_only = online
        service.service_areas = [] if online else SOUTH
        added.append(service)
    return added


def load() -> list[str]:
    taxonomy.ensure()
    terms = {t.code: t for t in taxonomy.needs()}
    existing = set(db.session.scalars(select(Service.source_id).where(Service.source == "demo")))
    orgs = list(db.session.scalars(select(Organisation).order_by(Organisation.id)))
    rng = random.Random(2025)  # noqa: S311 - demo data, the same county every time
    county = _County(rng, terms, orgs, existing)
    added = _at_buildings(county) + _countywide(county)
    # A monthly session, to show "first Monday of the month" times.
    for service in added[::37]:
        service.schedules.append(
            Schedule(
                freq="MONTHLY",
                byday="1MO",
                opens_at="18:30",
                closes_at="20:30",
                description="Evening session on the first Monday of the month",
            )
        )
    db.session.flush()
    for service in added:
        listings.index(service)
    db.session.commit()
    return [f"{len(added)} new services"]


demo.register(30, "the directory's services", load)
