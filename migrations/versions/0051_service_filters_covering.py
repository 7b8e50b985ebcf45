"""search: on PostgreSQL, an index on service that holds what a search's filters read of it

Revision ID: 0051
Revises: 0050
Create Date: 2026-12-06 17:50:00

Every search with a place asks of each service it shows or counts whether it is published,
open and not online only, and whether it is current (the stale order), and, when asked, free,
for an age, accepting or taking a route (directory/search/candidates.py, filters), and of
each online-only service it matches, its name for the online section's order: a lookup by
key in the service's primary key, then its row read from the table. A denser county reads more
of them: a total counted to the cap reads 201 services or more, a ring round a town's centre
hundreds. `ix_search_service_filters` is keyed by id and holds those columns beside it
(INCLUDE), so the planner answers them from the index alone (an index-only scan, where the
table's visibility map allows: autovacuum keeps it so).

At 50,000 services the count of "carers" within 10 miles of SY4 5DA went from 1.16 to 0.82 ms
of server time; CPU a search on the 30-search mix, in turns request by request, 13.39 -> 12.32
ms a search at 50,000 services and 7.62 -> 7.37 at 5,000 (bench/results.md, stop 49).

SQLite keeps its rowid lookup: its table is the primary key's B-tree, and its planner read
the service's row rather than such an index (bench/results.md, stop 48).
"""

from alembic import op

revision = "0051"
down_revision = "0050"
branch_labels = None
depends_on = None

# What conditions.filters() and stale() read of a service: tests/directory/search/
# test_covering.py checks that a ring asking every filter reads this index alone.
COLUMNS = (
    "online_only",
    "review",
    "status",
    "assured_at",
    "is_free",
    "minimum_age",
    "maximum_age",
    "capacity",
    "access_routes",
    # The online section's order (current first, by relevance, then by name) besides.
    "name",
)


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE INDEX ix_search_service_filters ON service (id) INCLUDE ({', '.join(COLUMNS)})"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_search_service_filters")
