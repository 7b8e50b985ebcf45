"""help requests: what a hub or CVEC needs in an incident, and whom CVEC asked to meet it

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-04 17:00:00

A request belongs to an incident (and a hub, or a place in words): its kind, a short detail,
how many, by when, public or not, and its status. Each ask to meet it is a row: volunteers
deployed (the deployment), a mutual-aid network, or a public-sector team by name and contact,
with when it was asked and answered. Requests are on no map, so no map-revision triggers.
"""

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def _user(name: str) -> sa.Column:
    return sa.Column(name, sa.Integer(), sa.ForeignKey("user_account.id", ondelete="SET NULL"))


def upgrade():
    op.create_table(
        "help_request",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "incident_id",
            sa.Integer(),
            sa.ForeignKey("incident.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("hub_id", sa.Integer(), sa.ForeignKey("hub.id", ondelete="SET NULL")),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("detail", sa.String(200), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("needed_by", sa.DateTime()),
        sa.Column("place", sa.String(100), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        _user("raised_by_id"),
        sa.Column("raised_at", sa.DateTime(), nullable=False),
        sa.Column("status_at", sa.DateTime(), nullable=False),
        sa.Column("met_at", sa.DateTime()),
    )
    op.create_index("ix_help_request_incident_id_status", "help_request", ["incident_id", "status"])
    op.create_index("ix_help_request_hub_id", "help_request", ["hub_id"])
    op.create_index("ix_help_request_status_public", "help_request", ["status", "public"])
    op.create_table(
        "help_request_assignment",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "request_id",
            sa.Integer(),
            sa.ForeignKey("help_request.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column(
            "deployment_id", sa.Integer(), sa.ForeignKey("deployment.id", ondelete="SET NULL")
        ),
        sa.Column(
            "network_id",
            sa.Integer(),
            sa.ForeignKey("mutual_aid_network.id", ondelete="SET NULL"),
        ),
        sa.Column("team_name", sa.String(100), nullable=False),
        sa.Column("team_contact", sa.String(100), nullable=False),
        sa.Column("asked_at", sa.DateTime(), nullable=False),
        sa.Column("answered_at", sa.DateTime()),
        sa.Column("answer", sa.String(300), nullable=False),
        _user("by_id"),
    )
    op.create_index(
        "ix_help_request_assignment_request_id", "help_request_assignment", ["request_id"]
    )
    op.create_index(
        "ix_help_request_assignment_deployment_id", "help_request_assignment", ["deployment_id"]
    )
    op.create_index(
        "ix_help_request_assignment_network_id", "help_request_assignment", ["network_id"]
    )


def downgrade():
    for name in ("network_id", "deployment_id", "request_id"):
        op.drop_index(f"ix_help_request_assignment_{name}", table_name="help_request_assignment")
    op.drop_table("help_request_assignment")
    for name in ("status_public", "hub_id", "incident_id_status"):
        op.drop_index(f"ix_help_request_{name}", table_name="help_request")
    op.drop_table("help_request")
