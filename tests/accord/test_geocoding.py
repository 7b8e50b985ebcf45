"""Geocoding against a local fake postcodes.io / Nominatim, and its offline fallbacks."""

import logging

import pytest

from accord import geocoding
from accord.geo import Point
from accord.geocoding import GeocoderUnavailable, geocode_address, lookup_outcode, lookup_postcode
from tests.fakes.postcodes import SHREWSBURY, FakePostcodes
from tests.fakes.smtp import free_port

# From the bundled ONS table and district centroids.
SY1_1AA = Point(52.71315, -2.74911)
TF1_1AA = Point(52.69979, -2.51983)
SY1 = Point(52.7197, -2.74338)
SY1_TOWN = "Shrewsbury Town Centre, North Shrewsbury"


def near(point: Point | None, expected: Point, tolerance: float = 1e-4) -> bool:
    return (
        point is not None
        and abs(point.latitude - expected.latitude) < tolerance
        and abs(point.longitude - expected.longitude) < tolerance
    )


@pytest.fixture(autouse=True)
def empty_cache():
    geocoding.clear_cache()
    yield
    geocoding.clear_cache()


@pytest.fixture
def fake(app):
    with FakePostcodes() as server:
        app.config.update(
            POSTCODES_API_URL=server.url, NOMINATIM_URL=server.url, GEOCODER_TIMEOUT_S=5.0
        )
        yield server


@pytest.fixture
def down(app):
    nobody = f"http://127.0.0.1:{free_port()}"
    app.config.update(POSTCODES_API_URL=nobody, NOMINATIM_URL=nobody, GEOCODER_TIMEOUT_S=2.0)


# --- postcodes.io answers -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "postcode", "outcode", "point", "district"),
    [
        ("SY1 1AA", "SY1 1AA", "SY1", SY1_1AA, "Shropshire"),
        ("sy11aa", "SY1 1AA", "SY1", SY1_1AA, "Shropshire"),
        ("  tf1 1aa ", "TF1 1AA", "TF1", TF1_1AA, "Telford and Wrekin"),
    ],
)
def test_a_postcode_from_postcodes_io(fake, raw, postcode, outcode, point, district):
    found = lookup_postcode(raw)
    assert found.source == "postcodes.io"
    assert (found.postcode, found.outcode, found.district) == (postcode, outcode, district)
    assert near(found.point, point)
    assert fake.paths == [f"/postcodes/{postcode}"]
    assert fake.user_agents == {"shropshire-accord-hub"}  # GEOCODER_USER_AGENT


def test_the_captured_london_answer(fake):
    found = lookup_postcode("NW10 4DG")
    assert (found.source, found.district, found.outcode) == ("postcodes.io", "Brent", "NW10")
    assert near(found.point, Point(51.541064, -0.246324))


def test_a_made_up_postcode_is_none_after_asking_both_endpoints(fake):
    assert lookup_postcode("SY1 9YY") is None
    assert fake.paths == ["/postcodes/SY1 9YY", "/terminated_postcodes/SY1 9YY"]


@pytest.mark.parametrize("raw", ["", "   ", "SY1", "hello", "SY1 1AAA", "1AA SY1"])
def test_not_a_postcode_is_none_without_asking(fake, raw):
    assert lookup_postcode(raw) is None
    assert fake.paths == []


def test_a_terminated_postcode_is_accepted(fake):
    found = lookup_postcode("e1w 1uu")
    assert (found.postcode, found.source, found.district) == ("E1W 1UU", "postcodes.io", "Wapping")
    assert near(found.point, Point(51.508007, -0.073732))
    assert fake.paths == ["/postcodes/E1W 1UU", "/terminated_postcodes/E1W 1UU"]


def test_answers_are_cached(fake):
    first = lookup_postcode("SY1 1AA")
    assert lookup_postcode("sy11aa") == first
    assert lookup_postcode("SY1 9YY") is None
    assert lookup_postcode("SY1 9YY") is None
    assert fake.paths == [
        "/postcodes/SY1 1AA",
        "/postcodes/SY1 9YY",
        "/terminated_postcodes/SY1 9YY",
    ]

    geocoding.clear_cache()
    lookup_postcode("SY1 1AA")
    assert fake.paths[-1] == "/postcodes/SY1 1AA" and len(fake.paths) == 4


