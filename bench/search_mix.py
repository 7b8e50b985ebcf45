"""Directory search at 5,000, 20,000 and 50,000 services in one run, SQLite and PostgreSQL:
the 30 searches of bench/queries.py through the app (Flask test client, in-process), each
timed with CPU time beside wall time, interleaved with the bare SQL that returns the same
ids, and a hello app. Each engine's size is built by one process and searched by others
(PROCESSES), as a server's worker serves a county it never built, and the sizes take turns
round by round (bench/sizes.py), so the growth from one size to the next is measured in the
same minutes.

The bare SQL is the search's own: every statement a search sends is captured with a
SQLAlchemy `before_cursor_execute` listener (on a request apart from the timed ones), then
replayed with its parameters on the raw DBAPI connection and its rows fetched. What the
search costs beyond it is Python: parsing, ranking, filters, the page.

CPU time is this process's (`time.process_time`); on PostgreSQL the database's own CPU for
the request is added from its backends' /proc/<pid>/schedstat (the server runs on this
machine), and the app's share shown beside it. A parallel worker's CPU is not in it (it
has gone by the time it could be read): where the planner uses them, wall time shows it.
Targets (issue 17), at 50,000 services on each engine: CPU p95 ≤ 60 ms, p50 ≤ 15 ms,
and p50(50k) / p50(5k) ≤ 1.5. The load average is printed beside every row: other work on
the machine shows in wall time more than in CPU.

    BENCH_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1/bench_db \\
        .venv/bin/python -m bench.search_mix

PostgreSQL's counties are made in databases beside BENCH_POSTGRES_URL's, one for each size
(`bench_db_5000`, `bench_db_20000`, `bench_db_50000`), made when missing and wiped.

Each size is searched by `SEARCH_PROCESSES` (3) processes, its rounds (`SEARCH_ROUNDS`, 6)
shared between them and their samples pooled: one process's p50 moves by 4-6% with its own
luck (bench/sizes.py), which one pair of processes reads as growth.

`SEARCH_SIZES=5000,20000` and `SEARCH_ROUNDS=3` shorten a run; `SEARCH_ENGINES=sqlite` (or
`postgresql`) runs one engine.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError

from accord import create_app
from accord.extensions import db
from bench import county

SIZES = [int(n) for n in os.environ.get("SEARCH_SIZES", "5000,20000,50000").split(",")]
ROUNDS = int(os.environ.get("SEARCH_ROUNDS", "6"))
# Each size is searched by this many processes, the rounds shared between them (bench/sizes.py):
# the same code on the same county in five process pairs read growth 1.38-1.54 (results.md,
# stop 55), a process's own luck (where its memory lies) moving its p50 by 4-6%.
PROCESSES = int(os.environ.get("SEARCH_PROCESSES", "3"))
# "sqlite", "postgresql" or both (the default; PostgreSQL only with BENCH_POSTGRES_URL).
ENGINES = os.environ.get("SEARCH_ENGINES", "sqlite,postgresql").split(",")
TARGET_P95, TARGET_P50, TARGET_GROWTH = 60.0, 15.0, 1.5
ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = str(ROOT / "migrations")


@dataclass
class Timed:
    """One kind of request's samples in milliseconds: wall, this process's CPU, and the
    database server's CPU (PostgreSQL; zero on SQLite, which runs in this process)."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    db_cpu: list[float] = field(default_factory=list)

    def total(self) -> list[float]:
        return [a + b for a, b in zip(self.cpu, self.db_cpu, strict=True)]


@dataclass
class Row:
    engine: str
    services: int
    vocabulary: dict[str, float]
    search: Timed
    bare: Timed
    hello: float  # p50 ms of a trivial Flask endpoint, between the row's searches
    statements: float  # median SQL statements per search
    load: tuple[float, float, float]
    by_path: dict[str, Timed]
    memory: str = ""  # PostgreSQL: its shared buffers beside the county's database (memory())
    by_process: list[Timed] = field(default_factory=list)  # each searching process's samples


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else 0.0


