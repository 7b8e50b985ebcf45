"""The bench county's directory is shaped like a real one (issue 17): varied words, many
opening patterns and some services with none, online-only, area-wide and multi-site
services, some not published or not active, real towns and villages. Built at a 25th of
the 50,000 services (2,000), shares are checked loosely, as a seeded draw gives them."""

from __future__ import annotations

import re
from collections import Counter

from sqlalchemy import func, select

from accord import geo
from accord.extensions import db
from accord.models import Location
from bench import county
from directory.models import Schedule, Service, ServiceAtLocation, ServiceSearch


def test_the_directory_is_shaped_like_a_county(app):
    made = county.build(2_000, 800, organisations=80)
    assert made == {"services": 2_000, "locations": 800, "organisations": 80}
    services = db.session.execute(
        select(Service.id, Service.online_only, Service.service_areas, Service.review)
    ).all()
    sites = Counter(
        db.session.scalars(select(ServiceAtLocation.service_id))
    )  # service id → buildings
    online = [s for s in services if s.online_only]
    area = [s for s in services if s.service_areas and not s.online_only]
    multi = [sid for sid, n in sites.items() if n > 1]
    assert 0.01 <= len(online) / 2_000 <= 0.03
    assert 0.02 <= len(area) / 2_000 <= 0.04
    assert 0.04 <= len(multi) / 2_000 <= 0.08
    # Online and area-wide services have no building; every other one has at least one.
    assert not {s.id for s in online + area} & set(sites)
    assert len(sites) == 2_000 - len(online) - len(area)
    # Area-wide services cover real districts of the county.
    assert {d for s in area for d in s.service_areas} <= set(county.DISTRICTS)

    reviews = Counter(s.review for s in services)
    assert reviews["pending"] and reviews["rejected"] and reviews["published"] > 1_800
    statuses = set(db.session.scalars(select(Service.status)))
    assert {"active", "temporarily closed", "inactive", "defunct"} <= statuses

    patterns = {
        tuple(sorted(rows))
        for rows in _by_service(
            db.session.execute(
                select(
                    Schedule.service_id,
                    Schedule.freq,
                    Schedule.byday,
                    Schedule.bymonthday,
                    Schedule.opens_at,
                    Schedule.closes_at,
                )
            )
        ).values()
    }
    assert len(patterns) >= 15
    assert {freq for p in patterns for (freq, *_) in p} == {"WEEKLY", "MONTHLY"}
    scheduled = db.session.scalar(select(func.count(func.distinct(Schedule.service_id))))
    assert 0.05 <= 1 - scheduled / 2_000 <= 0.2  # some have no hours at all

    # Real post towns and villages, not "Bench".
    towns = set(db.session.scalars(select(Location.town)))
    assert {"Shrewsbury", "Telford", "Ludlow", "Oswestry"} <= towns
    names = " ".join(db.session.scalars(select(Location.name)))
    assert sum(place.name in names for place in geo.places()) >= 100

    # Thousands of real words, not numbers; listings of varied length.
    words = county.vocabulary()
    assert words["distinct"] >= 2_000
    assert words["p95"] - words["p5"] >= 20
    searched = db.session.execute(
        select(ServiceSearch.title, ServiceSearch.document, ServiceSearch.reach)
    ).all()
    assert len(searched) == 2_000
    documents = [row.document for row in searched]
    # The search rows are the app's own: the reach of each kind of service.
    reach = Counter(row.reach for row in searched)
    assert reach == {"online": len(online), "area": len(area), "local": len(sites)}
    # Numbers are ages and years in sentences, not what tells listings apart.
    tokens = [word for doc in documents for word in doc.split()]
    assert sum(word.isdigit() for word in tokens) / len(tokens) < 0.02
    # No "Advice support 123": the old county told its services apart by number.
    assert not any(re.search(r"\d$", name) for name in db.session.scalars(select(Service.name)))
    # The near misses the issue names are in the county: "bank holidays" and "hot food"
    # in listings that are not food banks.
    others = [row.document for row in searched if "food bank" not in row.title.lower()]
    assert any("bank holidays" in d and "Hot food" in d for d in others)
    assert "vocabulary" in county.vocabulary_line(words)


def _by_service(rows) -> dict[int, list[tuple]]:
    found: dict[int, list[tuple]] = {}
    for service_id, *rest in rows:
        found.setdefault(service_id, []).append(tuple(rest))
    return found
