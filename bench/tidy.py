"""What the daily tidy of the search indexes saves (`indexes.tidy`, run by `flask directory
vocabulary`): a county as bulk inserts leave it, then tidied, on each engine; each of the 30
searches of bench/queries.py has the statements that write its matches (`search_match`: its
fill) replayed on the raw connection before the tidy and after, the median of ROUNDS replays
of the search's statements, wall ms (PostgreSQL's server time is in it).

On SQLite the tidy merges each FTS5 index into one segment; on PostgreSQL it rewrites the
place-ordered index, search_site, in order of its key (CLUSTER), which puts the entries of
each list of its GIN index in order of place too.

    BENCH_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1/bench_db \\
        PYTHONPATH=. .venv/bin/python -m bench.tidy

`TIDY_SIZE` services (50,000 unless it says otherwise); `TIDY_ROUNDS` replays (15). Without
BENCH_POSTGRES_URL, SQLite alone. BENCH_POSTGRES_URL's database is wiped.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Any

from flask import Flask
from flask_migrate import upgrade

from accord.extensions import db
from bench import county, queries
from bench.search_mix import MIGRATIONS, captured, make_app, replay_times, settle
from directory.search import indexes

SIZE = int(os.environ.get("TIDY_SIZE", "50000"))
ROUNDS = int(os.environ.get("TIDY_ROUNDS", "15"))


def _fills(statements: list[tuple[str, Any]]) -> list[int]:
    """Which of a search's statements write its matches: on SQLite the DELETE that empties
    `search_match`, each step's INSERT or UPDATE, and the DELETE of services that cannot be
    open when asked; on PostgreSQL its one WITH … INSERT."""
    writes = ("INSERT", "WITH", "UPDATE", "DELETE")
    return [
        n
        for n, (text, _) in enumerate(statements)
        if "search_match" in text and text.lstrip().upper().startswith(writes)
    ]


def fills(app: Flask, rounds: int = ROUNDS) -> dict[str, float]:
    """Each search's fill statements, ms summed (the median of `rounds` replays of all its
    statements in order, as the search sends them, each replay committed as a search is)."""
    client = app.test_client()
    with app.app_context():
        engine = db.engine
    found = {}
    for path in queries.paths():
        client.get(path)  # warm: the vocabulary, the statements kept
        with captured(engine) as statements:
            client.get(path)
        medians = replay_times(engine, statements, rounds)
        found[path] = sum(medians[n] for n in _fills(statements))
    return found


def _settled() -> None:
    """PostgreSQL's dirty pages written and autovacuum done before timing (search_mix.settle):
    a checkpoint of the load running beside the first half's replays would slow them alone."""
    if db.engine.dialect.name == "postgresql":
        settle(db.engine)


def measure(
    url: str, postcodes_url: str, services: int = SIZE, rounds: int = ROUNDS
) -> dict[str, Any]:
    """The county at `url` built untidied, its fills timed, then tidied and timed again."""
    app = make_app(url, postcodes_url)
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        made = max(1, services // 25)
        county.build(services, services * 2 // 5, organisations=made, vacuum=False)
        county.analyse(tidy=False)
        db.session.remove()
        _settled()
    before = fills(app, rounds)
    with app.app_context():
        spent = time.perf_counter()
        done = indexes.tidy()
        spent = time.perf_counter() - spent
        county.analyse(tidy=False)  # statistics again, as the tidy leaves them on its own
        db.session.remove()
        _settled()
    after = fills(app, rounds)
    with app.app_context():
        db.engine.dispose()
    return {"before": before, "after": after, "tidy_s": spent, "done": done}


def table(engine: str, services: int, found: dict[str, Any]) -> str:
    before, after = found["before"], found["after"]
    out = f"\n### {engine}, {services:,} services: each search's fill, ms (median of replays)\n\n"
    out += "| search | as loaded | tidied |\n|---|---:|---:|\n"
    for path in before:
        out += f"| `{path}` | {before[path]:.2f} | {after[path]:.2f} |\n"
    summed = f"**{sum(before.values()):.1f}** | **{sum(after.values()):.1f}**"
    out += f"| **the 30 summed** | {summed} |\n"
    done = "" if found["done"] else " (left: the table was busy)"
    return out + f"\nThe tidy took {found['tidy_s']:.1f} s{done}.\n"


def main() -> None:
    from tests.conftest import reset_postgresql
    from tests.fakes.postcodes import FakePostcodes

    with FakePostcodes() as postcodes, tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'tidy.db'}"
        print(table("SQLite", SIZE, measure(url, postcodes.url)))
        if postgres := os.environ.get("BENCH_POSTGRES_URL"):
            reset_postgresql(postgres)
            print(table("PostgreSQL", SIZE, measure(postgres, postcodes.url)))
    print(f"load average {'/'.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
