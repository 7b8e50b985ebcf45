"""A search answers the same whichever way it reads the index: from its few matches
(matches.FEW) or from the buildings near the place, in rings or over the whole radius, its
total counted from the matches (candidates.READS) or from the buildings; pages and totals
alike, on the demo county's judged searches."""

from __future__ import annotations

import pytest

from accord.extensions import db
from directory.search import candidates, matches, search, shapes, words
from directory.search.search import Query
from tests.directory.search.judged import SET


def answers(query: Query) -> list[tuple]:
    """Every page of 5 until the total, and the whole list at once: ids and totals."""
    whole = search.run(query, per_page=None)
    found = [(whole.total, [h.service.id for h in whole.hits])]
    for page in range(1, 4):
        results = search.run(query, page=page, per_page=5)
        found.append((page, results.total, [h.service.id for h in results.hits]))
        found.append(("online", results.online_total, [h.service.id for h in results.online]))
    return found


def test_reading_the_matches_first_or_the_buildings_gives_the_same_pages(demo, monkeypatch):
    queries = [Query(words=j.words, place=j.place, radius=j.radius) for j in SET]
    queries += [
        Query(words="zzzqqq", place="SY1 1UJ", radius=5),  # nothing matches
        Query(words="support", place="TF1 1HF", radius=1),
        Query(words="food", place="Ludlow", radius=20, free=True),
    ]
    first = [answers(query) for query in queries]
    assert sum(bool(pages[0][1]) for pages in first) >= 25  # the searches find things
    # Every search reads the buildings first, and counts its total from the matches...
    monkeypatch.setattr(matches, "FEW", {"sqlite": -1, "postgresql": -1})
    assert [answers(query) for query in queries] == first
    # ...or from the buildings near the place.
    monkeypatch.setattr(candidates, "READS", {"sqlite": -1, "postgresql": -1})
    assert [answers(query) for query in queries] == first


def test_totals_past_the_cap_are_held_to_it_whichever_way_a_page_is_read(
    demo, monkeypatch, request
):
    """Every total stops at CAP + 1, whether the page and its total come from one query over
    few matches, from rings and a count, or from the whole radius holding fewer than the
    page's end (which once gave the rows read, up to the page's end). With a cap of 3 the demo
    county has totals over it and under it; both ways give the same answers."""
    monkeypatch.setattr(candidates, "CAP", 3)
    # The cap is written into the statements kept (shapes.py): built afresh with it, and
    # again after.
    shapes.forget()
    request.addfinalizer(shapes.forget)
    queries = [Query(words=j.words, place=j.place, radius=j.radius) for j in SET]
    first = [answers(query) for query in queries]
    totals = {pages[0][0] for pages in first}
    assert 4 in totals and min(totals) < 4  # over the cap, and under it
    monkeypatch.setattr(matches, "FEW", {"sqlite": -1, "postgresql": -1})
    assert [answers(query) for query in queries] == first


def test_matches_that_say_their_cell_are_read_in_rings_past_sited_few(demo, monkeypatch):
    """On PostgreSQL matches read round the place say their cell (Words.sited), and past
    SITED_FEW of them a page is read in rings that look up the ring's cells alone, its total
    counted to the cap: the same pages, totals and online sections as one statement over
    them all (SQLite's matches say no cell, and read alike both times)."""
    queries = [Query(words=j.words, place=j.place, radius=j.radius) for j in SET]
    first = [answers(query) for query in queries]
    ringed: list[bool] = []
    find = matches.Words._find

    def spied(self: matches.Words) -> None:
        find(self)
        ringed.append(self.sited and not self.few)

    monkeypatch.setattr(matches.Words, "_find", spied)
    monkeypatch.setattr(matches, "SITED_FEW", 0)
    assert [answers(query) for query in queries] == first
    assert any(ringed) == (db.engine.dialect.name == "postgresql")


def test_reading_the_words_round_the_place_or_the_countys_gives_the_same_pages(demo, monkeypatch):
    """PostgreSQL reads a search's words from its place-ordered index within NEAR_MILES
    (migration 0044), from the county's index beyond: the same pages, totals and online
    sections either way, at every radius (the widest reading the place-ordered index too)."""
    queries = [Query(words=j.words, place=j.place, radius=j.radius) for j in SET]
    queries += [
        Query(words="zzzqqq", place="SY1 1UJ", radius=5),
        Query(words="lunch", place="SY8 1AZ", radius=1),
        Query(words="carers", place="Ludlow", radius=3),
    ]
    monkeypatch.setattr(matches, "NEAR_MILES", 0.0)
    county = [answers(query) for query in queries]
    monkeypatch.setattr(matches, "NEAR_MILES", 100.0)
    assert [answers(query) for query in queries] == county


