"""concerns: Accord concerns, their timeline, and the coordinator's list of mediators

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-23 07:40:00

A concern is raised by a signatory about another organisation and moves through the Accord's
dispute resolution (acknowledged, mediator appointed, statements, meeting, outcome, closed);
each step is a concern_step row. Mediators' links to organisations rule out conflicts.
Nothing is deleted: cases are closed.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "mediator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("contact", sa.String(length=254), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_mediator_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mediator")),
        sa.UniqueConstraint("user_id", name=op.f("uq_mediator_user_id")),
    )
    op.create_table(
        "concern",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("reference", sa.String(length=12), nullable=False),
        sa.Column("start_token", sa.String(length=64), nullable=True),
        sa.Column("raised_by_id", sa.Integer(), nullable=True),
        sa.Column("raiser_organisation_id", sa.Integer(), nullable=False),
        sa.Column("concerned_organisation_id", sa.Integer(), nullable=False),
        sa.Column("accord_version_id", sa.Integer(), nullable=True),
        sa.Column("themes", sa.JSON(), nullable=False),
        sa.Column("commitments", sa.Text(), nullable=False),
        sa.Column("what_happened", sa.Text(), nullable=False),
        sa.Column("tried", sa.Text(), nullable=False),
        sa.Column("good_outcome", sa.Text(), nullable=False),
        sa.Column("permission", sa.String(length=12), nullable=False),
        sa.Column("stage", sa.String(length=24), nullable=False),
        sa.Column("raised_at", sa.DateTime(), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(), nullable=True),
        sa.Column("mediator_appointed_at", sa.DateTime(), nullable=True),
        sa.Column("statements_requested_at", sa.DateTime(), nullable=True),
        sa.Column("meeting_held_at", sa.DateTime(), nullable=True),
        sa.Column("outcome_recorded_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("mediator_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("outcome_summary", sa.Text(), nullable=False),
        sa.Column("breach", sa.Boolean(), nullable=True),
        sa.Column("lessons", sa.Text(), nullable=False),
        sa.Column("names_agreed", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["accord_version_id"],
            ["accord_version.id"],
            name=op.f("fk_concern_accord_version_id_accord_version"),
        ),
        sa.ForeignKeyConstraint(
            ["concerned_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_concern_concerned_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["mediator_id"],
            ["mediator.id"],
            name=op.f("fk_concern_mediator_id_mediator"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["raised_by_id"],
            ["user_account.id"],
            name=op.f("fk_concern_raised_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["raiser_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_concern_raiser_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_concern")),
        sa.UniqueConstraint("reference", name=op.f("uq_concern_reference")),
        sa.UniqueConstraint("start_token", name=op.f("uq_concern_start_token")),
        sa.UniqueConstraint("uuid", name=op.f("uq_concern_uuid")),
    )
    with op.batch_alter_table("concern", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_concern_concerned_organisation_id"),
            ["concerned_organisation_id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_concern_mediator_id"), ["mediator_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_concern_raised_by_id"), ["raised_by_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_concern_raiser_organisation_id"),
            ["raiser_organisation_id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_concern_stage"), ["stage"], unique=False)

    op.create_table(
        "mediator_organisation",
        sa.Column("mediator_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["mediator_id"],
            ["mediator.id"],
            name=op.f("fk_mediator_organisation_mediator_id_mediator"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_mediator_organisation_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "mediator_id", "organisation_id", name=op.f("pk_mediator_organisation")
        ),
    )
    op.create_table(
        "concern_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("concern_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("party", sa.String(length=12), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("happened_on", sa.DateTime(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["user_account.id"],
            name=op.f("fk_concern_step_actor_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["concern_id"], ["concern.id"], name=op.f("fk_concern_step_concern_id_concern")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_concern_step")),
        sa.UniqueConstraint("token", name=op.f("uq_concern_step_token")),
    )
    with op.batch_alter_table("concern_step", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_concern_step_concern_id"), ["concern_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("concern_step", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_concern_step_concern_id"))

    op.drop_table("concern_step")
    op.drop_table("mediator_organisation")
    with op.batch_alter_table("concern", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_concern_stage"))
        batch_op.drop_index(batch_op.f("ix_concern_raiser_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_concern_raised_by_id"))
        batch_op.drop_index(batch_op.f("ix_concern_mediator_id"))
        batch_op.drop_index(batch_op.f("ix_concern_concerned_organisation_id"))

    op.drop_table("concern")
    op.drop_table("mediator")
