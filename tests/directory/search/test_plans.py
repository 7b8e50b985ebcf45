"""A search answers the same whichever way it reads the index: from its few matches
(candidates.FEW, SQLite) or from the buildings near the place, in rings or over the whole
radius; pages and totals alike, on the demo county's judged searches."""

from __future__ import annotations

import pytest

from directory.search import candidates, search
from directory.search.search import Query
from tests.directory.search.judged import SET


@pytest.fixture
def demo(app):
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output


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
    monkeypatch.setattr(candidates, "FEW", -1)  # every search reads the buildings first
    assert [answers(query) for query in queries] == first


def test_a_word_no_service_has_finds_nothing_anywhere(demo):
    results = search.run(Query(words="zzzqqq"), per_page=20)
    assert (results.total, results.hits) == (0, [])
