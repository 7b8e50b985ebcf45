"""yearly renewals: the due dates each signatory's two renewal emails were sent for

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-04 19:20:00

registry/signatories/renewals.py emails the Accord lead a month before the renewal falls due
and on the day, once each for each due date: these say which due date each was sent for.
"""

import sqlalchemy as sa
from alembic import op

revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("signatory", sa.Column("renewal_soon_told", sa.Date()))
    op.add_column("signatory", sa.Column("renewal_due_told", sa.Date()))


def downgrade():
    op.execute("ALTER TABLE signatory DROP COLUMN renewal_due_told")
    op.execute("ALTER TABLE signatory DROP COLUMN renewal_soon_told")
