"""directory search speed: a stored tsvector with its own GIN index on PostgreSQL

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 09:00:00

The 0003 index was on the expression to_tsvector('english', document): matching could use it,
but ranking (ts_rank) had to parse every matching document again on each search. A stored
generated column is parsed once, when the document is written, and indexed itself. SQLite
keeps its FTS5 table (bm25 reads FTS5's own index), so nothing changes there.

The GIN index is made without a pending list (fastupdate off): with one, new documents wait
in an unsorted list that every search reads until (auto)vacuum merges it, which after a big
import turned index scans into slower sequential scans. Listings are written rarely and
searched often, so writes pay instead.

The column is made here, outside the models (like the FTS objects of 0003): SQLite has no
tsvector. accord.extensions.include_object keeps autogenerate and the schema test off it.
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    # to_tsvector with an explicit regconfig is immutable, as a generated column needs.
    op.execute(
        "ALTER TABLE service_search ADD COLUMN search_vector tsvector "
        "GENERATED ALWAYS AS (to_tsvector('english'::regconfig, document)) STORED"
    )
    op.execute("DROP INDEX IF EXISTS ix_service_search_fts")
    op.execute(
        "CREATE INDEX ix_service_search_fts ON service_search "
        "USING gin (search_vector) WITH (fastupdate = off)"
    )
    # Plan the first searches on statistics of the new column, not on none.
    op.execute("ANALYZE service_search")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_service_search_fts")
    op.execute("ALTER TABLE service_search DROP COLUMN search_vector")
    op.execute(
        "CREATE INDEX ix_service_search_fts ON service_search "
        "USING gin (to_tsvector('english', document))"
    )
