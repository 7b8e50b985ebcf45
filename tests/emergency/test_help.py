"""The public "get help now" page: nearest open hubs to a postcode or town, plain HTML first."""

from __future__ import annotations

from emergency.models import HubStatus
from tests.emergency import data


def test_nearest_open_hubs_first_then_full_ones_never_standby(client, make):
    data.incident()
    near = data.hub(
        location=make.location(name="Frankwell Hall", latitude=52.7105, longitude=-2.7619),
        status=HubStatus.open,
        occupancy=10,
    )
    far = data.hub(
        location=make.location(
            name="Atcham Village Hall", town="Atcham", latitude=52.6796, longitude=-2.6810
        ),
        status=HubStatus.open,
    )
    full = data.hub(
        location=make.location(name="Coleham Hall", latitude=52.7030, longitude=-2.7490),
        status=HubStatus.full,
    )
    data.hub(location=make.location(name="Standby Hall"), status=HubStatus.standby)

    page = client.get_page("/help?where=SY3 8HQ")
    names = [h.get_text(strip=True) for h in page.select(".app-result h3")]
    assert names == [near.location.name, far.location.name, full.location.name]
    first = page.select_one(f"#hub-{near.id}").get_text(" ", strip=True)
    assert "Open" in first and "miles away" in first
    assert "Hot drinks, phone charging" in first
    assert "Pat Keyholder" not in page.get_text()
    assert "This hub is full" in page.select_one(f"#hub-{full.id}").get_text()


def test_a_town_name_works_and_an_unknown_place_is_explained(client, make):
    data.incident()
    data.hub(status=HubStatus.open)
    page = client.get_page("/help?where=Shrewsbury")
    assert len(page.select(".app-result")) == 1
    page = client.get_page("/help?where=Nowhereville")
    assert "There is a problem" in page.get_text()
    assert "We could not find “Nowhereville”" in page.get_text()


def test_an_empty_or_huge_search_is_explained_never_a_500(client):
    assert "Enter your postcode or town" in client.get_page("/help?where=").get_text()
    page = client.get_page("/help?where=" + "x" * 8_000)
    assert "100 characters or fewer" in page.get_text()


def test_postcode_lookup_down_falls_back_to_the_offline_table(client, make):
    # postcodes.io is unreachable in tests: SY and TF postcodes are in the bundled table.
    data.incident()
    data.hub(status=HubStatus.open)
    page = client.get_page("/help?where=SY1 1AA")
    assert len(page.select(".app-result")) == 1


def test_typed_html_in_a_hub_is_escaped(client, make):
    evil = "<script>alert(1)</script>"
    data.incident()
    data.hub(location=make.location(name=evil), status=HubStatus.open, offer=evil, needs=evil)
    html = client.get("/help?where=Shrewsbury").get_data(as_text=True)
    assert evil not in html
    assert html.count("&lt;script&gt;") >= 3


def test_without_an_incident_it_says_so(client):
    page = client.get_page("/help")
    assert "There is no emergency in Shropshire at the moment" in page.get_text()
    assert "call 999" in page.get_text()


def test_phone_numbers_are_tel_links(client):
    page = client.get_page("/help")
    links = {a["href"]: a.get_text() for a in page.select("main a[href^='tel:']")}
    assert links["tel:999"] == "999"
    assert links["tel:105"] == "105"
    assert links["tel:111"] == "111"
    assert links["tel:03459881188"] == "0345 988 1188"
    assert links["tel:08007834444"] == "0800 783 4444"


def test_a_networks_phone_contact_is_a_tel_link(client):
    data.network(
        name="Coleham Neighbours", public_contact="Ring Sam on 01743 123456", show_contact=True
    )
    page = client.get_page("/help?where=SY1 1AA")
    link = page.select_one("[id^=network-] a[href^='tel:']")
    assert (link["href"], link.get_text()) == ("tel:01743123456", "01743 123456")
