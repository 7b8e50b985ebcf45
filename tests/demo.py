"""The demo county for tests that read it: `flask demo load` run for real in each worker once
per database (and again when its copy is AGE_S old), and a copy of what it wrote put back for
every test after.

The load takes 0.45 s on SQLite and 1.2 s on PostgreSQL (1 s and 2.7 s while it indexed its
466 services one by one) for each of the 80-odd tests that read the demo county; putting a
copy back takes 0.02 s (a file copy) and 0.15 s (one batch of INSERTs). Tests of the command
and of what it writes (tests/accord/test_cli.py and test_demo_data.py, the registry's "no
repeats" tests) still run it.

What is copied is every table of the database, the search's own (FTS5's, the place-ordered
index, the vocabulary) with the models', and PostgreSQL's sequences, so ids and search
results are those of a real load. A copy serves for AGE_S at most, and on the UK day it was
made: the demo's dates are relative to today, and its times (an incident's start, a hub's
last update) to now.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from flask import Flask
from sqlalchemy import make_url, text

from accord.clock import today_uk
from accord.extensions import db

AGE_S = 600.0
SCHEMA = "demo_copy"  # PostgreSQL: where the copy is kept, beside the tables it copies


@dataclass
class _Copy:
    day: date
    made: float = field(default_factory=time.monotonic)
    path: Path | None = None  # SQLite: the database file as the load left it
    tables: dict[str, list[str]] = field(default_factory=dict)  # PostgreSQL: table → columns
    sequences: list[tuple[str, int | None, bool]] = field(default_factory=list)


_COPIES: dict[str, _Copy] = {}  # by database URL


def load(app: Flask) -> None:
    """The demo county in the app's database (whose tables are empty, as each test starts)."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    kept = _COPIES.get(url)
    if kept is not None and kept.day == today_uk() and time.monotonic() - kept.made < AGE_S:
        _put_back(url, kept)
        return
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    _COPIES[url] = _copy(url)


def _sqlite_file(url: str) -> Path | None:
    """The database's file on SQLite; None on PostgreSQL."""
    parts = make_url(url)
    return Path(str(parts.database)) if parts.get_backend_name() == "sqlite" else None


def _copy(url: str) -> _Copy:
    db.session.remove()
    source = _sqlite_file(url)
    if source is not None:
        db.engine.dispose()
        kept = source.with_name(f"{source.stem}-demo{source.suffix}")
        shutil.copyfile(source, kept)
        return _Copy(today_uk(), path=kept)
    copied = _Copy(today_uk())
    with db.engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
        # Generated columns (service_search's tsvector) are made again by the INSERT.
        columns = conn.execute(
            text(
                "SELECT c.table_name, c.column_name FROM information_schema.columns c "
                "JOIN information_schema.tables t USING (table_schema, table_name) "
                "WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' "
                "AND c.is_generated = 'NEVER' AND c.table_name <> 'alembic_version' "
                "ORDER BY c.table_name, c.ordinal_position"
            )
        )
        for table, column in columns:
            copied.tables.setdefault(table, []).append(f'"{column}"')
        for table, names in copied.tables.items():
            listed = ", ".join(names)
            conn.execute(
                text(
                    f'CREATE TABLE {SCHEMA}."{table}" AS SELECT {listed} FROM public."{table}"'  # noqa: S608 - the catalog's names
                )
            )
        copied.sequences = [
            (name, last, called)
            for name, last, called in conn.execute(
                text(
                    "SELECT sequencename, last_value, last_value IS NOT NULL "
                    "FROM pg_sequences WHERE schemaname = 'public'"
                )
            )
        ]
    return copied


def _put_back(url: str, kept: _Copy) -> None:
    db.session.remove()
    target = _sqlite_file(url)
    if kept.path is not None and target is not None:
        db.engine.dispose()
        shutil.copyfile(kept.path, target)
        return
    # Triggers (and the foreign keys they check) are off while the rows go back: the copy
    # holds what they made, the search's rows with the services'.
    statements = ["SET LOCAL session_replication_role = replica"]
    for table, names in kept.tables.items():
        listed = ", ".join(names)
        statements.append(f'DELETE FROM public."{table}"')  # noqa: S608 - the catalog's names
        statements.append(
            f'INSERT INTO public."{table}" ({listed}) SELECT {listed} FROM {SCHEMA}."{table}"'  # noqa: S608
        )
    for name, last, called in kept.sequences:
        statements.append(f"SELECT setval('public.\"{name}\"', {last or 1}, {str(called).lower()})")
    with db.engine.begin() as conn:
        conn.exec_driver_sql("; ".join(statements))
