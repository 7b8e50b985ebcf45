"""search: an index for the online section of a search

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03 23:55:00

Every search with a place lists the online-only services apart (directory/search/candidates.py
online()): the matching ones by relevance, then name, and how many. At 50,000 services
(about 1,000 of them online) it read every online service's row, for its review, status and
name, in each search: 1.5–1.9 ms on SQLite, more on PostgreSQL. A partial index over the
online services holding those columns answers it from the index alone: 0.3 ms with words,
0.2 ms without. A plain CREATE INDEX: SQLite does not rebuild the table (its triggers stay).
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_service_online",
        "service",
        ["review", "name", "id", "status"],
        sqlite_where=sa.text("online_only = 1"),
        postgresql_where=sa.text("online_only"),
    )


def downgrade():
    op.drop_index("ix_service_online", table_name="service")
