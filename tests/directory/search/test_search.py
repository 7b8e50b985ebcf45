"""Search correctness on a fixed dataset, on SQLite (FTS5) and PostgreSQL (tsvector)."""

from datetime import datetime

import pytest

from accord.extensions import db
from accord.models import Location
from directory import listings
from directory.models import ServiceAtLocation
from directory.search import search
from directory.search.search import Query
from tests.directory.data import place, service


def names(results) -> list[str]:
    return [hit.service.name for hit in results.hits]


@pytest.fixture
def county(app):
    service(
        "Shrewsbury Food Bank",
        "food",
        "shrewsbury",
        description="Emergency food parcels.",
        hours=[("MO,WE,FR", "10:00", "12:00")],
        is_free=True,
    )
    service(
        "Ludlow Counselling",
        "mental-health",
        "ludlow",
        description="Counselling for adults.",
        hours=[("TU", "09:00", "17:00")],
        minimum_age=18,
        is_free=False,
        access_routes=["professional_referral"],
        capacity="at_capacity",
    )
    service(
        "Oswestry Lunch Club",
        "food",
        "oswestry",
        description="Hot lunches for older people.",
        hours=[("TH", "12:00", "14:00")],
        minimum_age=60,
        access_routes=["drop_in"],
    )
    service(
        "South Shropshire Befriending",
        "loneliness",
        None,
        service_areas=["SY8", "SY7"],
        description="Volunteers visit at home.",
    )
    service(
        "Carers Helpline", "carers", None, online_only=True, description="Phone support for carers."
    )
    service("Hidden Service", "food", "shrewsbury", review="pending", description="Food.")
    return None


def test_words_find_services_by_name_and_description_best_first(county):
    # The need's own words ("food banks, … lunch clubs") bring in related services, after.
    assert names(search.run(Query(words="food bank")))[0] == "Shrewsbury Food Bank"
    assert names(search.run(Query(words="lunches")))[0] == "Oswestry Lunch Club"
    assert names(search.run(Query(words="parcels"))) == ["Shrewsbury Food Bank"]


def test_common_misspellings_are_corrected(county):
    results = search.run(Query(words="councelling"))
    assert names(results) == ["Ludlow Counselling"]
    assert results.corrected == "counselling"


def test_near_misses_match_indexed_words(county):
    assert names(search.run(Query(words="befrending"))) == ["South Shropshire Befriending"]


def test_pending_listings_are_never_found(county):
    assert "Hidden Service" not in names(search.run(Query(need="food")))


def test_need_filter(county):
    assert sorted(names(search.run(Query(need="food")))) == [
        "Oswestry Lunch Club",
        "Shrewsbury Food Bank",
    ]


def test_radius_is_nearest_first_with_distances(county):
    results = search.run(Query(place="SY1 1AA", radius=50))
    hits = [(h.service.name, h.miles) for h in results.hits if h.miles is not None]
    assert hits[0] == ("Shrewsbury Food Bank", 0.0)
    assert [name for name, _ in hits] == [
        "Shrewsbury Food Bank",
        "Ludlow Counselling",
        "Oswestry Lunch Club",
    ] or [name for name, _ in hits][:3] == [
        "Shrewsbury Food Bank",
        "Oswestry Lunch Club",
        "Ludlow Counselling",
    ]
    miles = [m for _, m in hits]
    assert miles == sorted(miles)
    # Online-only services are listed apart, without a distance, and not counted as local.
    assert "Carers Helpline" not in names(results)
    assert [(h.service.name, h.miles) for h in results.online] == [("Carers Helpline", None)]
    assert results.total == 3 and results.online_total == 1


def test_radius_boundary_is_inclusive(county):
    ludlow = next(
        h
        for h in search.run(Query(place="SY1 1AA", radius=50)).hits
        if h.service.name == "Ludlow Counselling"
    )
    exact = ludlow.miles
    assert 23 < exact < 26
    inside = search.run(Query(place="SY1 1AA", radius=50))
    assert "Ludlow Counselling" in names(inside)
    outside = search.run(Query(place="SY1 1AA", radius=20))
    assert "Ludlow Counselling" not in names(outside)


def test_service_areas_without_a_building(county):
    results = search.run(Query(place="SY8 1AA", radius=1))
    hit = next(h for h in results.hits if h.service.name == "South Shropshire Befriending")
    # No distance: it has no building (it is not "0.0 miles" away, ahead of every building).
    assert hit.covers_area and hit.miles is None
    assert "South Shropshire Befriending" not in names(search.run(Query(place="SY1 1AA", radius=5)))


