"""The ORUK API at county scale: 50,000 published services at published buildings.

The targets (issue 6): `/api/oruk/services?page=N&per_page=50` under 100 ms at the 95th
percentile, whichever page is asked for, and the full `/api/oruk/services/{id}` under 30 ms.
Requests go through Flask's test client in-process (routing, query, JSON), on SQLite and on
PostgreSQL; `/api/oruk/service_at_locations` paging is timed beside them for the record.

Run it alone with `PYTHONPATH=. .venv/bin/python -m bench.oruk_api` (set `BENCH_POSTGRES_URL`
to a database it may wipe for the PostgreSQL rows); `make bench` adds its rows to the table.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade

from accord import create_app
from accord.extensions import db
from bench.county import build

ROUNDS = int(os.environ.get("BENCH_ORUK_ROUNDS", "50"))
PER_PAGE = 50
SERVICES_TARGET_MS = 100.0
SERVICE_TARGET_MS = 30.0
MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed(client, paths: list[str]) -> list[float]:
    """One request a path (each asked once before, unmeasured, to warm caches)."""
    client.get(paths[0])
    samples = []
    for path in paths:
        start = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
    return samples


def check(client, total: int) -> None:
    """The bench times real answers: a full last page, the right count, a whole service."""
    last = -(-total // PER_PAGE)
    body = client.get(f"/api/oruk/services?page={last}&per_page={PER_PAGE}").get_json()
    expected = total - (last - 1) * PER_PAGE
    if body["total_items"] != total or body["size"] != expected or not body["last_page"]:
        raise SystemExit(f"/api/oruk/services last page is wrong: {body['total_items']=}")
    uuid = body["contents"][-1]["id"]
    full = client.get(f"/api/oruk/services/{uuid}").get_json()
    if not (full.get("schedules") and full.get("service_at_locations") and full["attributes"]):
        raise SystemExit(f"/api/oruk/services/{uuid} is not the full service")


def measure(url: str, label: str, rounds: int = ROUNDS, seed: int = 11) -> list[tuple]:
    """Rows of (what, p50, p95, target or None) for one engine."""
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "POSTCODES_API_URL": "http://127.0.0.1:9",  # offline: no network in a bench
            # The API's per-address limit (3,000 a minute) would refuse a bench's requests.
            "RATELIMIT_ENABLED": False,
        }
    )
    rng = random.Random(seed)  # noqa: S311 - benchmark sampling
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        built = build()
        db.session.remove()
    total = built["services"]
    last = -(-total // PER_PAGE)
    client = app.test_client()
    check(client, total)

    def pages(endpoint: str, numbers: list[int]) -> list[str]:
        return [f"/api/oruk/{endpoint}?page={n}&per_page={PER_PAGE}" for n in numbers]

    kinds = {
        "first": [1] * rounds,
        "middle": [last // 2] * rounds,
        "last": [last] * rounds,
        "random": [rng.randint(1, last) for _ in range(rounds)],
    }
    rows = []
    every = []
    for kind, numbers in kinds.items():
        samples = timed(client, pages("services", numbers))
        every += samples
        rows.append((f"`/services` {kind} page", samples, SERVICES_TARGET_MS))
    rows.append(("`/services` all pages above", every, SERVICES_TARGET_MS))
    ids = [f"10000000-0000-4000-8000-{rng.randrange(total):012d}" for _ in range(rounds * 4)]
    rows.append(
        ("`/services/{id}` random ids", timed(client, [f"/api/oruk/services/{i}" for i in ids]),
         SERVICE_TARGET_MS)
    )  # fmt: skip
    for kind, numbers in kinds.items():
        samples = timed(client, pages("service_at_locations", numbers))
        rows.append((f"`/service_at_locations` {kind} page", samples, None))
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return [
        (f"{what} ({label}, {total:,} services)", percentile(s, 50), percentile(s, 95), target)
        for what, s, target in rows
    ]


def table(rows: list[tuple]) -> str:
    text = (
        f"\n| ORUK API at county scale, per_page={PER_PAGE} | p50 ms | p95 ms | target p95 | |\n"
        "|---|---:|---:|---:|---|\n"
    )
    for what, p50, p95, target in rows:
        verdict = "" if target is None else ("PASS" if p95 < target else "FAIL")
        aim = "" if target is None else f"< {target:.0f} ms"
        text += f"| {what} | {p50:.1f} | {p95:.1f} | {aim} | {verdict} |\n"
    return text


def run() -> list[tuple]:
    """SQLite in a temporary folder, then PostgreSQL (wiped first) when BENCH_POSTGRES_URL."""
    with tempfile.TemporaryDirectory() as folder:
        rows = measure(f"sqlite:///{Path(folder) / 'oruk.db'}", "SQLite")
    if url := os.environ.get("BENCH_POSTGRES_URL"):
        from tests.conftest import reset_postgresql

        reset_postgresql(url)
        rows += measure(url, "PostgreSQL")
    return rows


def main() -> int:
    rows = run()
    print(table(rows))
    return 0 if all(target is None or p95 < target for _, _, p95, target in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
