"""The migrations build exactly the models' schema, on SQLite and PostgreSQL."""

import uuid
from datetime import datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from accord.extensions import db, include_object
from tests.conftest import MIGRATIONS, scratch_database


# SQLite's reflection skips an index on an expression (the online section's, migration 0052),
# which the models leave to the migrations (accord.extensions.UNMANAGED_PREFIXES) all the same.
@pytest.mark.filterwarnings(
    "ignore:Skipped unsupported reflection of expression-based index ix_search_online"
)
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


def test_existing_organisations_get_a_uuid_each(make_app, database_url, tmp_path):
    # 0007 backfills rows that exist before it, on each engine.
    with (
        scratch_database(database_url, tmp_path, "migration_check") as url,
        make_app(url).app_context(),
    ):
        upgrade(directory=MIGRATIONS, revision="0006")
        for slug in ("wem-friends", "ludlow-larder"):
            db.session.execute(
                text(
                    "INSERT INTO organisation (slug, name, sector, org_type, website, "
                    "address, postcode, outcode, town, location_status, description, "
                    "created_at, updated_at) VALUES (:slug, :slug, 'vcs', '', '', '', '', "
                    "'', '', 'found', '', :now, :now)"
                ),
                {"slug": slug, "now": datetime(2026, 11, 1)},
            )
        db.session.commit()
        upgrade(directory=MIGRATIONS)
        found = db.session.execute(text("SELECT uuid FROM organisation")).scalars().all()
        assert len(found) == len(set(found)) == 2
        assert all(str(uuid.UUID(value)) == value for value in found)
        db.session.remove()
