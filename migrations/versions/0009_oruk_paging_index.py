"""service: a (review, id) index for the ORUK API's pages

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 06:45:00

`/api/oruk/services` pages through published services oldest first and counts them. With
this index both are an index-only scan in id order: the last of 1,000 pages no longer reads
every row of the table to skip the ones before it.
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("service", schema=None) as batch_op:
        batch_op.create_index("ix_service_review_id", ["review", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("service", schema=None) as batch_op:
        batch_op.drop_index("ix_service_review_id")
