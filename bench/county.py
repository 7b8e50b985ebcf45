"""County-scale data for benchmarks, written with bulk inserts on SQLite or PostgreSQL.

`build` is the directory alone: 50,000 services at 20,000 real-postcode locations run by
2,000 organisations, written as a county's listings are (bench/phrases.py): names, texts and
eligibility from need-specific phrase banks with real post towns, villages, buildings and
streets; 17 weekly and monthly opening patterns and some services with none; about 2%
online only, 3% covering an area with no building (their `service_areas` are districts), 6%
at two to five buildings; some pending, rejected, temporarily closed, inactive or defunct.
`vocabulary` says how many distinct words the listings hold and how long they are, so
nobody shrinks the county by accident (issue 17: a 35-word county hid what search costs).

`county` adds the rest of the county on top: 2,000 signatories, 2,000 emergency hubs, 300
mutual-aid networks, 20,000 volunteers, 100,000 referrals, an active incident and a CVEC
coordinator to sign in as. `scale` shrinks every count for a quick test.
"""

from __future__ import annotations

import functools
import random
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import insert, select, text

from accord import accounts, geo, sealing
from accord.extensions import db
from accord.models import Location, Membership, Organisation, Review, Role, User
from bench import phrases
from directory import listings, taxonomy
from directory.models import (
    Capacity,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceSearch,
    ServiceStatus,
    service_term,
)
from directory.referrals.models import Referral, ReferralStatus
from directory.search import indexes
from emergency.models import Hub, HubStatus, Incident
from emergency.networks.models import MutualAidNetwork, NetworkActivation
from emergency.volunteers.models import Deployment, Volunteer
from registry.models import AccordVersion
from registry.signatories.models import Signatory, SignatoryStatus

# Every Shropshire and Telford district, so density is like the real county's.
DISTRICTS = [f"SY{n}" for n in range(1, 14)] + [f"TF{n}" for n in range(1, 14)]
DISTRICTS += ["WV16", "WV15", "WV7", "DY14"]
SECTORS = ["vcs"] * 7 + ["public", "parish", "private"]
CVEC_EMAIL = "cvec@bench.example"
CVEC_PASSWORD = "bench-cvec-password"  # noqa: S105 - a benchmark's throwaway account

# How often each need is listed: a county has many more food and social groups than refuges.
NEED_WEIGHTS = {
    "food": 9,
    "loneliness": 9,
    "health": 8,
    "children-and-families": 8,
    "older-people": 7,
    "mental-health": 6,
    "money-and-debt": 5,
    "advice": 5,
    "carers": 4,
    "disability": 4,
    "learning": 4,
    "volunteering": 4,
    "digital": 3,
    "warm-spaces": 3,
    "employment": 3,
    "housing": 3,
    "bereavement": 2,
    "transport": 2,
    "substance-use": 2,
    "domestic-abuse": 1,
}

# Opening patterns: (freq, byday, bymonthday, opens, closes, description) rows. Weekly and
# monthly, mornings, evenings, weekends, split days, first/last weekday of the month.
WEEKDAYS = "MO,TU,WE,TH,FR"
SCHEDULES: list[list[tuple[str, str, str, str, str, str]]] = [
    [("WEEKLY", WEEKDAYS, "", "09:00", "17:00", "")],
    [("WEEKLY", WEEKDAYS, "", "09:30", "16:30", "")],
    [("WEEKLY", "MO,WE,FR", "", "10:00", "15:00", "")],
    [("WEEKLY", "TU,TH", "", "10:00", "12:00", "")],
    [("WEEKLY", "WE", "", "12:00", "14:00", "Lunch is served at half past twelve.")],
    [("WEEKLY", "TH", "", "18:30", "21:00", "")],
    [("WEEKLY", "SA", "", "10:00", "12:00", "")],
    [("WEEKLY", "SU", "", "14:00", "16:00", "")],
    [("WEEKLY", "MO", "", "09:30", "12:30", ""), ("WEEKLY", "MO", "", "13:30", "16:00", "")],
    [("WEEKLY", "TU", "", "10:00", "12:30", ""), ("WEEKLY", "FR", "", "13:00", "15:30", "")],
    [("WEEKLY", WEEKDAYS, "", "08:00", "20:00", ""), ("WEEKLY", "SA", "", "09:00", "13:00", "")],
    [("WEEKLY", "MO,TU,WE,TH,FR,SA,SU", "", "", "", "Open around the clock.")],
    [("MONTHLY", "1TU", "", "10:00", "12:00", "First Tuesday of the month.")],
    [("MONTHLY", "-1FR", "", "19:00", "21:00", "Last Friday of the month.")],
    [("MONTHLY", "2WE,4WE", "", "14:00", "16:00", "Second and fourth Wednesdays.")],
    [("MONTHLY", "", "1,15", "10:00", "13:00", "On the 1st and 15th of each month.")],
    [("MONTHLY", "3SA", "", "10:00", "15:00", ""), ("WEEKLY", "TH", "", "10:00", "12:00", "")],
]
NO_SCHEDULE = 0.12  # by appointment, or hours not given
ONLINE, AREA_WIDE, MULTI_SITE = 0.02, 0.03, 0.06


