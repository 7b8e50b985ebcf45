"""referrals: consented referrals of residents to services, with their details sealed

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 09:00:00

A referral row holds what anonymous statistics need in plain columns and everything that
identifies the resident in `sealed` (encrypted by the app, see accord.sealing). Services get
what they ask referrers for and their response time; existing services ask for the basics and
have 5 working days (server defaults fill the rows already there).
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "referral",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("reference", sa.String(length=12), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("referrer_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("decline_reason", sa.String(length=30), nullable=False),
        sa.Column("need_codes", sa.JSON(), nullable=False),
        sa.Column("outcode", sa.String(length=4), nullable=False),
        sa.Column("safeguarding_checked", sa.Boolean(), nullable=False),
        sa.Column("consent_by", sa.String(length=30), nullable=False),
        sa.Column("consent_how", sa.String(length=30), nullable=False),
        sa.Column("consent_at", sa.DateTime(), nullable=True),
        sa.Column("consent_scope", sa.JSON(), nullable=False),
        sa.Column("sealed", sa.Text(), nullable=False),
        sa.Column("subject_key", sa.String(length=64), nullable=False),
        sa.Column("start_token", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("first_response_at", sa.DateTime(), nullable=True),
        sa.Column("accepted_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("overdue_flagged_at", sa.DateTime(), nullable=True),
        sa.Column("purged_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_referral_organisation_id_organisation"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["referrer_id"],
            ["user_account.id"],
            name=op.f("fk_referral_referrer_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["service.id"],
            name=op.f("fk_referral_service_id_service"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral")),
        sa.UniqueConstraint("reference", name=op.f("uq_referral_reference")),
        sa.UniqueConstraint("start_token", name=op.f("uq_referral_start_token")),
        sa.UniqueConstraint("uuid", name=op.f("uq_referral_uuid")),
    )
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_referral_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_referral_referrer_id"), ["referrer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_referral_sent_at"), ["sent_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_referral_service_id"), ["service_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_referral_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_referral_subject_key"), ["subject_key"], unique=False)

    with op.batch_alter_table("service", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("referral_fields", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
        batch_op.add_column(
            sa.Column(
                "referral_response_days", sa.Integer(), nullable=False, server_default=sa.text("5")
            )
        )


def downgrade():
    with op.batch_alter_table("service", schema=None) as batch_op:
        batch_op.drop_column("referral_response_days")
        batch_op.drop_column("referral_fields")

    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_subject_key"))
        batch_op.drop_index(batch_op.f("ix_referral_status"))
        batch_op.drop_index(batch_op.f("ix_referral_service_id"))
        batch_op.drop_index(batch_op.f("ix_referral_sent_at"))
        batch_op.drop_index(batch_op.f("ix_referral_referrer_id"))
        batch_op.drop_index(batch_op.f("ix_referral_organisation_id"))

    op.drop_table("referral")
