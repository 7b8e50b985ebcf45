"""Joins SQLite must read in the order written, for the search's queries (candidates.py):
its planner, without statistics on a search's temporary table (or with a county's statistics
that mislead it), would start from the larger side."""

from __future__ import annotations

from typing import Any

from sqlalchemy import true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import Join


class InOrder(Join):
    """An inner join whose left side SQLite reads first (CROSS JOIN … ON, which its planner
    never reorders); a plain JOIN elsewhere. For a search's few matches: without statistics
    on the temporary table, SQLite would rather scan every building's services and look each
    up in the matches."""

    inherit_cache = True
    index = ""  # SQLite reads the left side through this index (INDEXED BY), when named


class OnlineFirst(InOrder):
    """InOrder from the services through their partial index over online services (migration
    0052), which SQLite, with no statistics, would not choose: it would rather read every
    published service."""

    inherit_cache = True
    index = "ix_search_online"


class Through(Join):
    """A table read through its subclass's index on SQLite (`service INDEXED BY …`); the
    table alone elsewhere. Made as a join of the table with itself, of which the left side
    alone is written, so that SQLAlchemy takes it as the table's FROM (SQLite's compiler
    writes no table hints). The index is the class's: SQLAlchemy's cache knows the join's
    sides, not its attributes."""

    inherit_cache = True
    index = ""

    def __init__(self, source: Any) -> None:
        super().__init__(source, source, true())


class OnlineOnly(Through):
    """The services through their partial index over online services (migration 0052) alone:
    SQLite, with statistics or without, would rather read every published service's key by
    `review`, then each row."""

    inherit_cache = True
    index = "ix_search_online"


@compiles(Through)
def _through(join: Through, compiler: Any, **kw: Any) -> str:
    kw["asfrom"] = True
    return compiler.process(join.left, **kw)


@compiles(Through, "sqlite")
def _through_index(join: Through, compiler: Any, **kw: Any) -> str:
    return f"{_through(join, compiler, **kw)} INDEXED BY {join.index}"


@compiles(InOrder, "sqlite")
def _in_order(join: InOrder, compiler: Any, **kw: Any) -> str:
    kw["asfrom"] = True
    left = compiler.process(join.left, **kw)
    if join.index:
        left += f" INDEXED BY {join.index}"
    return (
        f"{left} CROSS JOIN "
        f"{compiler.process(join.right, **kw)} ON "
        f"{compiler.process(join.onclause, **kw)}"
    )
