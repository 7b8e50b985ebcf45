"""Listings not checked for 15 months show "May be out of date" and drop below current ones
in search: within each distance band, on both engines, whichever way the page is read."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from accord.clock import today_uk
from directory import freshness
from directory.search import matches, search
from directory.search.search import Query
from tests.directory import data
from tests.directory.data import service


def names(results) -> list[str]:
    return [hit.service.name for hit in results.hits]


def months_ago(months: int, days: int = 0) -> date:
    return freshness.months_before(today_uk(), months) - timedelta(days=days)


STALE = months_ago(15, days=1)
CURRENT = today_uk()


def test_calendar_months_back_end_on_the_month_s_last_day_when_it_is_shorter():
    assert freshness.months_before(date(2026, 5, 31), 3) == date(2026, 2, 28)
    assert freshness.months_before(date(2024, 5, 31), 3) == date(2024, 2, 29)
    assert freshness.months_before(date(2026, 12, 4), 15) == date(2025, 9, 4)
    assert freshness.months_before(date(2026, 1, 15), 11) == date(2025, 2, 15)
    assert freshness.is_stale(None) and freshness.is_stale(STALE)
    assert not freshness.is_stale(months_ago(15)) and not freshness.is_stale(months_ago(13))


@pytest.fixture
def shrewsbury(app):
    """Round Castlefields (SY1 1AA): a stale listing nearest, current ones further off."""
    service("Castle Larder", "food", "shrewsbury", description="Lunch.", assured_at=STALE)
    service("Frankwell Larder", "food", "frankwell", description="Lunch.", assured_at=CURRENT)
    service("Meole Larder", "food", "meole", description="Lunch.", assured_at=CURRENT)
    service("Bayston Larder", "food", "bayston", description="Lunch.", assured_at=STALE)


# Castle (0 miles) and Frankwell (0.5) are in band 0; Meole (1.6) and Bayston (2.7) in band 1.
ORDER = ["Frankwell Larder", "Castle Larder", "Meole Larder", "Bayston Larder"]


@pytest.mark.parametrize("few", [True, False], ids=["from-matches", "from-buildings"])
@pytest.mark.parametrize("asked", [{"words": "lunch"}, {"need": "food"}], ids=["words", "need"])
def test_a_stale_nearer_listing_comes_after_a_current_one_in_its_band_not_the_next(
    shrewsbury, monkeypatch, few, asked
):
    if not few:
        monkeypatch.setattr(matches, "FEW", {"sqlite": -1, "postgresql": -1})
    query = Query(place="SY1 1AA", radius=5, **asked)
    whole = search.run(query)
    assert names(whole) == ORDER
    assert [round(hit.miles, 1) for hit in whole.hits] == [0.5, 0.0, 1.6, 2.7]
    # A page at a time: rings from the place outwards give the same order (a ring cutting
    # band 0 holds the stale Castle Larder alone, not the page's first).
    paged = [n for p in (1, 2, 3, 4) for n in names(search.run(query, page=p, per_page=1))]
    assert paged == ORDER


def test_checked_13_months_ago_is_current(app):
    service("Castle Larder", "food", "shrewsbury", description="Lunch.", assured_at=months_ago(13))
    service("Frankwell Larder", "food", "frankwell", description="Lunch.", assured_at=CURRENT)
    results = search.run(Query(need="food", place="SY1 1AA", radius=5))
    assert names(results) == ["Castle Larder", "Frankwell Larder"]


def test_a_stale_building_comes_after_a_current_area_wide_service_in_their_band(app, monkeypatch):
    # Hadnall, about 4.7 miles from Castlefields: band 2 (3 to 10 miles), with area-wide
    # services.
    hadnall = ("Hadnall Village Hall", "Hadnall", "SY4 4AA", 52.77600, -2.70700, [])
    monkeypatch.setitem(data.PLACES, "hadnall", hadnall)
    service("Ludlow Larder", "food", "ludlow", description="Lunch.", assured_at=CURRENT)
    service(
        "District Larder",
        "food",
        None,
        service_areas=["SY1"],
        description="Lunch.",
        assured_at=CURRENT,
    )
    service("Hadnall Larder", "food", "hadnall", description="Lunch.", assured_at=STALE)
    service("Bayston Larder", "food", "bayston", description="Lunch.", assured_at=STALE)
    service("Castle Larder", "food", "shrewsbury", description="Lunch.", assured_at=CURRENT)
    query = Query(need="food", place="SY1 1AA", radius=50)
    expected = [
        "Castle Larder",  # band 0
        "Bayston Larder",  # band 1 (2.7 miles): stale, still before band 2's current ones
        "District Larder",  # band 2, current (area-wide)
        "Hadnall Larder",  # band 2, stale
        "Ludlow Larder",  # band 3 (24 miles)
    ]
    assert names(search.run(query)) == expected
    paged = [n for p in range(1, 6) for n in names(search.run(query, page=p, per_page=1))]
    assert paged == expected


def test_without_a_place_and_online_current_listings_come_first(app):
    service("Apple Lunches", "food", "shrewsbury", description="Lunch.", assured_at=STALE)
    service("Banana Lunches", "food", "ludlow", description="Lunch.", assured_at=CURRENT)
    service("Apple Line", "food", None, online_only=True, description="Lunch.", assured_at=STALE)
    service("Banana Line", "food", None, online_only=True, description="Lunch.")
    service("Cherry Line", "food", None, online_only=True, description="Lunch.", assured_at=CURRENT)
    everywhere = names(search.run(Query(words="lunch")))
    assert everywhere.index("Banana Lunches") < everywhere.index("Apple Lunches")
    # Never checked (Banana Line) is as stale as checked long ago.
    assert everywhere.index("Cherry Line") < everywhere.index("Apple Line")
    online = search.run(Query(words="lunch", place="SY1 1AA", radius=5)).online
    assert [hit.service.name for hit in online] == ["Cherry Line", "Apple Line", "Banana Line"]


def test_may_be_out_of_date_shows_after_15_months_not_12(client):
    old = service("Castle Larder", "food", "shrewsbury", description="Lunch.", assured_at=STALE)
    recent = service(
        "Frankwell Larder", "food", "frankwell", description="Lunch.", assured_at=months_ago(13)
    )
    page = client.get_page("/directory?need=food&where=SY1+1AA&radius=5")
    shown = page.select(".app-result")
    results = {r.find("a").get_text(strip=True): r.get_text(" ") for r in shown}
    assert "May be out of date" in results["Castle Larder"]
    assert "May be out of date" not in results["Frankwell Larder"]
    text = client.get_page(f"/directory/services/{old.id}").get_text(" ")
    assert "may be out of date" in text and "over 15 months" in text
    assert "out of date" not in client.get_page(f"/directory/services/{recent.id}").get_text()
