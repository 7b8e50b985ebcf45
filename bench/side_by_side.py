"""Search throughput, the commit before issue 17 beside this checkout, in one run.

Issue 17's promise for search under gunicorn: with 2 workers on this machine, search-only
traffic (the 30 searches of `bench/queries.py`, round-robin) at 32 connections has p99 under
1 s and no errors, and at least 4× the requests a second of the commit before the work
(`bffe06e`), measured side by side in the same run. For each engine (SQLite in a temporary
folder; PostgreSQL when `BENCH_POSTGRES_URL` is set, with the old copy in a sibling database
named `<database>_old`, both wiped):

1. this checkout migrates its database and fills it with the county's directory
   (`bench.county.build`, `BENCH_SIDE_SERVICES` services, default 50,000);
2. the old checkout (`BENCH_OLD_TREE`, default `../old`) migrates its own database with its
   own code; every table both schemas have is copied across, column by column, and the old
   code writes its own search documents (`directory.listings.document`), as it would have had
   the services been entered through it; PostgreSQL then gets `VACUUM ANALYZE` on both,
   SQLite every full-text index merged into one segment on both;
3. each checkout is served by gunicorn from its own folder (its code, its gunicorn.conf.py),
   one at a time, and wrk asks the 30 searches in turn at `BENCH_SIDE_CONNECTIONS` (32) for
   `BENCH_SIDE_SECONDS` (30) after `BENCH_WARM_SECONDS` (3) unmeasured. Old and new take turns
   for `BENCH_SIDE_ROUNDS` rounds (default 2), so a change in the machine's load falls on both.
   Both ask a postcodes.io on loopback that answers at once; each worker remembers its answers
   from the warm-up on, as in service.
   This checkout is also served as `BENCH_SIDE_CONFIGS` (workers×threads, default
   `2x1,2x2,2x4`; more than one thread is gunicorn's gthread worker), to choose a worker kind.

Rows give requests a second, latency percentiles, the workers' own CPU time per request (from
/proc, so the load other processes put on the machine counts less than in wall time), 5xx,
other non-2xx and socket errors, and the load average at the end of the row. The verdict
row: the new engine at 2 sync workers against the old engine at 2 sync workers.

Once, before the first run (the old checkout shares this one's virtualenv and assets):

    git worktree add --detach ../old bffe06e
    ln -s "$PWD/.venv" ../old/.venv; ln -s "$PWD/node_modules" ../old/node_modules
    ln -s "$PWD/accord/static/vendor" ../old/accord/static/vendor

Then `PYTHONPATH=. .venv/bin/python -m bench.side_by_side` (with `BENCH_POSTGRES_URL=…` for
PostgreSQL too). It exits 1 when a promise is broken.

The same file is the old checkout's helper: run as a script with the old checkout first on
the path (`python bench/side_by_side.py old-migrate|old-documents URL`), so its imports at
the top are the standard library's alone.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench.load import Result

ROOT = Path(__file__).resolve().parent.parent
OLD_COMMIT = "bffe06e"
OLD_TREE = Path(os.environ.get("BENCH_OLD_TREE", str(ROOT.parent / "old"))).resolve()
SERVICES = int(os.environ.get("BENCH_SIDE_SERVICES", "50000"))
SECONDS = int(os.environ.get("BENCH_SIDE_SECONDS", "30"))
CONNECTIONS = int(os.environ.get("BENCH_SIDE_CONNECTIONS", "32"))
ROUNDS = int(os.environ.get("BENCH_SIDE_ROUNDS", "2"))
CONFIGS = os.environ.get("BENCH_SIDE_CONFIGS", "2x1,2x2,2x4")
# postcodes.io's answer time in the I/O-bound rows (0: no such rows).
DELAY_MS = int(os.environ.get("BENCH_SIDE_DELAY_MS", "100"))
IO_CONFIGS = os.environ.get("BENCH_SIDE_IO_CONFIGS", "2x1,2x4,2x8")
P99_PROMISE_MS = 1000.0
SPEED_PROMISE = 4.0
TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class Row:
    engine: str
    code: str  # "old" or "new"
    workers: int
    threads: int
    result: Result
    cpu_ms: float  # the workers' CPU time per request
    load: float  # the 1-minute load average at the end

    @property
    def config(self) -> str:
        kind = "sync" if self.threads == 1 else f"gthread × {self.threads} threads"
        return f"{self.workers} {kind}"


# ---- the old checkout's side (run with the old checkout first on the path) ----


def old_side(step: str, url: str) -> None:
    """`old-migrate`: the old code's migrations; `old-documents`: its search documents for
    every service, in batches, with what `document()` reads loaded up front."""
    from flask_migrate import upgrade
    from sqlalchemy import delete, insert, select
    from sqlalchemy.orm import selectinload

    from accord import create_app
    from accord.extensions import db
    from directory.listings import document
    from directory.models import Service, ServiceAtLocation, ServiceSearch

    config = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"}
    app = create_app(config)
    with app.app_context():
        if step == "old-migrate":
            upgrade(directory=str(Path.cwd() / "migrations"))
            return
        db.session.execute(delete(ServiceSearch))
        ids = list(db.session.scalars(select(Service.id).order_by(Service.id)))
        for start in range(0, len(ids), 2000):
            query = (
                select(Service)
                .where(Service.id.in_(ids[start : start + 2000]))
                .options(
                    selectinload(Service.organisation),
                    selectinload(Service.terms),
                    selectinload(Service.at_locations).selectinload(ServiceAtLocation.location),
                )
            )
            found = db.session.scalars(query)
            rows = [{"service_id": s.id, "document": document(s)} for s in found]
            db.session.execute(insert(ServiceSearch), rows)
            db.session.expunge_all()
        db.session.commit()
        db.engine.dispose()


def run_old(step: str, url: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(OLD_TREE)}
    command = [sys.executable, str(Path(__file__).resolve()), step, url]
    done = subprocess.run(  # noqa: S603 - our own command line
        command, cwd=OLD_TREE, env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"old checkout, {step}:\n{done.stdout}{done.stderr}")


# ---- this checkout's side ----


def old_url(url: str) -> str:
    """The old copy's PostgreSQL database beside `url`'s (made when missing)."""
    return sibling_url(url, "_old")


def sibling_url(url: str, suffix: str) -> str:
    """A PostgreSQL database beside `url`'s, its name with `suffix` (made when missing)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    made = make_url(url)
    name = f"{made.database}{suffix}"
    engine = create_engine(made.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        found = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if not found:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return made.set(database=name).render_as_string(hide_password=False)


def fill_new(url: str) -> dict[str, int]:
    from flask_migrate import upgrade

    from accord import create_app
    from accord.extensions import db
    from bench import county, pages

    app = create_app(pages.app_config(url))
    with app.app_context():
        upgrade(directory=pages.MIGRATIONS)
        made = county.build(SERVICES, SERVICES * 2 // 5, organisations=max(1, SERVICES // 25))
        db.session.remove()
        db.engine.dispose()
    return made


def common_tables(source, target) -> dict[str, list[str]]:
    """Tables in both schemas and the columns both have that can be written (not generated),
    leaving out the migrations' bookkeeping and the search documents, which each checkout
    writes its own way (and whatever full-text or spatial tables it keeps beside them)."""
    from sqlalchemy import inspect

    def columns(engine, table: str) -> list[str]:
        if engine.dialect.name == "sqlite":
            with engine.connect() as conn:
                info = conn.exec_driver_sql(f'PRAGMA table_xinfo("{table}")').all()
            return [row[1] for row in info if row[6] == 0]  # hidden 2, 3: generated
        return [c["name"] for c in inspect(engine).get_columns(table) if not c.get("computed")]

    mine = set(inspect(source).get_table_names())
    theirs = set(inspect(target).get_table_names())
    found = {}
    for table in sorted(mine & theirs):
        if table == "alembic_version" or table.startswith("service_search"):
            continue
        wanted = set(columns(target, table))
        found[table] = [c for c in columns(source, table) if c in wanted]
    return found


def copy_rows(source_url: str, target_url: str) -> None:
    """Every row of the tables both schemas have, from this checkout's database to the old
    one's, foreign keys unchecked while they arrive."""
    from sqlalchemy import create_engine, text

    source, target = create_engine(source_url), create_engine(target_url)
    tables = common_tables(source, target)
    if source.dialect.name == "sqlite":
        with target.connect() as conn:
            conn.exec_driver_sql("PRAGMA foreign_keys = OFF")
            conn.execute(text("ATTACH DATABASE :path AS new"), {"path": source.url.database})
            for table, cols in tables.items():
                names = ", ".join(f'"{c}"' for c in cols)
                conn.exec_driver_sql(f'DELETE FROM main."{table}"')  # noqa: S608 - schema's names
                conn.exec_driver_sql(
                    f'INSERT INTO main."{table}" ({names}) '  # noqa: S608 - schema's names
                    f'SELECT {names} FROM new."{table}"'
                )
            conn.commit()
            conn.exec_driver_sql("DETACH DATABASE new")
    else:
        reading, writing = source.raw_connection(), target.raw_connection()
        try:
            out, into = reading.cursor(), writing.cursor()
            into.execute("SET session_replication_role = replica")  # no FK triggers
            into.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE")
            for table, cols in tables.items():
                names = ", ".join(f'"{c}"' for c in cols)
                with (
                    out.copy(f'COPY "{table}" ({names}) TO STDOUT') as got,
                    into.copy(f'COPY "{table}" ({names}) FROM STDIN') as put,
                ):
                    for block in got:
                        put.write(block)
                # The old code may add rows later; its sequences go on from the copied ids.
                if "id" in cols:
                    into.execute(
                        f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "  # noqa: S608
                        f'coalesce((SELECT max(id) FROM "{table}"), 0) + 1, false) '
                        f"WHERE pg_get_serial_sequence('\"{table}\"', 'id') IS NOT NULL"
                    )
            writing.commit()
        finally:
            reading.close()
            writing.close()
    source.dispose()
    target.dispose()


def analyse(url: str) -> None:
    """PostgreSQL: VACUUM ANALYZE, as autovacuum would give a live database. SQLite: every
    FTS5 index merged into one segment (both checkouts' alike; this one's daily `flask
    directory vocabulary` does it, and the old code's index is given the same)."""
    from sqlalchemy import create_engine

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if url.startswith("postgresql"):
            conn.exec_driver_sql("VACUUM ANALYZE")
        else:
            fts5 = "'CREATE VIRTUAL TABLE % USING fts5(%'"  # not their fts5vocab tables
            listed = f"SELECT name FROM sqlite_master WHERE sql LIKE {fts5}"  # noqa: S608
            found = conn.exec_driver_sql(listed)
            for (name,) in found.all():
                merge = f"INSERT INTO {name}({name}) VALUES ('optimize')"  # noqa: S608 - its own
                conn.exec_driver_sql(merge)
    engine.dispose()


def wipe(url: str) -> None:
    if url.startswith("postgresql"):
        from tests.conftest import reset_postgresql

        reset_postgresql(url)


def cpu_ticks(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total


def serve(
    engine: str,
    code: str,
    url: str,
    workers: int,
    threads: int,
    log: Path,
    postcodes_url: str,
    slow: SlowPostcodes | None = None,
) -> Row:
    """One checkout under gunicorn, asking the postcodes.io at `postcodes_url`: warmed,
    checked, then timed on the 30 searches (or, with `slow`, on searches at postcodes a slow
    postcodes.io must be asked about)."""
    import urllib.request

    from bench import load, queries

    root = OLD_TREE if code == "old" else ROOT
    paths = io_paths() if slow else queries.paths()
    env = load.server_env(url)
    env["POSTCODES_API_URL"] = slow.url if slow else postcodes_url
    if slow:
        code += f", postcodes.io {DELAY_MS} ms away"
    server = load.Gunicorn(
        "bench.serve:app()",
        env,
        log,
        root=root,
        workers=workers,
        threads=threads,
    )
    try:
        server.wait("/healthz")
        for path in queries.paths():  # every search answers before any is timed
            try:
                with urllib.request.urlopen(server.base + path, timeout=60) as answer:  # noqa: S310
                    status = answer.status
            except OSError as error:
                raise SystemExit(f"{code} {engine}: {path} did not answer: {error}") from error
            if status != 200:
                raise SystemExit(f"{code} {engine}: {path} answered {status}")
        # As many connections as the server has threads: more would leave a queue of
        # abandoned requests that the timed run would wait behind.
        load.wrk(server, "warm-up", queries.paths(), load.WARM_SECONDS, workers * threads)
        pids = server.workers()
        before = cpu_ticks(pids)
        result = load.wrk(server, "search", paths, SECONDS, CONNECTIONS)
        spent = (cpu_ticks(pids) - before) / TICK * 1000
        # A worker that died (a crash, gunicorn's timeout) took its CPU time with it.
        replaced = set(server.workers()) != set(pids)
    finally:
        server.stop()
    cpu = spent / result.requests if result.requests and not replaced else float("nan")
    if replaced:
        print(f"{code} {engine}: a worker was replaced during the row ({log})", file=sys.stderr)
    return Row(engine, code, workers, threads, result, cpu, os.getloadavg()[0])


class SlowPostcodes:
    """postcodes.io on loopback, answering `/postcodes/<postcode>` from the offline tables
    after `DELAY_MS`, as the real service would over the internet. Each worker caches what it
    is told for a day, so the I/O-bound rows search at postcodes it has not met."""

    def __init__(self) -> None:
        import json
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import unquote

        from accord import geo

        class Answer(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                import time

                time.sleep(DELAY_MS / 1000)
                postcode = unquote(self.path.rsplit("/", 1)[-1])
                point = geo.postcode_point(postcode)
                if point is None or not self.path.startswith("/postcodes/"):
                    status, body = 404, {"status": 404, "error": "Postcode not found"}
                else:
                    status = 200
                    result = {"postcode": postcode, "latitude": point.latitude}
                    result |= {"longitude": point.longitude}
                    body = {"status": 200, "result": result}
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def io_paths(count: int = 20_000, seed: int = 11) -> list[str]:
    """The mix's words at county postcodes in random order, few of them twice."""
    import random
    from urllib.parse import urlencode

    from bench import county, queries

    rng = random.Random(seed)  # noqa: S311 - benchmark sampling
    codes = rng.sample(county.postcodes(), min(count, len(county.postcodes())))
    words = [search[0] for search in queries.MIX if search[0]]
    return [
        "/directory?" + urlencode({"q": words[i % len(words)], "where": code, "radius": "5"})
        for i, code in enumerate(codes)
    ]


def configs(listed: str = CONFIGS) -> list[tuple[int, int]]:
    return [tuple(int(n) for n in item.split("x")) for item in listed.split(",") if item]  # type: ignore[misc]


def measure(engine: str, new: str, old: str, log: Path) -> list[Row]:
    wipe(new)
    wipe(old)
    made = fill_new(new)
    run_old("old-migrate", old)
    copy_rows(new, old)
    run_old("old-documents", old)
    analyse(new)
    analyse(old)
    print(f"{engine}: " + ", ".join(f"{n:,} {what}" for what, n in made.items()), flush=True)
    rows = []
    # postcodes.io up, as it is nearly always: the tests' own on loopback (as
    # bench/search_mix.py uses), answering at once. Each worker asks it about the mix's
    # postcodes while warming and remembers the answers, as both checkouts do in service.
    # (Until 2026-12-05 these rows ran with it unreachable: each postcode search then read the
    # offline tables and logged the outage, which cost the old checkout far more CPU than the
    # new and flattered the ratio: bench/results.md section 2.)
    from tests.fakes.postcodes import FakePostcodes

    with FakePostcodes() as answers:
        for _ in range(ROUNDS):
            rows.append(serve(engine, "old", old, 2, 1, log, answers.url))
            print(line(rows[-1]), flush=True)
            for workers, threads in configs():
                rows.append(serve(engine, "new", new, workers, threads, log, answers.url))
                print(line(rows[-1]), flush=True)
        if DELAY_MS:
            postcodes = SlowPostcodes()
            try:
                for workers, threads in configs(IO_CONFIGS):
                    rows.append(
                        serve(engine, "new", new, workers, threads, log, answers.url, postcodes)
                    )
                    print(line(rows[-1]), flush=True)
            finally:
                postcodes.close()
    return rows


def line(row: Row) -> str:
    r = row.result
    return (
        f"| {row.engine} | {row.code} | {row.config} | {r.rate:,.1f} | {r.p50:.0f} | "
        f"{r.p95:.0f} | {r.p99:.0f} | {r.max:.0f} | {row.cpu_ms:.1f} | {r.fivexx} | "
        f"{r.fourxx} | {r.errors} | {row.load:.1f} |"
    )


HEADER = (
    "| engine | code | gunicorn workers | requests/s | p50 ms | p95 ms | p99 ms | max ms | "
    "worker CPU ms a request | 5xx | other non-2xx | socket errors | load |\n"
    "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
)


def verdicts(rows: list[Row]) -> tuple[str, bool]:
    """Each configuration of the new code against the old at 2 sync workers, per engine: the
    median round's rate, every round's tail and errors. The first of `BENCH_SIDE_CONFIGS`
    (2 sync workers unless told) is the promise; the exit status follows it."""
    text, kept = "", True
    for engine in dict.fromkeys(row.engine for row in rows):
        old = [r for r in rows if r.engine == engine and r.code == "old"]
        for workers, threads in configs():
            new = [
                r
                for r in rows
                if r.engine == engine
                and r.code == "new"
                and (r.workers, r.threads) == (workers, threads)
            ]
            if not old or not new:
                continue
            # At least one request: a row where none finished in time is not a zero divisor.
            old_rate = statistics.median(max(r.result.rate, 1 / SECONDS) for r in old)
            new_rate = statistics.median(r.result.rate for r in new)
            worst = max(r.result.p99 for r in new)
            bad = sum(r.result.fivexx + r.result.errors + r.result.fourxx for r in new)
            # What a request costs the workers, old over new: the ratio a busy machine
            # disturbs least (wall-clock rates share the CPUs with everything else running).
            old_cpu = statistics.median(r.cpu_ms for r in old)
            new_cpu = statistics.median(r.cpu_ms for r in new) or 1.0
            ok = new_rate >= SPEED_PROMISE * old_rate and worst < P99_PROMISE_MS and not bad
            primary = (workers, threads) == configs()[0]
            kept &= ok or not primary
            text += (
                f"| {engine} | {new[0].config} | {old_rate:,.1f} | {new_rate:,.1f} | "
                f"{new_rate / old_rate:.1f}× | {old_cpu / new_cpu:.1f}× | {worst:.0f} | {bad} | "
                f"{'PASS' if ok else 'FAIL'}{' (the promise)' if primary else ''} |\n"
            )
    head = (
        f"\n| engine | new at | old requests/s (2 sync) | new requests/s | new / old | "
        f"old / new CPU a request | worst p99 ms | non-2xx + errors | ≥ {SPEED_PROMISE:.0f}×, "
        f"p99 < {P99_PROMISE_MS:.0f} ms, no errors |\n"
        "|---|---|---:|---:|---:|---:|---:|---:|---|\n"
    )
    return head + text, kept


def main() -> int:
    if not (OLD_TREE / "bench" / "serve.py").exists():
        raise SystemExit(
            f"No old checkout at {OLD_TREE}: see this module's docstring "
            f"(git worktree add --detach {OLD_TREE} {OLD_COMMIT}, then the symlinks)"
        )
    commit = subprocess.run(  # noqa: S603 - our own command line
        ["git", "-C", str(OLD_TREE), "rev-parse", "--short", "HEAD"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    print(
        f"Search side by side: old {commit} ({OLD_TREE}) and this checkout, "
        f"{SECONDS} s a row at {CONNECTIONS} connections, {ROUNDS} rounds, "
        f"{os.cpu_count()} CPUs\n\n{HEADER}",
        flush=True,
    )
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "gunicorn.log"
        new, old = Path(folder) / "new.db", Path(folder) / "old.db"
        rows += measure("SQLite", f"sqlite:///{new}", f"sqlite:///{old}", log)
        if url := os.environ.get("BENCH_POSTGRES_URL"):
            rows += measure("PostgreSQL", url, old_url(url), log)
        if any(r.result.fivexx or r.result.errors for r in rows):
            print(log.read_text(errors="replace")[-4000:], file=sys.stderr)
    text, kept = verdicts(rows)
    print(text)
    return 0 if kept else 1


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1].startswith("old-"):
        # Run as a script by the old checkout: its folder, not this one's bench/, first.
        sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
        old_side(sys.argv[1], sys.argv[2])
    else:
        sys.exit(main())
