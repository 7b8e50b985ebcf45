"""open consultations: the reason a consultation ran short, and the body's published response

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-04 19:25:00

Theme 14 asks for 12-week consultations where appropriate and a published response: a body
that allows less says why (`short_reason`); once it responds ("You said, we did"), the link,
a short summary and the date it was published are kept, so the archive shows how long it took.
"""

import sqlalchemy as sa
from alembic import op

revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None


def upgrade():
    add = op.add_column
    add("consultation", sa.Column("short_reason", sa.Text(), nullable=False, server_default=""))
    add(
        "consultation",
        sa.Column("response_link", sa.String(300), nullable=False, server_default=""),
    )
    add("consultation", sa.Column("response_summary", sa.Text(), nullable=False, server_default=""))
    add("consultation", sa.Column("response_date", sa.Date()))


def downgrade():
    with op.batch_alter_table("consultation") as batch:
        for column in ("response_date", "response_summary", "response_link", "short_reason"):
            batch.drop_column(column)
