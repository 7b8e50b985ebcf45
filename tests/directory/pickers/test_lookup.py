"""Finding a building to choose by name, town or postcode (directory/pickers/lookup.py), and
the JSON the autocomplete asks for as people type."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import insert, select

from accord.extensions import db
from accord.models import Location, Role
from accord.pickers import Match
from directory.pickers import lookup
from tests.factories import PASSWORD


@pytest.fixture
def halls(make):
    return {
        "abbey": make.location(name="Abbey Foregate Hall", town="Shrewsbury", postcode="SY2 6AE"),
        "castle": make.location(name="Castle Hall", town="Ludlow", postcode="SY8 1AY"),
        "hall": make.location(name="Hall for All", town="Church Stretton", postcode="SY6 6BX"),
        "shrew": make.location(name="The Shrewsbury Centre", town="Oswestry", postcode="SY11 1PZ"),
        "draft": make.location(name="Draft Hall", town="Shrewsbury", review="pending"),
        "gone": make.location(name="Rejected Hall", town="Ludlow", review="rejected"),
    }


def names(text: str, **kwargs) -> list[str]:
    return [m.label.split(",")[0] for m in lookup.matches(text, **kwargs)]


def test_a_label_is_name_town_and_postcode(halls):
    assert lookup.matches("castle") == [Match(halls["castle"].id, "Castle Hall, Ludlow SY8 1AY")]
    assert lookup.label(Location(name="Barn", town="", postcode="")) == "Barn"


def test_by_name_town_or_postcode_names_first(halls):
    # Names beginning with the words, then names holding them, then other buildings A to Z.
    assert names("hall") == ["Hall for All", "Abbey Foregate Hall", "Castle Hall"]
    assert names("LUDLOW") == ["Castle Hall"]
    # "shrewsbury" is one building's name and another's town: the name comes first.
    assert names("shrewsbury") == ["The Shrewsbury Centre", "Abbey Foregate Hall"]
    assert names("hall shrews") == ["Abbey Foregate Hall"]  # every word must match


@pytest.mark.parametrize("typed", ["SY8 1AY", "sy81ay", "sy8 1a", "SY8"])
def test_a_postcode_with_or_without_its_space(halls, typed):
    assert names(typed) == ["Castle Hall"]


def test_an_outward_code_is_not_confused_with_a_longer_one(halls):
    assert names("SY1") == ["The Shrewsbury Centre"]  # SY11, not SY1x's neighbours
    assert names("SY11 1") == ["The Shrewsbury Centre"]


def test_unpublished_buildings_are_never_found(halls):
    assert "Draft Hall" not in names("hall") and "Rejected Hall" not in names("hall")
    assert names("draft") == [] and names("rejected") == []
    assert lookup.named(halls["draft"].id) is None
    # Unless it is the building already chosen (a service's building since withdrawn).
    assert lookup.named(halls["draft"].id, keep=halls["draft"].id) is not None


def test_what_may_not_be_chosen_is_left_out(halls):
    taken = select(Location.id).where(Location.id == halls["castle"].id)
    assert "Castle Hall" not in names("hall", exclude=taken)
    assert lookup.named(halls["castle"].id, exclude=taken) is None
    assert lookup.named(halls["abbey"].id, exclude=taken) is not None


@pytest.mark.parametrize("typed", ["", " ", "h", "%", "_", "\\", "%%", "'; drop table location"])
def test_odd_or_short_words_find_nothing_and_break_nothing(halls, typed):
    assert lookup.matches(typed) == []


def test_like_wildcards_are_taken_literally(make):
    make.location(name="100% Community Hall")
    make.location(name="1000 Club")
    assert names("100%") == ["100% Community Hall"]


def test_at_most_ten_of_twenty_thousand_quickly(app):
    rows = [
        {"name": f"Village Hall {i:05d}", "town": f"Town {i % 300}", "uuid": f"u-{i}",
         "postcode": f"SY{i % 25} {i % 10}AB"}
        for i in range(20_000)
    ]  # fmt: skip
    db.session.execute(insert(Location), rows)
    db.session.commit()
    for typed in ("village", "hall 1999", "town 12", "sy3 4a", "zzz"):
        lookup.matches(typed)  # warm
        started = time.perf_counter()
        found = lookup.matches(typed)
        took = time.perf_counter() - started
        assert len(found) <= 10
        # A few milliseconds on either database; generous for a busy test machine.
        assert took < 0.5, (typed, took)
    assert [m.label for m in lookup.matches("village")][:2] == [
        "Village Hall 00000, Town 0 SY0 0AB",
        "Village Hall 00001, Town 1 SY1 1AB",
    ]


# --- the JSON endpoint ----------------------------------------------------------------------


def sign_in(client, make, role):
    make.user(role=role, email=f"{role}@example.org")
    client.sign_in(f"{role}@example.org", PASSWORD)


@pytest.mark.parametrize("role", [Role.member, Role.coordinator, Role.cvec])
def test_those_who_choose_buildings_get_labels_as_json(client, make, halls, role):
    sign_in(client, make, role)
    response = client.get("/directory/buildings/lookup?q=castle")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_json() == {
        "results": [{"id": halls["castle"].id, "label": "Castle Hall, Ludlow SY8 1AY"}]
    }


def test_the_json_is_text_not_html(client, make):
    # JSON carries the name as it is; the script writes it as text (accord/static/picker.js).
    make.location(name="<img src=x onerror=alert(1)> Hall", town="Ludlow", postcode="")
    sign_in(client, make, Role.cvec)
    response = client.get("/directory/buildings/lookup?q=hall")
    assert response.mimetype == "application/json"
    [found] = response.get_json()["results"]
    assert found["label"] == "<img src=x onerror=alert(1)> Hall, Ludlow"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_hostile_queries_are_answered_not_failed(client, make, halls):
    sign_in(client, make, Role.cvec)
    for query in ("ca%00stle", "%25", "x" * 5000, "%E2%80%AEcastle", "castle&q=abbey"):
        response = client.get(f"/directory/buildings/lookup?q={query}")
        assert response.status_code == 200, query
        assert len(response.get_json()["results"]) <= 10


def test_nobody_else_may_ask(client, make, halls):
    response = client.get("/directory/buildings/lookup?q=castle")
    assert response.status_code == 302 and response.location.startswith("/sign-in")
    sign_in(client, make, Role.frontline)
    assert client.get("/directory/buildings/lookup?q=castle").status_code == 403


def test_it_is_rate_limited_per_account(client, make, halls):
    sign_in(client, make, Role.cvec)
    codes = [client.get("/directory/buildings/lookup?q=ca").status_code for _ in range(125)]
    assert codes[:120] == [200] * 120 and codes[-1] == 429
