"""signposting lists sent to residents: a count a day and channel, and outbox messages that
forget their recipient once sent

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-04 19:10:00

`lists_sent` holds numbers only (no address, no number, no list). `outbox_message.transient`
marks a message whose recipient and words are blanked as soon as it is sent or given up on;
`outbox_message.html` is an email's HTML part beside its plain text ("" for none).
"""

import sqlalchemy as sa
from alembic import op

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "lists_sent",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=5), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "channel"),
    )
    op.add_column(
        "outbox_message",
        sa.Column("transient", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("outbox_message", sa.Column("html", sa.Text(), nullable=False, server_default=""))


def downgrade():
    op.drop_column("outbox_message", "html")
    op.drop_column("outbox_message", "transient")
    op.drop_table("lists_sent")
