"""The place-ordered full-text index (migrations 0044 on PostgreSQL, 0047 on SQLite;
directory/search/cells.py): a service's words once for each cell of its buildings, an
area-wide service's for each district it covers, an online-only one's in its run, kept by
triggers whoever writes; and the runs a search reads hold every cell round its place."""

from __future__ import annotations

import random

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import delete, inspect, select, text, update

from accord import geo
from accord.extensions import db
from accord.models import Location
from directory import listings
from directory.models import Service, ServiceAtLocation, ServiceSearch
from directory.search import cells, matches, search
from directory.search.query import Query
from tests.conftest import MIGRATIONS, scratch_database
from tests.directory import data


def postgresql() -> bool:
    return db.engine.dialect.name == "postgresql"


def stored() -> set[int]:
    return set(db.session.scalars(text("SELECT key FROM search_site")))


def found_by(word: str) -> set[int]:
    """The keys whose words hold `word`: SQLite's FTS5 index of the rows (an index without
    content, told each row's words by the triggers), PostgreSQL's tsvector of each row."""
    if postgresql():
        statement = "SELECT key FROM search_site WHERE search_vector @@ to_tsquery('english', :w)"
    else:
        statement = "SELECT rowid FROM search_site_fts(:w)"
    return set(db.session.scalars(text(statement), {"w": word}))


def holds(word: str) -> set[int]:
    """The keys whose service's search row holds `word`, worked out here."""
    texts = db.session.execute(
        select(ServiceSearch.service_id, ServiceSearch.title, ServiceSearch.document)
    )
    having = {sid for sid, title, document in texts if word in f"{title} {document}".lower()}
    return {key for key in stored() if key & cells.ID_MASK in having}


def agree() -> None:
    """The rows are those the tables call for, and each row's words its service's."""
    assert stored() == expected()
    for word in ("club", "carers", "money", "soup"):
        assert found_by(word) == holds(word), word
    if postgresql():
        # Each row's words once in search_term (migration 0048), and none of a row gone.
        held = "SELECT term, key, title FROM search_term"
        made = (
            "SELECT w.lexeme, s.key, 'A' = ANY (w.weights) "
            "FROM search_site s, unnest(s.search_vector) w"
        )
        words = list(db.session.execute(text(held)))
        assert len(words) == len(set(words))
        assert set(words) == set(db.session.execute(text(made)))
        # Each row's squares (migration 0053) are those cells.py works out from its key.
        for key, squares in db.session.execute(text("SELECT key, squares FROM search_site")):
            z = key >> cells.ID_BITS
            levels = (0, *cells.SQUARE_LEVELS)
            assert squares == [cells.square(z, level) for level in levels], key
    else:
        # Every row's words, and none of a row gone (an index without content is told).
        assert set(db.session.scalars(text("SELECT rowid FROM search_site_fts"))) == stored()
        db.session.execute(
            text("INSERT INTO search_site_fts(search_site_fts) VALUES ('integrity-check')")
        )


def expected() -> set[int]:
    """The keys the index should hold, worked out here from the tables (cells.py's rules)."""
    keys: set[int] = set()
    reach = dict(db.session.execute(select(ServiceSearch.service_id, ServiceSearch.reach)).all())
    links = select(
        ServiceAtLocation.service_id, ServiceAtLocation.latitude, ServiceAtLocation.longitude
    ).where(ServiceAtLocation.latitude.is_not(None))
    for sid, latitude, longitude in db.session.execute(links):
        if reach.get(sid, "online") != "online":  # no search row: not in the index
            keys.add(cells.key(latitude, longitude, sid))
    # A service deleted on SQLite leaves its search row (no foreign keys enforced): no rows.
    for sid, kind, areas in db.session.execute(
        select(ServiceSearch.service_id, ServiceSearch.reach, ServiceSearch.areas).join(
            Service, Service.id == ServiceSearch.service_id
        )
    ):
        if kind == "area":
            keys |= {cells.district_run(district)[0] | sid for district in areas.split()}
        elif kind == "online":
            keys.add(cells.run_of(cells.ONLINE)[0] | sid)
    return keys


@pytest.fixture
def county(app):
    return _county()


def _county() -> dict:
    """A club at two halls in Shrewsbury and one in Ludlow, a county-wide helpline covering
    two districts, and an online course."""
    club = data.service("Riverside lunch club", "food", "shrewsbury")
    club.at_locations.append(ServiceAtLocation(location=data.place("ludlow")))
    club.at_locations.append(ServiceAtLocation(location=data.place("frankwell")))
    line = data.service("Carers helpline", "carers", service_areas=["SY1", "SY8"])
    course = data.service("Money course", "money-and-debt", online_only=True)
    for service in (club, line, course):
        listings.index(service)
    db.session.commit()
    return {"club": club, "line": line, "course": course}