def test_reading_the_words_round_the_place_by_word_or_by_row_gives_the_same_pages(
    demo, monkeypatch
):
    """PostgreSQL reads one word round a place from `search_term` (migration 0048: each word
    of the place-ordered index in order of word then place) when it is the index's terms,
    else from `search_site`'s full-text index: the same pages, totals and online sections
    either way, open now or not, at every radius (on SQLite, where `search_term` is not, both
    runs read alike)."""
    queries = [Query(words=j.words, place=j.place, radius=j.radius) for j in SET]
    queries += [
        Query(words="zzzqqq", place="SY1 1UJ", radius=5),
        Query(words="lunch", place="SY8 1AZ", radius=20, when="now"),
        Query(words="carers", place="Ludlow", radius=3, when="saturday"),
        Query(words="food", place="TF1 1HF", radius=10, free=True),
        Query(words="counsel", place="SY1 1UJ", radius=5),  # a prefix of several terms
    ]
    spied: list[bool] = []
    listed = matches.listed_terms

    def counted(typed: list[str]) -> dict | None:
        found = listed(typed)
        spied.append(found is not None)
        return found

    monkeypatch.setattr(matches, "listed_terms", counted)
    by_word = [answers(query) for query in queries]
    if db.engine.dialect.name == "postgresql":
        assert sum(spied) >= 10, spied  # the searches of one word
    monkeypatch.setattr(matches, "listed_terms", lambda typed: None)
    assert [answers(query) for query in queries] == by_word


@pytest.mark.parametrize("first", [1.0, 5.0])
def test_reading_the_words_round_the_place_first_gives_the_same_pages(demo, monkeypatch, first):
    """PostgreSQL reads a search's matches within fewer miles of the place first when its
    words match MANY services (within NEAR_MILES, or the first band's mile for a radius up
    to NEAR_MILES), the rest when a ring or the total needs them (Words.widen): the same
    pages, totals and online sections as reading the whole radius's at once, whether the
    first miles hold the page and the cap's worth or not."""
    queries = [Query(words=j.words, place=j.place, radius=j.radius) for j in SET]
    queries += [
        Query(words="support", place="SY1 1UJ", radius=20),
        Query(words="food", place="Ludlow", radius=10, free=True),
        Query(words="carers", place="TF1 1HF", radius=20),
        Query(words="zzzqqq", place="SY1 1UJ", radius=10),
    ]
    whole = [answers(query) for query in queries]
    monkeypatch.setattr(matches, "NEAR_MILES", first)
    monkeypatch.setattr(matches, "MANY", 0)  # every search with words, round the place first
    monkeypatch.setattr(matches, "SETTLES", 0)  # and goes on with them, however few
    reads = []
    find = matches.Words._find

    def spied(self):
        find(self)
        reads.append(self.partial)
        if self.partial:
            firsts.add(self.miles)

    firsts: set[float] = set()
    monkeypatch.setattr(matches.Words, "_find", spied)
    assert [answers(query) for query in queries] == whole
    if db.engine.dialect.name == "postgresql":
        # Matches round the place alone were read, and then the whole radius's for some.
        assert True in reads and False in reads
        # Within the first band's mile for a radius up to NEAR_MILES, else within NEAR_MILES.
        assert firsts == ({1.0} if first == 1.0 else {1.0, 5.0})


