"""Community buildings on the directory's first visit: the towns with how many buildings each,
and a town's buildings a page at a time (issue 17: every building on one page cost 1.9 s)."""

from __future__ import annotations

import pytest
from sqlalchemy import event, insert

from accord.extensions import db
from accord.models import Location
from directory import buildings
from tests.directory.data import place


def halls(town: str, n: int, **fields) -> None:
    """n published buildings in a town, named so that their order by name is known."""
    rows = [{"name": f"{town} Hall {i:03d}", "town": town, "uuid": f"{town}-{i}"} for i in range(n)]
    db.session.execute(insert(Location), [dict(row, **fields) for row in rows])
    db.session.commit()


@pytest.fixture
def county(app):
    for key in ("shrewsbury", "frankwell", "ludlow", "oswestry"):
        place(key)
    place("meole").review = "pending"  # not published: neither counted nor listed
    db.session.commit()


def town_links(page) -> dict[str, str]:
    return {a.get_text(strip=True): a["href"] for a in page.select("#towns a")}


def test_the_first_visit_lists_towns_with_counts_not_buildings(client, county):
    page = client.get_page("/directory")
    section = page.find(id="towns")
    assert [" ".join(li.get_text().split()) for li in section.find_all("li")] == [
        "Ludlow – 1 building",
        "Oswestry – 1 building",
        "Shrewsbury – 2 buildings",
    ]
    assert town_links(page)["Shrewsbury"] == "/directory/buildings?town=Shrewsbury"
    assert page.find("a", string="Castlefields Community Centre") is None


def test_the_first_visit_reads_counts_not_rows(client, county, app):
    """One GROUP BY over the buildings, whatever their number: no building row is loaded."""
    halls("Church Stretton", 120)
    statements: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        client.get_page("/directory")
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    on_location = [s for s in statements if "FROM location" in s and "count(" not in s]
    assert [s for s in on_location if "location.name" in s] == []
    assert sum("GROUP BY location.town" in s for s in statements) == 1


def test_a_towns_buildings_are_listed_by_name_with_their_addresses(client, county):
    page = client.get_page("/directory/buildings?town=Shrewsbury")
    assert page.h1.get_text(strip=True) == "Community buildings in Shrewsbury"
    names = [a.get_text(strip=True) for a in page.select("#buildings a")]
    assert names == ["Castlefields Community Centre", "Frankwell Hall"]
    assert "SY1 1AA" in page.find(id="buildings").get_text()
    link = page.find("a", string="Castlefields Community Centre")["href"]
    assert client.get_page(link).h1.get_text(strip=True) == "Castlefields Community Centre"
    assert page.select_one(".govuk-pagination") is None


def test_a_big_town_is_paged_in_name_order(client, app):
    halls("Telford", buildings.PER_PAGE * 2 + 5)
    first = client.get_page("/directory/buildings?town=Telford")
    names = [a.get_text(strip=True) for a in first.select("#buildings a")]
    assert names == [f"Telford Hall {i:03d}" for i in range(buildings.PER_PAGE)]
    assert "page 1 of 3" in first.find(id="building-count").get_text()
    pagination = first.select_one("nav.govuk-pagination")
    following = pagination.select_one(".govuk-pagination__next a")["href"]
    assert following == "/directory/buildings?town=Telford&page=2"
    last = client.get_page("/directory/buildings?town=Telford&page=3")
    names = [a.get_text(strip=True) for a in last.select("#buildings a")]
    assert names == [f"Telford Hall {i:03d}" for i in range(buildings.PER_PAGE * 2, 65)]
    assert last.select_one(".govuk-pagination__next") is None
    assert "(page 3 of 3)" in last.title.get_text()


@pytest.mark.parametrize(
    "args",
    [
        "town=Shrewsbury&page=3",
        "town=Shrewsbury&page=0",
        "town=Shrewsbury&page=-1",
        "town=Shrewsbury&page=abc",
        "town=Shrewsbury&page=1.5",
        "town=Shrewsbury&page=%EF%BC%91",  # a full-width digit one: not a page number
        "town=Shrewsbury&page=" + "9" * 5_000,
        "town=Atlantis",
        "town=shrewsbury",
        "town=" + "x" * 5_000,
        "town=Atl%00antis",
        "town=%3Cscript%3E",
    ],
)
def test_a_bad_page_or_town_is_not_found_never_a_500(client, county, args):
    page = client.get_page(f"/directory/buildings?{args}", status=404)
    assert page.h1.get_text(strip=True) == "Page not found"


def test_the_towns_page_and_buildings_with_no_town(client, county):
    halls("", 2)
    page = client.get_page("/directory/buildings")
    assert page.h1.get_text(strip=True) == "Community buildings by town"
    links = town_links(page)
    assert list(links) == ["Ludlow", "Oswestry", "Shrewsbury", "No town given"]
    nowhere = client.get_page(links["No town given"])
    assert nowhere.h1.get_text(strip=True) == "Community buildings with no town given"
    assert len(nowhere.select("#buildings a")) == 2


