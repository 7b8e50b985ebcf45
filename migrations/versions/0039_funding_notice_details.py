"""funding notices people can act on: stream, end and decision dates, reason, impact link,
and the organisations affected; the funding opportunities board

Revision ID: 0039
Revises: 0038
Create Date: 2026-12-04 20:05:00

Theme 11 (decommissioning well) asks that the organisations affected are told, in writing,
what is changing and why: a notice now records the funding stream, the current funding's end
date, the renewal or decision date, the reason and a link to any impact assessment, and names
the organisations affected (a link table), who see what they were told and when.
`funding_opportunity` holds the open grants and contracts signatories post to the board.
"""

import sqlalchemy as sa
from alembic import op

revision = "0039"
down_revision = "0038"
branch_labels = None
depends_on = None

COLUMNS = ("funding_stream", "end_date", "decision_date", "reason", "impact_link")


def upgrade():
    add = op.add_column
    add("funding_notice", sa.Column("funding_stream", sa.Text(), nullable=False, server_default=""))
    add("funding_notice", sa.Column("end_date", sa.Date()))
    add("funding_notice", sa.Column("decision_date", sa.Date()))
    add("funding_notice", sa.Column("reason", sa.Text(), nullable=False, server_default=""))
    add(
        "funding_notice",
        sa.Column("impact_link", sa.String(300), nullable=False, server_default=""),
    )
    op.create_table(
        "funding_notice_organisation",
        sa.Column(
            "notice_id",
            sa.Integer(),
            sa.ForeignKey("funding_notice.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "organisation_id",
            sa.Integer(),
            sa.ForeignKey("organisation.id", ondelete="CASCADE"),
            primary_key=True,
        ),
    )
    op.create_index(
        "ix_funding_notice_organisation_organisation_id",
        "funding_notice_organisation",
        ["organisation_id"],
    )
    _opportunities()


def _opportunities():
    op.create_table(
        "funding_opportunity",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "organisation_id",
            sa.Integer(),
            sa.ForeignKey("organisation.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("amount_from", sa.Integer()),
        sa.Column("amount_to", sa.Integer()),
        sa.Column("closing_date", sa.Date(), nullable=False),
        sa.Column("link", sa.String(300), nullable=False),
        sa.Column("major_change", sa.Boolean(), nullable=False),
        sa.Column(
            "posted_by_id",
            sa.Integer(),
            sa.ForeignKey("user_account.id", ondelete="SET NULL"),
        ),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    for column in ("organisation_id", "closing_date"):
        op.create_index(f"ix_funding_opportunity_{column}", "funding_opportunity", [column])


def downgrade():
    op.drop_table("funding_opportunity")
    op.drop_index(
        "ix_funding_notice_organisation_organisation_id", table_name="funding_notice_organisation"
    )
    op.drop_table("funding_notice_organisation")
    with op.batch_alter_table("funding_notice") as batch:
        for column in reversed(COLUMNS):
            batch.drop_column(column)