@functools.cache
def postcodes() -> list[str]:
    """Every postcode of the county's districts (each district scans the whole table)."""
    return [pc for d in DISTRICTS for pc in geo.postcodes_in(d)]


@functools.cache
def _places() -> dict[str, list[geo.Place]]:
    """Villages and towns by postcode district (GeoNames)."""
    found: dict[str, list[geo.Place]] = {}
    for place in geo.places():
        found.setdefault(place.outcode, []).append(place)
    return found


def _place_near(outcode: str, point: geo.Point) -> str:
    """The village or town of a postcode: the nearest named place in its district, else the
    district's post town (Shrewsbury's and Telford's inner districts have none listed)."""
    near = _places().get(outcode)
    if not near:
        return geo.post_town(outcode) or geo.district_town(outcode) or "Shrewsbury"
    return min(
        near,
        key=lambda p: (
            (p.point.latitude - point.latitude) ** 2 + (p.point.longitude - point.longitude) ** 2
        ),
    ).name


@functools.cache
def _neighbours(outcode: str) -> list[str]:
    """The county's districts, nearest first (an area-wide service covers a few of them)."""
    here = geo.district_point(outcode)
    if here is None:
        return [outcode]
    return sorted(
        (d for d in DISTRICTS if geo.district_point(d)),
        key=lambda d: geo.miles_between(here, geo.district_point(d)),  # type: ignore[arg-type]
    )


@dataclass
class Site:
    id: int
    outcode: str
    town: str
    place: str
    name: str
    street: str


# Slots drawn afresh each time they appear ("{dish}, {dish} and {dish}" are three dishes).
DRAWN = {
    "day": phrases.DAY_NAMES,
    "group": phrases.GROUPS,
    "activity": phrases.ACTIVITIES,
    "name": phrases.FIRST_NAMES,
    "partner": phrases.PARTNERS,
    "landmark": phrases.LANDMARKS,
    "dish": phrases.DISHES,
    "plant": phrases.PLANTS,
    "wildlife": phrases.WILDLIFE,
    "talk": phrases.TALKS,
    "year": [str(y) for y in range(1948, 2025)],
    "surname": phrases.SURNAMES,
    "interest": phrases.INTERESTS,
}
SLOT = re.compile(r"\{(\w+)\}")


def _fill(template: str, rng: random.Random, site: Site, need: phrases.Need) -> str:
    """A phrase with its slots filled for this service's place."""
    fixed = {"town": site.town, "place": site.place, "venue": site.name, "street": site.street}
    slots = SLOT.findall(template)
    # Each slot's values drawn without repeats: "we welcome men and women", not "men and men".
    drawn = {
        slot: rng.sample(need.topics if slot == "topic" else DRAWN[slot], slots.count(slot))
        for slot in set(slots) - set(fixed)
    }

    def value(m: re.Match[str]) -> str:
        return fixed[m[1]] if m[1] in fixed else drawn[m[1]].pop()

    return SLOT.sub(value, template)


def _villages(rng: random.Random, site: Site) -> str:
    """A few real villages near the service's own district, as listings name where they
    reach ("also serving Pontesbury, Minsterley and Hanwood")."""
    near = [p.name for d in _neighbours(site.outcode)[:3] for p in _places().get(d, [])]
    chosen = rng.sample(near, min(len(near), rng.randint(2, 4)))
    if len(chosen) < 2:
        return ""
    return f"Also serving {', '.join(chosen[:-1])} and {chosen[-1]}."


