"""Choosing a service's building without JavaScript: the words typed are resolved when the
form is sent (accord/pickers.py). One match is chosen; several come back as radios to choose
from, with an error summary; none is an error that keeps what was typed."""

from __future__ import annotations

import pytest

from accord.extensions import db
from accord.models import Role
from directory.models import Service
from tests.directory.data import organisation
from tests.directory.pickers import chosen
from tests.directory.test_upkeep import FORM
from tests.factories import PASSWORD
from tests.pages import check_html


def page_of(response):
    assert response.status_code == 200, response.status_code
    return check_html(response.get_data(as_text=True))


@pytest.fixture
def provider(client, make):
    org = organisation()
    db.session.commit()
    make.user(role=Role.member, organisation=org, email="provider@example.org")
    client.sign_in("provider@example.org", PASSWORD)
    return f"/directory/services/new/{org.slug}"


@pytest.fixture
def halls(make):
    return {
        "castle": make.location(name="Castle Hall", town="Ludlow", postcode="SY8 1AY"),
        "abbey": make.location(name="Abbey Hall", town="Shrewsbury", postcode="SY2 6AE"),
        "quarry": make.location(name="Quarry Hall", town="Shrewsbury", postcode="SY1 1JA"),
        "draft": make.location(name="Draft Hall", town="Ludlow", review="pending"),
    }


def saved_building(name: str = "Larder Plus"):
    service = db.session.scalar(db.select(Service).where(Service.name == name))
    return service.locations[0] if service.locations else None


def test_the_form_asks_for_words_not_a_list_of_every_building(client, provider, halls):
    page = client.get_page(provider)
    assert page.find("select", attrs={"name": "location"}) is None
    field = page.find("input", attrs={"name": "location"})
    assert field["type"] == "text" and field["value"] == ""
    assert page.find("label", attrs={"for": field["id"]}).get_text(strip=True) == (
        "Building (name, town or postcode)"
    )
    assert "Castle Hall" not in page.get_text()
    lookup = page.find(attrs={"data-app-picker": True})["data-app-picker"]
    assert lookup == "/directory/buildings/lookup"


@pytest.mark.parametrize("typed", ["castle", "SY81AY", "sy8 1ay", "Ludlow"])
def test_one_match_is_chosen(client, provider, halls, typed):
    response = client.submit(provider, {**FORM, "location": typed})
    assert response.status_code == 302
    assert saved_building() == halls["castle"]


def test_several_matches_come_back_as_radios_to_choose_from(client, provider, halls):
    response = client.submit(provider, {**FORM, "location": "shrewsbury"})
    assert response.status_code == 200
    page = page_of(response)
    summary = page.select_one(".govuk-error-summary")
    assert "More than one building matches “shrewsbury”: choose one" in summary.get_text()
    assert page.find("input", attrs={"name": "location"})["value"] == "shrewsbury"
    radios = page.select("input[type=radio][name=location_id]")
    labels = [page.find("label", attrs={"for": r["id"]}).get_text(strip=True) for r in radios]
    assert labels == ["Abbey Hall, Shrewsbury SY2 6AE", "Quarry Hall, Shrewsbury SY1 1JA"]
    # The radios stand for the hidden id the script would fill: there is no other.
    assert page.select("input[type=hidden][name=location_id]") == []
    # Choosing one (the words unchanged) saves it.
    answer = {**FORM, "location": "shrewsbury", "location_id": radios[1]["value"]}
    assert client.submit(provider, answer).status_code == 302
    assert saved_building() == halls["quarry"]


def test_none_matching_keeps_what_was_typed(client, provider, halls):
    page = page_of(client.submit(provider, {**FORM, "location": "Castel <Hal>"}))
    message = "No building matches “Castel <Hal>”: try its name, town or postcode"
    assert message in page.select_one(".govuk-error-summary").get_text()
    assert message in page.select_one(".govuk-error-message").get_text()
    assert page.find("input", attrs={"name": "location"})["value"] == "Castel <Hal>"
    assert page.select_one(".govuk-error-summary a")["href"] == "#location"


def test_unpublished_buildings_cannot_be_chosen(client, provider, halls):
    page = page_of(client.submit(provider, {**FORM, "location": "draft"}))
    assert "No building matches “draft”" in page.get_text()
    forged = {**FORM, **chosen(halls["draft"])}
    assert "No building matches" in page_of(client.submit(provider, forged)).get_text()


def test_a_chosen_id_counts_only_while_the_words_name_it(client, provider, halls):
    # Chosen (label and id, as the script sends them): saved.
    assert client.submit(provider, {**FORM, **chosen(halls["abbey"])}).status_code == 302
    assert saved_building() == halls["abbey"]
    # The words typed over after choosing: the words decide.
    answer = {**FORM, "name": "Second", "location": "castle", "location_id": halls["abbey"].id}
    assert client.submit(provider, answer).status_code == 302
    assert saved_building("Second") == halls["castle"]
    # Blank: no building (online, by phone or at home).
    answer = {**FORM, "name": "Third", "location": "", "location_id": halls["abbey"].id}
    assert client.submit(provider, answer).status_code == 302
    assert saved_building("Third") is None


def test_another_error_keeps_the_building_chosen(client, provider, halls):
    page = page_of(client.submit(provider, {**FORM, "name": "", "location": "castle"}))
    assert page.find("input", attrs={"name": "location"})["value"] == "Castle Hall, Ludlow SY8 1AY"
    hidden = page.find("input", attrs={"name": "location_id"})
    assert hidden["value"] == str(halls["castle"].id)


def test_editing_shows_the_building_and_keeps_it_even_if_since_unpublished(client, provider, halls):
    client.submit(provider, {**FORM, "location": "castle"})
    service = db.session.scalar(db.select(Service).where(Service.name == "Larder Plus"))
    halls["castle"].review = "pending"
    db.session.commit()
    edit = f"/directory/services/{service.id}/edit"
    page = client.get_page(edit)
    shown = page.find("input", attrs={"name": "location"})["value"]
    assert shown == "Castle Hall, Ludlow SY8 1AY"
    answer = {**FORM, "location": shown, "location_id": str(halls["castle"].id)}
    assert client.submit(edit, answer).status_code == 302
    db.session.expire_all()
    assert saved_building() == halls["castle"]
