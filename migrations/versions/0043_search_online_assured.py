"""search: the online section's index holds when each online service was last checked

Revision ID: 0043
Revises: 0042
Create Date: 2026-12-05 00:30:00

A search's online section (directory/search/candidates.py online()) puts the services checked
lately before those that may be out of date, so it needs each one's `assured_at`, which the
index of 0024 did not hold: every online service's row was read again for it (PostgreSQL's
index scan visited a thousand rows a search at 50,000 services; 1.35 ms, 0.92 with the column
in the index). The index is made again with it; a plain CREATE INDEX (SQLite keeps its
triggers).
"""

import sqlalchemy as sa
from alembic import op

revision = "0043"
down_revision = "0042"
branch_labels = None
depends_on = None


def _online_index(columns: list[str]) -> None:
    op.drop_index("ix_service_online", table_name="service")
    op.create_index(
        "ix_service_online",
        "service",
        columns,
        sqlite_where=sa.text("online_only = 1"),
        postgresql_where=sa.text("online_only"),
    )


def upgrade():
    _online_index(["review", "name", "id", "status", "assured_at"])


def downgrade():
    _online_index(["review", "name", "id", "status"])
