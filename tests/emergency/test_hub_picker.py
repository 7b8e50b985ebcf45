"""Choosing a hub's building by searching (accord/pickers.py, directory/pickers/lookup.py):
buildings that are a hub already are not offered, and without JavaScript the words typed are
resolved when the form is sent."""

from __future__ import annotations

import pytest

from accord.extensions import db
from accord.models import Role
from emergency.models import Hub
from tests.directory.pickers import chosen
from tests.emergency import data
from tests.factories import PASSWORD
from tests.pages import check_html

NEW = "/emergency/hubs/new"
PROFILE = {"organisation": "0", "kinds": ["rest_centre"], "day_capacity": "50"}


@pytest.fixture
def cvec(client, make):
    make.user(role=Role.cvec, email="cvec@example.org")
    client.sign_in("cvec@example.org", PASSWORD)
    return client


@pytest.fixture
def halls(make):
    made = {
        "castle": make.location(name="Castle Hall", town="Ludlow", postcode="SY8 1AY"),
        "abbey": make.location(name="Abbey Hall", town="Shrewsbury", postcode="SY2 6AE"),
        "quarry": make.location(name="Quarry Hall", town="Shrewsbury", postcode="SY1 1JA"),
        "mill": make.location(name="Mill Hall", town="Shrewsbury", postcode="SY3 8AA"),
    }
    made["hub"] = data.hub(location=made["mill"])
    return made


def page_of(response):
    assert response.status_code == 200, response.status_code
    return check_html(response.get_data(as_text=True))


def the_hub(location_id: int) -> Hub:
    return db.session.scalars(db.select(Hub).where(Hub.location_id == location_id)).one()


def test_one_match_makes_it_a_hub(cvec, halls):
    assert cvec.submit(NEW, {**PROFILE, "location": "sy8 1ay"}).status_code == 302
    assert the_hub(halls["castle"].id).day_capacity == 50


def test_several_matches_come_back_as_radios_but_never_a_hub_already(cvec, halls):
    page = page_of(cvec.submit(NEW, {**PROFILE, "location": "Shrewsbury"}))
    assert (
        "More than one building matches “Shrewsbury”"
        in page.select_one(".govuk-error-summary").get_text()
    )
    radios = page.select("input[type=radio][name=location_id]")
    labels = [page.find("label", attrs={"for": r["id"]}).get_text(strip=True) for r in radios]
    assert labels == ["Abbey Hall, Shrewsbury SY2 6AE", "Quarry Hall, Shrewsbury SY1 1JA"]
    # What else was typed is kept.
    assert page.find("input", attrs={"name": "day_capacity"})["value"] == "50"
    answer = {**PROFILE, "location": "Shrewsbury", "location_id": radios[0]["value"]}
    assert cvec.submit(NEW, answer).status_code == 302
    assert the_hub(halls["abbey"].id)


def test_none_matching_or_nothing_typed_is_explained(cvec, halls):
    page = page_of(cvec.submit(NEW, {**PROFILE, "location": "Mill Hall"}))  # a hub already
    assert "No building matches “Mill Hall”" in page.select_one(".govuk-error-summary").get_text()
    assert page.find("input", attrs={"name": "location"})["value"] == "Mill Hall"
    page = page_of(cvec.submit(NEW, {**PROFILE, "location": ""}))
    summary = page.select_one(".govuk-error-summary").get_text()
    assert "Enter the building's name, town or postcode" in summary
    # A forged id of a building that is a hub already is refused too.
    page = page_of(cvec.submit(NEW, {**PROFILE, **chosen(halls["mill"])}))
    assert "No building matches" in page.get_text()
    assert db.session.scalar(db.select(db.func.count(Hub.id))) == 1


def test_editing_a_hub_shows_and_keeps_its_own_building(cvec, halls):
    edit = f"/emergency/hubs/{halls['hub'].id}/edit"
    page = cvec.get_page(edit)
    assert (
        page.find("input", attrs={"name": "location"})["value"] == "Mill Hall, Shrewsbury SY3 8AA"
    )
    picker = page.find(attrs={"data-app-picker": True})["data-app-picker"]
    assert picker == f"/emergency/hubs/buildings?hub={halls['hub'].id}"
    assert cvec.submit(edit, {**PROFILE, **chosen(halls["mill"])}).status_code == 302
    assert cvec.submit(edit, {**PROFILE, "location": "castle"}).status_code == 302
    db.session.expire_all()
    assert halls["hub"].location_id == halls["castle"].id


def test_the_hub_forms_lookup_leaves_out_other_hubs(cvec, halls):
    found = cvec.get("/emergency/hubs/buildings?q=hall").get_json()["results"]
    assert [b["label"].split(",")[0] for b in found] == ["Abbey Hall", "Castle Hall", "Quarry Hall"]
    own = cvec.get(f"/emergency/hubs/buildings?q=mill&hub={halls['hub'].id}").get_json()
    assert own == {"results": [{"id": halls["mill"].id, "label": "Mill Hall, Shrewsbury SY3 8AA"}]}
    for odd in ("abc", "-1", "99999999999", ""):
        response = cvec.get(f"/emergency/hubs/buildings?q=mill&hub={odd}")
        assert response.get_json() == {"results": []}


def test_only_cvec_asks_the_hub_forms_lookup(client, make, halls):
    assert client.get("/emergency/hubs/buildings?q=hall").status_code == 302
    make.user(role=Role.member, email="member@example.org")
    client.sign_in("member@example.org", PASSWORD)
    assert client.get("/emergency/hubs/buildings?q=hall").status_code == 403