def test_both_engines_have_the_index(app):
    assert "search_site" in inspect(db.engine).get_table_names()


def test_each_service_is_held_once_for_each_cell_of_its_buildings(county):
    agree()
    keys = stored()
    club = county["club"].id
    # Three halls, three cells; the helpline under SY1 and SY8; the course in its run.
    assert sum(key & cells.ID_MASK == club for key in keys) == 3
    assert {key for key in keys if key & cells.ID_MASK == county["line"].id} == {
        cells.district_run("SY1")[0] | county["line"].id,
        cells.district_run("SY8")[0] | county["line"].id,
    }
    assert cells.run_of(cells.ONLINE)[0] | county["course"].id in keys


def test_moves_links_and_changes_keep_the_index(county):
    ludlow = data.place("ludlow")
    # A building moved by a bulk UPDATE (the link's point follows it, migration 0041).
    db.session.execute(
        update(Location).where(Location.id == ludlow.id).values(latitude=52.86, longitude=-3.054)
    )
    db.session.commit()
    agree()
    # A link taken away: its cell goes; another link in the same cell keeps it.
    db.session.execute(delete(ServiceAtLocation).where(ServiceAtLocation.location_id == ludlow.id))
    db.session.commit()
    agree()
    assert sum(key & cells.ID_MASK == county["club"].id for key in stored()) == 2
    # The helpline's districts change, and the club goes online only.
    line, club = county["line"], county["club"]
    line.service_areas = ["TF1"]
    club.online_only = True
    listings.index(line)
    listings.index(club)
    db.session.commit()
    agree()
    assert cells.run_of(cells.ONLINE)[0] | club.id in stored()
    # A search row written again by a bulk DELETE and INSERT (as the importer may).
    db.session.execute(delete(ServiceSearch).where(ServiceSearch.service_id == club.id))
    agree()
    listings.index(club)
    db.session.commit()
    agree()
    # A service deleted takes its rows with it.
    db.session.delete(county["course"])
    db.session.commit()
    agree()
    assert not any(key & cells.ID_MASK == county["course"].id for key in stored())


def test_a_search_near_a_place_reads_its_words_round_it(county):
    """The club is found by its words near each of its halls, the helpline in its districts
    only, the course online; the index's rows for a changed text give its new words."""
    found = search.run(Query(words="lunch club", place="SY8 1AA", radius=3))
    assert [hit.service.name for hit in found.hits] == ["Riverside lunch club"]
    helpline = Query(words="carers helpline", place="SY8 1AA", radius=3)
    assert [hit.service.name for hit in search.run(helpline).hits] == ["Carers helpline"]
    elsewhere = Query(words="carers helpline", place="TF1 1HF", radius=3)
    assert search.run(elsewhere).hits == []
    online = search.run(Query(words="money course", place="SY1 1AA", radius=1))
    assert [hit.service.name for hit in online.online] == ["Money course"]
    club = county["club"]
    listings.set_description(club, plain="Soup and a roll at noon.")
    listings.index(club)
    db.session.commit()
    soup = search.run(Query(words="soup", place="SY8 1AA", radius=3))
    assert [hit.service.name for hit in soup.hits] == ["Riverside lunch club"]


def test_nothing_near_but_some_within_twice_the_radius_is_said(county):
    """The words read round the place alone: when none are within the radius, those within
    twice it are read to say how many there are."""
    origin, _ = search.origin_of("SY8 1AA")
    assert origin is not None
    hall = data.place("ludlow")
    miles = geo.miles_between(origin, geo.Point(hall.latitude, hall.longitude))
    found = search.run(Query(words="lunch club", place="SY8 1AA", radius=miles * 0.75))
    assert found.hits == []
    assert found.wider == 1


def points(box: geo.Box, rng: random.Random) -> list[tuple[float, float]]:
    """A box's corners and twenty points inside it."""
    south, north, west, east = box
    inside = [(rng.uniform(south, north), rng.uniform(west, east)) for _ in range(20)]
    return [(south, west), (north, east), (south, east), (north, west), *inside]


def test_the_runs_hold_every_cell_round_a_place():
    """Every point inside a box, and on its edges, keys within one of its runs; no more than
    RUNS runs, sorted and apart; the online run and a district's sit after every cell."""
    rng = random.Random(5)
    for _ in range(300):
        origin = geo.Point(rng.uniform(52.3, 53.0), rng.uniform(-3.2, -2.3))
        box = geo.box(origin, rng.choice([0.3, 1, 3, 5, 10, 20]))
        found = cells.ranges(box)
        assert 1 <= len(found) <= cells.RUNS
        assert all(a <= b < c for (a, b), (c, _) in zip(found, found[1:], strict=False))
        for latitude, longitude in points(box, rng):
            key = cells.key(latitude, longitude, 123)
            assert any(first <= key <= last for first, last in found)
        assert found[-1][1] < cells.run_of(cells.ONLINE)[0] < cells.district_run("SY1")[0]


