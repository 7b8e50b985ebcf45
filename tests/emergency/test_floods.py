"""Flood warnings against a local fake Environment Agency serving captured real responses."""

from __future__ import annotations

import copy
import logging
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from accord.extensions import db
from emergency import flood_feed, floods
from emergency.floods import FloodState, FloodWarning, current, refresh
from emergency.models import FloodFeed, Incident
from tests.emergency import data
from tests.fakes.floods import (
    EMPTY,
    EMPTY_MOCK,
    ENGLAND_2016,
    ENGLAND_2023,
    NORTH_2015,
    SEVERN_VYRNWY,
    FakeFloods,
    fixture,
)
from tests.fakes.smtp import free_port

# Naive UTC like the columns; November, so UK clocks show the same time.
NOW = datetime(2026, 11, 23, 10, 42)
LAST_UPDATED = "Flood data unavailable, last updated 23 November 2026 at 10:42am"
NEVER = "Flood data unavailable; never loaded"
LATER = NOW + timedelta(minutes=20)  # past FLOOD_MAX_AGE_MINUTES (15)

# The five Shropshire flood alerts in the captured 2016 England list, by area name.
SHROPSHIRE_2016 = [
    ("031WAF107", "97051", "Brooks in the Wyre Forest"),
    ("031WAF105", "96958", "Rea Brook and Cound Brook"),
    ("031WAF106", "97088", "River Worfe"),
    ("031WAF104", "97089", "Tern and Perry Catchments"),
    ("031WAF112", "96957", "Upper Teme"),
]
SHROPSHIRE_AREAS = [area for area, _, _ in SHROPSHIRE_2016]


@pytest.fixture
def fake(app):
    with FakeFloods() as server:
        app.config.update(FLOOD_API_URL=server.url, FLOOD_TIMEOUT_S=5.0)
        yield server


def areas(state: FloodState) -> list[str]:
    return [warning.area_id for warning in state.warnings]


def polygon_paths(fake: FakeFloods) -> list[str]:
    return [path for path in fake.paths if path.endswith("/polygon")]


def stored(name: str) -> FloodFeed | None:
    return db.session.scalars(
        select(FloodFeed).where(FloodFeed.name == name).execution_options(populate_existing=True)
    ).one_or_none()


# --- what the feed holds --------------------------------------------------------------------


@pytest.mark.parametrize("filters", [False, True], ids=["server-ignores-county", "server-filters"])
def test_the_five_shropshire_alerts_from_the_2016_england_list(fake, filters):
    assert len(fixture(ENGLAND_2016)["items"]) == 171
    fake.filters = filters
    state = refresh(NOW)
    assert [(w.area_id, w.id, w.area_name) for w in state.warnings] == SHROPSHIRE_2016
    assert {(w.severity, w.severity_label) for w in state.warnings} == {(3, "Flood alert")}
    assert state.counts_by_severity() == {1: 0, 2: 0, 3: 5}
    assert (state.available, state.note, state.error, state.fetched_at) == (True, "", "", NOW)
    path, query = fake.requests[0]
    assert path == "/id/floods"
    assert query == {"county": "Shropshire,Telford", "min-severity": "3"}
    assert fake.user_agents == {"shropshire-accord-hub (flood warnings)"}


def test_a_warning_keeps_what_the_ea_said(fake):
    state = refresh(NOW)
    rea = next(w for w in state.warnings if w.area_id == "031WAF105")
    assert rea.county == "Shropshire"
    assert rea.river_or_sea == "Rea and Cound Brooks & their tributaries"
    assert rea.message.startswith("This message contains gauge information for Rea Brook.\n\n")
    assert rea.raised_at == "2016-03-28T07:16:00"
    assert rea.severity_changed_at == "2016-03-27T16:44:00"
    assert rea.message_changed_at == "2016-03-28T07:16:00"
    assert (rea.is_tidal, rea.latitude, rea.longitude) == (False, None, None)
    wyre = next(w for w in state.warnings if w.area_id == "031WAF107")
    assert wyre.county == "Shropshire, Worcestershire"  # shared areas count


def test_severity_levels_from_the_2015_list(fake, monkeypatch):
    # No Shropshire item in the 2015 capture has a flood warning, so read the north's.
    monkeypatch.setattr(flood_feed, "COUNTIES", ("Yorkshire", "Cheshire", "Cumbria"))
    fake.feed = NORTH_2015
    state = refresh(NOW)
    assert len(state.warnings) == 11
    assert state.counts_by_severity() == {1: 0, 2: 2, 3: 9}
    first, second = state.warnings[:2]  # most severe first
    assert {first.area_id, second.area_id} == {"122FWF723", "013FWFCH50"}
    assert {first.severity_label, second.severity_label} == {"Flood warning"}
    assert fake.requests[0][1]["county"] == "Yorkshire,Cheshire,Cumbria"