def test_an_offline_answer_is_not_cached(fake, monkeypatch):
    fake.mode = "error"
    assert lookup_postcode("SY1 1AA").source == "offline-postcode"
    fake.mode = "ok"
    # Within the break after a failure the service is not asked at all …
    assert lookup_postcode("SY1 1AA").source == "offline-postcode"
    assert fake.paths == ["/postcodes/SY1 1AA"]
    # … and once it is over, the service is asked again (nothing offline was cached).
    monkeypatch.setattr(geocoding, "BREAK_S", 0.0)
    geocoding.clear_cache()
    fake.mode = "error"
    lookup_postcode("SY1 1AA")
    fake.mode = "ok"
    assert lookup_postcode("SY1 1AA").source == "postcodes.io"
    assert fake.paths[-2:] == ["/postcodes/SY1 1AA", "/postcodes/SY1 1AA"]


# --- the service failing --------------------------------------------------------------------


def test_service_down_uses_the_bundled_postcode_table(down):
    found = lookup_postcode("SY1 1AA")
    assert found == geocoding.Geocoded("SY1 1AA", "SY1", SY1_1AA, SY1_TOWN, "offline-postcode")


def test_service_down_an_unknown_unit_falls_back_to_its_district(down):
    found = lookup_postcode("SY1 9YY")
    assert found == geocoding.Geocoded("SY1 9YY", "SY1", SY1, SY1_TOWN, "offline-district")


def test_service_down_outside_shropshire_uses_the_gb_district_table(down):
    found = lookup_postcode("NW10 4DG")
    assert (found.source, found.outcode) == ("offline-district", "NW10")
    assert near(found.point, Point(51.5392, -0.248929))


def test_service_down_and_nothing_offline_is_unavailable(down):
    # BX is a non-geographic district (bank and government mail): in no offline table.
    with pytest.raises(GeocoderUnavailable):
        lookup_postcode("BX1 1LT")


@pytest.mark.parametrize("mode", ["slow", "garbage", "error"])
def test_a_misbehaving_service_falls_back_offline(app, fake, mode):
    app.config["GEOCODER_TIMEOUT_S"] = 0.3
    fake.delay = 1.0
    fake.mode = mode
    found = lookup_postcode("SY1 1AA")
    assert (found.source, found.postcode) == ("offline-postcode", "SY1 1AA")
    assert near(found.point, SY1_1AA)
    assert fake.paths == ["/postcodes/SY1 1AA"]
    with pytest.raises(GeocoderUnavailable):
        lookup_postcode("BX1 1LT")


def test_failures_are_logged_by_district_only(down, caplog):
    with caplog.at_level(logging.WARNING, logger="accord.geocoding"):
        lookup_postcode("SY1 9YY")
        with pytest.raises(GeocoderUnavailable):
            lookup_postcode("BX1 1LT")
    assert len(caplog.records) == 2
    assert "SY1" in caplog.text and "BX1" in caplog.text
    assert "9YY" not in caplog.text and "1LT" not in caplog.text


def test_an_outage_is_logged_once_a_break_not_once_a_search(fake, caplog):
    fake.mode = "error"
    with caplog.at_level(logging.WARNING, logger="accord.geocoding"):
        for raw in ("SY1 1AA", "SY1 9YY", "SY3 8JY", "SY1 1AA"):
            assert lookup_postcode(raw).source.startswith("offline")
        assert len(caplog.records) == 1  # the failure that began the break
        # Someone who gets no answer at all is still logged, break or not.
        with pytest.raises(GeocoderUnavailable):
            lookup_postcode("BX1 1LT")
    assert [r.levelname for r in caplog.records] == ["WARNING", "ERROR"]
    assert fake.paths == ["/postcodes/SY1 1AA"]  # asked once, then left alone for the break


# --- postcode districts ---------------------------------------------------------------------


