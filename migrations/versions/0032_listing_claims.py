"""claiming a listing: listing_claim, service.managed_by_id, and site_setting for the
coordinator's switch of automatic approval by email domain

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-04 19:00:00

Plain ADD COLUMN on service (its review triggers, 0021, must survive a migration): on
SQLite the foreign key is a named column constraint, which its ALTER TABLE allows. It has no
ON DELETE: SQLite reflects no options from a column constraint, so the models could not say
one either; organisations are never deleted, and one that is must give up what it manages.
"""

import sqlalchemy as sa
from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        # Column-level, so SQLite's ALTER TABLE takes it; named as the models name it.
        op.execute(
            "ALTER TABLE service ADD COLUMN managed_by_id INTEGER CONSTRAINT "
            "fk_service_managed_by_id_organisation REFERENCES organisation (id)"
        )
    else:
        op.add_column(
            "service",
            sa.Column(
                "managed_by_id",
                sa.Integer(),
                sa.ForeignKey("organisation.id"),
            ),
        )
    op.create_index("ix_service_managed_by_id", "service", ["managed_by_id"])
    op.create_table(
        "listing_claim",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        sa.Column(
            "service_id",
            sa.Integer(),
            sa.ForeignKey("service.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "organisation_id",
            sa.Integer(),
            sa.ForeignKey("organisation.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "requested_by_id",
            sa.Integer(),
            sa.ForeignKey("user_account.id", ondelete="SET NULL"),
        ),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("decided_by", sa.String(12), nullable=False),
        sa.Column(
            "decided_by_user_id",
            sa.Integer(),
            sa.ForeignKey("user_account.id", ondelete="SET NULL"),
        ),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime()),
    )
    op.create_index("ix_listing_claim_service_id", "listing_claim", ["service_id"])
    op.create_index("ix_listing_claim_organisation_id", "listing_claim", ["organisation_id"])
    op.create_index("ix_listing_claim_requested_by_id", "listing_claim", ["requested_by_id"])
    op.create_index("ix_listing_claim_status", "listing_claim", ["status"])
    op.create_index(
        "uq_listing_claim_pending",
        "listing_claim",
        ["service_id", "organisation_id"],
        unique=True,
        sqlite_where=sa.text("status = 'pending'"),
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_table(
        "site_setting",
        sa.Column("key", sa.String(60), primary_key=True),
        sa.Column("value", sa.String(200), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column(
            "updated_by_id",
            sa.Integer(),
            sa.ForeignKey("user_account.id", ondelete="SET NULL"),
        ),
    )


def downgrade():
    op.drop_table("site_setting")
    op.drop_table("listing_claim")
    op.drop_index("ix_service_managed_by_id", table_name="service")
    # Not a batch rebuild: that would drop the service table's review triggers (0021).
    op.execute("ALTER TABLE service DROP COLUMN managed_by_id")