def test_warnings_no_longer_in_force_are_dropped(fake, monkeypatch):
    monkeypatch.setattr(flood_feed, "COUNTIES", ("Hampshire", "Sussex", "Wiltshire", "Dorset"))
    fake.feed = ENGLAND_2023  # newer format: lower-case "Flood alert", 3 at level 4
    state = refresh(NOW)
    assert len(state.warnings) == 8
    assert not {"111FAGSPGW", "111FAGCCGW", "111FAGWDGW"} & set(areas(state))
    assert {w.severity_label for w in state.warnings} == {"Flood alert"}
    assert "063WAT23West" not in areas(state)  # Greater London is not ours


def test_an_item_in_an_unknown_shape_is_skipped_not_the_feed(fake):
    body = copy.deepcopy(fixture(ENGLAND_2016))
    body["items"][:0] = [{"floodArea": {"county": "Shropshire"}}, "junk"]
    fake.feed = body
    state = refresh(NOW)
    assert (areas(state), state.available) == (SHROPSHIRE_AREAS, True)


def test_a_severe_flood_warning_comes_first(fake):
    # DERIVED from the 2016 capture: Rea Brook's alert raised to level 1, as the EA would
    # send a severe flood warning (no capture has one).
    body = copy.deepcopy(fixture(ENGLAND_2016))
    rea = next(i for i in body["items"] if i["floodAreaID"] == "031WAF105")
    rea.update(severityLevel=1, severity="Severe Flood Warning")
    fake.feed = body
    state = refresh(NOW)
    assert state.warnings[0].area_id == "031WAF105"
    assert state.warnings[0].severity_label == "Severe flood warning"
    assert state.warnings[0].colour == floods.SEVERITY_COLOURS[1]
    assert state.counts_by_severity() == {1: 1, 2: 0, 3: 4}


def test_the_severn_vyrnwy_single_warning_with_its_flood_area(fake):
    fake.feed = SEVERN_VYRNWY  # /id/floods/93474: `items` is one object
    (warning,) = refresh(NOW).warnings
    assert (warning.id, warning.area_id) == ("93474", "031WAF114")
    assert warning.area_name == "Severn Vyrnwy Confluence"
    assert warning.river_or_sea == "River Severn, River Vyrnwy"
    assert (warning.severity, warning.severity_label) == (3, "Flood alert")
    assert warning.latitude == pytest.approx(52.7655, abs=1e-4)
    assert warning.longitude == pytest.approx(-2.9931, abs=1e-4)
    # Its outline (constructed: see test_flood_areas.py) as a river corridor and a washland,
    # rounded to 5 places (about a metre) on the way in.
    assert warning.geometry["type"] == "MultiPolygon"
    assert len(warning.geometry["coordinates"]) == 2
    lon, lat = warning.geometry["coordinates"][0][0][0]
    assert (round(lon, 5), round(lat, 5)) == (lon, lat)


@pytest.mark.parametrize("name", [EMPTY, EMPTY_MOCK])
def test_no_warnings_in_force_is_an_answer(fake, name):
    refresh(NOW)
    fake.feed = name
    state = refresh(LATER)
    assert state.warnings == []
    assert (state.available, state.note) == (True, "")
    assert state.counts_by_severity() == {1: 0, 2: 0, 3: 0}
    assert stored("warnings").items == []  # the all-clear replaces the old alerts


# --- outlines -------------------------------------------------------------------------------


def test_each_warning_gets_its_flood_area_outline(fake):
    state = refresh(NOW)
    assert sorted(polygon_paths(fake)) == sorted(
        f"/id/floodAreas/{area}/polygon" for area in SHROPSHIRE_AREAS
    )
    shapes = {w.area_id: w.geometry["type"] for w in state.warnings}
    assert shapes == {area: "Polygon" for area in SHROPSHIRE_AREAS} | {"031WAF107": "MultiPolygon"}
    wyre = next(w for w in state.warnings if w.area_id == "031WAF107")
    assert len(wyre.geometry["coordinates"]) == 2
    # The list row holds no geometry; outlines live in their own row, one per area.
    assert "geometry" not in stored("warnings").items[0]
    assert {row["area_id"] for row in stored("polygons").items} == set(SHROPSHIRE_AREAS)