def test_lookup_outcode_prefers_the_imported_table(app, tmp_path):
    csv_file = tmp_path / "districts.csv"
    csv_file.write_text("Postcode,Latitude,Longitude,Town/Area\nSY1,52.5,-2.5,Imported town\n")
    result = app.test_cli_runner().invoke(args=["geo", "import-outcodes", str(csv_file)])
    assert result.exit_code == 0, result.output

    found = lookup_outcode("sy1")
    assert found == geocoding.Geocoded(
        None, "SY1", Point(52.5, -2.5), "Imported town", "offline-district"
    )
    # A full postcode's district, and the postcode fallback, use the same table.
    assert lookup_outcode("SY1 9YY").point == Point(52.5, -2.5)


def test_lookup_outcode_from_the_imported_table_with_the_service_down(app, down, tmp_path):
    csv_file = tmp_path / "districts.csv"
    csv_file.write_text("Postcode,Latitude,Longitude,Town/Area\nSY1,52.5,-2.5,Imported town\n")
    app.test_cli_runner().invoke(args=["geo", "import-outcodes", str(csv_file)])
    found = lookup_postcode("SY1 9YY")
    assert (found.point, found.district, found.source) == (
        Point(52.5, -2.5),
        "Imported town",
        "offline-district",
    )


def test_lookup_outcode_from_bundled_data(app):
    found = lookup_outcode("SY8")
    assert found == geocoding.Geocoded(
        None, "SY8", Point(52.3652, -2.6969), "Ludlow", "offline-district"
    )


@pytest.mark.parametrize("raw", ["", "nonsense", "ZZ9"])
def test_lookup_outcode_unknown(app, raw):
    assert lookup_outcode(raw) is None


# --- free-text addresses --------------------------------------------------------------------


def test_an_address_with_a_postcode_uses_postcodes_io(fake):
    found = geocode_address("Shirehall, Abbey Foregate, Shrewsbury sy1 1aa")
    assert (found.postcode, found.source, found.district) == (
        "SY1 1AA",
        "postcodes.io",
        "Shropshire",
    )
    assert fake.queries == []


def test_a_shropshire_place_name_is_offline(fake):
    found = geocode_address(" ludlow ")
    assert (found.source, found.district, found.outcode) == ("offline-place", "Ludlow", "SY8")
    assert near(found.point, Point(52.3743, -2.7131))
    assert fake.paths == []


def test_an_address_from_nominatim(fake):
    found = geocode_address("Castle Street, Shrewsbury")
    assert found.source == "nominatim"
    assert near(found.point, SHREWSBURY)
    assert (found.postcode, found.outcode, found.district) == ("SY1 1AA", "SY1", "Shropshire")
    assert fake.paths == ["/search"]
    query = fake.queries[0]
    assert query["q"] == "Castle Street, Shrewsbury"
    assert query["countrycodes"] == "gb"


def test_an_address_nominatim_does_not_know(fake):
    assert geocode_address("1 Nowhere Lane, Atlantis") is None
    assert fake.paths == ["/search"]


def test_nominatim_down_is_unavailable(down):
    with pytest.raises(GeocoderUnavailable):
        geocode_address("Castle Street, Shrewsbury")


def test_nominatim_slow_is_unavailable(app, fake):
    app.config["GEOCODER_TIMEOUT_S"] = 0.3
    fake.mode = "slow"
    with pytest.raises(GeocoderUnavailable):
        geocode_address("Castle Street, Shrewsbury")


def test_no_nominatim_url_means_no_online_address_lookup(app, fake):
    app.config["NOMINATIM_URL"] = ""
    assert geocode_address("Castle Street, Shrewsbury") is None
    assert geocode_address("Ludlow").source == "offline-place"
    assert fake.paths == []


def test_settings_from_make_app(make_app):
    with FakePostcodes() as server, make_app(POSTCODES_API_URL=server.url).app_context():
        assert lookup_postcode("TF1 1AA").district == "Telford and Wrekin"
        assert server.paths == ["/postcodes/TF1 1AA"]
