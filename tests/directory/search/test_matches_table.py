"""The search's table of matches (directory/search/matches.py) is the connection's own, kept
from one search to the next. On PostgreSQL it is empty between them: a search's GET ends in a
commit (accord/reads.py), which empties it (ON COMMIT DELETE ROWS). SQLite's keeps the last
search's rows until the next search's DELETE."""

from __future__ import annotations

from sqlalchemy import text

from accord.extensions import db
from directory.search import search
from directory.search.query import Query
from tests.directory.data import service


def _table() -> tuple[int, object]:
    """(the rows in the table, which table it is) on the connection the pool hands out."""
    postgres = db.engine.dialect.name == "postgresql"
    which = (
        "SELECT 'search_match'::regclass::oid"
        if postgres
        else ("SELECT rootpage FROM sqlite_temp_master WHERE name = 'search_match'")
    )
    found = db.session.execute(text(which)).scalar_one()
    rows = db.session.execute(text("SELECT count(*) FROM search_match")).scalar_one()
    db.session.rollback()
    return rows, found


def test_the_table_is_kept_empty_between_searches(client):
    service("Shrewsbury Food Bank", "food", "shrewsbury", description="Food parcels.")
    service("Ludlow Food Bank", "food", "ludlow", description="Food parcels.")
    page = client.get("/directory?q=food&where=SY1+1AA&radius=50")
    assert page.status_code == 200 and "Ludlow Food Bank" in page.get_data(as_text=True)
    emptied = db.engine.dialect.name == "postgresql"
    rows, first = _table()
    assert rows == 0 if emptied else rows == 2
    assert client.get("/directory?q=food+bank&where=SY1+1AA&radius=5").status_code == 200
    rows, second = _table()
    assert second == first  # the same table, not one made again
    # SQLite's: the matches within 5 miles' runs of the place alone, not Ludlow's.
    assert rows == 0 if emptied else rows == 1


def test_a_second_search_in_one_transaction_reads_its_own_matches(app):
    # No commit between them: each search empties the table of the one before (on
    # PostgreSQL in its fill's own statement, matches.Words._fill).
    service("Shrewsbury Food Bank", "food", "shrewsbury", description="Food parcels.")
    service("Frankwell Lunch Club", "food", "frankwell", description="Hot lunches.")
    service("Meole Carers", "carers", "meole", description="Carers meet.")
    near = {"place": "SY1 1AA", "radius": 5}
    searches = [Query(words="parcels", **near), Query(words="lunches", **near)]
    searches.append(Query(need="carers", **near))
    found = [[hit.service.name for hit in search.run(q, per_page=20).hits] for q in searches]
    assert found == [["Shrewsbury Food Bank"], ["Frankwell Lunch Club"], ["Meole Carers"]]
