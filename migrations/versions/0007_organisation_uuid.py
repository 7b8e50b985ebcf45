"""organisation: an ORUK id (uuid) of its own

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 09:00:00

The Open Referral UK API gives every organisation an id, and consumers (and our own importer,
reading our feed back) recognise an organisation by it. The row id would change when a feed
is imported into another database, so organisations get a uuid like locations and services.

Existing organisations each get a fresh uuid4 before the column becomes required and unique;
it is made in Python, row by row, so SQLite (which has no uuid function) gets the same as
PostgreSQL. batch_alter_table copies the table on SQLite, which cannot alter a column.
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("uuid", sa.String(length=36), nullable=True))
    conn = op.get_bind()
    for (row_id,) in conn.execute(sa.text("SELECT id FROM organisation")).all():
        conn.execute(
            sa.text("UPDATE organisation SET uuid = :uuid WHERE id = :id"),
            {"uuid": str(uuid.uuid4()), "id": row_id},
        )
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.alter_column("uuid", existing_type=sa.String(length=36), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_organisation_uuid"), ["uuid"])


def downgrade():
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_organisation_uuid"), type_="unique")
        batch_op.drop_column("uuid")
