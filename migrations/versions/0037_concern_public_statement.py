"""concerns: the public statement a breach called for

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-04 20:15:00

The Accord's breaches process, step 3: where a breach had significant impact on services or
public trust, the organisation concerned issues a public statement. Its web address is kept
with the outcome, so the annual review can count the statements made.
"""

import sqlalchemy as sa
from alembic import op

revision = "0037"
down_revision = "0036"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "concern",
        sa.Column("public_statement", sa.String(500), nullable=False, server_default=""),
    )


def downgrade():
    with op.batch_alter_table("concern") as batch:
        batch.drop_column("public_statement")