def test_the_squares_hold_every_cell_round_a_place():
    """Every point inside a box, and on its edges, lies in one of the squares PostgreSQL
    reads for it (at one of the levels its rows say), no more than SQUARES of them but for a
    box too small or too large for the levels kept; with the online run and the district's
    run, and none of another district's."""
    rng = random.Random(7)
    for _ in range(300):
        origin = geo.Point(rng.uniform(52.3, 53.0), rng.uniform(-3.2, -2.3))
        miles = rng.choice([0.1, 0.3, 1, 3, 5, 10, 20, 40])
        box = geo.box(origin, miles)
        found = cells.squares(box, "SY3")
        level = found[0] >> cells.LEVEL_SHIFT
        assert level in cells.SQUARE_LEVELS
        assert {square >> cells.LEVEL_SHIFT for square in found[:-2]} == {level}
        assert len(found) - 2 <= cells.SQUARES or level in (2, 8)
        assert found[-2:] == [cells.square(cells.ONLINE, 0), cells.square(cells.district("SY3"), 0)]
        assert cells.square(cells.district("SY1"), 0) not in found
        for latitude, longitude in points(box, rng):
            z = cells.key(latitude, longitude, 123) >> cells.ID_BITS
            assert cells.square(z, level) in found
    assert cells.squares(geo.box(geo.Point(52.7, -2.75), 1))[-1] == cells.square(cells.ONLINE, 0)


def test_the_runs_a_search_binds_are_fixed_in_number():
    values = matches.bound(matches.run_list(geo.box(geo.Point(52.7, -2.75), 5), "SY1"))
    assert len(values) == 2 * (cells.RUNS + 2)
    assert (values["a0"], values["b0"]) == cells.ranges(geo.box(geo.Point(52.7, -2.75), 5))[0]
    assert cells.district_run("SY1") in {
        (values[f"a{n}"], values[f"b{n}"]) for n in range(cells.RUNS + 2)
    }


@pytest.mark.engine("sqlite")  # RUN_COST and the filtered read are SQLite's ways
def test_sqlite_reads_the_runs_when_they_cost_less_and_finds_the_same(county, monkeypatch):
    """SQLite reads a search's words from the runs round its place when the words' entries in
    the county's index outweigh the runs (matches.RUN_COST), and otherwise the place-ordered
    index's lists whole, narrowed to the runs as they are read (Words.filtered); beyond
    NEAR_MILES (one word: ONE_WORD_MILES), from the county's index; the online section from
    the online run: the same services every way, the same order, the same totals, and the
    same matches written whichever way the runs are read."""
    origin, _ = search.origin_of("SY8 1AA")
    assert origin is not None
    hall = data.place("ludlow")
    miles = geo.miles_between(origin, geo.Point(hall.latitude, hall.longitude))
    searches = [
        Query(words="lunch club", place="SY8 1AA", radius=3),
        Query(words="carers helpline", place="SY8 1AA", radius=3),
        Query(words="carers", place="SY1 1AA", radius=5),
        Query(words="money course", place="SY1 1AA", radius=1),
        Query(words="lunch club", place="SY8 1AA", radius=miles * 0.75),  # none: twice it
        Query(words="carers", place="SY1 1AA", radius=9),  # one word, past NEAR_MILES
    ]

    def results() -> list[tuple]:
        found = [search.run(query) for query in searches]
        return [
            (
                [hit.service.name for hit in result.hits],
                [hit.service.name for hit in result.online],
                result.total,
                result.wider,
            )
            for result in found
        ]

    read: list[tuple[bool, bool, int]] = []
    find = matches.Words._find

    def spy(self) -> None:
        find(self)
        read.append((self.placed, self.filtered, self.size))

    monkeypatch.setattr(matches.Words, "_find", spy)
    monkeypatch.setattr(matches, "NEAR_MILES", 0.0)
    monkeypatch.setattr(matches, "ONE_WORD_MILES", 0.0)
    county_wide = results()
    assert not any(placed for placed, _, _ in read)
    # The online section from every online service looked up in the matches, not from the
    # online run of the index: the same.
    monkeypatch.setattr(matches.Words, "online_run", lambda self: {})
    assert results() == county_wide
    monkeypatch.undo()
    monkeypatch.setattr(matches.Words, "_find", spy)
    ways = []
    for cost, filtered in ((10**9, True), (0, False)):
        read.clear()
        monkeypatch.setattr(matches, "RUN_COST", {1: cost, 2: cost})
        assert results() == county_wide
        assert [(placed, how) for placed, how, _ in read] == [(True, filtered)] * len(read)
        ways.append([size for _, _, size in read])
    # Filtered or run by run, the matches round the place alone: fewer than the county's.
    assert ways[0] == ways[1]
    # A service of Ludlow's is left out of a search round Shrewsbury, filtered as by runs.
    listings.index(data.service("Carers group", "carers", "ludlow"))
    db.session.commit()
    shrewsbury, _ = search.origin_of("SY1 1AA")
    assert shrewsbury is not None
    monkeypatch.setattr(matches, "RUN_COST", {1: 10**9, 2: 10**9})
    near = matches.Words(["carers"], origin=shrewsbury, miles=5, outcode="SY1")
    monkeypatch.setattr(matches, "NEAR_MILES", 0.0)
    monkeypatch.setattr(matches, "ONE_WORD_MILES", 0.0)
    everywhere = matches.Words(["carers"], origin=shrewsbury, miles=5, outcode="SY1")
    assert near.filtered and not everywhere.placed
    assert 0 < near.size < everywhere.size
    assert county_wide[0][0] == ["Riverside lunch club"]
    assert county_wide[3][1] == ["Money course"]
    assert county_wide[4][3] == 1


