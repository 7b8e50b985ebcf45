"""search: the online section's index in the section's order of name

Revision ID: 0052
Revises: 0051
Create Date: 2026-12-06 20:40:00

A search without words or a need shows the first few online-only services, current ones
first, then by name (lowercased), then id (directory/search/online.py, first). The index of
0043 held `name` as written, so the database read every online service the filters keep and
sorted them all for the first five: at 50,000 services 985 of them, 0.68 ms of PostgreSQL's
time and 0.47 of SQLite's each search. Keyed by the lowered name, the index gives them in the
section's order: the current ones and the stale ones are each read in order, a few rows
apiece. The name as written is kept last, for the section's order with words (by relevance
first), which lowers each name itself from the index alone.

An index on an expression, which the models cannot declare for both engines alike (SQLite's
reflection skips it): made here, named as the search's other hand-made indexes
(accord.extensions.UNMANAGED_PREFIXES). A plain CREATE INDEX (SQLite keeps its triggers).
"""

import sqlalchemy as sa
from alembic import op

revision = "0052"
down_revision = "0051"
branch_labels = None
depends_on = None

ONLINE = {"sqlite_where": sa.text("online_only = 1"), "postgresql_where": sa.text("online_only")}


def upgrade():
    op.drop_index("ix_service_online", table_name="service")
    columns = ["review", sa.text("lower(name)"), "id", "status", "assured_at", "name"]
    op.create_index("ix_search_online", "service", columns, **ONLINE)


def downgrade():
    op.drop_index("ix_search_online", table_name="service")
    columns = ["review", "name", "id", "status", "assured_at"]
    op.create_index("ix_service_online", "service", columns, **ONLINE)
