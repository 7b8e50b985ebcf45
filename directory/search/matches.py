"""The services a search's words (or, with no words, its need) match, found once a search
into a temporary table (`search_match`) that the search's queries (candidates.py) join by
key."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, column, literal, select, table
from sqlalchemy import text as text_clause

from accord.extensions import db
from directory.models import ServiceSearch, TaxonomyTerm, service_term
from directory.search import opening
from directory.search.fulltext import fts_relevance_steps, match
from directory.search.query import Query

MATCHES = table("search_match", column("sid", Integer), column("relevance", Integer))
# Up to this many matches, a search reads them and their buildings by key instead of every
# building near the place: a 20-mile search for "befriending" (1,850 matches among 50,000
# services) reads 2,000 links, not 20,000 buildings and 55,000 links. Measured on the bench
# county's 30-search mix (bench/search_mix.py): neither engine gains above 1,500 matches
# since totals are counted from the matches (candidates.READS); before, PostgreSQL's count
# read so many links near the place that starting from up to 6,000 matches paid.
FEW = {"sqlite": 1500, "postgresql": 1500}
_MADE = (
    "CREATE TEMP TABLE IF NOT EXISTS search_match "
    "(sid INTEGER PRIMARY KEY, relevance INTEGER NOT NULL)"
)
# PostgreSQL never vacuums a temporary table: one made per transaction, dropped at its end
# (and gone with a rollback), leaves no dead rows behind on a pooled connection. One kept
# with ON COMMIT DELETE ROWS would keep the rows of every search rolled back (a search is a
# GET: its session ends in a rollback): with 2,000 matches a search, 7 MB more each 100
# searches. No primary key: its one INSERT adds each service once, and the queries read it
# whole into a hash; keeping a key's index up cost more than the rest of the INSERT (11,000
# matches for "food" at 50,000 services: 23 ms with it, 10 without).
_MADE_PG = (
    "CREATE TEMP TABLE IF NOT EXISTS search_match "
    "(sid INTEGER NOT NULL, relevance INTEGER NOT NULL) ON COMMIT DROP; "
    "DELETE FROM search_match"
)


def _added(statement: Any, parameters: dict | None = None) -> int:
    """Run an INSERT (or UPDATE): the rows it changed. SQLAlchemy keeps an INSERT's count only
    when asked to (psycopg's would otherwise read -1)."""
    result: Any = db.session.execute(
        statement, parameters, execution_options={"preserve_rowcount": True}
    )
    return result.rowcount


class Words:
    """The services a search's words (or, with no words, its need) match, worked out once per
    search and written to a temporary table of the connection (`search_match`: sid,
    relevance), which every query of the search (a ring or two, the count, the online section)
    joins by key. SQLite fills it from FTS5, each word's list read once; PostgreSQL from the
    GIN index, each match's tsvector read once, not once a query for every row near the place
    (which cost 200–550 ms a search at 50,000 services). Given a query for "open now" or a
    day (`query.when`), only the services that may be open then."""

    def __init__(self, words: list[str], need: str = "", query: Query | None = None):
        self.words = bool(words)  # False: the matches are the need's services
        postgres = db.engine.dialect.name == "postgresql"
        if postgres:
            # One round trip for both (PostgreSQL takes several statements without parameters).
            db.session.connection().exec_driver_sql(_MADE_PG)
        else:
            db.session.execute(text_clause(_MADE))
            db.session.execute(MATCHES.delete())
        # With "open now" or a day asked for, only the services that may be open then are
        # matches (opening.py): the search reads those few by key, not every service near
        # the place for Python to keep one in twenty (at night).
        self.asked = query if query is not None and query.when else None
        if not words:
            need_ids = select(service_term.c.service_id, literal(0)).select_from(
                service_term.join(TaxonomyTerm)
            )
            size = self._fill(need_ids.where(TaxonomyTerm.code == need))
        elif postgres:
            found = match(words)
            assert found.condition is not None
            found_ids = select(ServiceSearch.service_id, found.relevance)
            size = self._fill(found_ids.where(found.condition))
        else:
            # How many were found: the rows each INSERT added (a title match is not added
            # twice); then those that cannot be open taken away.
            size = 0
            for statement, expression in fts_relevance_steps(words):
                added = _added(text_clause(statement), {"q": expression})
                size += added if statement.startswith("INSERT") else 0
            if self.asked is not None:
                size -= _added(
                    MATCHES.delete().where(~opening.may_open(self.asked, MATCHES.c.sid)),
                    opening.values(self.asked),
                )
        self.size = size
        self.few = size <= FEW["postgresql" if postgres else "sqlite"]

    def _fill(self, found: Any) -> int:
        """Write the matches `found` selects (sid, relevance), those that may be open only
        when the query asks: the rows added."""
        values = {}
        if self.asked is not None:
            sid = found.selected_columns[0]
            found = found.where(opening.may_open(self.asked, sid))
            values = opening.values(self.asked)
        return _added(MATCHES.insert().from_select(["sid", "relevance"], found), values)

    def join(self, statement: Any, sid: Any) -> tuple[Any, Any]:
        """`statement` narrowed to the matches, and the relevance column."""
        return statement.join(MATCHES, MATCHES.c.sid == sid), MATCHES.c.relevance
