"""Starting a call-out: the form's errors, the check page (the text as a phone shows it, its
length and segments, how many it goes to and how), and the cap."""

from __future__ import annotations

import pytest

from emergency.callouts import segments
from tests.emergency import data
from tests.emergency.callouts.helpers import answers, cvec, recipients, scene
from tests.factories import PASSWORD
from tests.pages import check_html


def test_the_incident_page_offers_a_call_out(client, make):
    incident, _ = scene(make)
    page = cvec(client, make).get_page(f"/emergency/incidents/{incident.id}")
    start = page.find("a", string="Start a call-out")
    assert start["href"] == f"/emergency/incidents/{incident.id}/callouts/new"
    assert "None yet" in page.find(id="callouts").find_next("p").text


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"need": ""}, "need", "Enter what is needed"),
        ({"need": "Ring Sam on 07700 900123"}, "need", "Remove the phone number"),
        ({"need": "Email sam@example.org"}, "need", "Remove the phone number or email"),
        ({"hub": "", "place": ""}, "hub", "Choose a hub or enter a place"),
        ({"hub": "999"}, "hub", "Choose a hub from the list"),
        ({"day": ["", "", ""]}, "day-day", "Enter the date"),
        ({"day": ["31", "2", "2027"]}, "day-day", "The date must be a real date"),
        ({"day": ["1", "1", "2020"]}, "day-day", "today or in the future"),
        ({"starts": "teatime"}, "starts", "Enter the time to come from, like 9am"),
        ({"ends": "25:00"}, "ends", "Enter the time until"),
        ({"ends": "14:00"}, "ends", "must be different"),
        ({"people": "0"}, "people", "Enter a number of people from 1 to 500"),
        ({"people": "lots"}, "people", "Enter a number of people from 1 to 500"),
        ({"hub": "", "place": "Nowhereville Sands"}, "radius", "could not find that place"),
        ({"skills": ["juggling"]}, "skills", "Choose skills from the list"),
    ],
)
def test_the_form_explains_each_mistake_and_keeps_what_was_typed(
    client, make, change, field, message
):
    incident, hub = scene(make)
    cvec(client, make)
    at = f"/emergency/incidents/{incident.id}/callouts/new"
    typed = {**answers(hub), **change}
    response = client.submit(at, typed)
    assert response.status_code == 400
    page = check_html(response.get_data(as_text=True))
    summary = page.select_one(".govuk-error-summary")
    link = [a for a in summary.select("a") if message in a.text]
    assert link and link[0]["href"] == f"#{field}", summary.text
    if change.get("need"):
        assert page.find(id="need")["value"] == change["need"]


def test_check_page_shows_the_text_its_segments_and_who_it_goes_to(client, make):
    incident, hub = scene(make)
    data.volunteer(phone="07700 900001")
    data.volunteer(phone="", email="emailonly@example.org")
    data.volunteer(phone="07700 900002", texts_stopped=True)
    data.volunteer(phone="07700 900003", phone_failing=True)
    data.volunteer(phone="", email_failing=True)  # cannot be reached at all
    data.volunteer(latitude=52.0, longitude=-3.5)  # too far
    cvec(client, make)
    at = f"/emergency/incidents/{incident.id}/callouts/new"
    assert client.submit(at, answers(hub)).status_code == 302
    page = client.get_page(f"{at}/check")
    text = page.find(id="message-text").text
    assert text.startswith("CVEC emergency call-out: Drivers with 4x4s to move sandbags. ")
    assert "Where: Frankwell Hall, Shrewsbury." in text and "3 people needed" in text
    assert "http://localhost/volunteer/callouts/" in text
    counted = segments.count(text)
    assert counted.count == 2 and not counted.unicode
    assert f"{len(text)} characters: 2 text messages each" in page.find(id="message-length").text
    said = " ".join(page.find(id="recipient-count").text.split())
    assert "It goes to 4 volunteers: 1 by text message, 3 by email only" in said
    assert "1 who match cannot be reached" in page.text
    assert page.find("button", string=lambda s: s and "Send call-out" in s) or page.find(
        "input", attrs={"value": "Send call-out"}
    )


def test_change_from_the_check_page_keeps_the_answers(client, make):
    incident, hub = scene(make)
    cvec(client, make)
    at = f"/emergency/incidents/{incident.id}/callouts/new"
    client.submit(at, answers(hub, need="Sandbag fillers", skills=["lifting"]))
    page = client.get_page(at)
    assert page.find(id="need")["value"] == "Sandbag fillers"
    assert page.find("input", attrs={"value": "lifting"}).has_attr("checked")
    assert page.find(id="hub").find("option", selected=True)["value"] == str(hub.id)


@pytest.mark.parametrize(
    "body, count, unicode",
    [
        ("a" * 160, 1, False),
        ("a" * 161, 2, False),
        ("a" * 306, 2, False),
        ("a" * 307, 3, False),
        ("[" * 80, 1, False),  # extension characters take two places
        ("[" * 81, 2, False),
        ("’" + "a" * 69, 1, True),
        ("’" + "a" * 70, 2, True),
        ("’" + "a" * 133, 2, True),
        ("’" + "a" * 134, 3, True),
    ],
)
def test_segments_are_counted_as_networks_count_them(body, count, unicode):
    counted = segments.count(body)
    assert (counted.count, counted.unicode) == (count, unicode)


def test_a_call_out_goes_to_the_cap_at_most_nearest_first(client, make, make_app):
    incident, hub = scene(make)
    near = data.volunteer(latitude=52.7131, longitude=-2.7491)
    data.volunteer(latitude=52.75, longitude=-2.70)
    data.volunteer(latitude=52.76, longitude=-2.69)
    client.application.config["CALLOUT_MAX_RECIPIENTS"] = 2
    cvec(client, make)
    at = f"/emergency/incidents/{incident.id}/callouts/new"
    client.submit(at, answers(hub))
    page = client.get_page(f"{at}/check")
    assert "It goes to 2 volunteers" in " ".join(page.find(id="recipient-count").text.split())
    assert "3 volunteers match. A call-out goes to 2 at most, nearest first." in page.text
    client.submit(f"{at}/check", {})
    sent = recipients()
    assert len(sent) == 2 and sent[0].volunteer_id == near.id


def test_only_cvec_starts_a_call_out(client, make):
    incident, hub = scene(make)
    make.user(role="frontline", email="f@example.org")
    client.sign_in("f@example.org", PASSWORD)
    assert client.get(f"/emergency/incidents/{incident.id}/callouts/new").status_code == 403