def test_unknown_place_says_so_and_finds_nothing(county):
    results = search.run(Query(place="Atlantis"))
    assert "could not find" in results.place_note
    # Not every service in the county, as if no place had been given.
    assert (results.hits, results.total) == ([], 0)


def test_open_now_and_day(county):
    wednesday_11 = datetime(2026, 11, 25, 11, 0)
    results = search.run(Query(when="now"), now=wednesday_11)
    assert names(results) == ["Shrewsbury Food Bank"]
    assert names(search.run(Query(when="TH"), now=wednesday_11)) == ["Oswestry Lunch Club"]
    christmas = datetime(2026, 12, 25, 11, 0)  # a Friday, and a bank holiday
    assert names(search.run(Query(when="now"), now=christmas)) == []


def test_free_age_route_access_and_capacity_filters(county):
    assert "Ludlow Counselling" not in names(search.run(Query(free=True)))
    assert "Oswestry Lunch Club" not in names(search.run(Query(age=30)))
    assert "Ludlow Counselling" not in names(search.run(Query(age=16)))
    assert names(search.run(Query(route="drop_in"))) == ["Oswestry Lunch Club"]
    assert names(search.run(Query(access=["hearing_loop"]))) == ["Shrewsbury Food Bank"]
    assert "Ludlow Counselling" not in names(search.run(Query(accepting=True)))


def test_sql_and_html_in_words_are_just_words(county):
    for words in [
        '" OR 1=1 --',
        "<script>alert(1)</script>",
        "food'; DROP TABLE service;--",
        "*",
        "NEAR(a b)",
    ]:
        search.run(Query(words=words))
    assert names(search.run(Query(words="food bank")))[0] == "Shrewsbury Food Bank"


def test_words_and_place_together(county):
    # The full-text match drives the query; buildings, areas and online services all come.
    results = search.run(Query(words="food", place="SY1 1AA", radius=50))
    assert names(results)[0] == "Shrewsbury Food Bank" and results.hits[0].miles == 0.0
    assert "Hidden Service" not in names(results)
    assert [h.miles for h in results.hits] == sorted(h.miles for h in results.hits)
    online = search.run(Query(words="carers", place="SY1 1AA", radius=1))
    assert online.hits == [] and online.total == 0
    assert [(h.service.name, h.miles) for h in online.online] == [("Carers Helpline", None)]
    area = search.run(Query(words="volunteers visit", place="SY8 1AA", radius=1))
    assert [(h.service.name, h.covers_area) for h in area.hits] == [
        ("South Shropshire Befriending", True)
    ]
    assert names(search.run(Query(words="food", need="food", place="SY1 1AA", radius=50))) == [
        "Shrewsbury Food Bank",
        "Oswestry Lunch Club",
    ]
    assert names(search.run(Query(words="food", place="SY1 1AA", access=["hearing_loop"]))) == [
        "Shrewsbury Food Bank"
    ]


def test_none_within_the_radius_counts_those_within_twice_it(county):
    # Ludlow Counselling is 23-26 miles from SY1 1AA: outside 20, inside 40.
    for query in (
        Query(need="mental-health", place="SY1 1AA", radius=20),
        Query(words="counselling", place="SY1 1AA", radius=20),
    ):
        results = search.run(query)
        assert (results.hits, results.total, results.wider) == ([], 0, 1)
    assert search.run(Query(words="counselling", place="SY1 1AA", radius=10)).wider == 0
    found = search.run(Query(words="counselling", place="SY1 1AA", radius=50))
    assert (found.total, found.wider) == (1, 0)


def test_paging_keeps_the_order_and_the_total(county):
    everything = search.run(Query(place="SY1 1AA", radius=50))
    pages = [search.run(Query(place="SY1 1AA", radius=50), page=p, per_page=2) for p in (1, 2, 3)]
    assert [n for page in pages for n in names(page)] == names(everything)
    assert {page.total for page in pages} == {everything.total}


# --- ranking (issue 17): the same rules on both engines ---------------------------------------


