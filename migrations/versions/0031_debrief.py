"""the debrief: what to change next time beside what went well, and the hourly value of
volunteers' time that the coordinator sets for an incident

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-04 16:30:00

`incident.debrief` keeps what went well (existing notes said both); `to_change` is new.
`hour_rate_pence` values volunteers' hours (theme 4's social value); none until set.
Plain ADD COLUMNs: the incident table's map-revision triggers (0022) must survive.
"""

import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("incident", sa.Column("to_change", sa.Text(), nullable=False, server_default=""))
    op.add_column("incident", sa.Column("hour_rate_pence", sa.Integer()))


def downgrade():
    # Not a batch rebuild: that would drop the incident table's map_revision triggers.
    op.execute("ALTER TABLE incident DROP COLUMN hour_rate_pence")
    op.execute("ALTER TABLE incident DROP COLUMN to_change")