def test_a_row_changed_in_place_has_its_new_words_alone(county):
    """The app writes a service's rows again rather than change one, but a row changed by
    hand (or by a later migration) keeps PostgreSQL's words of it (search_term) true."""
    if not postgresql():
        # SQLite's words are FTS5's, told by its own triggers (agree()): no such table.
        assert "search_term" not in inspect(db.engine).get_table_names()
        return
    key = min(stored())
    changed = "UPDATE search_site SET search_vector = to_tsvector('english', 'quilting')"
    db.session.execute(text(changed + " WHERE key = :k"), {"k": key})
    held = "SELECT term, title FROM search_term WHERE key = :k"
    assert list(db.session.execute(text(held), {"k": key})) == [("quilt", False)]


def test_migration_0048_holds_the_words_of_rows_written_before_it(make_app, database_url, tmp_path):
    """PostgreSQL's words of the place-ordered index (search_term) are copied from the rows
    already there when the migration runs, and a search of one word round a place reads
    them; down again, the table and its triggers go."""
    with scratch_database(database_url, tmp_path, "terms") as url, make_app(url).app_context():
        upgrade(directory=MIGRATIONS, revision="0047")
        _county()
        db.session.rollback()  # no transaction left open for the migration to wait on
        upgrade(directory=MIGRATIONS)
        agree()
        for words, found in (("club", "Riverside lunch club"), ("course", "Money course")):
            results = search.run(search.Query(words=words, place="SY8 1AZ", radius=20))
            assert [hit.service.name for hit in [*results.hits, *results.online]] == [found]
        db.session.rollback()
        downgrade(directory=MIGRATIONS, revision="0047")
        assert "search_term" not in inspect(db.engine).get_table_names()
        db.session.remove()


def test_matches_read_round_a_place_have_the_county_reads_relevance(county, monkeypatch):
    """Each match read round a place has the relevance the county's read gives it: the words
    in the name (2) and side by side (1) or apart (0), whether a service is read from one row
    of the place-ordered index or several (the club's two halls in Shrewsbury)."""
    data.service(
        "Walking group", "health", "shrewsbury", description="A walking group for everyone."
    )
    data.service(
        "Riverside strollers",
        "health",
        "frankwell",
        description="A walking group by the river, every week.",
    )
    data.service(
        "Green gym",
        "health",
        "shrewsbury",
        description="Walking first, then a group of us plants trees in the park.",
    )
    shrewsbury, _ = search.origin_of("SY1 1AA")
    assert shrewsbury is not None

    read: list[bool] = []

    def relevance(words: list[str]) -> dict[int, int]:
        read.append(matches.Words(words, origin=shrewsbury, miles=3, outcode="SY1").placed)
        rows = db.session.execute(text("SELECT sid, relevance FROM search_match"))
        return {sid: value for sid, value in rows}

    near = {
        "walking group": relevance(["walking", "group"]),
        "lunch club": relevance(["lunch", "club"]),
    }
    monkeypatch.setattr(matches, "NEAR_MILES", 0.0)
    monkeypatch.setattr(matches, "ONE_WORD_MILES", 0.0)
    everywhere = {
        "walking group": relevance(["walking", "group"]),
        "lunch club": relevance(["lunch", "club"]),
    }
    assert near == everywhere
    assert read == [True, True, False, False]  # round the place, then from the county's
    names = {sid: name for sid, name in db.session.execute(select(Service.id, Service.name))}
    by_name = {names[sid]: value for sid, value in near["walking group"].items()}
    assert by_name == {"Walking group": 3, "Riverside strollers": 1, "Green gym": 0}
    assert near["lunch club"] == {county["club"].id: 3}
