"""location: a latitude/longitude index for distance searches

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 01:50:00

"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    # Searches by distance first narrow to a latitude/longitude box.
    with op.batch_alter_table("location", schema=None) as batch_op:
        batch_op.create_index("ix_location_lat_lon", ["latitude", "longitude"], unique=False)


def downgrade():
    with op.batch_alter_table("location", schema=None) as batch_op:
        batch_op.drop_index("ix_location_lat_lon")
