"""PostgreSQL: a search's kept statements (shapes.kept) sent through psycopg's cursor itself,
and those whose plan does not depend on the values planned once for each connection.

Sent through psycopg. A kept statement's SQL never changes, only the values bound to it, yet
SQLAlchemy works out each run again: its execution context, the parameters' processing, a
result object and a row object for each row, about 0.1 ms of CPU a statement beside
psycopg's own, for the five to eight statements of a search. At its first run a statement
goes through SQLAlchemy, which shows the SQL it sent and its parameters; from then on psycopg
is given the same SQL, the parameters SQLAlchemy fixed (its literals: a band's number, a
status) and the search's values. At 50,000 services the mix's searches cost 11.95 -> 11.11
ms of CPU on average (app and server; the middle search 11.51 -> 10.74), in turns request
by request (bench/results.md, stop 48).

A statement stays with SQLAlchemy when a value's type changed it on the way (a bind
processor: what SQLAlchemy sent is not what it was given) or a list of values is spread over
a placeholder each, and whenever anything listens to the engine's statements (the bench
capturing a search's statements, a test counting them), so that they see every one. SQLite
stays with SQLAlchemy: its driver gives dates back as text and booleans as integers, which
SQLAlchemy's result processing turns into what the search and its page compare; psycopg
gives them back typed.

Planned once. Every connection plans each statement for its values
(`plan_cache_mode=force_custom_plan`, accord/__init__.py): a search's words and its radius
change which index pays. A statement that starts from the search's matches (the temporary
table, which has no statistics) and looks everything else up by key is planned the same
whatever the values, so planning it each time is work for nothing (0.1-0.5 ms a statement).
Such a statement (`generic`, said by its Plan) is sent as a prepared statement after a
`SET LOCAL plan_cache_mode = force_generic_plan` for the rest of the search's transaction
(one statement more a search); any other kept statement sent after it goes unprepared, which
PostgreSQL always plans for its values (the page's few statements through SQLAlchemy after
it, lookups by key, are planned once if psycopg has prepared them). At 50,000 services the
mix cost 11.91 -> 11.44 ms a search on average (5,000: 8.46 -> 7.93), in turns request by
request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from psycopg.rows import namedtuple_row
from sqlalchemy import Connection


class Sent(NamedTuple):
    """What SQLAlchemy sent for a statement: the SQL ("" when psycopg cannot be given the
    search's values as they are) and the parameters of fixed value."""

    sql: str
    fixed: dict[str, Any]


class Kept(NamedTuple):
    statement: Any
    sent: Sent | None  # None before its first run
    generic: bool  # planned once for any values


# By statement id, beside the statement (an id is only ever reused once the statement is gone,
# and a kept statement is kept for the process's life).
_BY_ID: dict[int, Kept] = {}
_GENERIC = "SET LOCAL plan_cache_mode = force_generic_plan"


def keep(statement: Any, generic: bool = False) -> None:
    """Send `statement` (a kept one, on PostgreSQL) through psycopg from its second run on;
    `generic`: with a plan made once for any values."""
    found = _BY_ID.get(id(statement))
    if found is None or found.statement is not statement:
        _BY_ID[id(statement)] = Kept(statement, None, generic)


def forget() -> None:
    _BY_ID.clear()


def sent(statement: Any) -> Sent | None:
    """What SQLAlchemy sent for a kept statement at its first run (None: not yet, or not kept)."""
    found = _BY_ID.get(id(statement))
    return found.sent if found is not None and found.statement is statement else None


def execute(connection: Connection, statement: Any, values: dict[str, Any], options: dict) -> Any:
    """Run the statement: through psycopg when kept and already sent once, else SQLAlchemy."""
    found = _BY_ID.get(id(statement))
    if found is None or found.statement is not statement or _listened(connection):
        return connection.execute(statement, values, execution_options=options or None)
    if found.sent is None:
        result = connection.execute(statement, values, execution_options=options or None)
        _BY_ID[id(statement)] = found._replace(sent=_sent(result.context, values))
        return result
    if not found.sent.sql:
        return connection.execute(statement, values, execution_options=options or None)
    raw: Any = connection.connection.driver_connection
    # The transaction that plans kept statements once, if any: SET LOCAL lasts until it ends.
    transaction = connection.get_transaction()
    generic_now = getattr(raw, "accord_generic_in", None) is transaction
    prepare = None  # psycopg's own choice: prepared from a statement's fifth run on
    if found.generic:
        if not generic_now:
            raw.execute(_GENERIC)
            raw.accord_generic_in = transaction
        prepare = True
    elif generic_now:
        prepare = False  # unprepared: planned for its values
    cursor = raw.cursor(row_factory=namedtuple_row)
    cursor.execute(found.sent.sql, {**found.sent.fixed, **values}, prepare=prepare)
    return Rows(cursor)


def _listened(connection: Connection) -> bool:
    """Whether anything listens to the statements sent now (a listener once added and then
    removed leaves SQLAlchemy's own flag set: the listeners themselves are asked)."""
    heard = connection.dispatch
    return bool(
        heard.before_cursor_execute
        or heard.after_cursor_execute
        or heard.before_execute
        or heard.after_execute
    )


def _sent(context: Any, values: dict[str, Any]) -> Sent:
    given = context.parameters[0]
    if not all(_same(given[name], value) for name, value in values.items() if name in given):
        return Sent("", {})
    # A list of values spread over a placeholder each (an expanding IN): SQL of its length.
    if any(bind.expanding and bind.key in values for bind in context.compiled.binds.values()):
        return Sent("", {})
    return Sent(context.statement, {k: v for k, v in given.items() if k not in values})


def _same(sent: Any, value: Any) -> bool:
    """Whether SQLAlchemy sent the value as it was given (a list may be sent as a copy)."""
    if sent is value:
        return True
    if type(sent) is not type(value) or sent != value:
        return False
    items = zip(sent, value, strict=True) if isinstance(value, list) else ()
    return all(type(a) is type(b) for a, b in items)


class Rows:
    """A statement's rows as the search reads them from SQLAlchemy's results: iterated (each
    row's columns by name), scalar(), scalars(), partitions(), rowcount."""

    def __init__(self, cursor: Any) -> None:
        self.cursor = cursor
        self.rowcount: int = cursor.rowcount

    def __iter__(self) -> Iterator[Any]:
        return iter(self._all())

    def _all(self) -> list:
        rows = self.cursor.fetchall() if self.cursor.description else []
        self.cursor.close()
        return rows

    def scalar(self) -> Any:
        rows = self._all()
        return rows[0][0] if rows else None

    def scalars(self) -> list:
        return [row[0] for row in self._all()]

    def partitions(self, size: int) -> Iterator[list]:
        while rows := self.cursor.fetchmany(size):
            yield rows
        self.cursor.close()
