"""service_at_location: its building's point, kept by triggers, for the search's lookups

Revision ID: 0041
Revises: 0040
Create Date: 2026-12-04 22:00:00

A search with few matches (directory/search/candidates.py) reads each matching service's links
and needs where each is: it used to look every link's building up as well, two lookups a link
(on PostgreSQL a 10-mile search for the "food" need at 50,000 services hashed 17,000 links and
their buildings: 22 ms). Each link now carries its building's latitude and longitude, so the
link's index alone answers: (service_id, latitude, longitude) on SQLite, (service_id) INCLUDE
(latitude, longitude) on PostgreSQL; and on PostgreSQL a GiST index on the link's point
replaces the building's for the search's reading by place (links, not buildings, are what it
counts).

Triggers keep the copy, so every writer (the ORM, bulk inserts, the importer, raw SQL) does: a
new or moved link reads its building's point; a building given a point or moved rewrites its
links'. On PostgreSQL a new link reads the building FOR SHARE, as the `listed` trigger does
(0021), so a concurrent move either waits for it or is waited for. service_at_location carries
SQLite triggers (0021): plain ADD COLUMN, never a batch rebuild.
"""

# ruff: noqa: S608 - the statements are built from the constants below, never from input

import sqlalchemy as sa
from alembic import op

revision = "0041"
down_revision = "0040"
branch_labels = None
depends_on = None

COS = "0.6065"  # as migration 0019's point on buildings: longitude scaled at the county's latitude
POINT = "(SELECT {column} FROM location WHERE location.id = {sal}.location_id)"
SET_POINT = (
    f"latitude = {POINT.format(column='latitude', sal='{sal}')}, "
    f"longitude = {POINT.format(column='longitude', sal='{sal}')}"
)

SQLITE = [
    "CREATE TRIGGER sal_point_ai AFTER INSERT ON service_at_location BEGIN "
    f"UPDATE service_at_location SET {SET_POINT.format(sal='NEW')} WHERE id = NEW.id; END",
    "CREATE TRIGGER sal_point_au AFTER UPDATE OF location_id ON service_at_location BEGIN "
    f"UPDATE service_at_location SET {SET_POINT.format(sal='NEW')} WHERE id = NEW.id; END",
    "CREATE TRIGGER location_point_au AFTER UPDATE OF latitude, longitude ON location "
    "WHEN OLD.latitude IS NOT NEW.latitude OR OLD.longitude IS NOT NEW.longitude BEGIN "
    "UPDATE service_at_location SET latitude = NEW.latitude, longitude = NEW.longitude "
    "WHERE location_id = NEW.id; END",
    "CREATE INDEX ix_search_link_point ON service_at_location (service_id, latitude, longitude)",
]

POSTGRESQL = [
    """CREATE FUNCTION sal_point() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        -- FOR SHARE: the latest committed point, and a move of the building waits for this link.
        SELECT latitude, longitude INTO NEW.latitude, NEW.longitude
        FROM location WHERE id = NEW.location_id FOR SHARE;
        RETURN NEW;
    END $$""",
    "CREATE TRIGGER sal_point BEFORE INSERT OR UPDATE OF location_id "
    "ON service_at_location FOR EACH ROW EXECUTE FUNCTION sal_point()",
    """CREATE FUNCTION location_point() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE service_at_location SET latitude = NEW.latitude, longitude = NEW.longitude
        WHERE location_id = NEW.id;
        RETURN NULL;
    END $$""",
    "CREATE TRIGGER location_point AFTER UPDATE OF latitude, longitude ON location "
    "FOR EACH ROW WHEN (OLD.latitude IS DISTINCT FROM NEW.latitude "
    "OR OLD.longitude IS DISTINCT FROM NEW.longitude) EXECUTE FUNCTION location_point()",
    "CREATE INDEX ix_search_link_point ON service_at_location (service_id) "
    "INCLUDE (latitude, longitude)",
    "CREATE INDEX ix_search_link_gist ON service_at_location "
    f"USING gist (point(longitude * {COS}, latitude))",
]


def upgrade():
    for name in ("latitude", "longitude"):
        op.add_column("service_at_location", sa.Column(name, sa.Double(), nullable=True))
    op.execute(f"UPDATE service_at_location SET {SET_POINT.format(sal='service_at_location')}")
    engine = op.get_bind().dialect.name
    for statement in SQLITE if engine == "sqlite" else POSTGRESQL if engine == "postgresql" else []:
        op.execute(statement)


def downgrade():
    engine = op.get_bind().dialect.name
    if engine == "sqlite":
        for trigger in ("sal_point_ai", "sal_point_au", "location_point_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    elif engine == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS sal_point ON service_at_location")
        op.execute("DROP TRIGGER IF EXISTS location_point ON location")
        op.execute("DROP FUNCTION IF EXISTS sal_point()")
        op.execute("DROP FUNCTION IF EXISTS location_point()")
        op.execute("DROP INDEX IF EXISTS ix_search_link_gist")
    op.execute("DROP INDEX IF EXISTS ix_search_link_point")
    for name in ("longitude", "latitude"):
        op.drop_column("service_at_location", name)
