"""maps: a revision counter kept by triggers, and mutual-aid networks' areas by district

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 17:20:00

Map pages and /help's answers are built once and kept (emergency/map_cache.py) while
`map_revision` stays the same. Triggers bump it whenever what they show changes: a hub, its
building's name, place or address, an incident, a network or its activation, a volunteer
(the maps' density layer only). Triggers, not application code, so bulk inserts, imports
and hand-run SQL invalidate too.

`network_area` indexes the places a network covers: the districts its circle may reach and
the districts and towns it names (emergency/networks/areas.py fills it). Existing networks
have no rows yet: /help treats a network without rows as a candidate everywhere until
`flask emergency network-areas` (or any edit) computes them.
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

# Every change of a row in these tables changes a map; for location, only these columns do
# (a hub's name and place on the maps, its address on /help's kept answers). Row 1 counts
# changes to any map; row 2 those /help shows (not volunteers, who are only on CVEC's map).
MAPS, HELP = 1, 2
TABLES = {
    "hub": (MAPS, HELP),
    "incident": (MAPS, HELP),
    "mutual_aid_network": (MAPS, HELP),
    "network_activation": (MAPS, HELP),
    "volunteer": (MAPS,),
}
LOCATION_COLUMNS = "name, latitude, longitude, address, town, postcode"


def upgrade():
    op.create_table(
        "map_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.execute(f"INSERT INTO map_revision (id, revision) VALUES ({MAPS}, 1), ({HELP}, 1)")  # noqa: S608 - constants
    op.create_table(
        "network_area",
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["network_id"], ["mutual_aid_network.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("network_id", "kind", "key"),
    )
    op.create_index("ix_network_area_kind_key", "network_area", ["kind", "key"])
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_triggers()
    else:
        _sqlite_triggers()


def _sqlite_bump(rows) -> str:
    # Upserted, so emptying the table (the test suite does) does not stop the counters.
    return " ".join(
        f"INSERT INTO map_revision (id, revision) VALUES ({row}, 1) "  # noqa: S608 - constants
        "ON CONFLICT (id) DO UPDATE SET revision = map_revision.revision + 1;"
        for row in rows
    )


def _sqlite_triggers():
    # SQLite has row triggers only: a bulk insert of 2,000 hubs bumps 2,000 times (cheap).
    for table, rows in TABLES.items():
        for event in ("INSERT", "UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_{event.lower()}_map_revision AFTER {event} ON {table} "
                f"BEGIN {_sqlite_bump(rows)} END"
            )
    op.execute(
        f"CREATE TRIGGER location_update_map_revision AFTER UPDATE OF {LOCATION_COLUMNS} "
        f"ON location BEGIN {_sqlite_bump((MAPS, HELP))} END"
    )


def _postgresql_triggers():
    # The rows to bump are the trigger's arguments.
    op.execute(
        "CREATE FUNCTION bump_map_revision() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "FOR i IN 0 .. TG_NARGS - 1 LOOP "
        "INSERT INTO map_revision (id, revision) VALUES (TG_ARGV[i]::integer, 1) "
        "ON CONFLICT (id) DO UPDATE SET revision = map_revision.revision + 1; "
        "END LOOP; RETURN NULL; END $$"
    )
    for table, rows in TABLES.items():
        op.execute(
            f"CREATE TRIGGER {table}_map_revision AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION bump_map_revision({', '.join(map(str, rows))})"
        )
    op.execute(
        f"CREATE TRIGGER location_map_revision AFTER UPDATE OF {LOCATION_COLUMNS} ON location "
        f"FOR EACH STATEMENT EXECUTE FUNCTION bump_map_revision({MAPS}, {HELP})"
    )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in (*TABLES, "location"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_map_revision ON {table}")
        op.execute("DROP FUNCTION IF EXISTS bump_map_revision()")
    else:
        for table in TABLES:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_{event}_map_revision")
        op.execute("DROP TRIGGER IF EXISTS location_update_map_revision")
    op.drop_index("ix_network_area_kind_key", table_name="network_area")
    op.drop_table("network_area")
    op.drop_table("map_revision")