def test_a_failed_outline_skips_the_outline_not_the_warning(fake, caplog):
    fake.broken_polygons = {"031WAF105"}
    state = refresh(NOW)
    geometries = {w.area_id: w.geometry for w in state.warnings}
    assert geometries["031WAF105"] is None
    assert all(geometries[area] for area in SHROPSHIRE_AREAS if area != "031WAF105")
    assert state.available
    assert "031WAF105 outline skipped: HTTP 500" in caplog.text


def test_outlines_are_cached_and_fetched_again_when_old(fake):
    refresh(NOW)
    refresh(LATER)
    assert len(polygon_paths(fake)) == 5  # none asked again
    fake.broken_polygons = {"031WAF105"}
    state = refresh(NOW + floods.POLYGON_MAX_AGE + timedelta(minutes=1))
    assert len(polygon_paths(fake)) == 10
    # The old outline beats none when its refetch fails.
    assert all(w.geometry for w in state.warnings)


def test_outlines_beyond_the_time_budget_wait_for_the_next_refresh(fake):
    state = refresh(NOW, polygon_budget_s=0)
    assert polygon_paths(fake) == []
    assert state.available and all(w.geometry is None for w in state.warnings)
    state = refresh(LATER)
    assert all(w.geometry for w in state.warnings)


