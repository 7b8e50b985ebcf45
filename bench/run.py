"""`make bench`: every benchmark in one run, one sectioned table, appended to results.md.

1. The main pages on demo data, in-process, against a trivial Flask endpoint.
2. The county (bench/county.py) on SQLite and PostgreSQL: six page kinds in-process against
   their bare SQL, a trivial endpoint and a naive folium map (bench/pages.py); throughput
   under gunicorn with wrk, and the 60-second load test at 32 connections (bench/load.py).
3. Directory search (the 30-search mix of bench/queries.py at 5k / 20k / 50k services against
   its own SQL replayed bare, bench/search_mix.py), the ORUK API and the emergency map at
   county scale (their own modules).
4. The outbox through a fake GOV.UK Notify: messages a second, senders at once sending each
   message once, and 200 texts from commit to the last accepted with RQ workers
   (bench/outbox.py).
5. The Charity Commission register extract at its real size (400,000 charities) imported twice
   on each engine (bench/register_import.py).
6. Spelling corrections at a 20,000-word vocabulary on each engine: the whole read, the
   near-miss index, the look for new words, and each unknown word's lookup against its target
   of 1 ms (bench/vocabulary.py).

Numbers are for reading, not asserting: tests never check wall-clock times. The run exits 1
when the load test breaks a promise (a 5xx, a socket error, or p99 at or over 1 s).
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask
from flask_migrate import upgrade

from accord import create_app
from accord.extensions import db

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "200"))
PAGES = ["/", "/healthz", "/sign-in", "/accord", "/signatories", "/directory", "/help"]
RESULTS = Path(__file__).resolve().parent / "results.md"


def timings(client, path: str, rounds: int) -> list[float]:
    client.get(path)  # warm caches and compiled templates
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
    return samples


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def baseline_app() -> Flask:
    bare = Flask("baseline")
    bare.get("/")(lambda: "ok")
    return bare


def main() -> int:
    url = os.environ.get("BENCH_DATABASE_URL")
    with tempfile.TemporaryDirectory() as folder:
        url = url or f"sqlite:///{Path(folder) / 'bench.db'}"
        app = create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": url,
                "SECRET_KEY": "bench",
                # Public pages' per-address limits (/help: 60 a minute) would refuse the rounds.
                "RATELIMIT_ENABLED": False,
            }
        )
        with app.app_context():
            upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations"))
            app.test_cli_runner().invoke(args=["demo", "load"])
            db.session.remove()
        client = app.test_client()
        base = statistics.median(timings(baseline_app().test_client(), "/", ROUNDS))
        rows = []
        for path in PAGES:
            samples = timings(client, path, ROUNDS)
            p50 = percentile(samples, 50)
            rows.append((path, p50, percentile(samples, 95), percentile(samples, 99), p50 / base))
        with app.app_context():
            db.engine.dispose()

    from bench import load, pages

    county = pages.run(float(os.environ.get("BENCH_SCALE", "1")))

    from bench import search_mix

    # The 30-search mix at 5k / 20k / 50k services on each engine (BENCH_POSTGRES_URL wiped).
    searched = search_mix.measure(postgres_url=os.environ.get("BENCH_POSTGRES_URL"))

    from bench import oruk_api

    oruk = oruk_api.run()

    from bench import emergency_maps

    layered = emergency_maps.measure()

    from bench import outbox

    messages = outbox.run()

    from bench import register_import

    imported = register_import.run()

    from bench import vocabulary

    spelled = vocabulary.run()

    engine = url.split(":", 1)[0]
    header = (
        f"\n## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {platform.node()} · "
        f"{platform.processor() or platform.machine()} · {os.cpu_count()} CPUs · "
        f"{memory()} · Python {platform.python_version()} · load average at the end "
        f"{'/'.join(f'{x:.1f}' for x in os.getloadavg())}\n\n"
        f"### Demo data ({engine}, {ROUNDS} requests a page, in-process test client)\n\n"
        f"Baseline: a trivial Flask endpoint, p50 {base:.3f} ms.\n\n"
        "| page | p50 ms | p95 ms | p99 ms | p50 / baseline |\n|---|---:|---:|---:|---:|\n"
    )
    table = header + "".join(
        f"| `{path}` | {p50:.2f} | {p95:.2f} | {p99:.2f} | {ratio:.0f}× |\n"
        for path, p50, p95, p99, ratio in rows
    )
    table += (
        "\n### The county-scale dataset\n"
        + pages.counts_line(county.counts)
        + pages.table(county.rows)
    )
    if county.loads:
        table += load.table(county.throughput, county.loads)
    table += search_mix.table(searched)
    table += oruk_api.table(oruk)
    table += emergency_maps.table(layered)
    table += outbox.table(messages)
    table += imported
    table += spelled
    print(table)
    if not RESULTS.exists():
        RESULTS.write_text("# Benchmark results\n\nAppended by `make bench`.\n", encoding="utf-8")
    with RESULTS.open("a", encoding="utf-8") as handle:
        handle.write(table)
    return 0 if all(load.kept(x) for x in county.loads) else 1


def memory() -> str:
    """The machine's memory, for the results header."""
    try:
        with open("/proc/meminfo", encoding="ascii") as info:
            kb = int(info.readline().split()[1])
        return f"{kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        return "memory unknown"


if __name__ == "__main__":
    sys.exit(main())
