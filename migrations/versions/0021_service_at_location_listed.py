"""service_at_location: a `listed` flag, kept by triggers, and an index of the listed ids

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 17:20:00

`/api/oruk/service_at_locations` lists a service at a building when both are published. It
used to join service and location for every page and count the whole join each time
(hundreds of milliseconds at 50,000 services). The flag says it once per row, so a page and
the count read a partial index of the listed links' ids alone. Partial, not (listed, id):
SQLite without statistics takes `listed = 1` for a selective equality and would walk every
link before a postcode's few buildings; a partial index is no such bait, and it is all a
page needs.

Triggers keep it, so every writer (the ORM, bulk inserts, the importer, raw SQL) does: a new
or moved link reads its service and building; a service's or building's change of review
rewrites its links. On PostgreSQL a new link reads the two rows FOR SHARE, so a concurrent
change of review either waits for it or is waited for, and neither misses the other.
"""

# ruff: noqa: S608 - the statements are built from the constants below, never from input

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

# "Both published", for the link `sal`; the same words on both engines.
BOTH = (
    "EXISTS (SELECT 1 FROM service WHERE service.id = {sal}.service_id"
    " AND service.review = 'published')"
    " AND EXISTS (SELECT 1 FROM location WHERE location.id = {sal}.location_id"
    " AND location.review = 'published')"
)

SQLITE = [
    "CREATE TRIGGER sal_listed_ai AFTER INSERT ON service_at_location BEGIN "
    f"UPDATE service_at_location SET listed = ({BOTH.format(sal='NEW')}) WHERE id = NEW.id; END",
    "CREATE TRIGGER sal_listed_au AFTER UPDATE OF service_id, location_id "
    "ON service_at_location BEGIN "
    f"UPDATE service_at_location SET listed = ({BOTH.format(sal='NEW')}) WHERE id = NEW.id; END",
    "CREATE TRIGGER service_listed_au AFTER UPDATE OF review ON service "
    "WHEN OLD.review IS NOT NEW.review BEGIN "
    "UPDATE service_at_location SET listed = "
    f"({BOTH.format(sal='service_at_location')}) WHERE service_id = NEW.id; END",
    "CREATE TRIGGER location_listed_au AFTER UPDATE OF review ON location "
    "WHEN OLD.review IS NOT NEW.review BEGIN "
    "UPDATE service_at_location SET listed = "
    f"({BOTH.format(sal='service_at_location')}) WHERE location_id = NEW.id; END",
]

POSTGRESQL = [
    """CREATE FUNCTION sal_listed() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        service_review text;
        location_review text;
    BEGIN
        -- FOR SHARE: the latest committed review, and a change of it waits for this link.
        SELECT review INTO service_review FROM service WHERE id = NEW.service_id FOR SHARE;
        SELECT review INTO location_review FROM location WHERE id = NEW.location_id FOR SHARE;
        NEW.listed := coalesce(service_review = 'published' AND location_review = 'published',
                               false);
        RETURN NEW;
    END $$""",
    "CREATE TRIGGER sal_listed BEFORE INSERT OR UPDATE OF service_id, location_id "
    "ON service_at_location FOR EACH ROW EXECUTE FUNCTION sal_listed()",
    f"""CREATE FUNCTION review_listed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        -- Two statements, not one with a CASE, so each uses its index.
        IF TG_TABLE_NAME = 'service' THEN
            UPDATE service_at_location SET listed = ({BOTH.format(sal="service_at_location")})
            WHERE service_id = NEW.id;
        ELSE
            UPDATE service_at_location SET listed = ({BOTH.format(sal="service_at_location")})
            WHERE location_id = NEW.id;
        END IF;
        RETURN NULL;
    END $$""",
    "CREATE TRIGGER service_listed AFTER UPDATE OF review ON service FOR EACH ROW "
    "WHEN (OLD.review IS DISTINCT FROM NEW.review) EXECUTE FUNCTION review_listed()",
    "CREATE TRIGGER location_listed AFTER UPDATE OF review ON location FOR EACH ROW "
    "WHEN (OLD.review IS DISTINCT FROM NEW.review) EXECUTE FUNCTION review_listed()",
]


def upgrade():
    with op.batch_alter_table("service_at_location", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("listed", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_index(
            "ix_service_at_location_listed",
            ["id"],
            unique=False,
            sqlite_where=sa.text("listed = 1"),
            postgresql_where=sa.text("listed"),
        )
    op.execute(
        f"UPDATE service_at_location SET listed = ({BOTH.format(sal='service_at_location')})"
    )
    engine = op.get_bind().dialect.name
    for statement in SQLITE if engine == "sqlite" else POSTGRESQL if engine == "postgresql" else []:
        op.execute(statement)


def downgrade():
    engine = op.get_bind().dialect.name
    if engine == "sqlite":
        for trigger in (
            "sal_listed_ai",
            "sal_listed_au",
            "service_listed_au",
            "location_listed_au",
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    elif engine == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS sal_listed ON service_at_location")
        op.execute("DROP TRIGGER IF EXISTS service_listed ON service")
        op.execute("DROP TRIGGER IF EXISTS location_listed ON location")
        op.execute("DROP FUNCTION IF EXISTS sal_listed()")
        op.execute("DROP FUNCTION IF EXISTS review_listed()")
    with op.batch_alter_table("service_at_location", schema=None) as batch_op:
        batch_op.drop_index("ix_service_at_location_listed")
        batch_op.drop_column("listed")