def test_bank_holidays_and_hot_food_are_not_a_food_bank(app):
    # Both words, far apart: not a match. The need's own description ("Food banks, …") is
    # no longer in the document, so a food service without "bank" is not one either.
    service(
        "Wem Lunch Club",
        "loneliness",
        "shrewsbury",
        description="Closed on bank holidays. Volunteers cook and serve a hot food lunch.",
    )
    service("Castle Larder", "food", "shrewsbury", description="Fresh fruit and bread.")
    service("Shrewsbury Food Bank", "food", "shrewsbury", description="Parcels.")
    service("Pantry", "advice", "shrewsbury", description="Our food bank opens on Mondays.")
    assert names(search.run(Query(words="food bank"))) == ["Shrewsbury Food Bank", "Pantry"]
    near = search.run(Query(words="food bank", place="SY1 1AA", radius=5))
    assert names(near) == ["Shrewsbury Food Bank", "Pantry"] and near.total == 2


def test_a_title_phrase_ranks_above_a_title_match_above_the_description(app):
    # Titles: name, organisation (Helpers Trust) and need names. No place: relevance, then
    # name.
    service("Carers Cafe", "loneliness", description="Tea and a chat.")  # title, not a phrase
    service("Advice Line", "advice", description="Support for carers, by phone.")  # body
    service("Support Group", "carers", description="Monthly.")  # title, words apart
    service("Carers Support Shrewsbury", "advice", description="Weekly.")  # title phrase
    ranked = names(search.run(Query(words="carers support")))
    assert ranked[0] == "Carers Support Shrewsbury"
    assert ranked.index("Carers Support Shrewsbury") < ranked.index("Support Group")
    assert ranked.index("Support Group") < ranked.index("Advice Line")
    assert "Carers Cafe" not in ranked  # "support" is nowhere in it


def test_stop_words_are_left_out_on_both_engines(app):
    service("Carers Helpline", "carers", description="Help for carers, day and night.")
    service("Carers Walk", "carers", "shrewsbury", description="A walk and a talk.")
    service("Young Carers", "children-and-families", description="Help at school.")
    asked = search.run(Query(words="help for carers"))
    assert names(asked) == names(search.run(Query(words="carers help")))
    assert asked.total == 3  # "Helpers Trust" is every title's: help… and carers in each


def test_distance_bands_come_before_relevance_and_relevance_within_a_band(app):
    # 0.5 mile (band 0) with the word in the description only, before 1.6 miles (band 1)
    # with it in the name; in band 1, the name's match before a nearer description's.
    service("Frankwell Drop In", "advice", "frankwell", description="Benefits advice.")
    service("Meole Benefits Clinic", "advice", "meole", description="Forms.")
    service("Bayston Benefits Desk", "advice", "bayston", description="Forms.")
    service("Castle Hub", "advice", "shrewsbury", description="Benefits and more.")
    results = search.run(Query(words="benefits", place="SY1 1AA", radius=5))
    assert names(results) == [
        "Castle Hub",  # 0.0 miles, band 0, description
        "Frankwell Drop In",  # 0.5 miles, band 0, description
        "Meole Benefits Clinic",  # 1.6 miles, band 1, name
        "Bayston Benefits Desk",  # 2.7 miles, band 1, name
    ]
    assert [round(h.miles, 1) for h in results.hits] == [0.0, 0.5, 1.6, 2.7]
    service("Meole Forms Help", "advice", "meole", description="Benefits forms.")
    band_one = names(search.run(Query(words="benefits", place="SY1 1AA", radius=5)))[2:]
    assert band_one == ["Meole Benefits Clinic", "Bayston Benefits Desk", "Meole Forms Help"]


def test_a_nearer_food_bank_beats_an_area_wide_larder(app):
    service("Ludlow Food Bank", "food", "ludlow", description="Food parcels.")
    service(
        "South Shropshire Food Bank Larder",
        "food",
        None,
        service_areas=["SY8", "SY1"],
        description="Food bank deliveries across the district.",
    )
    service("Castlefields Food Bank", "food", "shrewsbury", description="Food parcels.")
    # Near Ludlow: the building 0 miles away, then the area-wide service (middle band).
    near_ludlow = search.run(Query(words="food bank", place="SY8 1AA", radius=50))
    assert names(near_ludlow)[:2] == ["Ludlow Food Bank", "South Shropshire Food Bank Larder"]
    # Castlefields is 24 miles from Ludlow: beyond 10 miles, after the area-wide service.
    assert names(near_ludlow)[2] == "Castlefields Food Bank"
    assert near_ludlow.hits[1].covers_area and near_ludlow.hits[1].miles is None


