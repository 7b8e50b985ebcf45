"""A page read a ring at a time (search._nearest_page) and its total: counted beside the last
ring's page when that ring is the whole radius or alone holds more than the cap, and counted
within the radius otherwise; the same totals and pages as the whole radius read at once."""

from __future__ import annotations

import pytest

from directory.search import candidates, matches, search
from directory.search.query import Query
from tests.directory.data import service


@pytest.fixture
def counted(app, monkeypatch) -> list[float]:
    """Rings read a page at a time (the matches never few), and the radius each count of the
    whole radius was asked for (count_local)."""
    monkeypatch.setattr(matches, "FEW", {"sqlite": -1, "postgresql": -1})
    asked: list[float] = []
    count = candidates.count_local

    def count_local(query, words, origin, outcode, miles):
        asked.append(miles)
        return count(query, words, origin, outcode, miles)

    monkeypatch.setattr(candidates, "count_local", count_local)
    return asked


def clubs(where: dict[str, int]) -> None:
    for key, n in where.items():
        for i in range(n):
            service(f"{key.title()} lunch club {i}", "food", key, description="Lunch.")


def test_a_first_mile_holding_more_than_the_cap_says_so_without_counting_further(
    counted, monkeypatch
):
    """Six clubs within the first mile, two more beyond it, and a cap of three: the first
    ring's rows, counted beside its page, are more than the cap, so the total is "more than
    three" and the five miles are not counted."""
    monkeypatch.setattr(candidates, "CAP", 3)
    monkeypatch.setattr(search, "CAP", 3)
    clubs({"shrewsbury": 3, "frankwell": 3, "bayston": 2})
    query = Query(words="lunch club", place="SY1 1AA", radius=5)
    whole = search.run(query)  # the whole radius at once, no page: its first four
    first = search.run(query, per_page=2)
    assert first.total == 4 and first.more and whole.total == 4
    assert [hit.service.name for hit in first.hits] == [h.service.name for h in whole.hits][:2]
    assert counted == []


def test_a_ring_within_the_cap_is_counted_over_the_whole_radius(counted):
    """Two clubs within the first mile and four beyond it: the first ring holds the page but
    not the total, which is counted within the five miles."""
    clubs({"frankwell": 2, "meole": 2, "bayston": 2})
    query = Query(words="lunch club", place="SY1 1AA", radius=5)
    first = search.run(query, per_page=2)
    assert first.total == 6 and not first.more
    assert counted == [5]
    assert [hit.service.name for hit in first.hits] == [
        hit.service.name for hit in search.run(query).hits
    ][:2]


def test_a_ring_that_is_the_whole_radius_counts_its_rows_beside_its_page(counted):
    """Within a mile, the first ring is the whole radius: its rows, counted beside its page,
    are the total."""
    clubs({"shrewsbury": 2, "frankwell": 3, "meole": 2})
    for words, place in (("lunch club", "SY1 1AA"), ("", "SY1 1AA")):
        query = Query(words=words, place=place, radius=1)
        first = search.run(query, per_page=2)
        assert first.total == 5, words
        assert [hit.service.name for hit in first.hits] == [
            hit.service.name for hit in search.run(query).hits
        ][:2]
    assert counted == []
