"""hubs per incident: each hub's status, occupancy and needs in each incident; exercises

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-04 16:00:00

Until now a hub had one status whatever the incident, so two incidents at once shared and
double-counted it. `hub_activation` holds a hub's status, occupancy and needs in one
incident; `hub.status` stays as what the building is doing for residents now, worked out
from its activations in the real incidents under way (emergency/hubs.py keeps it).

Existing data: in the incident under way (the newest, if several), each hub that is open or
full, or whose history names that incident, gets its current status there. An incident can
now be an exercise (`incident.exercise`): existing incidents were all real.
"""

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

MAPS, HELP = 1, 2  # map_revision's rows (migration 0022)


def upgrade():
    op.add_column(
        "incident",
        sa.Column("exercise", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "hub_activation",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "hub_id", sa.Integer(), sa.ForeignKey("hub.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "incident_id",
            sa.Integer(),
            sa.ForeignKey("incident.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("occupancy", sa.Integer(), nullable=False),
        sa.Column("needs", sa.Text(), nullable=False),
        sa.Column("status_at", sa.DateTime(), nullable=False),
        sa.Column("opened_at", sa.DateTime()),
        sa.Column("peak", sa.Integer(), nullable=False),
        sa.UniqueConstraint("hub_id", "incident_id", name="uq_hub_activation_hub_incident"),
    )
    op.create_index("ix_hub_activation_incident_id", "hub_activation", ["incident_id"])
    _triggers()
    _carry_over()


def _triggers():
    # A hub's status in an incident is on the maps and /help, as the hub's own was.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER hub_activation_map_revision AFTER INSERT OR UPDATE OR DELETE "
            f"ON hub_activation FOR EACH STATEMENT EXECUTE FUNCTION bump_map_revision({MAPS}, {HELP})"
        )
        return
    bump = " ".join(
        f"INSERT INTO map_revision (id, revision) VALUES ({row}, 1) "  # noqa: S608 - constants
        "ON CONFLICT (id) DO UPDATE SET revision = map_revision.revision + 1;"
        for row in (MAPS, HELP)
    )
    for event in ("INSERT", "UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER hub_activation_{event.lower()}_map_revision AFTER {event} "
            f"ON hub_activation BEGIN {bump} END"
        )


def _carry_over():
    """Today's single status becomes the status in the incident under way, if any."""
    bind = op.get_bind()
    current = bind.execute(
        sa.text("SELECT id FROM incident WHERE ended_at IS NULL ORDER BY started_at DESC, id DESC")
    ).first()
    if current is None:
        return
    bind.execute(
        sa.text(
            "INSERT INTO hub_activation "
            "(hub_id, incident_id, status, occupancy, needs, status_at, opened_at, peak) "
            "SELECT hub.id, :incident, hub.status, hub.occupancy, hub.needs, hub.status_at, "
            "CASE WHEN hub.status IN ('open', 'full') THEN hub.status_at END, hub.occupancy "
            "FROM hub WHERE hub.status IN ('open', 'full') OR EXISTS "
            "(SELECT 1 FROM hub_update WHERE hub_update.hub_id = hub.id "
            "AND hub_update.incident_id = :incident)"
        ),
        {"incident": current.id},
    )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS hub_activation_map_revision ON hub_activation")
    else:
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS hub_activation_{event}_map_revision")
    op.drop_index("ix_hub_activation_incident_id", table_name="hub_activation")
    op.drop_table("hub_activation")
    # Not a batch rebuild: that would drop the incident table's map_revision triggers.
    op.execute("ALTER TABLE incident DROP COLUMN exercise")
