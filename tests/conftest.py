"""Fixtures: the app on a real SQLite file and (when TEST_DATABASE_URL is set) PostgreSQL.

The schema comes from the real Alembic migrations, once per database per run; each test then
starts from empty tables. Outside services point at an unreachable port so an unmocked call
fails loudly instead of reaching the internet.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import has_app_context
from flask_migrate import upgrade
from hypothesis import settings
from jinja2 import BytecodeCache
from sqlalchemy import create_engine, make_url, text
from werkzeug.routing.rules import Rule

from accord import create_app
from accord.extensions import db
from tests import demo as demo_county
from tests import factories
from tests.pages import PageClient

UNREACHABLE = "http://127.0.0.1:9"
MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")

# Hypothesis's 200 ms deadline an example is a wall-clock assertion: on a loaded 2-core CI
# machine a correct example can take longer. Tests never assert wall-clock times.
settings.register_profile("accord", deadline=None)
settings.load_profile("accord")


class SharedBytecodeCache(BytecodeCache):
    """Compiled templates shared by the many apps a run creates (compiling dominates otherwise)."""

    def __init__(self):
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket):
        self.store[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CACHE = SharedBytecodeCache()

# Each app the run creates (one a test) compiles a URL builder for each of its ~180 routes:
# werkzeug writes each as Python source and compiles it, 120 ms an app, a third of the suite's
# time. The code depends only on the rule's text and parts (and on its defaults, which none of
# ours use), and takes the rule as its first argument: one compiled function serves every app.
_BUILDERS: dict[tuple, Callable] = {}
_compile_builder = Rule._compile_builder


def _shared_builder(self: Rule, append_unknown: bool = True) -> Callable:
    if self.defaults:
        return _compile_builder(self, append_unknown)
    key = (self.rule, tuple(self._trace), append_unknown)
    if key not in _BUILDERS:
        _BUILDERS[key] = _compile_builder(self, append_unknown)
    return _BUILDERS[key]


Rule._compile_builder = _shared_builder  # type: ignore[method-assign]


def _database_params() -> list:
    params = [pytest.param("sqlite", id="sqlite")]
    if os.environ.get("TEST_DATABASE_URL"):
        params.append(pytest.param("postgresql", id="postgresql"))
    return params


def pytest_xdist_auto_num_workers(config):
    """`-n auto` (pyproject.toml): a worker more than the machine has cores. A worker spends
    part of each test waiting on PostgreSQL's server or the browser, both on this machine:
    on a 2-core machine the whole suite took 785 s with 2 workers, 700 s with 3 (the cores
    were busy throughout). PYTEST_XDIST_AUTO_NUM_WORKERS still decides when set."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None
    return (os.cpu_count() or 1) + 1


def pytest_collection_finish(session):
    """The garbage collector told what lives for the whole run. Every test makes an app (its
    routes, templates, engine): with the collector's defaults a full collection, which reads
    every object the run has imported, came every few tests, a third of a test's fixed cost
    (36 of 115 ms a test on PostgreSQL, measured with gc.callbacks). What is alive now (the
    imported code) is set aside from collections, and young objects are collected less
    often (threshold 20,000 allocations, not 700): 115 -> 86 ms a test, with memory that
    settles (184 -> 256 MB after 200 apps). Here, once every test module is imported."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)


def pytest_collection_modifyitems(config, items):
    # A test of one engine's own behaviour (a read-only SQLite file, a terminated PostgreSQL
    # backend) is not run on the other at all, rather than reported as a skip.
    elsewhere = []
    for item in items:
        marker = item.get_closest_marker("engine")
        params = getattr(getattr(item, "callspec", None), "params", {})
        if marker and params.get("database_url") not in marker.args:
            elsewhere.append(item)
    if elsewhere:
        config.hook.pytest_deselected(items=elsewhere)
        items[:] = [i for i in items if i not in elsewhere]


def reset_postgresql(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@contextmanager
def scratch_database(database_url: str, tmp_path: Path, name: str) -> Iterator[str]:
    """The URL of an empty database of the engine under test, for a migration to run on: a
    file on SQLite, a schema of its own (dropped afterwards) on PostgreSQL."""
    if not database_url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / (name + '.db')}"
        return
    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {name} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {name}"))
    try:
        yield f"{database_url}?options=-csearch_path%3D{name}"
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {name} CASCADE"))
        engine.dispose()


def app_config(url: str, **extra) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": url,
        "FLOOD_API_URL": UNREACHABLE,
        "POSTCODES_API_URL": UNREACHABLE,
        # No test asks OpenStreetMap for tiles; the browser tests that need some serve them.
        "TILE_URL": "none",
        "MAIL_SERVER": "",
        "RATELIMIT_STORAGE_URI": "memory://",
        "ARGON2_CHEAP": True,
        **extra,
    }


def worker_database(url: str, worker: str) -> str:
    """Each pytest-xdist worker gets its own PostgreSQL database beside TEST_DATABASE_URL's
    (test → test_gw0, test_gw1 …), made on first use, so workers never share tables."""
    if worker == "master":
        return url
    parts = make_url(url)
    mine = parts.set(database=f"{parts.database}_{worker}")
    engine = create_engine(parts, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        found = conn.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": mine.database}
        )
        if not found:
            conn.execute(text(f'CREATE DATABASE "{mine.database}"'))
    engine.dispose()
    return mine.render_as_string(hide_password=False)


@pytest.fixture(scope="session", params=_database_params())
def database_url(request, tmp_path_factory, worker_id) -> str:
    """A freshly migrated database, shared by the tests of one run (of one worker)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    else:
        url = worker_database(os.environ["TEST_DATABASE_URL"], worker_id)
        reset_postgresql(url)
    app = create_app(app_config(url))
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        db.engine.dispose()
    return url


