"""The search bench's own machinery (bench/search_mix.py): the statements a search sends are
captured and replay on the raw connection; the database's CPU is found on PostgreSQL; the
targets are judged from the largest and smallest county. Timings are never asserted."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import create_engine, text

from accord.extensions import db
from bench import county, queries, search_mix, sizes
from bench.search_mix import Row, Timed


def test_a_search_is_captured_and_replays_bare(app):
    county.build(300, 120, organisations=12)
    client = app.test_client()
    path = queries.paths()[0]  # "food bank" near SY1 1UJ
    with search_mix.captured(db.engine) as statements:
        assert client.get(path).status_code == 200
    assert statements, "the search sent no SQL"
    assert any("service" in statement.lower() for statement, _ in statements)
    # Replayed on the raw DBAPI connection, the same statements read rows again.
    assert search_mix.replay(db.engine, statements) > 0
    # Outside the block nothing more is captured.
    seen = len(statements)
    client.get(path)
    assert len(statements) == seen


def test_the_database_cpu_is_read_on_postgresql_only(app):
    clock = search_mix.DatabaseCpu(db.engine)
    before = clock.now()
    db.session.execute(text("SELECT count(*) FROM service")).scalar()
    if db.engine.dialect.name == "postgresql":
        assert clock.pids  # this test's own backend, at least
        assert clock.now() >= before > 0
    else:
        assert clock.pids == [] and clock.now() == 0.0


def row(engine: str, services: int, ms: float) -> Row:
    samples = Timed(wall=[ms] * 10, cpu=[ms] * 10, db_cpu=[0.0] * 10)
    words = {"distinct": 2_500, "once": 10, "p5": 28, "p50": 48, "p95": 73, "max": 110}
    return Row(engine, services, words, samples, samples, 0.3, 5, (1.0, 1.0, 1.0), {"/x": samples})


def test_targets_are_judged_at_the_largest_county():
    kept = search_mix.verdicts([row("SQLite", 5_000, 10.0), row("SQLite", 50_000, 14.0)])
    assert [ok for _, _, ok in kept] == [True, True, True]
    broke = search_mix.verdicts([row("SQLite", 5_000, 10.0), row("SQLite", 50_000, 16.0)])
    assert [ok for _, _, ok in broke] == [True, False, False]  # p50 over 15, and 1.6× the 5k
    said = search_mix.table([row("SQLite", 5_000, 10.0), row("SQLite", 50_000, 16.0)])
    assert "| SQLite | 50,000 | 2,500 |" in said
    assert "PASS" in said and "FAIL" in said


@pytest.mark.engine("postgresql")  # shared buffers are PostgreSQL's
def test_postgresqls_memory_is_said_beside_its_rows(app, database_url):
    """The table says how much of the county the server's shared buffers hold: a county
    read back from the operating system costs the server CPU (README, deployment)."""
    said = search_mix.memory(database_url)
    buffers = db.session.scalar(text("SHOW shared_buffers"))
    assert said.startswith(f"shared_buffers {buffers}, database ")
    served = row("PostgreSQL", 50_000, 10.0)
    served.memory = said
    assert f"PostgreSQL's memory: 50,000: {said}." in search_mix.table([served])
    assert "memory" not in search_mix.table([row("SQLite", 5_000, 10.0)])


def test_the_sizes_are_searched_in_turns_each_by_processes_of_its_own(tmp_path):
    """Each size's county is built by one child process and searched by others
    (bench/sizes.py), the sizes asked for each round in turn and each size's rounds shared
    between its processes: every sample comes back to the right size and process, and none
    is lost on the way."""
    from tests.fakes.postcodes import FakePostcodes

    urls = {n: f"sqlite:///{tmp_path / f'row-{n}.db'}" for n in (100, 160)}
    with FakePostcodes() as postcodes:
        rows = sizes.in_turns(urls, "SQLite", 3, postcodes.url, processes=2)
    assert [(r.engine, r.services) for r in rows] == [("SQLite", 100), ("SQLite", 160)]
    searches = len(queries.paths())
    for found in rows:
        assert set(found.by_path) == set(queries.paths())
        assert all(len(t.cpu) == 3 for t in found.by_path.values())  # one a round
        assert len(found.search.cpu) == len(found.bare.cpu) == 3 * searches
        assert all(ms > 0 for ms in found.search.wall)
        assert found.vocabulary["distinct"] > 100 and found.statements >= 1
        # Rounds 1 and 3 by the first process, round 2 by the second.
        assert [len(mine.cpu) for mine in found.by_process] == [2 * searches, searches]
    said = search_mix.by_process(rows)
    assert said.startswith("\nSQLite's growth by pair of searching processes (each size")
    assert re.search(r"searched by 2, the rounds shared\): \d+\.\d\d, \d+\.\d\d\.\n$", said)
    # Each size a county of its own, of its size.
    for n, url in urls.items():
        engine = create_engine(url)
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT count(*) FROM service")) == n
        engine.dispose()
