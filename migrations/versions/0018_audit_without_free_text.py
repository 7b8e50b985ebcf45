"""audit log: free text taken out of existing events' details

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 14:30:00

Earlier versions copied free text into audit_event.details: a sign-up's rejection reason, a
coordinator's note asking for changes, a signatory's reason for withdrawing. The audit log
keeps ids and statuses only (accord/audit.py now drops such text as it is written); this
takes it out of the events already stored, with the same rule. Nothing to restore on the way
down: the text lives on on the records themselves while their retention lasts.
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

# The rule of accord/audit.py as it was written, kept here so the migration never changes.
TOKEN = re.compile(r"[a-z0-9][a-z0-9_.:+-]{0,59}|\d{4}-\d{2}-\d{2}T[\d:.+-]{2,20}")
DROPPED = object()
BATCH = 1000

audit_event = sa.table("audit_event", sa.column("id", sa.Integer), sa.column("details", sa.JSON))


def kept(value):
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return value if TOKEN.fullmatch(value) else DROPPED
    if isinstance(value, dict):
        pairs = {str(k): kept(v) for k, v in value.items()}
        return {k: v for k, v in pairs.items() if v is not DROPPED}
    if isinstance(value, list):
        return [v for v in map(kept, value) if v is not DROPPED]
    return DROPPED


def upgrade():
    connection = op.get_bind()
    last = 0
    while True:
        rows = connection.execute(
            sa.select(audit_event.c.id, audit_event.c.details)
            .where(audit_event.c.id > last)
            .order_by(audit_event.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        last = rows[-1].id
        changed = []
        for row in rows:
            if isinstance(row.details, dict) and row.details:
                cleaned = kept(row.details)
                if cleaned != row.details:
                    changed.append({"row_id": row.id, "cleaned": cleaned})
        if changed:
            connection.execute(
                audit_event.update()
                .where(audit_event.c.id == sa.bindparam("row_id"))
                .values(details=sa.bindparam("cleaned")),
                changed,
            )


def downgrade():
    pass
