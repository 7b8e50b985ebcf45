"""The directory's public pages as a resident meets them: back links that keep the search,
one answer to a place we cannot find, tappable phone numbers, the print view's Print button
and, on a phone, results before the filters."""

from urllib.parse import parse_qs, urlsplit

import pytest

from accord import clock, geo
from tests.directory.data import two_food_services
from tests.fakes.postcodes import FakePostcodes

SEARCH = "/directory?q=food&where=SY1+1AA&radius=20&access=step_free"
ASKED = {"q": ["food"], "where": ["SY1 1AA"], "radius": ["20"], "access": ["step_free"]}


@pytest.fixture
def county(app):
    return two_food_services()


def query_of(href: str) -> dict[str, list[str]]:
    parts = urlsplit(href)
    assert not parts.scheme and not parts.netloc, href
    return parse_qs(parts.query)


def back_link(page) -> str:
    return page.select_one("a.govuk-back-link")["href"]


def add_to_list(client, record) -> None:
    client.submit(
        "/directory/list",
        {"action": "add", "service": record.uuid},
        form_path=f"/directory/services/{record.id}",
    )


# --- back links -------------------------------------------------------------------------------


def test_a_service_reached_from_results_leads_back_to_the_same_results(client, county):
    results = client.get_page(SEARCH)
    link = results.find("a", string="Shrewsbury Food Bank")["href"]
    assert urlsplit(link).path == f"/directory/services/{county['bank'].id}"
    page = client.get_page(link)
    back = back_link(page)
    assert urlsplit(back).path == "/directory" and query_of(back) == ASKED
    assert page.select_one("a.govuk-back-link").get_text(strip=True) == "Back to search results"
    # Adding it to the list comes back to the same service page, back link and all.
    form = page.find("input", attrs={"name": "back"})
    assert query_of(form["value"]) == ASKED
    # Its building, and the building's own back link, keep the search too.
    place = page.find("a", string="Castlefields Community Centre")["href"]
    assert query_of(place) == ASKED
    assert query_of(back_link(client.get_page(place))) == ASKED


def test_the_list_and_its_print_view_have_back_links(client, county):
    add_to_list(client, county["bank"])
    results = client.get_page(SEARCH)
    to_list = results.find("a", string="Your signposting list (1)")["href"]
    listing = client.get_page(to_list)
    assert urlsplit(back_link(listing)).path == "/directory"
    assert query_of(back_link(listing)) == ASKED
    printed = client.get_page(listing.find("a", string="Print view")["href"])
    assert urlsplit(back_link(printed)).path == "/directory/list"
    assert query_of(back_link(printed)) == ASKED
    # Without a search behind them, they lead to the search page.
    assert back_link(client.get_page("/directory/list")) == "/directory"
    assert back_link(client.get_page("/directory/list/print")) == "/directory/list"
    place = county["bank"].locations[0].id
    assert back_link(client.get_page(f"/directory/places/{place}")) == "/directory"


def test_a_list_button_keeps_the_search_after_it_is_pressed(client, county):
    add_to_list(client, county["bank"])
    path = "/directory/list?q=food&where=SY1+1AA"
    response = client.submit(
        "/directory/list",
        {"action": "up", "service": county["bank"].uuid, "back": path},
        form_path=path,
    )
    assert response.status_code == 302 and response.location == path
    assert client.get_page(path).find("input", attrs={"name": "back"})["value"] == path


@pytest.mark.parametrize(
    "crafted",
    [
        "_external=1&_scheme=https&q=food",
        "next=https://evil.example&q=food",
        "q=food&where=//evil.example",
    ],
)
def test_back_links_carry_only_the_search_and_stay_on_the_directory(client, county, crafted):
    page = client.get_page(f"/directory/services/{county['bank'].id}?{crafted}")
    back = back_link(page)
    assert back.startswith("/directory?") and "evil.example" not in back.split("where=")[0]
    assert set(query_of(back)) <= {"q", "where"}


def test_a_page_of_results_is_one_form_whose_buttons_add_and_remove_and_come_back(client, county):
    found = "/directory?q=food"  # both services, no place

    def buttons() -> dict[str, str]:
        forms = client.get_page(found).select("form[action='/directory/list']")
        assert len(forms) == 1  # the results' list, one form for all of them
        assert query_of(forms[0].find("input", attrs={"name": "back"})["value"]) == {"q": ["food"]}
        return {b["value"]: b["name"] for b in forms[0].select("button[type=submit]")}

    bank, club = county["bank"].uuid, county["club"].uuid
    assert buttons() == {bank: "add", club: "add"}
    added = client.submit("/directory/list", {"add": bank, "back": found}, form_path=found)
    assert added.location == found
    assert buttons() == {bank: "remove", club: "add"}
    client.submit("/directory/list", {"remove": bank, "back": found}, form_path=found)
    assert buttons() == {bank: "add", club: "add"}
    # A service that is not listed cannot be added by its button's value.
    refused = client.submit("/directory/list", {"add": "no-such-service"}, form_path=found)
    assert refused.status_code == 404


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/accord"])
def test_a_list_button_never_sends_people_off_the_directory(client, county, target):
    response = client.submit(
        "/directory/list",
        {"action": "add", "service": county["bank"].uuid, "back": target},
        form_path=f"/directory/services/{county['bank'].id}",
    )
    assert response.location == "/directory/list"


