"""PostgreSQL connections carry the planner settings the search relies on (accord
POSTGRESQL_OPTIONS), beside any options the database address gives; SQLite connections
their own (SQLITE_PRAGMAS)."""

from sqlalchemy import text

from accord import POSTGRESQL_OPTIONS, create_app
from accord.extensions import db
from tests.conftest import app_config


def test_postgresql_plans_for_each_search_and_for_data_in_memory(app):
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    if db.engine.dialect.name == "sqlite":
        assert "connect_args" not in options  # nothing of PostgreSQL's for SQLite
        return
    assert options["connect_args"]["options"] == POSTGRESQL_OPTIONS
    settings = db.session.execute(
        text("SELECT current_setting('plan_cache_mode'), current_setting('random_page_cost')")
    ).one()
    assert tuple(settings) == ("force_custom_plan", "1.1")


def test_sqlite_keeps_temporary_tables_and_a_county_in_memory(app):
    if db.engine.dialect.name != "sqlite":
        return
    temp_store = db.session.execute(text("PRAGMA temp_store")).scalar()
    cache_size = db.session.execute(text("PRAGMA cache_size")).scalar()
    assert (temp_store, cache_size) == (2, -65536)  # 2: MEMORY; negative: KiB


def test_an_address_with_its_own_options_keeps_them():
    url = "postgresql+psycopg://db.example/accord?options=-csearch_path%3Dother"
    app = create_app(app_config(url))
    given = app.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]["options"]
    assert given == f"-csearch_path=other {POSTGRESQL_OPTIONS}"
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True