def _listing(rng: random.Random, need: phrases.Need, site: Site) -> tuple[str, str, str]:
    """A service's name, description and eligibility, as a provider in that place would write
    them: one or two sentences of what it does, often the things it helps with, a practical
    note or two, now and then the long tail (a name to ask for, a partner, a menu, villages)."""
    name = _fill(rng.choice(need.names), rng, site, need)
    said = [_fill(s, rng, site, need) for s in rng.sample(need.what, rng.choice([1, 1, 2]))]
    if rng.random() < 0.6:
        topics = rng.sample(need.topics, min(len(need.topics), rng.randint(2, 4)))
        said.append(f"We can help with {', '.join(topics[:-1])} and {topics[-1]}.")
    notes = rng.sample(phrases.NOTES, rng.choice([0, 1, 1, 2, 3]))
    said += [_fill(note, rng, site, need) for note in notes]
    if rng.random() < 0.5:
        said.append(_fill(rng.choice(phrases.EXTRAS), rng, site, need))
    if rng.random() < 0.25:
        said.append(_villages(rng, site))
    who = _fill(rng.choice(need.who), rng, site, need)
    return name, " ".join(s for s in said if s), who


def _site(rng: random.Random, i: int, postcode: str, point: geo.Point) -> tuple[Site, dict]:
    outcode = postcode.split()[0]
    town = geo.post_town(outcode) or geo.district_town(outcode)
    place = _place_near(outcode, point)
    kind = rng.choice(phrases.BUILDINGS)
    church = kind in ("Church Hall", "Parish Rooms") and rng.random() < 0.7
    name = f"{rng.choice(phrases.SAINTS) if church else place} {kind}"
    street = rng.choice(phrases.STREETS)
    row = {
        "uuid": f"00000000-0000-4000-8000-{i:012d}",
        "name": name,
        "address": f"{rng.randint(1, 120)} {street}, {place}",
        "postcode": postcode,
        "town": town,
        "latitude": point.latitude,
        "longitude": point.longitude,
        "accessibility": sorted(rng.sample(list(geo.ACCESSIBILITY), rng.randint(0, 4))),
        "facilities": sorted(rng.sample(list(geo.FACILITIES), rng.randint(0, 4))),
    }
    return Site(0, outcode, town, place, name, street), row


def _status(rng: random.Random) -> tuple[str, str]:
    """(review, status): most published and active, some waiting, refused or stopped."""
    r = rng.random()
    review = Review.pending if r < 0.03 else Review.rejected if r < 0.04 else Review.published
    r = rng.random()
    status = (
        ServiceStatus.temporarily_closed
        if r < 0.02
        else ServiceStatus.inactive
        if r < 0.035
        else ServiceStatus.defunct
        if r < 0.04
        else ServiceStatus.active
    )
    return review, status


AGES = [(None, None)] * 6 + [(18, None), (16, None), (60, None), (0, 4), (11, 18), (5, 18)]
ROUTES = [["drop_in"], ["self_referral"], ["drop_in", "self_referral"]]
ROUTES += [["professional_referral"], ["self_referral", "professional_referral"]]
ROUTES += [["drop_in", "self_referral", "professional_referral"]]
FEES = ["£2 a session", "£3 including refreshments", "£1.50", "£5 a term", "Small donation"]


