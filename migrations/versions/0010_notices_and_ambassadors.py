"""consultation, funding_notice, ambassador: the Accord in action

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23 07:40:00

Public-sector signatories log the consultations they ran and the notice they gave of funding
or contract changes, so the annual review can count how many kept the Accord's 12 weeks and
6 months (Herefordshire's three). The coordinator keeps the list of Accord Ambassadors, each
with a role contact route. New tables only: nothing existing changes.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "ambassador",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("sector", sa.String(length=20), nullable=False),
        sa.Column("theme_number", sa.Integer(), nullable=True),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("contact", sa.String(length=300), nullable=False),
        sa.Column("retired_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ambassador")),
    )
    op.create_table(
        "consultation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("link", sa.String(length=300), nullable=False),
        sa.Column("logged_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["logged_by_id"],
            ["user_account.id"],
            name=op.f("fk_consultation_logged_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_consultation_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation")),
    )
    with op.batch_alter_table("consultation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consultation_end_date"), ["end_date"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_consultation_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "funding_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("change", sa.Text(), nullable=False),
        sa.Column("notice_date", sa.Date(), nullable=False),
        sa.Column("change_date", sa.Date(), nullable=False),
        sa.Column("logged_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["logged_by_id"],
            ["user_account.id"],
            name=op.f("fk_funding_notice_logged_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_funding_notice_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funding_notice")),
    )
    with op.batch_alter_table("funding_notice", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_funding_notice_change_date"), ["change_date"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_funding_notice_organisation_id"), ["organisation_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("funding_notice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_funding_notice_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_funding_notice_change_date"))
    op.drop_table("funding_notice")

    with op.batch_alter_table("consultation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultation_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_consultation_end_date"))
    op.drop_table("consultation")

    op.drop_table("ambassador")