def test_online_services_are_never_within_a_mile_nor_counted_as_near(app):
    service("Castle Food Bank", "food", "shrewsbury", description="Parcels.")
    service("Food Line", "food", None, online_only=True, description="Food bank by phone.")
    # Online only, though it lists a building: still not "near".
    service("Food App", "food", "shrewsbury", online_only=True, description="Order online.")
    results = search.run(Query(words="food", place="SY1 1AA", radius=1))
    assert names(results) == ["Castle Food Bank"] and results.total == 1
    assert [h.miles for h in results.hits] == [0.0]
    assert sorted(h.service.name for h in results.online) == ["Food App", "Food Line"]
    assert results.online_total == 2 and all(h.miles is None for h in results.online)
    # Several words (on PostgreSQL read from the place-ordered index's rows, not its words').
    results = search.run(Query(words="food bank", place="SY1 1AA", radius=1))
    assert names(results) == ["Castle Food Bank"] and results.total == 1
    assert [h.service.name for h in results.online] == ["Food Line"]


def test_totals_beyond_the_cap_are_more_than_it(app, client, monkeypatch):
    from directory.search import candidates

    for n in range(4):
        service(f"Larder {n}", "food", "shrewsbury", description="Food.")
    monkeypatch.setattr(candidates, "CAP", 2)
    monkeypatch.setattr(search, "CAP", 2)
    results = search.run(Query(need="food", place="SY1 1AA", radius=5), per_page=1)
    assert results.total == 3 and results.more and len(results.hits) == 1
    page = client.get_page("/directory?need=food&where=SY1+1AA&radius=5")
    assert page.select_one("#result-count").get_text(" ", strip=True) == (
        "More than 2 services within 5 miles"
    )


@pytest.mark.parametrize("reads", [100, -1], ids=["from the matches", "from the buildings"])
def test_a_total_is_counted_alike_from_the_matches_or_the_buildings(app, monkeypatch, reads):
    from directory.search import candidates, matches

    for n in range(4):
        service(f"Larder {n}", "food", "shrewsbury", description="Food.")
    # Oswestry is 16 miles away, inside the box round 14 miles but not the circle; Ludlow is
    # 24 miles away.
    service("Oswestry Larder", "food", "oswestry", description="Food.")
    service("Ludlow Larder", "food", "ludlow", description="Food.")
    service("Online Larder", "food", description="Food.", online_only=True)
    # The page read in rings (not from the few matches), then the total counted.
    monkeypatch.setattr(matches, "FEW", {"sqlite": -1, "postgresql": -1})
    monkeypatch.setattr(candidates, "READS", {"sqlite": reads, "postgresql": reads})
    near = Query(words="larder", place="SY1 1AA", radius=14)
    found = search.run(near, per_page=1)
    assert (found.total, found.more, len(found.hits)) == (4, False, 1)
    assert found.online_total == 1
    monkeypatch.setattr(candidates, "CAP", 2)
    monkeypatch.setattr(search, "CAP", 2)
    found = search.run(near, per_page=1)
    assert (found.total, found.more) == (3, True)


def test_the_spatial_index_follows_a_building_that_moves(app):
    from accord.extensions import db

    moved = service("Mobile Larder", "food", "shrewsbury", description="Food.")
    assert names(search.run(Query(place="SY1 1AA", radius=1))) == ["Mobile Larder"]
    building = moved.locations[0]
    building.latitude, building.longitude = 52.36700, -2.71800  # to Ludlow
    db.session.commit()
    assert names(search.run(Query(place="SY1 1AA", radius=1))) == []
    assert names(search.run(Query(place="SY8 1AA", radius=1))) == ["Mobile Larder"]
    building.latitude = building.longitude = None  # no longer placed: out of the index
    db.session.commit()
    assert names(search.run(Query(place="SY8 1AA", radius=50))) == []


def test_paging_reads_rings_outwards_in_the_same_order(app):
    for key in ("shrewsbury", "frankwell", "meole", "bayston"):
        for n in range(3):
            service(f"Club {key} {n}", "food", key, description="Lunch.")
    whole = search.run(Query(need="food", place="SY1 1AA", radius=5))
    assert whole.total == 12
    paged = [
        name
        for p in range(1, 7)
        for name in names(
            search.run(Query(need="food", place="SY1 1AA", radius=5), page=p, per_page=2)
        )
    ]
    assert paged == names(whole)
    worded = search.run(Query(words="lunch", place="SY1 1AA", radius=5))
    paged = [
        name
        for p in range(1, 5)
        for name in names(
            search.run(Query(words="lunch", place="SY1 1AA", radius=5), page=p, per_page=3)
        )
    ]
    assert paged == names(worded) and worded.total == 12


