"""readiness and training: hubs' readiness checks, volunteers' training

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-04 16:30:00

Every readiness check of a hub is kept (the latest is its readiness). A volunteer's training
is deleted with them. New tables only: the hub and volunteer tables carry SQLite map triggers
(0022) that a batch rebuild would drop.
"""

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "hub_readiness",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "hub_id", sa.Integer(), sa.ForeignKey("hub.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("keyholders_confirmed", sa.Boolean(), nullable=False),
        sa.Column("capacity_confirmed", sa.Boolean(), nullable=False),
        sa.Column("facilities_checked", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(300), nullable=False),
        sa.Column("checked_at", sa.DateTime(), nullable=False),
        sa.Column(
            "checked_by_id", sa.Integer(), sa.ForeignKey("user_account.id", ondelete="SET NULL")
        ),
    )
    op.create_index("ix_hub_readiness_hub_id_checked_at", "hub_readiness", ["hub_id", "checked_at"])
    op.create_table(
        "volunteer_training",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "volunteer_id",
            sa.Integer(),
            sa.ForeignKey("volunteer.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("course", sa.String(30), nullable=False),
        sa.Column("detail", sa.String(100), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date()),
        sa.Column(
            "recorded_by_id", sa.Integer(), sa.ForeignKey("user_account.id", ondelete="SET NULL")
        ),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_volunteer_training_volunteer_id", "volunteer_training", ["volunteer_id"])
    op.create_index(
        "ix_volunteer_training_course_volunteer_id",
        "volunteer_training",
        ["course", "volunteer_id"],
    )


def downgrade():
    op.drop_index("ix_volunteer_training_course_volunteer_id", table_name="volunteer_training")
    op.drop_index("ix_volunteer_training_volunteer_id", table_name="volunteer_training")
    op.drop_table("volunteer_training")
    op.drop_index("ix_hub_readiness_hub_id_checked_at", table_name="hub_readiness")
    op.drop_table("hub_readiness")
