"""sign-in codes instead of account lockout

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 14:30:00

Five wrong passwords no longer lock an account (anyone could keep its owner out): failures are
counted per address in the rate-limit storage, and after them the right password also needs a
single-use code emailed to the address. user_account keeps the code's keyed hash, its expiry
and the wrong tries; the lockout columns go.
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("sign_in_code_hash", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("sign_in_code_expires_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("sign_in_code_tries", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.drop_column("failed_logins")
        batch_op.drop_column("locked_until")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.alter_column("sign_in_code_hash", server_default=None)
        batch_op.alter_column("sign_in_code_tries", server_default=None)


def downgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(), nullable=True))
        batch_op.drop_column("sign_in_code_tries")
        batch_op.drop_column("sign_in_code_expires_at")
        batch_op.drop_column("sign_in_code_hash")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.alter_column("failed_logins", server_default=None)
