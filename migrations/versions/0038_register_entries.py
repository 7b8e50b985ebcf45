"""verified organisations: the public registers' extracts (Charity Commission, Companies House)

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-04 20:20:00

`flask registry import-register` loads the Charity Commission's register extract and
Companies House's basic company data into `register_entry` (one row a charity or company:
its number, name, standing and the extract's date), against which sign-ups' numbers are
checked. Re-importing updates in place.
"""

import sqlalchemy as sa
from alembic import op

revision = "0038"
down_revision = "0037"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "register_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("register", sa.String(length=20), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("extract_date", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("register", "number", name="uq_register_entry"),
    )


def downgrade():
    op.drop_table("register_entry")
