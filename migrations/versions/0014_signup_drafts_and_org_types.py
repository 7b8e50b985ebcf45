"""sign-up drafts kept server-side; one list of organisation types

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 14:30:00

signup_draft holds a sign-up's answers between the form's steps (the session cookie holds
only its key: answers in the cookie passed the browsers' 4 KB limit and were dropped).

organisation.org_type and signup.org_type were the words of two lists ("Charity" from the
demo, "Registered charity" from the form); they become the values of accord.models.OrgType.
The words are copied here, not imported, so this migration means the same thing whatever the
app's code says later. Words in neither list are left as they are.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# Each OrgType value, with the words either list used for it (the form's words first).
WORDS = {
    "charity": ("Registered charity", "Charity"),
    "cio": ("Charitable incorporated organisation (CIO)", "Charitable incorporated organisation"),
    "cic": ("Community interest company (CIC)", "Community interest company"),
    "guarantee_company": ("Company limited by guarantee",),
    "community_benefit_society": ("Community benefit society",),
    "unincorporated": (
        "Unincorporated group or association",
        "Unincorporated group",
        "Unincorporated association",
    ),
    "local_authority": ("Local authority",),
    "parish_council": ("Town or parish council", "Town council", "Parish council"),
    "nhs": ("NHS body",),
    "emergency_service": (
        "Police, fire or other emergency service",
        "Police force",
        "Fire and rescue authority",
    ),
    "other_public": ("Other public body",),
    "private_company": ("Private company",),
    "housing_association": ("Housing association", "Registered provider of social housing"),
    "other": ("Other",),
}
TABLES = ("organisation", "signup")


def _recode(old: str, new: str) -> None:
    for table in TABLES:  # the names are the constants above, never input
        recode = sa.text(f"UPDATE {table} SET org_type = :new WHERE org_type = :old")  # noqa: S608
        op.execute(recode.bindparams(old=old, new=new))


def upgrade():
    op.create_table(
        "signup_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("amend_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["amend_id"],
            ["signup.id"],
            name=op.f("fk_signup_draft_amend_id_signup"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signup_draft")),
        sa.UniqueConstraint("key", name=op.f("uq_signup_draft_key")),
    )
    with op.batch_alter_table("signup_draft", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_signup_draft_expires_at"), ["expires_at"], unique=False
        )
    for value, words in WORDS.items():
        for said in words:
            _recode(said, value)


def downgrade():
    for value, words in WORDS.items():
        _recode(value, words[0])
    with op.batch_alter_table("signup_draft", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signup_draft_expires_at"))
    op.drop_table("signup_draft")
