"""The directory's pages: search form and results, service and building pages, the list."""

import re
from datetime import UTC, datetime

import pytest

from accord import clock
from tests.directory.data import service


@pytest.fixture
def county(app):
    return {
        "bank": service(
            "Shrewsbury Food Bank",
            "food",
            "shrewsbury",
            description="Emergency food parcels.",
            hours=[("MO,WE,FR", "10:00", "12:00")],
        ),
        "club": service("Oswestry Lunch Club", "food", "oswestry", description="Hot lunches."),
        "counselling": service(
            "Ludlow Counselling",
            "mental-health",
            "ludlow",
            description="Counselling <b>for</b> adults.",
        ),
    }


def test_search_page_before_searching_lists_buildings(client, county):
    page = client.get_page("/directory")
    assert page.h1.get_text(strip=True) == "Find local services and community buildings"
    # By town (tests/directory/test_buildings.py): a town's page lists its buildings.
    town = client.get_page(page.find("a", string="Shrewsbury")["href"])
    assert town.find("a", string="Castlefields Community Centre") is not None


def test_results_show_distance_and_capacity(client, county):
    page = client.get_page("/directory?q=food&where=SY1+1AA&radius=20")
    assert page.h1.get_text(strip=True) == "Search results"
    first = page.find("li", class_="app-result")
    assert "Shrewsbury Food Bank" in first.get_text()
    assert "0.0 miles" in first.get_text()
    assert "Accepting new people" in first.get_text()


def test_zero_results_suggest_a_wider_radius_and_all_needs(client, county):
    page = client.get_page("/directory?need=mental-health&where=SY1+1AA&radius=10")
    text = page.get_text()
    assert "No services found" in text
    assert "Search within 20 miles" in text and "Search all needs" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ("radius=-5", "Choose a distance from the list"),
        ("radius=1000000000", "Choose a distance from the list"),
        ("age=abc", "Age must be a whole number"),
        ("page=1000000000000", "That page does not exist"),
        ("q=" + "x" * 8_000, "Search words must be 200 characters or fewer"),
        ("need=nonsense", "Select a need from the list"),
        ("when=someday", "Choose when the service should be open"),
    ],
)
def test_bad_input_gets_an_error_summary_not_a_500(client, county, args, message):
    page = client.get_page(f"/directory?where=Shrewsbury&{args}")
    summary = page.find(class_="govuk-error-summary")
    assert summary is not None and message in summary.get_text()


def test_unknown_postcode_says_so(client, county):
    page = client.get_page("/directory?where=ZZ9+9ZZ&q=food")
    assert (
        "Postcode search is unavailable" in page.get_text() or "could not find" in page.get_text()
    )


def test_sql_and_html_in_every_field_are_shown_escaped(client, county):
    nasty = "<script>alert(1)</script>' OR 1=1 --"
    response = client.get("/directory", query_string={"q": nasty, "where": nasty, "age": nasty})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in body


def test_service_page(client, county):
    page = client.get_page(f"/directory/services/{county['bank'].id}")
    text = page.get_text()
    assert "Emergency food parcels." in text
    assert "Castlefields Community Centre" in text
    rows = page.find("table").find_all("tr")
    assert rows[0].th.get_text().startswith("Today")
    assert "Mondays, Wednesdays and Fridays" in text or "Monday" in text


