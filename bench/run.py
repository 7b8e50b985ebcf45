"""`make bench`: in-process latency of the main pages on demo data, against a bare baseline.

Prints one table and appends it to bench/results.md with the date and machine. Numbers are
for reading, not asserting: tests never check wall-clock times.
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
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
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

    from bench import directory_search

    with tempfile.TemporaryDirectory() as folder:
        county = directory_search.measure(f"sqlite:///{Path(folder) / 'county.db'}", "SQLite")
    if os.environ.get("BENCH_POSTGRES_URL"):
        reset = os.environ["BENCH_POSTGRES_URL"]
        from tests.conftest import reset_postgresql

        reset_postgresql(reset)
        county += directory_search.measure(reset, "PostgreSQL")

    from bench import emergency_maps

    layered = emergency_maps.measure()

    engine = url.split(":", 1)[0]
    header = (
        f"\n## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {platform.node()} · "
        f"{platform.processor() or platform.machine()} · Python {platform.python_version()} · "
        f"{engine} · {ROUNDS} requests a page, in-process test client\n\n"
        f"Baseline: a trivial Flask endpoint, p50 {base:.3f} ms.\n\n"
        "| page | p50 ms | p95 ms | p99 ms | p50 / baseline |\n|---|---:|---:|---:|---:|\n"
    )
    table = header + "".join(
        f"| `{path}` | {p50:.2f} | {p95:.2f} | {p99:.2f} | {ratio:.0f}× |\n"
        for path, p50, p95, p99, ratio in rows
    )
    table += (
        "\n| search at county scale | p50 ms | p95 ms | p99 ms | p50 / bare SQL | |\n"
        "|---|---:|---:|---:|---:|---|\n"
    )
    table += "".join(
        f"| {name} | {p50:.1f} | {p95:.1f} | {p99:.1f} | {ratio:.1f}× | {note} |\n"
        for name, p50, p95, p99, ratio, note in county
    )
    table += emergency_maps.table(layered)
    print(table)
    if not RESULTS.exists():
        RESULTS.write_text("# Benchmark results\n\nAppended by `make bench`.\n", encoding="utf-8")
    with RESULTS.open("a", encoding="utf-8") as handle:
        handle.write(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
