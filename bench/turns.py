"""The 30-search mix from two checkouts in turns, on one county: how this checkout's search
compares with another's (say the last landed commit's) on the same databases, the same
minutes of the same machine. A run of `bench/search_mix.py` on each would differ by the
machine's drift alone (a fifth within an hour on these VMs).

This checkout builds the county once per engine (`BENCH_TURNS_SERVICES`, default 50,000: SQLite
in a temporary folder; PostgreSQL in `BENCH_POSTGRES_URL`'s database, wiped). Then, for
`BENCH_TURNS` turns (default 5), each checkout in turn, in a process of its own with its own
code, runs `BENCH_TURNS_ROUNDS` rounds (default 2) of the mix (`bench/queries.py`) through the
Flask test client and reports CPU p50 and p95, this process's and, on PostgreSQL, the server's.
The other checkout must have `bench/search_mix.py`, and the same migrations (it reads this
one's database) unless `BENCH_TURNS_OWN=1`: then it builds a county of its own with its own
code and migrations (the same county: `bench/county.py` is seeded), in a second SQLite file and
in the PostgreSQL database `<database>_base` beside `BENCH_POSTGRES_URL`'s (made when missing,
wiped), for a change that adds a migration:

    git worktree add --detach ../base <commit>; ln -s "$PWD/.venv" ../base/.venv
    BENCH_BASE_TREE=../base BENCH_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1/bench_db \\
        PYTHONPATH=. .venv/bin/python -m bench.turns

Each turn runs this file by its path in the checkout's folder (`python …/bench/turns.py mix URL
ROUNDS`, that checkout's code on the path), and prints its figures as one line of JSON; the
imports at the top are the standard library's alone.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE = Path(os.environ.get("BENCH_BASE_TREE", str(ROOT.parent / "base"))).resolve()
SERVICES = int(os.environ.get("BENCH_TURNS_SERVICES", "50000"))
TURNS = int(os.environ.get("BENCH_TURNS", "5"))
ROUNDS = int(os.environ.get("BENCH_TURNS_ROUNDS", "2"))


def mix(url: str, rounds: int) -> dict[str, float]:
    """One turn in this process: warm each search, then `rounds` rounds of the mix."""
    from accord.extensions import db
    from bench import queries
    from bench.search_mix import DatabaseCpu, Timed, make_app, percentile, timed
    from tests.fakes.postcodes import FakePostcodes

    with FakePostcodes() as postcodes:
        app = make_app(url, postcodes.url)
        client = app.test_client()
        paths = queries.paths()
        for path in paths:
            response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code}")
        with app.app_context():
            clock = DatabaseCpu(db.engine)
        found = Timed()
        for _ in range(rounds):
            for path in paths:
                timed(found, clock, lambda p=path: client.get(p))  # type: ignore[misc]
        total = found.total()
        return {
            "p50": percentile(total, 50),
            "p95": percentile(total, 95),
            # What throughput follows: a server's CPU a second is spent on every search alike.
            "mean": statistics.mean(total),
            "app": percentile(found.cpu, 50),
            "server": percentile(found.db_cpu, 50),
        }


OWN = os.environ.get("BENCH_TURNS_OWN") == "1"


def turn(tree: Path, url: str, step: str = "mix") -> dict[str, float]:
    """One turn of a checkout (or, `step` "build", its county), in a process of its own with
    its own code."""
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), step, url, str(ROUNDS)],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def build(url: str) -> None:
    """The county, built by this checkout."""
    from accord.extensions import db
    from bench.search_mix import directory, make_app
    from tests.fakes.postcodes import FakePostcodes

    with FakePostcodes() as postcodes:
        app = make_app(url, postcodes.url)
        with app.app_context():
            directory(SERVICES)
            db.session.remove()
            db.engine.dispose()


def line(engine: str, n: int, mine: dict[str, float], base: dict[str, float]) -> str:
    def cells(found: dict[str, float]) -> str:
        server = f" ({found['server']:.1f})" if engine == "PostgreSQL" else ""
        return f"{found['p50']:.1f}{server} | {found['p95']:.1f} | {found['mean']:.1f}"

    return f"| {engine} | {n} | {cells(base)} | {cells(mine)} | {mine['p50'] / base['p50']:.2f} |"


def main() -> int:
    from bench.side_by_side import sibling_url
    from tests.conftest import reset_postgresql

    print(
        f"Search mix in turns at {SERVICES:,} services, {ROUNDS} rounds a turn: {BASE} (base) "
        f"and {ROOT} (this checkout). CPU ms a search, app and server (the server's share in "
        "brackets).\n\n"
        "| engine | turn | base p50 | base p95 | base mean | this p50 | this p95 | this mean "
        "| this / base p50 |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    )
    with tempfile.TemporaryDirectory() as folder:
        urls = [("SQLite", f"sqlite:///{Path(folder) / 'turns.db'}")]
        bases = [f"sqlite:///{Path(folder) / 'turns_base.db'}"]
        if postgres := os.environ.get("BENCH_POSTGRES_URL"):
            urls.append(("PostgreSQL", postgres))
            bases.append(sibling_url(postgres, "_base"))
        for (engine, url), base_url in zip(urls, bases, strict=True):
            if url.startswith("postgresql"):
                reset_postgresql(url)
            build(url)
            if OWN:
                if base_url.startswith("postgresql"):
                    reset_postgresql(base_url)
                turn(BASE, base_url, "build")
            else:
                base_url = url
            for n in range(1, TURNS + 1):
                base = turn(BASE, base_url)
                mine = turn(ROOT, url)
                print(line(engine, n, mine, base), flush=True)
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["mix"]:
        # Run by its path in a checkout's folder: that checkout's code (PYTHONPATH), not the
        # modules beside this file, which Python puts first.
        sys.path.pop(0)
        print(json.dumps(mix(sys.argv[2], int(sys.argv[3]))))
        sys.exit(0)
    if sys.argv[1:2] == ["build"]:
        sys.path.pop(0)
        build(sys.argv[2])
        print(json.dumps({}))
        sys.exit(0)
    sys.exit(main())
