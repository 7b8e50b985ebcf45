"""volunteers' confirmed email addresses and pending changes kept server-side

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-03 14:00:00

volunteer.email_confirmed_at records when a volunteer confirmed their address from the link
emailed on sign-up; volunteers already on record have not, and CVEC sees them so.
volunteer_change holds the details a volunteer asked to change to until they confirm from their
inbox: the emailed link carries a random token only (its SHA-256 is kept here), not the details.
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("volunteer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email_confirmed_at", sa.DateTime(), nullable=True))

    op.create_table(
        "volunteer_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=64), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["volunteer_id"],
            ["volunteer.id"],
            name=op.f("fk_volunteer_change_volunteer_id_volunteer"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_volunteer_change")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_volunteer_change_token_hash")),
    )
    with op.batch_alter_table("volunteer_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_volunteer_change_volunteer_id"), ["volunteer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_volunteer_change_expires_at"), ["expires_at"], unique=False
        )


def downgrade():
    op.drop_table("volunteer_change")
    with op.batch_alter_table("volunteer", schema=None) as batch_op:
        batch_op.drop_column("email_confirmed_at")
