"""A county-scale directory for benchmarks: 50,000 services at 20,000 real-postcode locations.

Written with bulk inserts (a few seconds on SQLite); the same rows on PostgreSQL.
"""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import insert, select, text

from accord import geo
from accord.extensions import db
from accord.models import Location, Organisation
from directory import taxonomy
from directory.models import Schedule, Service, ServiceAtLocation, ServiceSearch, service_term

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


def build(services: int = 50_000, locations: int = 20_000, seed: int = 7) -> dict[str, int]:
    rng = random.Random(seed)  # noqa: S311 - benchmark data
    taxonomy.ensure()
    terms = [t.id for t in taxonomy.needs()]
    # Every Shropshire and Telford district, so density is like the real county's.
    districts = [f"SY{n}" for n in range(1, 14)] + [f"TF{n}" for n in range(1, 14)]
    postcodes = [
        pc for d in districts + ["WV16", "WV15", "WV7", "DY14"] for pc in geo.postcodes_in(d)
    ]
    org_rows = [
        {"slug": f"bench-org-{i}", "name": f"Bench Organisation {i}", "sector": "vcs"}
        for i in range(2_000)
    ]
    db.session.execute(insert(Organisation), org_rows)
    org_ids = list(db.session.scalars(select(Organisation.id)))
    loc_rows = []
    for i in range(locations):
        postcode = rng.choice(postcodes)
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
    analyse()
    return {"services": len(service_ids), "locations": len(loc_ids)}


def analyse() -> None:
    """Fresh planner statistics, as autovacuum would give a live database after a bulk load;
    without them PostgreSQL guesses a handful of rows and picks nested loops over 50,000."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE"))
        db.session.commit()
