"""community buildings: organisations' details, drafts and revisions

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-04 19:10:00

Organisations add and edit the buildings they run (directory/places). The location table
carries SQLite map triggers (an R*Tree kept by triggers): plain ADD COLUMN only, never a batch
rebuild. Existing buildings get blank details and no owner.
"""

import sqlalchemy as sa
from alembic import op

revision = "0036"
down_revision = "0035"
branch_labels = None
depends_on = None

TEXTS = ("opening_hours", "booking")
FLAGS = ("booking_contact_public", "hub_ready")


def upgrade():
    for name in TEXTS:
        op.add_column("location", sa.Column(name, sa.Text(), nullable=False, server_default=""))
    op.add_column(
        "location",
        sa.Column("booking_contact", sa.String(254), nullable=False, server_default=""),
    )
    op.add_column("location", sa.Column("owner", sa.String(20), nullable=False, server_default=""))
    for name in FLAGS:
        op.add_column(
            "location", sa.Column(name, sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "location_draft",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("user_account.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "organisation_id",
            sa.Integer(),
            sa.ForeignKey("organisation.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("location_id", sa.Integer(), sa.ForeignKey("location.id", ondelete="CASCADE")),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_location_draft_user_id", "location_draft", ["user_id"])
    op.create_index("ix_location_draft_expires_at", "location_draft", ["expires_at"])
    op.create_table(
        "location_revision",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "location_id",
            sa.Integer(),
            sa.ForeignKey("location.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("changed", sa.JSON(), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column(
            "edited_by_id", sa.Integer(), sa.ForeignKey("user_account.id", ondelete="SET NULL")
        ),
        sa.Column("edited_at", sa.DateTime(), nullable=False),
        sa.Column("reverted_at", sa.DateTime()),
        sa.Column(
            "reverted_by_id", sa.Integer(), sa.ForeignKey("user_account.id", ondelete="SET NULL")
        ),
    )
    op.create_index("ix_location_revision_location_id", "location_revision", ["location_id"])
    op.create_index("ix_location_revision_edited_at", "location_revision", ["edited_at"])


def downgrade():
    op.drop_index("ix_location_revision_edited_at", table_name="location_revision")
    op.drop_index("ix_location_revision_location_id", table_name="location_revision")
    op.drop_table("location_revision")
    op.drop_index("ix_location_draft_expires_at", table_name="location_draft")
    op.drop_index("ix_location_draft_user_id", table_name="location_draft")
    op.drop_table("location_draft")
    for name in (*FLAGS, "owner", "booking_contact", *TEXTS):
        op.drop_column("location", name)
