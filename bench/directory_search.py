"""Directory search at county scale: 50,000 services at 20,000 locations, SQLite and PostgreSQL.

The target (issue 4): words + postcode + radius under 100 ms at the 95th percentile. Each row
also times the bare SQL that the search rests on (full-text match inside the distance box) so
the overhead of everything else shows as a ratio.
"""

from __future__ import annotations

import statistics
import time

from flask_migrate import upgrade
from sqlalchemy import text

from accord import create_app, geo
from accord.extensions import db
from bench.county import build
from directory.search import candidates, search

QUERIES = [
    "food",
    "lunch club",
    "counselling",
    "carers",
    "debt advice",
    "walking",
    "digital skills",
    "warm space",
]
PLACES = ["SY1 1AA", "SY8 1AA", "TF1 1AA", "SY11 1AA", "WV16 4AA", "TF9 1AA"]


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def bare_sql(words: str, origin: geo.Point, radius: float) -> None:
    south, north, west, east = candidates.box(origin, radius)  # the search's own box
    terms = search.correct(words)
    if db.engine.dialect.name == "postgresql":
        # The stored tsvector and its GIN index (migration 0006), as the search reads them.
        match = (
            "SELECT service_id FROM service_search WHERE search_vector "
            "@@ to_tsquery('english'::regconfig, :q)"
        )
        q = " & ".join(f"{w}:*" for w in terms)
    else:
        match = "SELECT rowid FROM service_search_fts WHERE service_search_fts MATCH :q"
        q = " AND ".join(f'"{w}"*' for w in terms)
    db.session.execute(
        text(
            "SELECT sal.service_id, l.latitude, l.longitude FROM service_at_location sal "  # noqa: S608 - match is one of two constants
            "JOIN location l ON l.id = sal.location_id "
            f"WHERE sal.service_id IN ({match}) AND l.latitude BETWEEN :s AND :n "
            "AND l.longitude BETWEEN :w AND :e"
        ),
        {"q": q, "s": south, "n": north, "w": west, "e": east},
    ).all()


def measure(url: str, label: str, rounds: int = 3) -> list[tuple]:
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "POSTCODES_API_URL": "http://127.0.0.1:9",  # offline tables: no network in a bench
        }
    )
    with app.app_context():
        upgrade(directory="migrations")
        built = build()
        searches, bare = [], []
        for _ in range(rounds):
            for words in QUERIES:
                for place in PLACES:
                    origin = geo.locate(place)
                    start = time.perf_counter()
                    search.run(search.Query(words=words, place=place, radius=5), per_page=20)
                    searches.append((time.perf_counter() - start) * 1000)
                    start = time.perf_counter()
                    bare_sql(words, origin, 5)
                    bare.append((time.perf_counter() - start) * 1000)
        db.session.remove()
        db.engine.dispose()
    base = statistics.median(bare)
    return [
        (
            f"directory search, words + postcode + 5 miles ({label}, "
            f"{built['services']:,} services)",
            percentile(searches, 50),
            percentile(searches, 95),
            percentile(searches, 99),
            percentile(searches, 50) / base if base else 0.0,
            f"bare SQL p50 {base:.1f} ms",
        )
    ]
