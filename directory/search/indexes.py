"""The search's full-text indexes kept as reads find them quickest (tidy), daily with the
vocabulary's snapshot (`flask directory vocabulary`)."""

from __future__ import annotations

from sqlalchemy import text as sql_text
from sqlalchemy.exc import OperationalError

from accord.extensions import db

# SQLite's full-text indexes: the county's (0019) and the place-ordered one (0047).
FTS5_INDEXES = ("service_search_fts", "search_site_fts")


# PostgreSQL: how long tidy() waits for running searches before rewriting search_site, which
# later ones wait for in turn (1.2 s at 50,000 services: bench/tidy.py); busier, it is left to the
# next day (_BUSY: lock_timeout's SQLSTATE).
TIDY_WAIT = "5s"
_BUSY = "55P03"


def tidy() -> bool:
    """The search indexes as reads find them quickest; daily, with the vocabulary's snapshot
    (`flask directory vocabulary`). Returns False when PostgreSQL's was busy and left.

    SQLite: each FTS5 index merged into one segment (FTS5's 'optimize'). Every write adds a
    small segment, merged with others only now and then, and a search reads a word's list in
    every segment, once for each run round its place: at 50,000 services, written by bulk
    inserts, the mix's CPU p50 9.0 -> 7.3 ms a search once merged (0.5 s for both indexes).

    PostgreSQL: the place-ordered index's rows (search_site) rewritten in order of their key
    (CLUSTER), as SQLite's rowid keeps them, so the rows round a place lie together and so do
    their entries in each list of the GIN index (kept in the rows' order): a scan for words
    round a place skips the rest of each word's list. At 50,000 services, written by bulk
    inserts, the mix's 30 fills took 75.8 -> 68.5 and 63.9 -> 57.0 ms summed in two runs of
    bench/tidy.py ("food bank" within 5 miles of SY1 1UJ 3.7 -> 2.5 and 2.8 -> 1.9); rows
    written since go at the table's end until the next day."""
    if db.engine.dialect.name == "postgresql":
        db.session.commit()
        try:
            wait = sql_text("SELECT set_config('lock_timeout', :wait, true)")
            db.session.execute(wait, {"wait": TIDY_WAIT})
            db.session.execute(sql_text("CLUSTER search_site USING search_site_pkey"))
            db.session.execute(sql_text("ANALYZE search_site"))
            db.session.commit()
        except OperationalError as error:
            db.session.rollback()
            if getattr(error.orig, "sqlstate", None) != _BUSY:
                raise
            return False
        return True
    for name in FTS5_INDEXES:
        # The two names above, never input.
        optimize = f"INSERT INTO {name}({name}) VALUES ('optimize')"  # noqa: S608
        db.session.execute(sql_text(optimize))
    db.session.commit()
    return True