# --- a place we cannot find ------------------------------------------------------------------


def assert_place_error(page, message: str) -> None:
    summary = page.select_one(".govuk-error-summary")
    assert summary is not None and message in summary.get_text()
    assert summary.find("a", string=lambda text: text and message in text)["href"] == "#where"
    assert message in page.select_one("#where-error").get_text()
    assert "where-error" in page.select_one("#where")["aria-describedby"]
    assert page.title.get_text().startswith("Error:")
    assert page.select(".app-result") == []
    assert page.select_one("#result-count") is None


def test_an_unknown_postcode_is_an_error_and_nothing_is_listed(app, client, county):
    with FakePostcodes() as fake:
        app.config["POSTCODES_API_URL"] = fake.url
        page = client.get_page("/directory?where=ZZ9+9ZZ&q=food")
        pins = client.get("/directory/map?where=ZZ9+9ZZ&q=food").get_data(as_text=True)
    assert_place_error(page, "We could not find “ZZ9 9ZZ”")
    assert "Shrewsbury Food Bank" not in page.get_text()
    assert "Shrewsbury Food Bank" not in pins and "Oswestry Lunch Club" not in pins


def test_an_unknown_town_is_an_error_and_nothing_is_listed(client, county):
    page = client.get_page("/directory?where=Atlantis&need=food")
    assert_place_error(page, "We could not find “Atlantis”")
    assert page.find("input", id="where")["value"] == "Atlantis"


def test_postcode_lookup_down_is_an_error_not_the_whole_county(client, county):
    # The test geocoder is unreachable, and no offline table knows the ZZ9 district.
    page = client.get_page("/directory?where=ZZ9+9ZZ&q=food")
    assert_place_error(page, "Postcode search is unavailable at the moment")


def test_a_known_postcode_still_finds_services(app, client, county):
    with FakePostcodes(known={"SY1 9ZZ": geo.Point(52.71315, -2.74911)}) as fake:
        app.config["POSTCODES_API_URL"] = fake.url
        page = client.get_page("/directory?where=SY1+9ZZ&q=food")
    assert page.select_one(".govuk-error-summary") is None
    assert "Shrewsbury Food Bank" in page.select_one(".app-result").get_text()


# --- phone numbers ---------------------------------------------------------------------------


def test_phone_numbers_are_tel_links_on_every_directory_page(client, county):
    bank = county["bank"]
    add_to_list(client, bank)
    token = client.get_page("/directory/list").find("a", id="share-link")["href"]
    pages = [
        f"/directory/services/{bank.id}",
        "/directory?q=food",
        "/directory/list",
        "/directory/list/print",
        urlsplit(token).path,
        f"/directory/places/{bank.locations[0].id}",
    ]
    for path in pages:
        link = client.get_page(path).select_one('a[href="tel:01743123456"]')
        assert link is not None and link.get_text() == "01743 123456", path


# --- the print view --------------------------------------------------------------------------


def test_the_print_view_has_a_print_button_and_todays_date(client, county):
    add_to_list(client, county["bank"])
    today = clock.date_text(clock.today_uk())
    share = client.get_page("/directory/list").find("a", id="share-link")["href"]
    for path in ("/directory/list/print", urlsplit(share).path):
        page = client.get_page(path)
        button = page.find("button", attrs={"data-app-print": True})
        assert button is not None and button.get_text(strip=True) == "Print this list"
        assert button["type"] == "button" and "govuk-button" in button["class"]
        # No inline script (the CSP forbids it): the click is wired by a file of our own.
        assert page.find("script", src="/static/directory.js") is not None
        assert f"From the Shropshire Accord Hub directory, {today}." in page.get_text()


# --- on a phone: results first ---------------------------------------------------------------


def test_filters_fold_and_the_map_starts_closed(client, county):
    page = client.get_page(SEARCH + "&free=yes")
    filters = page.select_one("details#filters")
    # Open in the page (so it works without JavaScript); directory.js folds it on a phone.
    assert filters.has_attr("open") and filters["data-app-fold"] == "narrow"
    assert filters.summary.get_text(strip=True) == "Filter results (2 chosen)"
    assert {"need", "radius", "when", "age", "route", "free"} <= {
        field["name"] for field in filters.select("[name]")
    }
    assert page.select_one("details#filters #q") is None  # the search itself stays in view
    maps = page.select_one("details.app-results-map")
    assert not maps.has_attr("open") and maps["data-app-unfold"] == "wide"


def test_filters_with_an_error_stay_open_on_a_phone(client, county):
    filters = client.get_page(SEARCH + "&age=abc").select_one("details#filters")
    assert filters.has_attr("open") and not filters.has_attr("data-app-fold")


@pytest.mark.parametrize("args", ["access=nonsense", "age=abc", "need=nonsense", "page=0"])
def test_every_error_links_to_a_field_on_the_page(client, county, args):
    page = client.get_page(f"{SEARCH}&{args}")
    summary = page.select_one(".govuk-error-summary")
    assert summary is not None
    for link in summary.select("a"):
        assert page.find(id=link["href"].removeprefix("#")) is not None, link["href"]
