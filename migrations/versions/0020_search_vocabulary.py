"""search vocabulary: the index's own words for spelling corrections, and what changed since

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 17:15:00

Spelling corrections read the words of the full-text index itself, once per worker, then only
the documents written since (directory/search/vocabulary.py):

- SQLite: `service_search_fts_vocab`, an fts5vocab table over `service_search_fts` (the index's
  terms and how many services have each). It names the FTS5 table, not its columns, so it
  keeps working when that table is made again with other columns.
- PostgreSQL: `service_search_fts_terms`, a snapshot of the lexemes of
  service_search.search_vector and how many services have each (ts_stat), taken as of
  `service_search_fts_snapshot` (since, running); a worker adds the documents written since. ts_stat reads
  every tsvector (1.7 s at 50,000 services), so it is taken again only after a big change
  (directory/search/vocabulary.py refresh), not by every worker.
- Both: `service_search_fts_changes`, a row per service whose search document was written,
  with a revision a worker reads from: SQLite the next number (one writer at a time);
  PostgreSQL the writing transaction's id, read from the next transaction's and those still
  running at the last look, so a write that commits late is not missed. One row per service, so it never needs trimming.

All are made outside the models, like the FTS objects of 0003 (the names start with
service_search_fts, which accord.extensions.include_object leaves alone).
"""

from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

# SQLite: the next revision (one writer at a time, so no two are given the same).
_REVISED = (
    "INSERT OR REPLACE INTO service_search_fts_changes (service_id, rev) VALUES (new.service_id, "
    "(SELECT coalesce(max(rev), 0) + 1 FROM service_search_fts_changes));"
)

SQLITE = [
    "CREATE VIRTUAL TABLE service_search_fts_vocab USING fts5vocab(service_search_fts, 'row')",
    "CREATE TABLE service_search_fts_changes ("
    "service_id INTEGER PRIMARY KEY, rev INTEGER NOT NULL)",
    "CREATE INDEX ix_service_search_fts_changes_rev ON service_search_fts_changes (rev)",
    "CREATE TRIGGER service_search_fts_changes_insert AFTER INSERT ON service_search "
    f"BEGIN {_REVISED} END",
    "CREATE TRIGGER service_search_fts_changes_update AFTER UPDATE ON service_search "
    f"BEGIN {_REVISED} END",
]

POSTGRESQL = [
    "CREATE TABLE service_search_fts_terms (term text PRIMARY KEY, services integer NOT NULL)",
    "CREATE TABLE service_search_fts_snapshot (since bigint NOT NULL, running bigint[] NOT NULL)",
    "CREATE TABLE service_search_fts_changes (service_id integer PRIMARY KEY, rev bigint NOT NULL)",
    "CREATE INDEX ix_service_search_fts_changes_rev ON service_search_fts_changes (rev)",
    # A row trigger of one small write: counting terms per write (a statement trigger over
    # the tsvectors) cost 10 ms a row when rows come one statement each, as executemany sends
    # them.
    """
    CREATE FUNCTION service_search_fts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO service_search_fts_changes AS c (service_id, rev)
      VALUES (NEW.service_id, pg_current_xact_id()::text::bigint)
      ON CONFLICT (service_id) DO UPDATE SET rev = excluded.rev;
      RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER service_search_fts_changed AFTER INSERT OR UPDATE ON service_search "
    "FOR EACH ROW EXECUTE FUNCTION service_search_fts_changed()",
    # The services already indexed.
    "INSERT INTO service_search_fts_snapshot (since, running) "
    "SELECT pg_snapshot_xmax(s)::text::bigint, "
    "ARRAY(SELECT x::text::bigint FROM pg_snapshot_xip(s) AS x) FROM pg_current_snapshot() AS s",
    "INSERT INTO service_search_fts_terms (term, services) "
    "SELECT word, ndoc FROM ts_stat('SELECT search_vector FROM service_search')",
]


def upgrade():
    dialect = op.get_bind().dialect.name
    for statement in SQLITE if dialect == "sqlite" else POSTGRESQL:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for event in ("insert", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS service_search_fts_changes_{event}")
        op.execute("DROP TABLE IF EXISTS service_search_fts_vocab")
    else:
        op.execute("DROP TRIGGER IF EXISTS service_search_fts_changed ON service_search")
        op.execute("DROP FUNCTION IF EXISTS service_search_fts_changed()")
        op.execute("DROP TABLE IF EXISTS service_search_fts_terms")
        op.execute("DROP TABLE IF EXISTS service_search_fts_snapshot")
    op.execute("DROP TABLE IF EXISTS service_search_fts_changes")
