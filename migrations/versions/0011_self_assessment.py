"""self-assessment: each organisation's annual answers to the Accord's commitments

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23 07:30:00

One self_assessment a signatory organisation a year, made against a published Accord version;
one self_assessment_answer a commitment (not relevant / do well / could do better), with a
SMART action (what, who, by when) where it could do better.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "self_assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("accord_version_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["accord_version_id"],
            ["accord_version.id"],
            name=op.f("fk_self_assessment_accord_version_id_accord_version"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_self_assessment_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_self_assessment")),
        sa.UniqueConstraint("organisation_id", "year", name="uq_self_assessment_organisation_year"),
    )
    with op.batch_alter_table("self_assessment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_self_assessment_accord_version_id"), ["accord_version_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_self_assessment_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_self_assessment_year"), ["year"], unique=False)

    op.create_table(
        "self_assessment_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("self_assessment_id", sa.Integer(), nullable=False),
        sa.Column("commitment_key", sa.String(length=20), nullable=False),
        sa.Column("theme", sa.Integer(), nullable=False),
        sa.Column("commitment", sa.Text(), nullable=False),
        sa.Column("answer", sa.String(length=20), nullable=False),
        sa.Column("action_what", sa.Text(), nullable=False),
        sa.Column("action_who", sa.String(length=200), nullable=False),
        sa.Column("action_by", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["self_assessment_id"],
            ["self_assessment.id"],
            name=op.f("fk_self_assessment_answer_self_assessment_id_self_assessment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_self_assessment_answer")),
        sa.UniqueConstraint(
            "self_assessment_id", "commitment_key", name="uq_self_assessment_answer_commitment"
        ),
    )
    with op.batch_alter_table("self_assessment_answer", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_self_assessment_answer_self_assessment_id"),
            ["self_assessment_id"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("self_assessment_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_self_assessment_answer_self_assessment_id"))

    op.drop_table("self_assessment_answer")
    with op.batch_alter_table("self_assessment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_self_assessment_year"))
        batch_op.drop_index(batch_op.f("ix_self_assessment_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_self_assessment_accord_version_id"))

    op.drop_table("self_assessment")