def test_rings_read_the_matches_round_the_place_by_key_or_the_buildings_alike(demo, monkeypatch):
    """A ring reads the matches read round the place by key (Words.by_key, up to
    matches.NEAR_BY_KEY of them), or every building within it from the spatial index: the
    same pages, totals and online sections either way."""
    queries = [Query(words=j.words, place=j.place, radius=j.radius) for j in SET]
    queries += [
        Query(words="support", place="SY1 1UJ", radius=5),
        Query(words="carers", place="TF1 1HF", radius=3),
        Query(words="food", place="Ludlow", radius=10, free=True),
    ]
    monkeypatch.setattr(matches, "FEW", {"sqlite": -1, "postgresql": -1})  # rings, always
    monkeypatch.setattr(matches, "RUN_COST", {1: 0, 2: 0})  # SQLite reads round the place
    monkeypatch.setattr(matches, "NEAR_BY_KEY", -1)
    buildings = [answers(query) for query in queries]
    monkeypatch.setattr(matches, "NEAR_BY_KEY", 10**6)
    keyed: list[bool] = []
    by_key = matches.Words.by_key

    def spied(self) -> bool:
        keyed.append(by_key.fget(self))
        return keyed[-1]

    monkeypatch.setattr(matches.Words, "by_key", property(spied))
    assert [answers(query) for query in queries] == buildings
    assert True in keyed  # some were read by key


def test_naming_the_terms_a_word_begins_or_reading_it_as_a_prefix_gives_the_same_pages(
    demo, monkeypatch
):
    """PostgreSQL searches a word as the index's terms it begins when they are few
    (words.NAMED), else as a prefix: the same pages, totals and online sections either way."""
    queries = [Query(words=j.words, place=j.place, radius=j.radius) for j in SET]
    queries += [
        Query(words="walk", place="SY1 1UJ", radius=20),
        Query(words="lunch club older people", place="Oswestry", radius=20),
        Query(words="counsel", place="TF1 1HF", radius=10),
    ]
    named = [answers(query) for query in queries]
    monkeypatch.setattr(words, "NAMED", 0)
    assert [answers(query) for query in queries] == named


def test_a_word_no_service_has_finds_nothing_anywhere(demo):
    results = search.run(Query(words="zzzqqq"), per_page=20)
    assert (results.total, results.hits) == (0, [])


def test_a_page_of_results_costs_the_same_statements_whatever_it_shows(demo, client):
    """No statement per result: what a result shows is read with the page (search._hits), so
    twenty results cost what two do."""
    from sqlalchemy import event

    from accord.extensions import db

    sent: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        sent.append(statement)

    def statements(path: str) -> tuple[int, int]:
        """(statements sent, results shown) for a page."""
        sent.clear()
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            page = client.get(path)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        assert page.status_code == 200
        return len(sent), page.text.count('class="app-result"')

    client.get("/directory?where=SY1+1UJ&radius=20")  # the vocabulary and taxonomy, once
    many, shown = statements("/directory?where=SY1+1UJ&radius=20")
    few, fewer = statements("/directory?q=walking&where=Ludlow&radius=10")
    assert shown >= 20 and 0 < fewer < 20, (shown, fewer)
    # A search with words fills its matches first (two or three more statements); none per
    # result either way.
    assert many <= few


def test_statements_kept_for_a_shape_answer_each_search_with_its_own_values(demo):
    """Searches of one shape one after another (kept statements, new values each time) answer
    as statements built afresh for each search do (shapes.py)."""
    from directory.search import shapes

    queries = [Query(words=j.words, place=j.place, radius=j.radius) for j in SET]
    queries += [
        Query(need="food", place="SY1 1UJ", radius=10),
        Query(need="food", place="TF1 1HF", radius=3),
        Query(words="support", need="carers", place="SY8 1AA", radius=20),
        Query(words="support", need="loneliness", place="TF3 4NB", radius=5),
        Query(place="SY1 1UJ", radius=1, age=70),
        Query(place="TF1 1HF", radius=5, age=12),
        Query(place="SY11 1PW", radius=10, route="drop_in"),
        Query(place="Ludlow", radius=10, route="self_referral", free=True),
        Query(words="food", place="Oswestry", radius=20, accepting=True),
        Query(words="food", radius=20),
        Query(need="carers"),
        Query(words="advice", place="SY1 1UJ", radius=5, when="TU"),
        Query(words="advice", place="TF1 1HF", radius=5, when="SA"),
    ]
    kept = [answers(query) for query in queries]
    if db.engine.dialect.name == "sqlite":
        # SQLite's fill statements too, one for each step and number of runs read.
        assert any(key[1] == "fts" for key in shapes._KEPT)  # after the dialect's name
    fresh = []
    for query in queries:
        shapes.forget()
        fresh.append(answers(query))
    assert kept == fresh
    assert sum(bool(pages[0][1]) for pages in kept) >= 30  # the searches find things
