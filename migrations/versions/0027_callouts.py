"""call-outs: CVEC's call-outs to volunteers, each volunteer's answer, drafts; stop texts

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-04 14:00:00

A call-out belongs to an incident; one row per volunteer it went to, with the random token of
their personal link and their answer (the volunteer set to NULL when their details are purged,
so the counts survive). Drafts keep the form's answers until the check page sends it. A
volunteer who pressed "Stop texts" is marked so.
"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "callout",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "incident_id",
            sa.Integer(),
            sa.ForeignKey("incident.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("hub_id", sa.Integer(), sa.ForeignKey("hub.id", ondelete="SET NULL")),
        sa.Column("place", sa.String(100), nullable=False),
        sa.Column("need", sa.Text(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("people_wanted", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column(
            "created_by_id", sa.Integer(), sa.ForeignKey("user_account.id", ondelete="SET NULL")
        ),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime()),
    )
    op.create_index("ix_callout_incident_id", "callout", ["incident_id"])
    op.create_table(
        "callout_recipient",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "callout_id",
            sa.Integer(),
            sa.ForeignKey("callout.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("volunteer_id", sa.Integer(), sa.ForeignKey("volunteer.id", ondelete="SET NULL")),
        sa.Column("token", sa.String(64), nullable=False, unique=True),
        sa.Column("channel", sa.String(5), nullable=False),
        sa.Column("answer", sa.String(10), nullable=False),
        sa.Column("answered_at", sa.DateTime()),
        sa.Column("message_ids", sa.JSON(), nullable=False),
        sa.Column("deployed", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_callout_recipient_callout_id", "callout_recipient", ["callout_id"])
    op.create_index("ix_callout_recipient_volunteer_id", "callout_recipient", ["volunteer_id"])
    op.create_table(
        "callout_draft",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(64), nullable=False, unique=True),
        sa.Column(
            "incident_id",
            sa.Integer(),
            sa.ForeignKey("incident.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("user_account.id", ondelete="CASCADE")),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_callout_draft_expires_at", "callout_draft", ["expires_at"])
    # Plain ADD COLUMN: on SQLite a batch would rebuild the table without its map triggers.
    op.add_column(
        "volunteer",
        sa.Column("texts_stopped", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade():
    op.drop_column("volunteer", "texts_stopped")
    op.drop_index("ix_callout_draft_expires_at", table_name="callout_draft")
    op.drop_table("callout_draft")
    op.drop_index("ix_callout_recipient_volunteer_id", table_name="callout_recipient")
    op.drop_index("ix_callout_recipient_callout_id", table_name="callout_recipient")
    op.drop_table("callout_recipient")
    op.drop_index("ix_callout_incident_id", table_name="callout")
    op.drop_table("callout")
