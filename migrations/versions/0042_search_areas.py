"""service_search: an index of area-wide services by the districts they cover

Revision ID: 0042
Revises: 0041
Create Date: 2026-12-05 00:20:00

Every search with a postcode asks for the area-wide services (no building) whose districts
cover it: `reach = 'area' AND areas LIKE '% SY1 %'`. The index on `reach` alone found the 1,460
area-wide services of a 50,000-service county and read each one's row for its districts (0.55 ms
on SQLite, 1.3 ms on PostgreSQL, once or twice a search). With the districts and the service's
key in the index itself the rows are never read (0.15 ms and 0.28 ms). Made outside the models
(accord.extensions: indexes named ix_search_ are the search's own).
"""

from alembic import op

revision = "0042"
down_revision = "0041"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("CREATE INDEX ix_search_areas ON service_search (reach, areas, service_id)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ANALYZE service_search")


def downgrade():
    op.execute("DROP INDEX IF EXISTS ix_search_areas")