def test_without_words_a_ring_cut_by_stale_listings_grows_until_its_page_is_current(
    app, monkeypatch
):
    """Within a band current listings come before stale ones, so a ring inside the first mile
    that holds stale listings alone does not settle the page: it grows by how many of its
    rows keep their place (none here), doubling, until it reaches the current ones 0.6 miles
    away, not to the band's mile at once (a mile of a town centre's links at 50,000
    services). Every page is the whole radius's, with or without a need (its matches read
    in rings, as when they are many)."""
    from accord.clock import today_uk
    from directory.search import candidates, matches

    monkeypatch.setattr(matches, "FEW", {"sqlite": -1, "postgresql": -1})

    for n in range(3):
        service(f"Castle Club {n}", "food", "shrewsbury", description="Lunch.")  # stale, here
        service(f"Frankwell Club {n}", "food", "frankwell", assured_at=today_uk())
    rings: list[float] = []
    read = candidates.ordered_local

    def ordered_local(query, words, origin, outcode, miles):
        rings.append(miles)
        return read(query, words, origin, outcode, miles)

    for query in (Query(place="SY1 1AA", radius=5), Query(need="food", place="SY1 1AA")):
        whole = names(search.run(query))
        assert whole[:3] == [f"Frankwell Club {n}" for n in range(3)]
        monkeypatch.setattr(candidates, "ordered_local", ordered_local)
        rings.clear()
        first = search.run(query, per_page=2)
        assert names(first) == whole[:2] and first.total == 6
        assert rings == [0.1, 0.2, 0.4, 0.8]
        paged = [name for p in (1, 2, 3) for name in names(search.run(query, page=p, per_page=2))]
        assert paged == whole
        monkeypatch.setattr(candidates, "ordered_local", read)


def test_a_service_with_buildings_in_several_cells_is_found_in_a_ring_by_its_nearest(
    app, monkeypatch
):
    """On PostgreSQL a ring reads the matches whose one cell round the place is within it, and
    every match found in several cells (candidates._from_matches); SQLite reads them all, and
    must give the same page. Each of two clubs has a building
    within the first mile and another beyond it, one the first cell in the index's order and
    the other the last; a third club is within the mile, further than both. The first ring
    holds the page, and the page is the two clubs, nearest first."""
    from directory.search import matches

    def hall(name: str, latitude: float, longitude: float) -> Location:
        return Location(name=name, town="Shrewsbury", latitude=latitude, longitude=longitude)

    # 2.7 miles away, before Castlefields in the index's order; 2.2 miles, after Frankwell.
    both = {"Castle And Bayston Lunch": (place("shrewsbury"), place("bayston"))}
    both["Frankwell And Harlescott Lunch"] = (
        place("frankwell"),
        hall("Harlescott", 52.745, -2.749),
    )
    both["Porthill Lunch"] = (hall("Porthill Hall", 52.7131, -2.7650),)  # 0.7 miles
    for name, buildings in both.items():
        club = service(name, "food", None, description="Lunch.")
        club.at_locations = [ServiceAtLocation(location=building) for building in buildings]
        db.session.commit()
        listings.index(club)
        db.session.commit()
    # Rings, each read by key, of matches read round the place on both engines.
    monkeypatch.setattr(matches, "FEW", {"sqlite": -1, "postgresql": -1})
    monkeypatch.setattr(matches, "RUN_COST", {1: 0, 2: 0})
    query = Query(words="lunch", place="SY1 1AA", radius=5)
    first = search.run(query, per_page=2)
    assert names(first) == ["Castle And Bayston Lunch", "Frankwell And Harlescott Lunch"]
    assert [round(h.miles, 1) for h in first.hits] == [0.0, 0.5]
    assert names(search.run(query, page=2, per_page=2)) == ["Porthill Lunch"]