def test_names_and_towns_are_escaped(client, app):
    nasty = "<script>alert(1)</script>"
    halls(nasty, 1, address=f"{nasty} Street")
    html = client.get("/directory").get_data(as_text=True)
    assert nasty not in html and "&lt;script&gt;" in html
    response = client.get("/directory/buildings", query_string={"town": nasty})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and nasty not in html
    assert "Community buildings in &lt;script&gt;" in html


def test_no_buildings_yet(client, app):
    page = client.get_page("/directory")
    assert "No community buildings are listed yet" in page.get_text()
    assert (
        "No community buildings are listed yet"
        in client.get_page("/directory/buildings").get_text()
    )


def test_buildings_near_a_place_nearest_first_with_their_distance(client, county):
    page = client.get_page("/directory/buildings?near=SY1+1AA")
    assert page.h1.get_text(strip=True) == "Community buildings near SY1 1AA"
    items = [" ".join(li.get_text().split()) for li in page.select("#buildings li")]
    # Castlefields is at SY1 1AA, Frankwell half a mile off; Ludlow and Oswestry are too far,
    # Meole Brace is not published.
    assert [item.split(",")[0] for item in items] == [
        "Castlefields Community Centre",
        "Frankwell Hall",
    ]
    assert "0.5 miles" in items[1]
    assert (
        client.get_page("/directory/buildings?near=Ludlow")
        .select("#buildings a")[0]
        .get_text(strip=True)
        == "Rockspring Community Centre"
    )


@pytest.mark.parametrize(
    ("near", "message"),
    [("", "Enter a postcode or town"), ("Atlantis", "Enter a Shropshire postcode or town")],
)
def test_an_unknown_place_is_an_error_on_its_field(client, county, near, message):
    page = client.get_page("/directory/buildings", query_string={"near": near})
    summary = page.select_one(".govuk-error-summary")
    assert message in summary.get_text()
    assert summary.find("a")["href"] == "#near"
    assert page.title.get_text().startswith("Error: ")
    assert page.find(id="near")["value"] == near


def test_no_buildings_near_a_place(client, county):
    page = client.get_page("/directory/buildings?near=TF9+1AA")
    assert "No community buildings are listed within 5 miles" in page.get_text()


def test_migration_0023_keeps_the_triggers_on_location(make_app, tmp_path):
    """0023 adds its index with a plain CREATE INDEX: SQLite does not rebuild `location`, so
    the triggers of 0019 (the R*Tree) and 0022 (the map revision) stay, up and down."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text

    from tests.conftest import MIGRATIONS

    def schema() -> tuple[set[str], set[str]]:
        rows = db.session.execute(
            text("SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'location'")
        ).all()
        triggers = {sql for kind, _, sql in rows if kind == "trigger"}
        return triggers, {name for kind, name, _ in rows if kind == "index"}

    with make_app(f"sqlite:///{tmp_path / 'fresh.db'}").app_context():
        upgrade(directory=MIGRATIONS, revision="0022")
        triggers, indexes = schema()
        assert len(triggers) >= 4
        upgrade(directory=MIGRATIONS, revision="0023")
        assert schema() == (triggers, indexes | {"ix_location_town_review_name"})
        downgrade(directory=MIGRATIONS, revision="0022")
        assert schema() == (triggers, indexes)
        db.session.remove()


def test_near_skips_buildings_not_published_however_many(app):
    """The nearest ids come from the index, twice as many as wanted; when too few of them are
    published the table itself is asked, so the nearest published ones still come."""
    from accord import geo

    here = geo.Point(52.71315, -2.74911)
    for i in range(6):  # the nearest six, each a little further off: none published
        db.session.add(
            Location(
                name=f"Hidden {i}",
                review="pending",
                latitude=52.71315 + i * 1e-4,
                longitude=-2.74911,
            )
        )
    for i in range(3):
        db.session.add(Location(name=f"Open {i}", latitude=52.72 + i * 1e-3, longitude=-2.74911))
    db.session.commit()
    found = buildings.near(here, limit=2)
    assert [f.building.name for f in found] == ["Open 0", "Open 1"]
    assert [f.building.name for f in buildings.near(here, limit=10)] == [
        "Open 0",
        "Open 1",
        "Open 2",
    ]


def test_a_building_waiting_for_review_has_no_public_page(client, make):
    waiting = make.location(name="Pending Hall", review="pending")
    shown = make.location(name="Open Hall")
    assert client.get(f"/directory/places/{waiting.id}").status_code == 404
    assert client.get(f"/directory/places/{waiting.id}/map").status_code == 404
    assert "Open Hall" in client.get(f"/directory/places/{shown.id}").text