@pytest.mark.parametrize(
    "body",
    [
        {"type": "Polygon", "coordinates": [[[320000, 310000], [321000, 310000], [0, 0]]]},
        {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": None}]},
        {"type": "Point", "coordinates": [-2.7, 52.7]},
        [],
    ],
    ids=["grid-eastings", "no-geometry", "a-point", "not-an-object"],
)
def test_an_unusable_outline_is_none(body):
    assert flood_feed.geometry(body) is None


# --- failures keep the last good warnings ---------------------------------------------------


FAILURES = [
    ("slow", None, "timed out"),
    ("error", None, "HTTP 500"),
    ("garbage", None, "not JSON"),
    ("ok", {"items": "none"}, "unexpected JSON"),
    ("ok", {"meta": {}}, "unexpected JSON"),
    ("ok", [], "unexpected JSON"),
    ("ok", {"items": [1, 2]}, "unexpected JSON"),
    ("ok", {"items": [{"floodArea": {"county": "Shropshire"}}]}, "unexpected JSON"),
]


@pytest.mark.parametrize(
    ("mode", "body", "error"),
    FAILURES,
    ids=[
        "timeout",
        "http-500",
        "invalid-json",
        "items-a-string",
        "no-items",
        "a-list",
        "items-not-objects",
        "items-unknown-shape",
    ],
)
def test_a_failure_keeps_the_last_good_warnings(app, fake, mode, body, error):
    refresh(NOW)
    fake.mode = mode
    if body is not None:
        fake.feed = body
    # Short only where the answer is to be too slow: a busy machine (the suite's workers, a
    # browser) may take longer than 0.2 s to answer the others.
    app.config["FLOOD_TIMEOUT_S"] = 0.2 if mode == "slow" else 5.0
    state = refresh(LATER)
    assert state.error == error
    assert areas(state) == SHROPSHIRE_AREAS
    assert all(w.geometry for w in state.warnings)
    assert (state.fetched_at, state.attempted_at) == (NOW, LATER)
    assert (state.available, state.note) == (False, LAST_UPDATED)
    row = stored("warnings")
    assert (len(row.items), row.fetched_at, row.attempted_at, row.error) == (
        5,
        NOW,
        LATER,
        state.error,
    )


def test_an_answer_too_large_keeps_the_last_good_warnings(fake, monkeypatch):
    refresh(NOW)
    monkeypatch.setattr(flood_feed, "MAX_FEED_BYTES", 1000)
    state = refresh(LATER)
    assert (state.error, areas(state), state.note) == (
        "answer too large",
        SHROPSHIRE_AREAS,
        LAST_UPDATED,
    )


def test_a_success_after_a_failure_clears_the_error(fake):
    refresh(NOW)
    fake.mode = "error"
    refresh(LATER)
    fake.mode = "ok"
    state = refresh(LATER + timedelta(minutes=1))
    assert (state.available, state.note, stored("warnings").error) == (True, "", "")


def test_a_failure_before_any_success_says_never_loaded(app):
    app.config["FLOOD_API_URL"] = f"http://127.0.0.1:{free_port()}"  # nobody listening
    state = refresh(NOW)
    assert (state.warnings, state.error, state.note) == ([], "could not connect", NEVER)


def test_the_note_shows_uk_clock_time():
    summer = FloodState([], datetime(2026, 6, 1, 9, 5), datetime(2026, 6, 1, 9, 30), "timed out")
    assert summer.note == "Flood data unavailable, last updated 1 June 2026 at 10:05am"


def test_logs_name_areas_not_messages(fake, caplog):
    caplog.set_level(logging.INFO, logger="emergency.floods")
    refresh(NOW)
    assert "031WAF105" in caplog.text
    assert "gauge" not in caplog.text.lower()
    assert "Rea Brook" not in caplog.text


# --- current(): the cache, refreshed when stale ---------------------------------------------


def test_current_fetches_when_never_fetched(fake):
    state = current(NOW)
    assert areas(state) == SHROPSHIRE_AREAS
    assert all(w.geometry for w in state.warnings)


def test_current_answers_from_a_fresh_cache_without_asking(fake):
    refresh(NOW)
    asked = len(fake.requests)
    state = current(NOW + timedelta(minutes=14))
    assert len(fake.requests) == asked
    assert areas(state) == SHROPSHIRE_AREAS
    assert all(isinstance(w, FloodWarning) and w.geometry for w in state.warnings)
    assert all(w.geometry is None for w in current(NOW, geometry=False).warnings)
    assert len(fake.requests) == asked


def test_current_refreshes_a_stale_cache_once(fake):
    refresh(NOW)
    asked = len(fake.requests)
    state = current(LATER)
    assert fake.paths[asked:] == ["/id/floods"]  # outlines come from the cache
    assert (state.fetched_at, state.available) == (LATER, True)
    current(LATER + timedelta(minutes=1))
    assert len(fake.requests) == asked + 1


def test_after_a_failure_current_takes_a_break(app, fake):
    fake.mode = "error"
    assert current(NOW).note == NEVER
    assert len(fake.requests) == 1
    state = current(NOW + timedelta(seconds=floods.BREAK_S - 1))
    assert len(fake.requests) == 1  # not asked again so soon
    assert (state.error, state.note) == ("HTTP 500", NEVER)
    fake.mode = "ok"
    state = current(NOW + timedelta(seconds=floods.BREAK_S))
    assert len(fake.requests) == 2 + len(SHROPSHIRE_AREAS)
    assert (state.available, areas(state)) == (True, SHROPSHIRE_AREAS)


def test_the_break_holds_for_every_app_server(app, make_app, fake):
    fake.mode = "error"
    current(NOW)
    other = make_app(FLOOD_API_URL=fake.url)
    with other.app_context():
        state = current(NOW + timedelta(seconds=10))
    assert len(fake.requests) == 1
    assert state.note == NEVER


def test_current_never_commits_the_callers_changes(fake):
    db.session.add(Incident(name="Unsaved", kind="flood"))
    current(NOW)  # writes the cache in its own transaction
    db.session.rollback()
    assert db.session.scalars(select(Incident)).all() == []
    assert stored("warnings").fetched_at == NOW


def test_current_with_the_feed_down_stays_quick_and_readable(app):
    data.incident()  # pages carry on with other data
    app.config.update(FLOOD_API_URL=f"http://127.0.0.1:{free_port()}", FLOOD_TIMEOUT_S=0.2)
    state = current(NOW)
    assert (state.warnings, state.error, state.available) == ([], "could not connect", False)


# --- the command ----------------------------------------------------------------------------


def invoke(app, *args: str):
    return app.test_cli_runner().invoke(args=["emergency", "refresh-floods", *args])


def test_the_command_counts_warnings_by_severity(app, fake):
    result = invoke(app)
    assert result.exit_code == 0, result.output
    assert result.output == (
        "5 in force for Shropshire and Telford & Wrekin: "
        "0 severe flood warnings, 0 flood warnings, 5 flood alerts.\n"
    )
    assert stored("warnings").error == ""


def test_the_command_says_when_nothing_is_in_force(app, fake):
    fake.feed = EMPTY
    result = invoke(app)
    assert result.exit_code == 0
    assert result.output == "No flood warnings in force for Shropshire and Telford & Wrekin.\n"


def test_the_command_fails_in_one_line(app, fake):
    fake.mode = "error"
    result = invoke(app)
    assert result.exit_code == 1
    assert result.output == (
        "Error: Flood warnings not updated (HTTP 500); none were ever loaded.\n"
    )
    fake.mode = "ok"
    refresh(NOW)
    fake.mode = "error"
    result = invoke(app)
    assert result.exit_code == 1
    assert result.output.startswith(
        "Error: Flood warnings not updated (HTTP 500); the last good ones are from "
        "23 November 2026 at 10:42am."
    )
    assert result.output.count("\n") == 1