def empty_tables() -> None:
    # DELETE, children first: on tables this small it takes a few milliseconds, where
    # PostgreSQL's TRUNCATE (new files for every table and index) takes a few hundred. Sent
    # as plain text, in one round trip on PostgreSQL: through the session, one statement a
    # table, a test's teardown took 50 ms on PostgreSQL and 25 on SQLite, now 25 and 15.
    tables = reversed(db.metadata.sorted_tables)
    statements = [f'DELETE FROM "{table.name}"' for table in tables]  # noqa: S608 - the models' names
    connection = db.session.connection()
    if db.engine.dialect.name == "postgresql":
        # Ids start at 1 again, as SQLite's do once a table is empty.
        statements.append("SELECT setval(c.oid, 1, false) FROM pg_class c WHERE c.relkind = 'S'")
        connection.exec_driver_sql("; ".join(statements))
    else:
        for statement in statements:
            connection.exec_driver_sql(statement)
    db.session.commit()


@pytest.fixture
def app(database_url):
    app = create_app(app_config(database_url))
    app.jinja_env.bytecode_cache = TEMPLATE_CACHE
    app.test_client_class = PageClient
    with app.app_context():
        yield app
        db.session.rollback()
        empty_tables()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def make_app(database_url):
    """Another app on the test database with some settings changed; engines closed after."""
    made = []

    def factory(url: str | None = None, **settings):
        other = create_app(app_config(url or database_url, **settings))
        other.jinja_env.bytecode_cache = TEMPLATE_CACHE
        other.test_client_class = PageClient
        made.append(other)
        return other

    yield factory
    # A session of the test's own app that lazily loaded something while another app's
    # context was current holds a connection from that app's engine: close it before the
    # engines go, or the connection is left open when the pool is dropped.
    if has_app_context():
        db.session.close()
    for other in made:
        with other.app_context():
            db.engine.dispose()


@pytest.fixture(autouse=True)
def fresh_caches():
    """Geocoder answers, outage breaks and the search vocabulary are per process; no test
    inherits another's."""
    from accord import geocoding
    from directory.search import words

    geocoding.clear_cache()
    words.clear_vocabulary()
    yield
    geocoding.clear_cache()
    words.clear_vocabulary()


@pytest.fixture
def demo(app) -> None:
    """The demo county, as `flask demo load` writes it (a copy of a real load: tests/demo.py)."""
    demo_county.load(app)


@pytest.fixture
def client(app) -> PageClient:
    return app.test_client()


@pytest.fixture
def make(app):
    """Test-data helpers: make.user(role=…), make.organisation(…), make.location(…)."""
    return factories


@pytest.fixture
def still_clock(monkeypatch):
    """Time stands still for the test (accord/clock.py), so a signed link a test makes again
    to compare with an email is dated the same second as the one in the email."""
    from accord import clock

    moment = clock.system_time()
    monkeypatch.setattr(clock, "system_time", lambda: moment)
    return moment


NOTIFY_EMAIL_TEMPLATE = "0d8a6b46-7c4b-4a7e-9d6f-2a1c4b7f0e11"
NOTIFY_SMS_TEMPLATE = "5b1e4c3a-9f2d-4e8b-a7c6-1d0f3e2b9a22"
NOTIFY_CALLBACK_TOKEN = "a-long-random-bearer-token-for-notify-receipts"


@pytest.fixture
def notify(app):
    """The app sending through a local fake GOV.UK Notify (tests/fakes/notify.py), which
    takes receipts' bearer token NOTIFY_CALLBACK_TOKEN."""
    from tests.fakes.notify import FakeNotify

    with FakeNotify() as fake:
        app.config.update(
            NOTIFY_API_KEY=FakeNotify.API_KEY,
            NOTIFY_API_URL=fake.url,
            NOTIFY_EMAIL_TEMPLATE_ID=NOTIFY_EMAIL_TEMPLATE,
            NOTIFY_SMS_TEMPLATE_ID=NOTIFY_SMS_TEMPLATE,
            NOTIFY_CALLBACK_TOKEN=NOTIFY_CALLBACK_TOKEN,
            MAIL_TIMEOUT_S=2,
        )
        yield fake
