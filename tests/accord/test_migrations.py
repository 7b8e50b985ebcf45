"""The migrations build exactly the models' schema, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from accord.extensions import db, include_object
from tests.conftest import MIGRATIONS


def test_migrations_match_the_models(app):
    # database_url was built by running every migration on an empty database.
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "render_as_batch": True,
                "include_object": include_object,
            },
        )
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_migrations_upgrade_and_downgrade_cleanly(make_app, tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'fresh.db'}")
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        downgrade(directory=MIGRATIONS, revision="base")
        upgrade(directory=MIGRATIONS)
        assert "user_account" in db.inspect(db.engine).get_table_names()