class DatabaseCpu:
    """The CPU time PostgreSQL's backends for this database have used so far, in ms, read from
    /proc (nanoseconds on CPU, the first field of schedstat). Zero on SQLite."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.pids: list[int] = []
        if engine.dialect.name == "postgresql":
            with engine.connect() as conn:
                self.pids = list(
                    conn.scalars(
                        text(
                            "SELECT pid FROM pg_stat_activity "
                            "WHERE datname = current_database() AND backend_type = 'client backend'"
                        )
                    )
                )

    def refresh(self) -> None:
        """The app's pool may open another connection; read the backends again."""
        self.__init__(self.engine)  # type: ignore[misc]

    def now(self) -> float:
        used = 0
        for pid in self.pids:
            try:
                with open(f"/proc/{pid}/schedstat", encoding="ascii") as stat:
                    used += int(stat.read().split()[0])
            except (OSError, ValueError, IndexError):
                continue  # a backend that has gone: its time is no longer ours to count
        return used / 1e6


def timed(sink: Timed, clock: DatabaseCpu, call: Callable[[], Any]) -> Any:
    before_db = clock.now()
    wall, cpu = time.perf_counter(), time.process_time()
    result = call()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    sink.db_cpu.append(clock.now() - before_db)
    sink.wall.append(wall * 1000)
    sink.cpu.append(cpu * 1000)
    return result


