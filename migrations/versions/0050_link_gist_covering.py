"""search: on PostgreSQL, the spatial index on links holds what a search reads of each link

Revision ID: 0050
Revises: 0049
Create Date: 2026-12-06 14:00:00

A search's rings read the links near its place from the GiST index on each link's point
(migration 0041) when its matches are many, or it has none (a need, or a place alone): every
link within the ring, for its service and its point. The index held the point alone, so each
link's row was read as well: a mile round Shrewsbury's centre at 50,000 services is 4,660 links
on 677 pages of the table. The index now holds the link's service and point beside it
(INCLUDE), and the planner reads the index alone (an index-only scan, where the table's
visibility map allows: a vacuumed table, as autovacuum keeps it). CPU a search in turns at
50,000 services: "food" as a need within 10 miles of SY1 1UJ 22.9 -> 20.2 ms, a place alone
within 10 miles of TF1 1HF 18.7 -> 14.9, the 30-search mix 15.6 -> 15.3 (bench/results.md).

The index keeps its name, so 0041's downgrade still drops it.
"""

from alembic import op

revision = "0050"
down_revision = "0049"
branch_labels = None
depends_on = None

POINT = "point(longitude * 0.6065, latitude)"  # as 0041's: the search's text must match it


def _replace(include: str) -> None:
    op.execute(
        f"CREATE INDEX ix_search_link_gist_new ON service_at_location USING gist ({POINT}){include}"
    )
    op.execute("DROP INDEX ix_search_link_gist")
    op.execute("ALTER INDEX ix_search_link_gist_new RENAME TO ix_search_link_gist")


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        _replace(" INCLUDE (service_id, latitude, longitude)")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        _replace("")
