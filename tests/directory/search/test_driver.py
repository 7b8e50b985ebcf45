"""PostgreSQL sends a search's kept statements through psycopg itself once SQLAlchemy has sent
each one (directory/search/driver.py): the same pages, totals and online sections as through
SQLAlchemy, every statement still seen by whatever listens to the engine, and a statement
whose values SQLAlchemy changes on the way left with it."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import String, TypeDecorator, bindparam, event, func, literal, select, text

from accord.extensions import db
from directory.search import driver, search, shapes
from directory.search.search import Query
from tests.directory.search.judged import SET
from tests.directory.search.test_plans import answers

pytestmark = pytest.mark.engine("postgresql")  # psycopg's cursor is PostgreSQL's


def _queries() -> list[Query]:
    """The judged searches, and the filters that read rows in chunks (Python's filters), a
    need alone, no place, nothing found, and a page past the first."""
    found = [Query(words=j.words, place=j.place, radius=j.radius) for j in SET]
    return found + [
        Query(words="food", place="SY1 1UJ", radius=5, when="now"),
        Query(words="lunch", place="Ludlow", radius=10, when="saturday"),
        Query(place="SY1 1UJ", radius=3, access=("step-free",)),
        Query(need="food", place="Oswestry", radius=10, free=True),
        Query(words="carers"),
        Query(words="zzzqqq", place="SY1 1UJ", radius=5),
    ]


def _plans() -> dict[str, tuple[int, int]]:
    """This connection's prepared statements: how many times each was planned once for any
    values, and for its values."""
    found = db.session.execute(
        text("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements")
    )
    return {row.statement: (row.generic_plans, row.custom_plans) for row in found}


def _heard(statements: list[str]):
    def listen(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    return listen


def test_searches_through_psycopg_answer_as_through_sqlalchemy(demo, request):
    request.addfinalizer(shapes.forget)
    shapes.forget()
    queries = _queries()
    through_sqlalchemy: list[str] = []
    listen = _heard(through_sqlalchemy)
    # Heard, every statement goes through SQLAlchemy.
    event.listen(db.engine, "before_cursor_execute", listen)
    expected = [answers(query) for query in queries]
    event.remove(db.engine, "before_cursor_execute", listen)
    assert sum(bool(pages[0][1]) for pages in expected) >= 25  # the searches find things
    assert any("INSERT INTO search_match" in s for s in through_sqlalchemy)
    assert not any(s.startswith("SET LOCAL") for s in through_sqlalchemy)
    # Unheard, the kept statements go through psycopg from their second run on (answers()
    # runs each search several times).
    assert [answers(query) for query in queries] == expected
    # Sent by SQLAlchemy once (those run once are never sent otherwise), none of their
    # values changed on the way: psycopg sent the rest.
    sent = [kept.sent for kept in driver._BY_ID.values() if kept.sent is not None]
    assert len(sent) >= 10 and all(s.sql for s in sent)
    # Searched each in a transaction of its own, as a request is: those that start from the
    # matches were planned once on this connection, the matches' fills for each search.
    before = _plans()
    for query in queries:
        search.run(query, per_page=search.PER_PAGE)
        db.session.commit()
    after = _plans()
    once = [sql for sql, (generic, _) in after.items() if generic > before.get(sql, (0, 0))[0]]
    assert sum("FROM search_match" in sql for sql in once) >= 3
    fills = [sql for sql in after if sql.lstrip().startswith("WITH emptied")]
    assert fills and not any(sql in once for sql in fills)
    assert any(after[sql][1] > before.get(sql, (0, 0))[1] for sql in fills)
    # Each kind of statement a search sends was among them: a fill of the matches, a page,
    # a count, the page's services.
    texts = " ".join(s.sql for s in sent)
    for part in ("INSERT INTO search_match", "LIMIT", "count(*)", "search_shown"):
        assert part in texts
    # Heard again, a search's statements are all seen.
    heard: list[str] = []
    listen = _heard(heard)
    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        search.run(queries[0], per_page=search.PER_PAGE)
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    assert any("INSERT INTO search_match" in s for s in heard)
    assert any("search_shown" in s for s in heard)


class _Shouted(TypeDecorator):
    """A type that changes its value on the way to the database."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        return None if value is None else value.upper()


def test_a_statement_whose_values_sqlalchemy_changes_stays_with_sqlalchemy(app, request):
    request.addfinalizer(shapes.forget)
    changed = shapes.kept(("test", "shouted"), lambda: select(bindparam("word", type_=_Shouted)))
    plain = shapes.kept(("test", "plain"), lambda: select(bindparam("word", type_=String)))
    for word in ("food", "bank", "club"):
        assert shapes.execute(changed, {"word": word}).scalar() == word.upper()
        assert shapes.execute(plain, {"word": word}).scalar() == word
    assert driver.sent(changed) == driver.Sent("", {})
    sent = driver.sent(plain)
    assert sent is not None and sent.sql and sent.fixed == {}
    # A list spread over a placeholder each (an expanding IN) is SQL of its length.
    spread = shapes.kept(
        ("test", "spread"),
        lambda: select(func.count()).where(literal(2).in_(bindparam("ids", expanding=True))),
    )
    for ids, found in (([1, 2], 1), ([3], 0), ([5, 6, 2], 1), ([4, 5, 6, 7], 0)):
        assert shapes.execute(spread, {"ids": ids}).scalar() == found
    assert driver.sent(spread) == driver.Sent("", {})
    # Rows read through psycopg as through SQLAlchemy: scalars, and partitions.
    assert shapes.execute(plain, {"word": "x"}).scalars() == ["x"]
    assert [list(rows) for rows in shapes.execute(plain, {"word": "y"}).partitions(5)] == [[("y",)]]
