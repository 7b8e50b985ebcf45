"""search: on PostgreSQL, each word of the place-ordered index once a row, in order of word then place

Revision ID: 0048
Revises: 0047
Create Date: 2026-12-06 07:00:00

A search with a place read its words from `search_site` (0044) through two indexes at once:
the GIN index's entries for the word in the whole county, and the key's rows in the runs
round the place, then every row in both from the table, for its tsvector. At 50,000 services,
"carers" within 5 miles of SY2 5AA was 8,571 entries of the word and 13,000 keys, then 2,038
rows read from 1,519 pages: 7.0 ms of a search's 19.

`search_term` holds each row's words (its tsvector's lexemes), each with the row's key and
whether the word is in the title (weight 'A'), in a B-tree ordered by word then key: the
matches of one word round a place are a range of that index for each run, read from the index
alone (1.4 ms for the same search, no table read). A search of several words still reads
`search_site`'s GIN index: every row holding all its words is read for the nearness rule
either way (directory/search/fulltext.py, listed_terms).

Triggers on `search_site` keep it, statement by statement (a whole import at once): its rows
are only ever added and taken away (0044's triggers write a service's rows again), and a row
taken away takes its words with it, found by word and key in the same index.
"""

from alembic import op

revision = "0048"
down_revision = "0047"
branch_labels = None
depends_on = None

_WORDS = (
    "INSERT INTO search_term (term, key, title) "
    "SELECT w.lexeme, r.key, 'A' = ANY (w.weights) FROM {rows} r, unnest(r.search_vector) w"
)
_GONE = (
    "DELETE FROM search_term t USING {rows} r, unnest(tsvector_to_array(r.search_vector)) w "
    "WHERE t.term = w AND t.key = r.key"
)


def _function(name: str, body: str) -> str:
    return f"""CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            {body};
            RETURN NULL;
        END $$"""


STATEMENTS = [
    "CREATE TABLE search_term (term TEXT NOT NULL, key BIGINT NOT NULL, title BOOLEAN NOT NULL)",
    _function("search_site_terms_added", _WORDS.format(rows="added")),
    _function("search_site_terms_gone", _GONE.format(rows="gone")),
    "CREATE TRIGGER search_site_terms_added AFTER INSERT ON search_site "
    "REFERENCING NEW TABLE AS added FOR EACH STATEMENT "
    "EXECUTE FUNCTION search_site_terms_added()",
    "CREATE TRIGGER search_site_terms_gone AFTER DELETE ON search_site "
    "REFERENCING OLD TABLE AS gone FOR EACH STATEMENT "
    "EXECUTE FUNCTION search_site_terms_gone()",
    # Never written in place by the app; a row changed by hand has its words again.
    _function(
        "search_site_terms_changed",
        _GONE.format(rows="gone") + "; " + _WORDS.format(rows="added"),
    ),
    "CREATE TRIGGER search_site_terms_changed AFTER UPDATE ON search_site "
    "REFERENCING OLD TABLE AS gone NEW TABLE AS added FOR EACH STATEMENT "
    "EXECUTE FUNCTION search_site_terms_changed()",
]


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    # The triggers first: they lock search_site against writes until the migration ends, so
    # no row is written between the copy below and them. The index after the copy, built
    # from the rows at once, not entry by entry: at 50,000 services the upgrade takes 3.4 s,
    # not 9.3.
    for statement in STATEMENTS:
        op.execute(statement)
    op.execute(_WORDS.format(rows="search_site"))
    # The key and title beside each word: a search reads the index alone.
    op.execute("CREATE INDEX ix_search_term ON search_term (term, key) INCLUDE (title)")
    op.execute("ANALYZE search_term")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in ("added", "gone", "changed"):
        op.execute(f"DROP TRIGGER IF EXISTS search_site_terms_{name} ON search_site")
        op.execute(f"DROP FUNCTION IF EXISTS search_site_terms_{name}()")
    op.execute("DROP TABLE IF EXISTS search_term")
