"""PostgreSQL: a search's kept statements (shapes.kept) sent through psycopg's cursor itself.

A kept statement's SQL never changes, only the values bound to it, yet SQLAlchemy works out
each run again: its execution context, the parameters' processing, a result object and a
row object for each row, about 0.1 ms of CPU a statement beside psycopg's own, for the five
to eight statements of a search. At its first run a statement goes through SQLAlchemy, which
shows the SQL it sent and its parameters; from then on psycopg is given the same SQL, the
parameters SQLAlchemy fixed (its literals: a band's number, a status) and the search's values.
At 50,000 services the mix's searches cost 11.95 -> 11.11 ms of CPU on average (app and
server; the middle search 11.51 -> 10.74), in turns request by request (bench/results.md,
stop 48).

A statement stays with SQLAlchemy when a value's type changed it on the way (a bind
processor: what SQLAlchemy sent is not what it was given), and whenever anything listens to
the engine's statements (the bench capturing a search's statements, a test counting them),
so that they see every one. SQLite stays with SQLAlchemy: its driver gives dates back as text
and booleans as integers, which SQLAlchemy's result processing turns into what the search and
its page compare; psycopg gives them back typed."""

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


# By statement id, beside the statement (an id is only ever reused once the statement is gone,
# and a kept statement is kept for the process's life): None before its first run.
_SENT: dict[int, tuple[Any, Sent | None]] = {}


def keep(statement: Any) -> None:
    """Send `statement` (a kept one, on PostgreSQL) through psycopg from its second run on."""
    entry = _SENT.get(id(statement))
    if entry is None or entry[0] is not statement:
        _SENT[id(statement)] = (statement, None)


def forget() -> None:
    _SENT.clear()


def execute(connection: Connection, statement: Any, values: dict[str, Any], options: dict) -> Any:
    """Run the statement: through psycopg when kept and already sent once, else SQLAlchemy."""
    entry = _SENT.get(id(statement))
    if entry is None or entry[0] is not statement or _listened(connection):
        return connection.execute(statement, values, execution_options=options or None)
    sent = entry[1]
    if sent is None:
        result = connection.execute(statement, values, execution_options=options or None)
        _SENT[id(statement)] = (statement, _sent(result.context, values))
        return result
    if not sent.sql:
        return connection.execute(statement, values, execution_options=options or None)
    raw: Any = connection.connection.driver_connection
    cursor = raw.cursor(row_factory=namedtuple_row)
    cursor.execute(sent.sql, {**sent.fixed, **values})
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
    return not isinstance(value, list) or all(
        type(a) is type(b) for a, b in zip(sent, value, strict=True)
    )


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