@pytest.mark.parametrize(
    ("utc", "open_now"),
    [
        (datetime(2026, 7, 15, 16, 30, tzinfo=UTC), True),  # 17:30 in Shrewsbury
        (datetime(2026, 7, 15, 17, 30, tzinfo=UTC), False),  # 18:30 in Shrewsbury
    ],
)
def test_open_now_is_read_on_uk_clocks(client, monkeypatch, utc, open_now):
    # The server keeps UTC; in British Summer Time Shropshire is an hour ahead of it.
    monkeypatch.setattr(clock, "system_time", lambda: utc)
    late = service("Late Larder", "food", "shrewsbury", hours=[("WE", "09:00", "18:00")])
    page = client.get_page(f"/directory/services/{late.id}")
    tags = [tag.get_text(strip=True) for tag in page.select(".govuk-tag")]
    assert ("Open now" in tags) is open_now
    today = page.find("table").find("tr")
    assert today.th.get_text(strip=True) == "Today 15 July 2026"
    assert today.td.get_text(strip=True) == "9am to 6pm"
    if not open_now:
        assert page.find(id="next-open").get_text(strip=True) == (
            "Closed now. Opens next on 22 July 2026 at 9am."
        )
    found = client.get_page("/directory?when=now").find_all("li", class_="app-result")
    assert ["Late Larder" in hit.get_text() for hit in found] == ([True] if open_now else [])


def test_typed_html_in_a_description_is_escaped(client, county):
    body = client.get(f"/directory/services/{county['counselling'].id}").get_data(as_text=True)
    assert "Counselling &lt;b&gt;for&lt;/b&gt; adults." in body


def test_building_page_lists_what_is_delivered_there(client, county):
    place_id = county["bank"].locations[0].id
    page = client.get_page(f"/directory/places/{place_id}")
    assert page.find("a", string="Shrewsbury Food Bank") is not None


def test_missing_pages_are_404(client):
    client.get_page("/directory/services/999999", status=404)
    client.get_page("/directory/places/999999", status=404)
    client.get_page("/directory/list/shared/not-a-token", status=404)


def change(client, action, service_uuid=""):
    return client.submit(
        "/directory/list", {"action": action, "service": service_uuid}, form_path="/directory/list"
    )


def test_build_reorder_print_and_share_a_signposting_list(app, client, county):
    client.get_page("/directory/list")
    for key in ("bank", "club", "counselling"):
        token = client.csrf_token(f"/directory/services/{county[key].id}")
        client.post(
            "/directory/list",
            data={"csrf_token": token, "action": "add", "service": county[key].uuid},
        )
    change(client, "up", county["counselling"].uuid)
    page = client.get_page("/directory/list")
    listed = [li.a.get_text() for li in page.find("ol").find_all("li", recursive=False)]
    assert listed == ["Shrewsbury Food Bank", "Ludlow Counselling", "Oswestry Lunch Club"]
    assert page.find("img", alt="QR code for the link to this list")["src"].startswith(
        "data:image/svg+xml"
    )

    printed = client.get_page("/directory/list/print")
    today = clock.date_text(clock.today_uk())
    assert f"From the Shropshire Accord Hub directory, {today}." in printed.get_text()
    assert [h.get_text() for h in printed.select("section h2")] == [
        "1. Shrewsbury Food Bank",
        "2. Ludlow Counselling",
        "3. Oswestry Lunch Club",
    ]
    share = page.find("a", id="share-link")["href"]
    path = re.sub(r"^https?://[^/]+", "", share)
    stranger = app.test_client()
    shared = stranger.get_page(path)
    assert [h.get_text() for h in shared.find_all("h2")] == [
        h.get_text() for h in printed.find_all("h2")
    ]
    # No personal data anywhere: the list holds only service ids.
    with client.session_transaction() as session:
        assert session["signposting"] == [county[k].uuid for k in ("bank", "counselling", "club")]

    change(client, "remove", county["bank"].uuid)
    change(client, "clear")
    assert "The list is empty" in client.get_page("/directory/list").get_text()


def test_a_tampered_share_link_is_refused(client, county):
    client.get_page("/directory/list/shared/" + "eyJ" + "x" * 40, status=404)


def test_a_list_action_no_button_sends_is_refused(client, county):
    token = client.csrf_token(f"/directory/services/{county['bank'].id}")
    response = client.post(
        "/directory/list",
        data={"csrf_token": token, "action": "shuffle", "service": county["bank"].uuid},
    )
    assert response.status_code == 400


def test_list_changes_need_csrf(client, county):
    response = client.post(
        "/directory/list", data={"action": "add", "service": county["bank"].uuid}
    )
    assert response.status_code == 400