@contextmanager
def captured(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """Every statement (and its parameters) sent to the database inside the block."""
    statements: list[tuple[str, Any]] = []

    def listen(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", listen)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", listen)


def replay(engine: Engine, statements: list[tuple[str, Any]]) -> int:
    """The captured statements on the raw DBAPI connection, every row fetched; then committed,
    as the search's own request is (accord/reads.py: a GET that changed nothing; a search
    writes its temporary table alone). Rolled back instead, PostgreSQL would leave the rows a
    replay wrote in the connection's temporary table, never vacuumed, for the next search on
    it to read past. Returns the rows read."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        rows = 0
        for statement, parameters in statements:
            cursor.execute(statement, parameters)
            if cursor.description is not None:
                rows += len(cursor.fetchall())
        cursor.close()
        raw.commit()
        return rows
    finally:
        raw.close()


def replay_times(engine: Engine, statements: list[tuple[str, Any]], rounds: int) -> list[float]:
    """Each captured statement's median wall ms over `rounds` replays of them all in order on
    the raw DBAPI connection, every row fetched, each replay committed (as replay())."""
    times: list[list[float]] = [[] for _ in statements]
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for _ in range(rounds):
            for spent, (statement, parameters) in zip(times, statements, strict=True):
                start = time.perf_counter()
                cursor.execute(statement, parameters)
                if cursor.description is not None:
                    cursor.fetchall()
                spent.append((time.perf_counter() - start) * 1000)
            raw.commit()
    finally:
        raw.close()
    return [statistics.median(spent) for spent in times]


def make_app(url: str, postcodes_url: str) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "RATELIMIT_ENABLED": False,  # per-address limits would refuse the rounds
            # A postcodes.io of our own on loopback: answers cached as the live one's are,
            # and no failure warnings or offline fallbacks timed as if they were searches.
            "POSTCODES_API_URL": postcodes_url,
        }
    )


def directory(services: int) -> None:
    """Inside an app context: the schema, and the county's directory of `services` services
    at two buildings for every five, an organisation for every 25 (the search benches')."""
    upgrade(directory=MIGRATIONS)
    county.build(services, services * 2 // 5, organisations=max(1, services // 25))


def hello() -> Callable[[], float]:
    """A trivial Flask app's request, timed (wall ms): the machine's speed at the moment."""
    bare = Flask("hello")
    bare.get("/")(lambda: "ok")
    client = bare.test_client()
    client.get("/")

    def one() -> float:
        start = time.perf_counter()
        client.get("/")
        return (time.perf_counter() - start) * 1000

    return one


def built(url: str, services: int, postcodes_url: str) -> dict[str, float]:
    """The county of `services` services at `url`, and its vocabulary's figures."""
    app = make_app(url, postcodes_url)
    with app.app_context():
        directory(services)
        vocabulary = county.vocabulary()
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            settle(db.engine)
        db.engine.dispose()
    return vocabulary


def settle(engine: Engine, longest: float = 120.0) -> None:
    """PostgreSQL after a bulk load, as a live server is between loads: its tables vacuumed
    and its dirty pages written now (CHECKPOINT), not while the searches are timed, and no
    autovacuum worker running (the schema dropped and made again leaves catalogs to vacuum):
    on a 2-core machine, work beside the searches takes CPU time from them (results.md,
    section 1, stop 42). CHECKPOINT needs a superuser or pg_checkpoint: without, the server
    writes the pages in its own time."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        # What autovacuum does within a minute of a load (a table of new rows is vacuumed
        # once a fifth of it is new), done now rather than while the searches are timed:
        # the tables' visibility maps set, so an index holding all a search reads of a table
        # (search_term, migration 0048) is read without the table.
        conn.execute(text("VACUUM ANALYZE"))
        with suppress(DBAPIError):
            conn.execute(text("CHECKPOINT"))
        waiting = "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'"
        deadline = time.monotonic() + longest
        while conn.scalar(text(waiting)) and time.monotonic() < deadline:
            time.sleep(1.0)


def measure(
    sqlite_folder: str | None = None,
    postgres_url: str | None = None,
    sizes: list[int] = SIZES,
    rounds: int = ROUNDS,
) -> list[Row]:
    """Every size on SQLite (a fresh file each) and, given a URL, on PostgreSQL (a database
    beside its own for each size, `<name>_<services>`, made when missing and wiped), the
    sizes of each engine in turns (in_turns)."""
    from bench.side_by_side import sibling_url
    from bench.sizes import in_turns
    from tests.conftest import reset_postgresql
    from tests.fakes.postcodes import FakePostcodes

    rows = []
    with FakePostcodes() as postcodes, tempfile.TemporaryDirectory(dir=sqlite_folder) as folder:
        if "sqlite" in ENGINES:
            files = {n: f"sqlite:///{Path(folder) / f'search-{n}.db'}" for n in sizes}
            rows += in_turns(files, "SQLite", rounds, postcodes.url)
        if postgres_url and "postgresql" in ENGINES:
            databases = {n: sibling_url(postgres_url, f"_{n}") for n in sizes}
            for url in databases.values():
                reset_postgresql(url)
            served = in_turns(databases, "PostgreSQL", rounds, postcodes.url)
            for found in served:
                found.memory = memory(databases[found.services])
            rows += served
    for found in rows:
        print(line(found), file=sys.stderr, flush=True)
    return rows


def memory(url: str) -> str:
    """PostgreSQL's shared buffers beside the size of a county's database: the README's
    deployment advice is buffers that hold the database, and with the server's first 128 MB a
    county of 50,000 services (about 480 MB) is read back from the operating system, page
    after page, in every round (bench/results.md, stop 49)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            buffers, size, held = conn.execute(
                text(
                    "SELECT current_setting('shared_buffers'), "
                    "pg_size_pretty(pg_database_size(current_database())), "
                    "pg_size_bytes(current_setting('shared_buffers')) "
                    ">= pg_database_size(current_database())"
                )
            ).one()
    finally:
        engine.dispose()
    return f"shared_buffers {buffers}, database {size}" + ("" if held else " (not held)")


def line(row: Row) -> str:
    """A progress line while the run goes on."""
    total = row.search.total()
    return (
        f"{row.engine} {row.services:,}: CPU p50 {percentile(total, 50):.1f} "
        f"p95 {percentile(total, 95):.1f} ms, wall p50 {percentile(row.search.wall, 50):.1f}, "
        f"bare SQL p50 {percentile(row.bare.total(), 50):.1f} ms; load "
        f"{'/'.join(f'{x:.1f}' for x in row.load)}"
    )


def ends(rows: list[Row]) -> Iterator[tuple[str, Row, Row]]:
    """Each engine measured, with its smallest and largest county's rows."""
    for engine in dict.fromkeys(r.engine for r in rows):
        mine = sorted((r for r in rows if r.engine == engine), key=lambda r: r.services)
        yield engine, mine[0], mine[-1]


def verdicts(rows: list[Row]) -> list[tuple[str, str, bool]]:
    """(engine, what, kept) for each target, from the largest and smallest county of each
    engine measured."""
    found = []
    for engine, small, large in ends(rows):
        total = large.search.total()
        p50, p95 = percentile(total, 50), percentile(total, 95)
        at = f"at {large.services:,}"
        found.append((engine, f"CPU p95 {p95:.1f} ms ≤ {TARGET_P95:.0f} {at}", p95 <= TARGET_P95))
        found.append((engine, f"CPU p50 {p50:.1f} ms ≤ {TARGET_P50:.0f} {at}", p50 <= TARGET_P50))
        if large.services > small.services:
            growth = p50 / max(percentile(small.search.total(), 50), 1e-9)
            found.append(
                (
                    engine,
                    f"p50 {large.services:,} / {small.services:,} = {growth:.2f} ≤ {TARGET_GROWTH}",
                    growth <= TARGET_GROWTH,
                )
            )
    return found


def table(rows: list[Row]) -> str:
    if not rows:
        return ""
    out = (
        "\n### Directory search, the 30-search mix (bench/queries.py), in-process\n\n"
        f"{ROUNDS} rounds of the 30 searches a county; CPU is this process's plus, on "
        "PostgreSQL, the server's (app's share in brackets). Bare SQL: the search's own "
        "statements replayed on the raw connection.\n\n"
        "| engine | services | vocabulary | words/listing p50 (p5–p95) | CPU p50 ms | CPU p95 ms "
        "| wall p50 ms | wall p95 ms | bare SQL CPU p50 / p95 ms | search / bare p50 "
        "| statements | hello p50 ms | load average |\n"
        "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n"
    )
    for r in rows:
        total, bare = r.search.total(), r.bare.total()
        app_share = f" ({percentile(r.search.cpu, 50):.1f})" if r.engine == "PostgreSQL" else ""
        app_share95 = f" ({percentile(r.search.cpu, 95):.1f})" if r.engine == "PostgreSQL" else ""
        out += (
            f"| {r.engine} | {r.services:,} | {r.vocabulary['distinct']:,.0f} "
            f"| {r.vocabulary['p50']:.0f} ({r.vocabulary['p5']:.0f}–{r.vocabulary['p95']:.0f}) "
            f"| {percentile(total, 50):.1f}{app_share} | {percentile(total, 95):.1f}{app_share95} "
            f"| {percentile(r.search.wall, 50):.1f} | {percentile(r.search.wall, 95):.1f} "
            f"| {percentile(bare, 50):.1f} / {percentile(bare, 95):.1f} "
            f"| {percentile(total, 50) / max(percentile(bare, 50), 1e-9):.1f}× "
            f"| {r.statements:.0f} | {r.hello:.2f} | {'/'.join(f'{x:.1f}' for x in r.load)} |\n"
        )
    held = [f"{r.services:,}: {r.memory}" for r in rows if r.memory]
    if held:
        out += "\nPostgreSQL's memory: " + "; ".join(held) + ".\n"
    out += "\n| target (issue 17) | engine | |\n|---|---|---|\n"
    out += "".join(
        f"| {what} | {engine} | {'PASS' if kept else 'FAIL'} |\n"
        for engine, what, kept in verdicts(rows)
    )
    out += by_process(rows)
    out += slowest(rows)
    return out


def by_process(rows: list[Row]) -> str:
    """Each engine's growth as each pair of searching processes read it (the nth process of
    the largest county over the nth of the smallest): how far one process's luck moves it."""
    out = ""
    for engine, smallest, largest in ends(rows):
        small, large = smallest.by_process, largest.by_process
        if len(small) < 2 or len(large) != len(small) or smallest is largest:
            continue
        each = [
            percentile(b.total(), 50) / max(percentile(a.total(), 50), 1e-9)
            for a, b in zip(small, large, strict=True)
        ]
        out += (
            f"\n{engine}'s growth by pair of searching processes (each size searched by "
            f"{len(small)}, the rounds shared): " + ", ".join(f"{g:.2f}" for g in each) + ".\n"
        )
    return out


def slowest(rows: list[Row], n: int = 5) -> str:
    """The searches that cost most at the largest size of each engine: where to look next."""
    out = ""
    for engine in dict.fromkeys(r.engine for r in rows):
        large = max((r for r in rows if r.engine == engine), key=lambda r: r.services)
        ranked = sorted(
            large.by_path.items(), key=lambda kv: percentile(kv[1].total(), 50), reverse=True
        )
        out += f"\nSlowest searches, {engine} at {large.services:,} (CPU p50 ms):\n\n" + "".join(
            f"- {percentile(t.total(), 50):.1f} `{p}`\n" for p, t in ranked[:n]
        )
    return out


def main() -> int:
    if sys.argv[1:2] == ["build"]:
        url, services, postcodes_url = sys.argv[2:5]
        print(json.dumps(built(url, int(services), postcodes_url)))
        return 0
    rows = measure(postgres_url=os.environ.get("BENCH_POSTGRES_URL"))
    print(table(rows))
    return 0 if all(kept for _, _, kept in verdicts(rows)) else 1


if __name__ == "__main__":
    sys.exit(main())
