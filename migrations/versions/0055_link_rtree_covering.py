"""search: on SQLite, the links a ring reads from the R*Tree carry what its page orders by

Revision ID: 0055
Revises: 0054
Create Date: 2026-12-07 05:00:00

A ring read from the spatial index (a search with no words, or with more matches than it looks
up by key) finds the buildings round the place in SQLite's R*Tree, then each building's links
by their index (location_id, service_id), migration 0019. Migration 0054 gave each link its
service's `shown` and `assured_at`, which the ring filters and orders by, and put them in the
links' index by service (ix_search_link_point) but not in this one: SQLite read every link's
row as well. At 50,000 services a tenth of a mile of Telford's centre holds 909 links; the
ring over them took 2.0 ms, 1.1 with the two in the index. PostgreSQL's GiST index holds them
already (0054).
"""

from alembic import op

revision = "0055"
down_revision = "0054"
branch_labels = None
depends_on = None

NAME = "ix_search_service_at_location"


def _made(columns: str) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(f"DROP INDEX IF EXISTS {NAME}")
    op.execute(f"CREATE INDEX {NAME} ON service_at_location ({columns})")


def upgrade():
    _made("location_id, service_id, shown, assured_at")


def downgrade():
    _made("location_id, service_id")
