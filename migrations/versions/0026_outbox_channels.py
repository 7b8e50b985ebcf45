"""outbox: text messages beside emails, Notify's references and receipts; failing contacts

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-04 13:20:00

Every message gets a channel (email or sms), a random reference given to GOV.UK Notify and
read back from its delivery receipts, Notify's own id once accepted, and the receipt's
status. A volunteer whose number or address Notify could never deliver to is marked so.
Messages already in the outbox are emails; their reference is made from their id.
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_message") as batch:
        batch.add_column(sa.Column("channel", sa.String(5), nullable=False, server_default="email"))
        batch.add_column(sa.Column("reference", sa.String(32), nullable=True))
        batch.add_column(sa.Column("provider_id", sa.String(64), nullable=False, server_default=""))
        batch.add_column(sa.Column("delivery", sa.String(20), nullable=False, server_default=""))
    op.execute("UPDATE outbox_message SET reference = 'm' || CAST(id AS VARCHAR(20))")
    with op.batch_alter_table("outbox_message") as batch:
        batch.alter_column("reference", existing_type=sa.String(32), nullable=False)
        batch.create_index("ix_outbox_message_provider_id", ["provider_id"])
        batch.create_unique_constraint("uq_outbox_message_reference", ["reference"])
    # Plain ADD COLUMN: on SQLite a batch would rebuild the table without its map triggers.
    for name in ("phone_failing", "email_failing"):
        op.add_column(
            "volunteer", sa.Column(name, sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade():
    op.drop_column("volunteer", "email_failing")
    op.drop_column("volunteer", "phone_failing")
    with op.batch_alter_table("outbox_message") as batch:
        batch.drop_constraint("uq_outbox_message_reference", type_="unique")
        batch.drop_index("ix_outbox_message_provider_id")
        batch.drop_column("delivery")
        batch.drop_column("provider_id")
        batch.drop_column("reference")
        batch.drop_column("channel")