def test_the_online_section_is_by_relevance_then_name_and_shows_only_open_listings(app):
    service("apple Helpline", "advice", None, online_only=True, description="Food parcels.")
    service("Banana Line", "advice", None, online_only=True, description="Food.")
    service("Cherry Food Line", "advice", None, online_only=True, description="Advice.")
    service("Zed Line", "advice", None, online_only=True, description="Food.", review="pending")
    service("Yew Line", "advice", None, online_only=True, description="Food.", status="inactive")
    service("Castle Food Bank", "food", "shrewsbury", description="Parcels.")
    words = search.run(Query(words="food", place="SY1 1AA", radius=5))
    # "food" in the name (the title) first, then by name whatever its case.
    assert [h.service.name for h in words.online] == [
        "Cherry Food Line",
        "apple Helpline",
        "Banana Line",
    ]
    every = search.run(Query(place="SY1 1AA", radius=5))
    assert [h.service.name for h in every.online] == [
        "apple Helpline",
        "Banana Line",
        "Cherry Food Line",
    ]
    assert every.online_total == 3


def test_without_words_the_online_section_shows_the_first_few_and_counts_them_all(
    app, monkeypatch, request
):
    """Without words or a need every online service is in the section: its first
    ONLINE_SHOWN in order (checked lately before the rest, then by name) and the count of
    them all read apart (online.every), up to the cap."""
    from accord.clock import today_uk
    from directory.search import candidates, shapes

    today = today_uk()
    for name in ("Fig Line", "elder Line", "Date Line", "Cedar Line", "Birch Line", "Ash Line"):
        paid = {"is_free": False} if name == "Fig Line" else {}
        service(name, "advice", None, online_only=True, description="By phone.", **paid)
    service("Gorse Line", "advice", None, online_only=True, assured_at=today)
    service("Holly Line", "advice", None, online_only=True, assured_at=today)
    service("Ivy Line", "advice", None, online_only=True, review="pending")
    service("Castle Food Bank", "food", "shrewsbury", description="Parcels.")
    every = search.run(Query(place="SY1 1AA", radius=5))
    assert [h.service.name for h in every.online] == [
        "Gorse Line",
        "Holly Line",
        "Ash Line",
        "Birch Line",
        "Cedar Line",
    ]
    assert every.online_total == 8
    free = search.run(Query(place="SY1 1AA", radius=5, free=True))
    assert free.online_total == 7  # the filters count as they choose
    # Past the cap, "more than" it, as every total.
    monkeypatch.setattr(candidates, "CAP", 3)
    shapes.forget()
    request.addfinalizer(shapes.forget)
    assert search.run(Query(place="SY1 1AA", radius=5)).online_total == 4


def test_the_online_section_is_read_from_its_own_index(app):
    """SQLite is told to use it (no statistics), or with words reads their matches in the
    online run of the place-ordered index (0047); on PostgreSQL, with sequential scans
    priced out, the plan shows the query's conditions allow the partial index, and with words
    reads the matches that say they are online only, each service then by its key."""
    from sqlalchemy import text

    from accord.extensions import db
    from directory.search import matches, online

    service("Food Line", "food", None, online_only=True, description="Food.")
    postgres = db.engine.dialect.name == "postgresql"
    for words in ([], ["food"]):
        found = matches.Words(words, "food") if words else None
        plan = online.section(Query(words=" ".join(words)), found)
        names = {"stale_before", "online_q", "online_first", "online_last"}
        statement = plan.build().params({k: v for k, v in plan.values.items() if k in names})
        compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
        if postgres:
            db.session.execute(text("SET LOCAL enable_seqscan = off"))
            explain = text(f"EXPLAIN {compiled}")
        else:
            explain = text(f"EXPLAIN QUERY PLAN {compiled}")
        steps = " | ".join(str(row[-1]) for row in db.session.execute(explain))
        assert "SCAN service " not in f"{steps} " and "Seq Scan on service " not in steps
        if words and not postgres:
            # SQLite, words: their matches in the online run, each service then by its key.
            assert steps.startswith("SCAN search_site_fts VIRTUAL TABLE"), steps
            assert "SEARCH service USING INTEGER PRIMARY KEY" in steps, steps
            assert len(list(db.session.execute(statement))) == 1
        elif words:
            # PostgreSQL, words: the matches that say they are online only, each service then
            # by its key (through whichever of its indexes the planner prefers).
            assert "Nested Loop" in steps and "Filter: online" in steps, steps
            assert len(list(db.session.execute(statement))) == 1
        else:
            assert "ix_search_online" in steps, steps
            # The index alone, not each service's search row as well.
            assert "service_search" not in steps, steps
    # Its count without words reads the index unordered, without sorting them all.
    every = online.every(Query())
    statement = every.build().params(every.values)
    compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
    explain = text(f"EXPLAIN {compiled}" if postgres else f"EXPLAIN QUERY PLAN {compiled}")
    steps = " | ".join(str(row[-1]) for row in db.session.execute(explain))
    assert "ix_search_online" in steps and "B-TREE" not in steps and "Sort" not in steps, steps
    # Its first few: the current ones and the stale ones each read in the index's order
    # (migration 0052), a page of each, and only those sorted together.
    first = online.first(Query())
    statement = first.build().params({**first.values, "limit": 5})
    if postgres:
        # A handful of rows: a bitmap of every stale one is as cheap to the planner.
        db.session.execute(text("SET LOCAL enable_bitmapscan = off"))
    compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
    explain = text(f"EXPLAIN {compiled}" if postgres else f"EXPLAIN QUERY PLAN {compiled}")
    steps = " | ".join(str(row[-1]) for row in db.session.execute(explain))
    assert steps.count("ix_search_online") == 2, steps
    assert steps.count("Sort Key" if postgres else "B-TREE") == 1, steps


