"""SQLite's relevance rule as an FTS5 function (directory/search/ranker.c): built and loaded by
`make install`, the rule it tells row by row, and searches that find the same services in the
same order whether the words' lists are read once with it or once for each part of the rule."""

from __future__ import annotations

import sqlite3
from unittest import mock

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from accord import create_app
from accord.extensions import db
from directory.search import fulltext, ranker, search
from directory.search.query import Query
from tests.conftest import MIGRATIONS, app_config
from tests.directory import data


def test_the_function_is_built_and_in_every_new_connection():
    assert ranker.ready()
    assert ranker.works()  # a connection opened now has it too


def _rated(title: str, document: str, match: str, words: str) -> int | None:
    """The function's answer for one row, as fulltext reads it (NEAR and PHRASE)."""
    assert ranker.ready()
    connection = sqlite3.connect(":memory:")
    connection.execute(
        "CREATE VIRTUAL TABLE t USING fts5(title, document, "
        "tokenize='porter unicode61 remove_diacritics 2')"
    )
    connection.execute("INSERT INTO t VALUES (?, ?)", (title, document))
    found = connection.execute(
        f"SELECT {ranker.NAME}(t, ?, ?, ?) FROM t(?)",  # noqa: S608 - the module's name
        (words, fulltext.NEAR, fulltext.PHRASE, match),
    ).fetchone()
    connection.close()
    return None if found is None else found[0]


def _gap(between: int) -> str:
    return "food " + "word " * between + "bank"


@pytest.mark.parametrize(
    ("title", "document", "relevance"),
    [
        ("Shrewsbury Food Bank", "Parcels every week.", 3),  # both in the title, together
        ("Food and Company Bank", "", 2),  # both in the title, apart
        ("Pantry", "A food bank for the town.", 1),  # together in the text
        ("Pantry", "Bank your spare food here.", 0),  # near each other, no phrase
        ("Pantry", _gap(1), 1),  # one word between still makes a phrase
        ("Pantry", _gap(2), 0),
        ("Pantry", _gap(fulltext.NEAR), 0),  # as far apart as "near" goes
        ("Pantry", _gap(fulltext.NEAR + 1), -1),  # further: no match at all
        ("Food Pantry", "Closed on bank holidays.", -1),  # one in the title, one in the text
        ("Pantry", "Hot food. " + "Filler words here " * 3 + "Closed bank holidays.", -1),
    ],
)
def test_two_words_by_the_rule(title, document, relevance):
    assert _rated(title, document, '"food" AND "bank"', "01") == relevance


def test_one_word_is_three_in_the_title_and_one_elsewhere():
    assert _rated("Walking group", "Gentle walks.", '"walk" OR "walker"', "00") == 3
    assert _rated("Ramblers", "A walker's club.", '"walk" OR "walker"', "00") == 1


def test_three_words_each_two_near_and_the_phrase_word_by_word():
    match = '"lunch" AND "club" AND "older"'
    assert _rated("Hall", "Lunch club for older people.", match, "012") == 1
    # Each two near, but "club" and "older" not neighbours in it.
    assert _rated("Hall", "Older people: a club with lunch.", match, "012") == 0
    # "lunch" and "older" too far apart.
    far = "Lunch club. " + "More words in between here. " * 2 + "Older people."
    assert _rated("Hall", far, match, "012") == -1


def test_a_word_of_several_terms_counts_any_of_them():
    match = '("walk" OR "walker") AND "group"'
    assert _rated("Hall", "A walkers group.", match, "001") == 1
    assert _rated("Walker Group", "", match, "001") == 3


# Services whose words stand every way the rule reads them.
SERVICES = [
    ("Shrewsbury Food Bank", "food", "shrewsbury", "Food parcels every week."),
    ("Frankwell Larder", "food", "frankwell", "Hot food. Closed on bank holidays, open daily."),
    ("Meole Pantry", "food", "meole", "A food and bank account advice drop-in."),
    ("Castle Walkers", "loneliness", "shrewsbury", "A walking group for older people."),
    ("Abbey Group", "loneliness", "frankwell", "Walk with us: a group for carers."),
    ("Quarry Carers", "carers", "shrewsbury", "Support for carers, a lunch club monthly."),
    ("Lunch Club", "older-people", "meole", "Club lunch for older people on Tuesdays."),
    ("Talking Space", "mental-health", "frankwell", "Free counselling, and a club for walkers."),
]
SEARCHES = [
    "food bank",
    "bank food",
    "food",
    "walking group",
    "group walking",
    "carers support",
    "lunch club older people",
    "counsel",
    "club",
]


def test_searches_find_the_same_with_and_without_the_function(tmp_path):
    # A SQLite database of its own, whichever engine the other tests run on.
    with create_app(app_config(f"sqlite:///{tmp_path / 'ranked.db'}")).app_context():
        upgrade(directory=MIGRATIONS)
        for name, need, where, description in SERVICES:
            data.service(name, need, where, description=description)
        db.session.commit()
        for words in SEARCHES:
            found = {}
            for rated in (False, True):
                with mock.patch.object(ranker, "ready", lambda rated=rated: rated):
                    results = search.run(Query(words=words, place="SY1 1AA", radius=10))
                    matched = db.session.execute(
                        text("SELECT sid, relevance FROM search_match ORDER BY sid")
                    ).all()
                    db.session.rollback()
                found[rated] = ([hit.service.name for hit in results.hits], results.total, matched)
            assert found[True] == found[False], words
            assert found[True][2], words  # each search matches something
        # A phrase ranks first: "food bank" in a title, then in a text, before words apart.
        ranked = search.run(Query(words="food bank", place="SY1 1AA", radius=10)).hits
        assert [hit.service.name for hit in ranked][:1] == ["Shrewsbury Food Bank"]
        db.engine.dispose()


def test_without_the_library_searches_read_a_part_at_a_time(app, monkeypatch, tmp_path, caplog):
    monkeypatch.setattr(ranker, "LIBRARY", tmp_path / "missing.so")
    assert ranker.ready.__wrapped__() is False
    assert "is not built" in caplog.text
    steps = fulltext.fts_relevance_steps(["food", "bank"], rated=False).steps
    assert [statement.split()[0] for statement, _ in steps] == ["INSERT", "INSERT", "UPDATE"]
    assert len(fulltext.fts_relevance_steps(["food", "bank"], rated=True).steps) == 1
