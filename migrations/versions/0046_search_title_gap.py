"""search: on PostgreSQL, a service's title and the rest of its words are never "near"

Revision ID: 0046
Revises: 0045
Create Date: 2026-12-05 14:30:00

Several search words match a service when all of them are in its title (name, organisation,
needs) or each two of them stand within a few words of each other (directory/search/
fulltext.py, NEAR). SQLite's FTS5 reads nearness within one column. PostgreSQL's stored
tsvector joined the title's positions and the document's end to end, so the title's last
words stood next to the document's first: "lunch club older people" matched a lunch club's
building whose organisation was a "Rotary Club" and whose needs ended "Older people", with
"lunch" the document's fourth word. On the bench county that search found 6 services within
10 miles on PostgreSQL and none on SQLite.

The document's positions now start after GAP stop words, which the parser counts and leaves
out: no word of the title is within NEAR + 1 positions of one of the document, so nearness
(and a phrase, for relevance) is read within the title or within the document, as on
SQLite. The words themselves, their weights and the vocabulary (ts_stat) are unchanged. The
place-ordered index (migration 0044) holds a copy of each vector: copied again.
"""

from alembic import op

revision = "0046"
down_revision = "0045"
branch_labels = None
depends_on = None

# More than fulltext.NEAR + 1 (the widest distance a pair counts as near, 7): a title word and
# a document word are then at least GAP + 1 positions apart
# (tests/directory/search/test_fulltext_engines.py checks the two agree).
GAP = 8


def _vector(gap: int) -> str:
    document = f"'{'the ' * gap}' || document" if gap else "document"
    return (
        "setweight(to_tsvector('english'::regconfig, title), 'A') || "
        f"setweight(to_tsvector('english'::regconfig, {document}), 'B')"
    )


def _remake(gap: int) -> None:
    """The stored vector made again with the document `gap` stop words on, its index, and the
    place-ordered index's copies. The sites' trigger fires on title and document, not on the
    vector: the copies are written here."""
    op.execute("DROP INDEX IF EXISTS ix_service_search_fts")
    op.execute("ALTER TABLE service_search DROP COLUMN search_vector")
    op.execute(
        "ALTER TABLE service_search ADD COLUMN search_vector tsvector "
        f"GENERATED ALWAYS AS ({_vector(gap)}) STORED"
    )
    op.execute(
        "CREATE INDEX ix_service_search_fts ON service_search "
        "USING gin (search_vector) WITH (fastupdate = off)"
    )
    op.execute(
        "UPDATE search_site SET search_vector = s.search_vector FROM service_search s "
        "WHERE s.service_id = search_site.service_id"
    )
    op.execute("ANALYZE service_search")
    op.execute("ANALYZE search_site")


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        _remake(GAP)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        _remake(0)
