"""concern overdue flag and open letters

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-23 13:10:00

`flask concerns flag-overdue` emails the coordinator once about each case past its six-week
target: concern.overdue_flagged_at remembers it did. open_letter records the Accord's last
resort (step 7), an open letter about a public-sector signatory with repeated breaches; one
row per organisation and address, so a double submission stores one.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("concern", schema=None) as batch_op:
        batch_op.add_column(sa.Column("overdue_flagged_at", sa.DateTime(), nullable=True))

    op.create_table(
        "open_letter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_open_letter_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_open_letter_recorded_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open_letter")),
        sa.UniqueConstraint("organisation_id", "url", name=op.f("uq_open_letter_organisation_id")),
    )


def downgrade():
    op.drop_table("open_letter")
    with op.batch_alter_table("concern", schema=None) as batch_op:
        batch_op.drop_column("overdue_flagged_at")
