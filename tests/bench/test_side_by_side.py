"""bench/side_by_side.py's own pieces: the copy from this checkout's database to the old
checkout's, and the verdict (no timing is asserted: the rows are made up)."""

from __future__ import annotations

from flask_migrate import upgrade
from sqlalchemy import create_engine, func, select, table

from accord.extensions import db
from bench import county, load, side_by_side
from tests.conftest import MIGRATIONS, reset_postgresql


def test_copy_rows_fills_the_other_schema_but_its_search_documents(
    app, make_app, database_url, tmp_path
):
    county.build(40, 16, organisations=4, vacuum=False)
    if database_url.startswith("postgresql"):
        target = side_by_side.old_url(database_url)
        reset_postgresql(target)
    else:
        target = f"sqlite:///{tmp_path / 'old.db'}"
    # The same migrations stand in for the old checkout's: what is copied is what both have.
    with make_app(target).app_context():
        upgrade(directory=MIGRATIONS)
        db.session.remove()
    db.session.remove()

    side_by_side.copy_rows(database_url, target)

    source, copied = create_engine(database_url), create_engine(target)
    try:
        for name in ["organisation", "location", "service", "service_at_location", "schedule"]:
            query = select(func.count()).select_from(table(name))
            with source.connect() as mine, copied.connect() as theirs:
                assert mine.scalar(query) == theirs.scalar(query) > 0, name
        # Each checkout writes its own search documents.
        with copied.connect() as theirs:
            assert theirs.scalar(select(func.count()).select_from(table("service_search"))) == 0
    finally:
        source.dispose()
        copied.dispose()


def row(code: str, rate: float, p99: float = 500, fivexx: int = 0, threads: int = 1):
    result = load.Result("search", int(rate * 10), 10.0, 100, 200, p99, p99, fivexx, 0, 0)
    return side_by_side.Row("SQLite", code, 2, threads, result, cpu_ms=1000 / rate, load=1.0)


def test_verdict_wants_four_times_the_old_rate_a_short_tail_and_no_errors():
    old = row("old", 10)
    assert side_by_side.verdicts([old, row("new", 40), row("new", 12, threads=2)])[1]
    text, kept = side_by_side.verdicts([old, row("new", 39), row("new", 80, threads=2)])
    assert not kept  # the first configuration (2 sync workers) is the promise
    assert "FAIL (the promise)" in text
    assert "| 3.9× | 3.9× |" in text  # old over new in CPU a request, beside the rates
    assert not side_by_side.verdicts([old, row("new", 50, p99=1000), row("new", 50, threads=2)])[1]
    assert not side_by_side.verdicts([old, row("new", 50, fivexx=1), row("new", 50, threads=2)])[1]


def test_analyse_merges_every_full_text_index_of_a_sqlite_database(tmp_path):
    """Both checkouts' SQLite indexes merged alike before they are measured (PostgreSQL's are
    vacuumed and analysed instead)."""
    import sqlite3

    path = tmp_path / "merged.db"
    connection = sqlite3.connect(path)
    for name in ("one_fts", "two_fts"):
        connection.execute(f"CREATE VIRTUAL TABLE {name} USING fts5(x)")
        # Its vocabulary table is an FTS5 table too, but one that takes no commands.
        connection.execute(f"CREATE VIRTUAL TABLE {name}_vocab USING fts5vocab({name}, 'row')")
        for n in range(5):  # a segment each: one transaction each
            connection.execute(f"INSERT INTO {name} (x) VALUES ('word {n}')")  # noqa: S608
            connection.commit()
    connection.close()

    def segments(name: str) -> int:
        with sqlite3.connect(path) as found:
            query = f"SELECT block FROM {name}_data WHERE id = 10"  # noqa: S608
            return found.execute(query).fetchone()[0][5]

    assert segments("one_fts") > 1 and segments("two_fts") > 1
    side_by_side.analyse(f"sqlite:///{path}")
    assert segments("one_fts") == segments("two_fts") == 1
