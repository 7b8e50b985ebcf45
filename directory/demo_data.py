"""Directory demo data: 300+ services across the needs, delivered from buildings county-wide.

Invented services at the real towns' community buildings (see accord.demo_data), each run by
an organisation of the right kind (directory.demo_services), with the hours such a service
keeps, capacity states and review dates spread realistically.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import NamedTuple

from sqlalchemy import select

from accord import demo
from accord.clock import today_uk
from accord.extensions import db
from accord.models import Location, Organisation
from directory import listings, taxonomy
from directory.demo_countywide import COUNTYWIDE
from directory.demo_services import LOCAL, PROVIDERS, TEMPLATES, Template, covers, runs
from directory.models import Capacity, Schedule, Service, ServiceAtLocation, TaxonomyTerm

CAPACITIES = [Capacity.accepting] * 7 + [Capacity.waiting_list, Capacity.at_capacity]
# Groups that also meet one evening a month (shows "first Monday of the month" times).
MONTHLY = {"carers", "bereavement", "disability"}


def phone_of(org: Organisation) -> str:
    """The organisation's number: Ofcom's range for drama (03069 990000-990999), one each."""
    names = list(PROVIDERS)
    return f"03069 990{names.index(org.name) if org.name in names else 999:03d}"


class Listing(NamedTuple):
    name: str
    need: str
    template: Template
    source_id: str


def _checked_days_ago(rng: random.Random) -> int:
    """Days since a demo listing was checked, counted back from the day the demo is loaded:
    up to 14 months, so a fresh demo has listings due their reminder (11 months) but none
    yet out of date (15 months), whenever it is loaded; the judged searches rank current
    listings. The same one draw as ever, so the rest of the demo county is unchanged."""
    drawn = rng.randint(5, 480)
    return 5 + (drawn - 5) * 425 // 475


def _add(
    rng: random.Random,
    terms: dict[str, TaxonomyTerm],
    org: Organisation,
    listing: Listing,
    place: Location | None = None,
) -> Service:
    template = listing.template
    routes = template.routes
    service = Service(
        name=listing.name,
        organisation=org,
        eligibility=template.who,
        minimum_age=template.ages[0],
        maximum_age=template.ages[1],
        access_routes=list(routes),
        is_free=rng.random() > 0.15,
        languages=["English"] + (["Welsh"] if rng.random() < 0.1 else []),
        capacity=rng.choice(CAPACITIES),
        assured_at=today_uk() - timedelta(days=_checked_days_ago(rng)),
        assurer=f"{org.name}",
        source="demo",
        source_id=listing.source_id,
        phone=phone_of(org),
        # What a referrer is asked for, beyond the name and the reason (see the referral pages).
        referral_fields=["contact", "needs"] if "professional_referral" in routes else [],
    )
    if not service.is_free:
        service.fees = "A small charge for some sessions; ask about help with costs."
    listings.set_description(service, plain=template.description)
    service.terms = [terms[listing.need]]
    if place is not None:
        service.at_locations = [ServiceAtLocation(location=place)]
    for byday, opens, closes in rng.choice(template.hours):
        service.schedules.append(
            Schedule(freq="WEEKLY", byday=byday, opens_at=opens, closes_at=closes)
        )
    if template.kind in MONTHLY and rng.random() < 0.3:
        service.schedules.append(
            Schedule(
                freq="MONTHLY",
                byday="1MO",
                opens_at="18:30",
                closes_at="20:30",
                description="Evening session on the first Monday of the month",
            )
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


def provider(place: Location, kind: str, orgs: list[Organisation]) -> Organisation | None:
    """Who runs this kind of service at the place: the building's operator if it runs such
    services, else an organisation of the town, else one covering the town; or nobody."""
    if place.operator is not None and _operator_runs(place, kind):
        return place.operator
    able = [o for o in orgs if runs(o.name, kind) and covers(o.name, place.town, o.town)]
    local = [o for o in able if PROVIDERS[o.name][0] == LOCAL]
    return next(iter(local or able), None)


def _operator_runs(place: Location, kind: str) -> bool:
    return place.operator is not None and runs(place.operator.name, kind)


def _placements(places: list[Location]):
    """(place, need, n, template) for each service the county has: a template named after the
    town at one of the town's buildings (one whose operator runs such services, else taking
    turns), the others at every building."""
    towns: dict[str, list[Location]] = {}
    for place in places:
        towns.setdefault(place.town, []).append(place)
    turn = 0
    for need, options in TEMPLATES.items():
        for n, template in enumerate(options):
            turn += 1
            for place in places:
                if "{town}" in template.name:
                    in_town = towns[place.town]
                    own = [p for p in in_town if _operator_runs(p, template.kind)]
                    if place is not (own or [in_town[turn % len(in_town)]])[0]:
                        continue
                yield place, need, n, template


def _at_buildings(county: _County) -> list[Service]:
    """The town's services at its community buildings, each run by an organisation that fits."""
    rng, terms, orgs, existing = county
    added = []
    places = list(db.session.scalars(select(Location).order_by(Location.id)))
    named = select(Location.town, Service.name).join(ServiceAtLocation.location)
    taken = {
        (town, name) for town, name in db.session.execute(named.join(ServiceAtLocation.service))
    }
    for place, need, n, template in _placements(places):
        source_id = f"{place.name}/{need}/{n}"
        org = provider(place, template.kind, orgs)
        if source_id in existing or org is None:
            continue
        name = template.name.format(town=place.town, building=place.name, org=org.name)
        if (place.town, name) in taken:
            continue
        taken.add((place.town, name))
        added.append(_add(rng, terms, org, Listing(name, need, template, source_id), place))
    return added


def _countywide(county: _County) -> list[Service]:
    """Services with no building: online, or visiting or delivering to homes in an area."""
    rng, terms, orgs, existing = county
    added = []
    by_name = {o.name: o for o in orgs}
    for name, need, kind, description, online, org_name, areas in COUNTYWIDE:
        org = by_name.get(org_name)
        if name in existing or org is None:
            continue
        routes = ["self_referral", "professional_referral"]
        hours = [[("MO,TU,WE,TH,FR", "09:00", "17:00")], [("MO,TU,WE,TH", "09:30", "16:30")]]
        template = Template(
            name, kind, description, "Anyone in Shropshire.", routes, (None, None), hours
        )
        service = _add(rng, terms, org, Listing(name, need, template, name))
        service.online_only = online
        service.service_areas = list(areas)
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
    listings.index_many(added)
    db.session.commit()
    return [f"{len(added)} new services"]


demo.register(30, "the directory's services", load)