def test_area_wide_services_are_read_by_their_district(app):
    """SQLite: from the district's run of its place-ordered index (migration 0047), by its
    key, with or without statistics: the services covering the district alone, not every
    area-wide service's districts (told the order, InOrder: given a 50,000-service county's
    statistics it read every published service instead, 36 ms a search). PostgreSQL: from
    the districts' index (0042), which its plan can use."""
    from sqlalchemy import select, text

    from accord.extensions import db
    from directory.models import Service
    from directory.search import candidates, matches, shapes

    service("Ludlow Larder", "food", None, service_areas=["SY8"], description="Food.")
    service("Castlefields Larder", "food", "shrewsbury", description="Food.")
    service("Oswestry Larder", "food", None, service_areas=["SY11"], description="Food.")
    postgres = db.engine.dialect.name == "postgresql"
    for analysed in (False, True):
        if analysed:
            db.session.execute(text("ANALYZE"))
        for words in ([], ["food"]):
            found = matches.Words(words, "food")
            query = Query(words=" ".join(words), place="SY8 1AA")
            values = shapes.values(query, "SY8")
            statement = candidates._areas(query, found).params(
                area=values["area"],
                area_first=values["area_first"],
                area_last=values["area_last"],
                stale_before=values["stale_before"],
            )
            names = {
                row.name
                for row in db.session.execute(
                    select(Service.name).where(
                        Service.id.in_([row.sid for row in db.session.execute(statement)])
                    )
                )
            }
            assert names == {"Ludlow Larder"}
            compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
            if postgres:
                # Its planner chooses by the table's size: with a handful of rows any index
                # will do. The index is there, as the search's query asks it.
                made = "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_search_areas'"
                assert "(reach, areas, service_id)" in db.session.scalar(text(made))
                continue
            explain = text(f"EXPLAIN QUERY PLAN {compiled}")
            steps = [str(row[-1]) for row in db.session.execute(explain)]
            # The district's run is read first, each service then found by its key.
            reads = [step for step in steps if step.startswith(("SCAN", "SEARCH"))]
            assert reads[0].startswith("SEARCH search_site USING INTEGER PRIMARY KEY"), steps
            services = [step for step in reads if step.split()[1] == "service"]
            assert services and all("id=?" in step for step in services), steps


def test_the_matches_are_counted_on_both_engines_and_none_stops_the_search(county):
    """Words.size decides the plan (FEW) and ends a search nothing matches: a count of -1 (an
    INSERT's rowcount not kept) would send every search down the few-matches path."""
    from sqlalchemy import event, func, select

    from accord.extensions import db
    from directory.search import matches

    for words, need in ((["food"], ""), (["lunch", "club"], ""), ([], "food"), (["zzzq"], "")):
        found = matches.Words(words, need)
        written = db.session.scalar(select(func.count()).select_from(matches.MATCHES))
        assert found.size == written, (words, need)
        assert (found.size > 0) == (words != ["zzzq"])
    db.session.rollback()
    sent: list[str] = []

    def listen(conn, cursor, statement, *rest) -> None:
        sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        results = search.run(Query(words="zzzq", place="SY1 1UJ", radius=5))
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    assert results.hits == [] and results.total == 0 and results.online == []
    # The matches were written (none) and nothing else was asked.
    assert sent and "search_match" in sent[-1] and "INSERT" in sent[-1].upper(), sent