def build(
    services: int = 50_000,
    locations: int = 20_000,
    seed: int = 7,
    organisations: int = 2_000,
    *,
    vacuum: bool = True,
) -> dict[str, int]:
    rng = random.Random(seed)  # noqa: S311 - benchmark data
    taxonomy.ensure()
    needs = {t.code: t for t in taxonomy.needs()}
    codes = postcodes()
    org_rows = []
    for i in range(organisations):
        postcode = rng.choice(codes)
        outcode = postcode.split()[0]
        point = geo.postcode_point(postcode)
        place = _place_near(outcode, point) if point else geo.post_town(outcode)
        org_rows.append(
            {
                "uuid": f"40000000-0000-4000-8000-{i:012d}",
                "slug": f"bench-org-{i}",
                "name": f"{place} {rng.choice(phrases.ORG_KINDS)}",
                "sector": rng.choice(SECTORS),
                "postcode": postcode,
                "outcode": outcode,
                "town": geo.post_town(outcode) or geo.district_town(outcode),
            }
        )
    db.session.execute(insert(Organisation), org_rows)
    orgs = db.session.execute(select(Organisation.id, Organisation.name)).all()
    sites: list[Site] = []
    loc_rows = []
    for i in range(locations):
        postcode = rng.choice(codes)
        point = geo.postcode_point(postcode)
        assert point is not None  # noqa: S101 - postcodes() holds only known postcodes
        site, row = _site(rng, i, postcode, point)
        sites.append(site)
        loc_rows.append(row)
    db.session.execute(insert(Location), loc_rows)
    for site, loc_id in zip(
        sites, db.session.scalars(select(Location.id).order_by(Location.id)), strict=True
    ):
        site.id = loc_id
    by_outcode: dict[str, list[Site]] = {}
    for site in sites:
        by_outcode.setdefault(site.outcode, []).append(site)

    codes_weighted = list(NEED_WEIGHTS)
    weights = list(NEED_WEIGHTS.values())
    service_rows, at, kinds, homes = [], [], [], []
    for i in range(services):
        code = rng.choices(codes_weighted, weights)[0]
        need = phrases.NEEDS[code]
        home = rng.choice(sites)
        name, description, who = _listing(rng, need, home)
        r = rng.random()
        online = r < ONLINE
        area = ONLINE <= r < ONLINE + AREA_WIDE
        multi = ONLINE + AREA_WIDE <= r < ONLINE + AREA_WIDE + MULTI_SITE
        areas: list[str] = []
        if online:
            name = f"{name} (online and by phone)"
            description += " Everything happens online, by video call or by phone."
        elif area:
            areas = _neighbours(home.outcode)[: rng.randint(1, 6)]
            towns = sorted({geo.post_town(d) for d in areas if geo.post_town(d)})
            description += f" We come to you at home across {', '.join(towns)}."
        buildings = [] if online or area else [home]
        if multi:
            nearby = by_outcode[home.outcode]
            extra = rng.sample(nearby, min(len(nearby), rng.randint(1, 4)))
            buildings += [s for s in extra if s is not home]
        review, status = _status(rng)
        ages = rng.choice(AGES)
        free = rng.random() < 0.85
        org_id, org_name = rng.choice(orgs)
        service_rows.append(
            {
                "uuid": f"10000000-0000-4000-8000-{i:012d}",
                "organisation_id": org_id,
                "name": name[:300],
                "description": description,
                "description_html": f"<p>{description}</p>",
                "eligibility": who,
                "minimum_age": ages[0],
                "maximum_age": ages[1],
                "is_free": free,
                "fees": "" if free else rng.choice(FEES),
                "status": status,
                "review": review,
                "capacity": rng.choice([Capacity.accepting] * 8 + list(Capacity)),
                "assured_at": date(2026, 6, 1) - timedelta(days=rng.randint(0, 500)),
                "access_routes": rng.choice(ROUTES),
                "languages": sorted({"English", rng.choice(phrases.LANGUAGES)}),
                "service_areas": areas,
                "online_only": online,
                "email": f"hello{i}@bench.example",
                "phone": f"01743 {rng.randint(200000, 999999)}",
            }
        )
        extra_need = rng.choice(list(needs)) if rng.random() < 0.2 else code
        kinds.append(sorted({code, extra_need}))
        at.append(buildings)
        homes.append(org_name)
    db.session.execute(insert(Service), service_rows)
    service_ids = list(db.session.scalars(select(Service.id).order_by(Service.id)))
    db.session.execute(
        insert(ServiceAtLocation),
        [
            {
                "uuid": f"20000000-0000-4000-8000-{n:012d}",
                "service_id": sid,
                "location_id": site.id,
            }
            for n, (sid, site) in enumerate(
                (sid, site) for sid, held in zip(service_ids, at, strict=True) for site in held
            )
        ],
    )
    db.session.execute(
        insert(service_term),
        [
            {"service_id": sid, "term_id": needs[code].id}
            for sid, codes_of in zip(service_ids, kinds, strict=True)
            for code in codes_of
        ],
    )
    schedule_rows = []
    for sid in service_ids:
        if rng.random() < NO_SCHEDULE:
            continue
        for freq, byday, bymonthday, opens, closes, said in rng.choice(SCHEDULES):
            schedule_rows.append(
                {
                    "uuid": f"30000000-0000-4000-8000-{len(schedule_rows):012d}",
                    "service_id": sid,
                    "freq": freq,
                    "byday": byday,
                    "bymonthday": bymonthday,
                    "opens_at": opens,
                    "closes_at": closes,
                    "description": said,
                }
            )
    db.session.execute(insert(Schedule), schedule_rows)
    # The search row is the app's own (directory.listings.search_row), made from the same
    # fields a saved listing's would be, without loading 50,000 ORM objects.
    db.session.execute(
        insert(ServiceSearch),
        [
            {
                "service_id": sid,
                **listings.search_row(
                    SimpleNamespace(  # type: ignore[arg-type]
                        **row,
                        organisation=SimpleNamespace(name=org_name),
                        terms=[needs[c] for c in codes_of],
                        locations=[
                            SimpleNamespace(name=s.name, town=s.town, review="published")
                            for s in held
                        ],
                    )
                ),
            }
            for sid, row, org_name, codes_of, held in zip(
                service_ids, service_rows, homes, kinds, at, strict=True
            )
        ],
    )
    db.session.commit()
    if vacuum:
        analyse()
    return {"services": len(service_ids), "locations": len(sites), "organisations": len(orgs)}


WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


def vocabulary() -> dict[str, float]:
    """The listings' words as the bench wrote them (names, descriptions, eligibility): how
    many distinct words, and the words per listing at the 5th, 50th and 95th percentiles."""
    seen: Counter[str] = Counter()
    lengths = []
    for name, description, who in db.session.execute(
        select(Service.name, Service.description, Service.eligibility)
    ):
        found = WORD.findall(f"{name} {description} {who}".lower())
        seen.update(found)
        lengths.append(len(found))
    if not lengths:
        return {"distinct": 0, "p5": 0, "p50": 0, "p95": 0, "max": 0}
    cuts = statistics.quantiles(lengths, n=20) if len(lengths) > 1 else [lengths[0]] * 19
    return {
        "distinct": len(seen),
        "once": sum(1 for n in seen.values() if n == 1),
        "p5": cuts[0],
        "p50": statistics.median(lengths),
        "p95": cuts[-1],
        "max": max(lengths),
    }


def vocabulary_line(v: dict[str, float]) -> str:
    return (
        f"vocabulary {v['distinct']:,.0f} distinct words ({v.get('once', 0):,.0f} used once); "
        f"words per listing p5 {v['p5']:.0f} · p50 {v['p50']:.0f} · p95 {v['p95']:.0f} · "
        f"max {v['max']:.0f}"
    )


def analyse(tidy: bool = True) -> None:
    """Fresh planner statistics and visibility map, as autovacuum would give a live database
    after a bulk load: without statistics PostgreSQL guesses a handful of rows and picks nested
    loops over 50,000; without the visibility map an index-only scan (a count, a page of ids)
    still visits every row's page of the table. The search indexes tidied as the daily `flask
    directory vocabulary` leaves them (indexes.tidy: on SQLite each full-text index merged
    into one segment, on PostgreSQL the place-ordered index's rows in order of place), unless
    `tidy` is False (bench/tidy.py, to measure what the tidy saves)."""
    if tidy:
        indexes.tidy()
    if db.engine.dialect.name == "postgresql":
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))


# Shares of each status, as a county in the middle of an incident might have them.
HUB_STATUSES = [HubStatus.open] * 3 + [HubStatus.full] + [HubStatus.standby] * 4
HUB_STATUSES += [HubStatus.closed] * 2
REFERRAL_STATUSES = [ReferralStatus.completed] * 4 + [ReferralStatus.accepted] * 2
REFERRAL_STATUSES += [
    ReferralStatus.sent,
    ReferralStatus.declined,
    ReferralStatus.withdrawn,
    ReferralStatus.draft,
]
SKILLS = ["driving", "first_aid", "cooking", "admin", "languages", "lifting", "dbs_children"]
NOW = datetime(2026, 11, 1, 12, 0)


