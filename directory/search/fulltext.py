"""The full-text match on each engine: SQLite's FTS5 table or PostgreSQL's stored tsvector,
for the words words.py has settled on."""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import (
    Boolean,
    Integer,
    SQLColumnExpression,
    bindparam,
    column,
    func,
    literal_column,
    table,
    true,
)
from sqlalchemy import text as sql_text
from sqlalchemy.sql.expression import ColumnElement, FromClause, TextClause

from accord.extensions import db

# The full-text index per engine, made by migrations outside the models (0003 and 0006):
# PostgreSQL's stored tsvector column with its GIN index, SQLite's FTS5 table.
_PG_SEARCH = table("service_search", column("service_id", Integer), column("search_vector"))
_FTS5 = table("service_search_fts", column("rowid", Integer))


class Match(NamedTuple):
    source: FromClause  # the index, to select from
    service_id: SQLColumnExpression[Any]
    condition: ColumnElement[bool] | TextClause | None  # None: the source matches already
    relevance: SQLColumnExpression[Any]  # higher is better, on both engines


def match(words: list[str]) -> Match:
    """The services whose text has every one of `words`, each as a prefix."""
    if db.engine.dialect.name == "postgresql":
        # Each tsquery is parsed once, as a FROM item; ts_rank reads the stored tsvector.
        # "food | food:*" matches exactly what "food:*" does, but the planner estimates it
        # from the word's own statistics, where a prefix alone is guessed at 2% of the rows
        # however common the word; with the real count it joins the buildings by hash.
        estimable = func.to_tsquery(
            literal_column("'english'::regconfig"),
            bindparam("fts_q", " & ".join(f"({w} | {w}:*)" for w in words)),
        ).alias("fts_query")
        ranked = func.to_tsquery(
            literal_column("'english'::regconfig"),
            bindparam("fts_rank_q", " & ".join(f"{w}:*" for w in words)),
        ).alias("fts_rank_query")
        vector = _PG_SEARCH.c.search_vector
        index = _PG_SEARCH.join(
            estimable, vector.op("@@", return_type=Boolean)(estimable.column)
        ).join(ranked, true())
        return Match(index, _PG_SEARCH.c.service_id, None, func.ts_rank(vector, ranked.column))
    condition = sql_text("service_search_fts MATCH :fts_q").bindparams(
        fts_q=" AND ".join(f'"{w}"*' for w in words)
    )
    # bm25 is lower-is-better; flip it so both engines rank the same way. "rowid + 0": joined
    # on the bare rowid, SQLite would start from the services and run the MATCH once for each
    # of them (seconds); this way it reads the matches once and looks the rest up by key.
    return Match(
        _FTS5, _FTS5.c.rowid + 0, condition, -func.bm25(literal_column("service_search_fts"))
    )
