"""search: the services of a need, read from an index by need

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-04 04:00:00

A search by need with no words (directory/search/matches.py) starts from the need's services.
service_term's key leads with the service, so both engines read every service's needs to find
them: on SQLite a scan of all 60,000 rows (6.5 ms at 50,000 services), on PostgreSQL the whole
key's index. An index led by the need reads only its services. A plain CREATE INDEX.
"""

from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_service_term_term", "service_term", ["term_id", "service_id"])


def downgrade():
    op.drop_index("ix_service_term_term", table_name="service_term")
