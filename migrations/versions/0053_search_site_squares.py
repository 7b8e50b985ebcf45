"""search: on PostgreSQL, the place-ordered index's squares beside its words in one GIN index

Revision ID: 0053
Revises: 0052
Create Date: 2026-12-06 23:00:00

A search with several words reads them round its place from `search_site` (migration 0044):
the rows holding every word, from the full-text index, and the rows in the runs of keys round
the place, from the key's index, the two bitmaps intersected. At 50,000 services a common
word's rows are thousands in the county ("food" and "bank": 4,390 rows) and the runs round a
town hold thousands more (6,900 within a mile of Shrewsbury's centre), and reading both cost
more than the rows kept (507).

Each row now says the squares of the grid it lies in (directory/search/cells.py), one for
each size of square a search's box is covered with (levels 2 to 8: a box of half a mile to
about 40 miles across is covered by 16 squares or fewer of one level), and its cell itself
(level 0: the online-only services' run and each district's run of area-wide services are
one cell each). The full-text index holds them beside the words (a GIN index of two columns),
so one scan of it finds the rows that hold every word in the squares round the place: the
words' lists are read only where the squares' lists allow.

A generated column: every writer of `search_site` (its triggers, 0044) has it made.
"""

from alembic import op

revision = "0053"
down_revision = "0052"
branch_labels = None
depends_on = None

# As directory/search/cells.py: keys are the cell's Z-order << ID_BITS | service id, a square
# of level L is the Z-orders sharing all but their last 2L bits, and a square's number is
# L << LEVEL_SHIFT | its Z-order >> 2L (tests/directory/search/test_sites.py checks that the
# two agree).
ID_BITS, LEVEL_SHIFT, LEVELS = 31, 40, (0, 2, 3, 4, 5, 6, 7, 8)


def _square(level: int) -> str:
    return f"(({level}::bigint << {LEVEL_SHIFT}) | (key >> {ID_BITS + 2 * level}))"


SQUARES = "ARRAY[" + ", ".join(_square(level) for level in LEVELS) + "]"


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        f"ALTER TABLE search_site ADD COLUMN squares bigint[] GENERATED ALWAYS AS ({SQUARES}) STORED"
    )
    op.execute("DROP INDEX ix_search_site_fts")
    op.execute(
        "CREATE INDEX ix_search_site_fts ON search_site "
        "USING gin (search_vector, squares) WITH (fastupdate = off)"
    )
    op.execute("ANALYZE search_site")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX ix_search_site_fts")
    op.execute("ALTER TABLE search_site DROP COLUMN squares")
    op.execute(
        "CREATE INDEX ix_search_site_fts ON search_site "
        "USING gin (search_vector) WITH (fastupdate = off)"
    )
