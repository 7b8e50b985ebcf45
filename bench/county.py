"""County-scale data for benchmarks, written with bulk inserts on SQLite or PostgreSQL.

`build` is the directory alone: 50,000 services at 20,000 real-postcode locations run by
2,000 organisations. `county` adds the rest of the county on top: 2,000 signatories, 2,000
emergency hubs, 300 mutual-aid networks, 20,000 volunteers, 100,000 referrals, an active
incident and a CVEC coordinator to sign in as. `scale` shrinks every count for a quick test.
"""

from __future__ import annotations

import functools
import random
from datetime import date, datetime, timedelta

from sqlalchemy import insert, select, text

from accord import accounts, geo, sealing
from accord.extensions import db
from accord.models import Location, Membership, Organisation, Review, Role, User
from directory import taxonomy
from directory.models import Schedule, Service, ServiceAtLocation, ServiceSearch, service_term
from directory.referrals.models import Referral, ReferralStatus
from emergency.models import Hub, HubStatus, Incident
from emergency.networks.models import MutualAidNetwork, NetworkActivation
from emergency.volunteers.models import Deployment, Volunteer
from registry.models import AccordVersion
from registry.signatories.models import Signatory, SignatoryStatus

WORDS = [
    "advice",
    "support",
    "group",
    "club",
    "cafe",
    "help",
    "friendly",
    "local",
    "community",
    "volunteers",
    "weekly",
    "free",
    "drop-in",
    "family",
    "carers",
    "older",
    "young",
    "people",
    "money",
    "debt",
    "housing",
    "food",
    "larder",
    "lunch",
    "counselling",
    "wellbeing",
    "walking",
    "digital",
    "skills",
    "transport",
    "bereavement",
    "warm",
    "space",
    "meals",
    "benefits",
]


# Every Shropshire and Telford district, so density is like the real county's.
DISTRICTS = [f"SY{n}" for n in range(1, 14)] + [f"TF{n}" for n in range(1, 14)]
DISTRICTS += ["WV16", "WV15", "WV7", "DY14"]
SECTORS = ["vcs"] * 7 + ["public", "parish", "private"]
CVEC_EMAIL = "cvec@bench.example"
CVEC_PASSWORD = "bench-cvec-password"  # noqa: S105 - a benchmark's throwaway account


@functools.cache
def postcodes() -> list[str]:
    """Every postcode of the county's districts (each district scans the whole table)."""
    return [pc for d in DISTRICTS for pc in geo.postcodes_in(d)]


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
    terms = [t.id for t in taxonomy.needs()]
    codes = postcodes()
    org_rows = []
    for i in range(organisations):
        postcode = rng.choice(codes)
        outcode = postcode.split()[0]
        org_rows.append(
            {
                "uuid": f"40000000-0000-4000-8000-{i:012d}",
                "slug": f"bench-org-{i}",
                # Words in the name, so the signatory search has something to find.
                "name": f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} {i}",
                "sector": rng.choice(SECTORS),
                "postcode": postcode,
                "outcode": outcode,
                "town": geo.district_town(outcode),
            }
        )
    db.session.execute(insert(Organisation), org_rows)
    org_ids = list(db.session.scalars(select(Organisation.id)))
    loc_rows = []
    for i in range(locations):
        postcode = rng.choice(codes)
        point = geo.postcode_point(postcode)
        loc_rows.append(
            {
                "uuid": f"00000000-0000-4000-8000-{i:012d}",
                "name": f"Bench Hall {i}",
                "postcode": postcode,
                "town": "Bench",
                "latitude": point.latitude,
                "longitude": point.longitude,
                "accessibility": ["step_free"] if i % 3 else [],
                "facilities": [],
            }
        )
    db.session.execute(insert(Location), loc_rows)
    loc_ids = list(db.session.scalars(select(Location.id)))
    service_rows = []
    for i in range(services):
        words = " ".join(rng.sample(WORDS, 6))
        service_rows.append(
            {
                "uuid": f"10000000-0000-4000-8000-{i:012d}",
                "organisation_id": rng.choice(org_ids),
                "name": f"{words.split()[0].title()} {words.split()[1]} {i}",
                "description": words,
                "description_html": f"<p>{words}</p>",
                "assured_at": date(2026, 6, 1),
                "access_routes": ["drop_in"],
                "languages": ["English"],
                "service_areas": [],
            }
        )
    db.session.execute(insert(Service), service_rows)
    service_ids = list(db.session.scalars(select(Service.id).order_by(Service.id)))
    db.session.execute(
        insert(ServiceAtLocation),
        [
            {
                "uuid": f"20000000-0000-4000-8000-{n:012d}",
                "service_id": sid,
                "location_id": rng.choice(loc_ids),
            }
            for n, sid in enumerate(service_ids)
        ],
    )
    db.session.execute(
        insert(service_term),
        [{"service_id": sid, "term_id": rng.choice(terms)} for sid in service_ids],
    )
    db.session.execute(
        insert(Schedule),
        [
            {
                "uuid": f"30000000-0000-4000-8000-{n:012d}",
                "service_id": sid,
                "freq": "WEEKLY",
                "byday": "MO,WE",
                "opens_at": "09:00",
                "closes_at": "17:00",
            }
            for n, sid in enumerate(service_ids)
        ],
    )
    documents = {row["uuid"]: row["description"] + " " + row["name"] for row in service_rows}
    uuid_to_id = dict(db.session.execute(select(Service.uuid, Service.id)).all())
    db.session.execute(
        insert(ServiceSearch),
        [{"service_id": uuid_to_id[u], "document": doc} for u, doc in documents.items()],
    )
    db.session.commit()
    if vacuum:
        analyse()
    return {"services": len(service_ids), "locations": len(loc_ids), "organisations": len(org_ids)}


def analyse() -> None:
    """Fresh planner statistics and visibility map, as autovacuum would give a live database
    after a bulk load: without statistics PostgreSQL guesses a handful of rows and picks nested
    loops over 50,000; without the visibility map an index-only scan (a count, a page of ids)
    still visits every row's page of the table."""
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
