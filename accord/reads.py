"""A request that only read ends its transaction with COMMIT, not ROLLBACK.

A GET or HEAD whose session changed nothing through the ORM (nothing pending, nothing
flushed) commits when the request ends, where the session would otherwise roll back. The
two cost the same for a transaction that wrote nothing, but on PostgreSQL a ROLLBACK undoes
two things worth keeping:
- psycopg forgets every statement it has prepared on the connection at each ROLLBACK
  (statements run five times are prepared, so the server no longer parses them);
- the directory search's table of matches (directory/search/matches.py) is kept on each
  connection and emptied by a commit (ON COMMIT DELETE ROWS). Rows a rolled-back search
  wrote stay in it, dead, until a commit: autovacuum never visits temporary tables.

A POST, PUT or DELETE, a request that failed, and one whose session wrote through the ORM end
as before: their views commit what they mean to, and the rest is rolled back.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from flask_sqlalchemy.session import Session
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError

from accord.extensions import db

SAFE = frozenset({"GET", "HEAD"})
_WROTE = "accord.reads.wrote"  # in session.info: a flush in the current transaction


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, context: Any) -> None:
    session.info[_WROTE] = True


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: Any) -> None:
    if transaction.parent is None:  # the session's own transaction, not a savepoint
        session.info.pop(_WROTE, None)


def _clean(session: Session) -> bool:
    """Whether the session's transaction has changed nothing through the ORM."""
    return not (session.info.get(_WROTE) or session.new or session.dirty or session.deleted)


def _finish(error: BaseException | None) -> None:
    if error is not None or request.method not in SAFE:
        return
    session = db.session()
    if not session.in_transaction() or not _clean(session):
        return
    try:
        session.commit()
    except SQLAlchemyError:
        # A broken connection: nothing was written, and the session is discarded next.
        session.rollback()


def init_app(app: Flask) -> None:
    app.teardown_request(_finish)