def county(scale: float = 1.0, seed: int = 7) -> dict[str, int]:
    """The whole county: `build`'s directory, then signatories, hubs, networks, volunteers,
    referrals, one active flood incident and a CVEC coordinator. Counts are returned."""

    def n(full: int) -> int:
        return max(1, round(full * scale))

    made = build(n(50_000), n(20_000), seed, organisations=n(2_000), vacuum=False)
    rng = random.Random(seed + 1)  # noqa: S311 - benchmark data
    codes = postcodes()
    towns = [place.name for place in geo.places()]
    org_ids = list(db.session.scalars(select(Organisation.id).order_by(Organisation.id)))
    loc_ids = list(db.session.scalars(select(Location.id).order_by(Location.id)))
    service_orgs = db.session.execute(select(Service.id, Service.organisation_id)).all()

    version = db.session.scalar(select(AccordVersion).order_by(AccordVersion.id.desc()))
    if version is None:
        version = AccordVersion(version="2025", title="The Shropshire Accord")
        db.session.add(version)
        db.session.flush()
    signed = [NOW - timedelta(days=rng.randint(0, 900)) for _ in org_ids]
    db.session.execute(
        insert(Signatory),
        [
            {
                "organisation_id": org,
                "accord_version_id": version.id,
                # One in twenty has withdrawn: the list must leave them out.
                "status": SignatoryStatus.withdrawn if i % 20 == 0 else SignatoryStatus.published,
                "signer_name": "A Signer",
                "signer_email": f"signer{i}@bench.example",
                "signed_at": signed[i],
                "published_at": signed[i],
            }
            for i, org in enumerate(org_ids)
        ],
    )

    cvec = accounts.create_user(CVEC_EMAIL, CVEC_PASSWORD, Role.cvec, name="Bench CVEC")
    incident = Incident(
        name="Bench flood: River Severn",
        kind="flood",
        place="Shrewsbury",
        latitude=52.7077,
        longitude=-2.7541,
        radius_miles=5.0,
        towns=["Shrewsbury", "Ironbridge"],
        public_message="Rest centres are open in Shrewsbury.",
        started_at=NOW,
        declared_by_id=cvec.id,
    )
    db.session.add(incident)
    db.session.flush()

    hub_locations = rng.sample(loc_ids, min(n(2_000), len(loc_ids)))
    db.session.execute(
        insert(Hub),
        [
            {
                "location_id": loc,
                "organisation_id": rng.choice(org_ids),
                "kinds": rng.sample(["rest_centre", "warm_space", "distribution_point"], 2),
                "day_capacity": (capacity := rng.choice([20, 40, 60, 120])),
                "night_capacity": capacity // 2 if i % 3 == 0 else None,
                "facilities": rng.sample(["kitchen", "wifi", "charging", "parking"], 2),
                "offer": "Hot drinks, phone charging and somewhere warm.",
                "keyholders": "Key holder: 01743 000000",
                "status": (status := rng.choice(HUB_STATUSES)),
                "occupancy": rng.randint(0, capacity) if status == HubStatus.open else 0,
                "needs": "blankets" if i % 7 == 0 else "",
                "status_at": NOW - timedelta(minutes=rng.randint(0, 600)),
            }
            for i, loc in enumerate(hub_locations)
        ],
    )
    hub_ids = list(db.session.scalars(select(Hub.id)))

    network_rows = []
    for i in range(n(300)):
        centre = geo.postcode_point(rng.choice(codes))
        network_rows.append(
            {
                "name": f"{rng.choice(towns)} Mutual Aid {i}",
                "offers": "Shopping, prescriptions and a friendly call.",
                "towns": rng.sample(towns, 1) if i % 2 else [],
                "outcodes": rng.sample(DISTRICTS, 2) if i % 3 else [],
                "place": "",
                "latitude": centre.latitude if centre else None,
                "longitude": centre.longitude if centre else None,
                "radius_miles": rng.choice([1.0, 2.0, 3.0]) if centre else None,
                "public_contact": f"network{i}@bench.example",
                "show_contact": i % 2 == 0,
                "private_contact": "Organiser: 07700 900000",
                "review": Review.pending if i % 10 == 0 else Review.published,
            }
        )
    db.session.execute(insert(MutualAidNetwork), network_rows)
    network_ids = list(
        db.session.scalars(
            select(MutualAidNetwork.id).where(MutualAidNetwork.review == Review.published)
        )
    )
    db.session.execute(
        insert(NetworkActivation),
        [
            {"incident_id": incident.id, "network_id": network, "at": NOW}
            for network in rng.sample(network_ids, min(n(30), len(network_ids)))
        ],
    )

    volunteer_rows = []
    for i in range(n(20_000)):
        postcode = rng.choice(codes)
        point = geo.postcode_point(postcode)
        volunteer_rows.append(
            {
                "name": f"Volunteer {i}",
                "email": f"volunteer{i}@bench.example",
                "phone": "07700 900000",
                "outcode": postcode.split()[0],
                "latitude": point.latitude if point else None,
                "longitude": point.longitude if point else None,
                "skills": rng.sample(SKILLS, 2),
                "dbs_checked": i % 3 == 0,
                "availability": ["weekday_daytime"],
                "consent": "Contact me in an emergency.",
                "consent_at": NOW,
                "active": i % 25 != 0,
                "retain_until": date(2028, 11, 1),
            }
        )
    db.session.execute(insert(Volunteer), volunteer_rows)
    volunteer_ids = list(db.session.scalars(select(Volunteer.id)))
    # One volunteer in ten is deployed to a hub in the incident.
    db.session.execute(
        insert(Deployment),
        [
            {
                "volunteer_id": v,
                "incident_id": incident.id,
                "hub_id": rng.choice(hub_ids),
                "deployed_at": NOW,
                "by_id": cvec.id,
            }
            for v in volunteer_ids[::10]
        ],
    )

    # Frontline workers who made the referrals; no password, nobody signs in as them.
    db.session.execute(
        insert(User),
        [{"email": f"frontline{i}@bench.example", "name": f"Worker {i}"} for i in range(n(200))],
    )
    referrers = list(
        db.session.scalars(select(User.id).where(User.email.like("frontline%@bench.example")))
    )
    db.session.execute(
        insert(Membership), [{"user_id": u, "role": Role.frontline} for u in referrers]
    )
    # Sealing is slow on purpose (Fernet per row); one sealed token stands for every resident.
    sealed = sealing.seal({"name": "A Resident", "contact": "01743 000000"})
    need_codes = [t.code for t in taxonomy.needs()]
    referral_rows = []
    for i in range(n(100_000)):
        service, org = rng.choice(service_orgs)
        status = rng.choice(REFERRAL_STATUSES)
        created = NOW - timedelta(days=rng.randint(0, 730), minutes=rng.randint(0, 1440))
        sent = None if status == ReferralStatus.draft else created + timedelta(minutes=5)
        answered = sent + timedelta(days=rng.randint(0, 10)) if sent else None
        referral_rows.append(
            {
                "uuid": f"50000000-0000-4000-8000-{i:012d}",
                "reference": f"R-{i:08d}",
                "service_id": service,
                "organisation_id": org,
                "referrer_id": rng.choice(referrers),
                "status": status,
                "decline_reason": "no_capacity" if status == ReferralStatus.declined else "",
                "need_codes": rng.sample(need_codes, 1),
                "outcode": rng.choice(DISTRICTS),
                "safeguarding_checked": True,
                "consent_by": "person",
                "consent_how": "verbal",
                "consent_at": created,
                "consent_scope": ["contact"],
                "sealed": sealed,
                "subject_key": f"{i:064x}",
                "created_at": created,
                "sent_at": sent,
                "first_response_at": answered if status != ReferralStatus.sent else None,
                "accepted_at": answered
                if status in (ReferralStatus.accepted, ReferralStatus.completed)
                else None,
                "closed_at": answered
                if status
                in (ReferralStatus.completed, ReferralStatus.declined, ReferralStatus.withdrawn)
                else None,
                "updated_at": answered or created,
            }
        )
    db.session.execute(insert(Referral), referral_rows)
    db.session.commit()
    analyse()
    count = db.session.scalar
    return {
        **made,
        "signatories": count(select(db.func.count(Signatory.id))) or 0,
        "hubs": len(hub_ids),
        "networks": count(select(db.func.count(MutualAidNetwork.id))) or 0,
        "volunteers": len(volunteer_ids),
        "referrals": count(select(db.func.count(Referral.id))) or 0,
    }
