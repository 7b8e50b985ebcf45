"""consultations: when the body was asked, once it closed, to record its response

Revision ID: 0040
Revises: 0039
Create Date: 2026-12-04 20:30:00

`flask registry consultations` (cron, daily) emails the members of each body whose
consultation has closed without a response recorded, once: this says when.
"""

import sqlalchemy as sa
from alembic import op

revision = "0040"
down_revision = "0039"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("consultation", sa.Column("closing_told_on", sa.Date()))


def downgrade():
    with op.batch_alter_table("consultation") as batch:
        batch.drop_column("closing_told_on")
