"""Offline geography: postcodes, districts, places and distances."""

import pytest

from accord import geo


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("sy11aa", "SY1 1AA"),
        (" SY10 0AA ", "SY10 0AA"),
        ("tf9 3ab", "TF9 3AB"),
        ("SY1", None),
        ("hello", None),
        ("", None),
    ],
)
def test_normalise_postcode(raw, expected):
    assert geo.normalise_postcode(raw) == expected


def test_outcode_of():
    assert geo.outcode_of("sy8 1aa") == "SY8"
    assert geo.outcode_of("WV16") == "WV16"
    assert geo.outcode_of("nonsense words") is None


def test_locate_a_postcode_a_district_and_a_town():
    assert geo.locate("SY1 1AA") == geo.Point(52.71315, -2.74911)
    assert geo.locate("SY8") == geo.Point(52.3652, -2.6969)
    ludlow = geo.locate("Ludlow")
    assert ludlow is not None and abs(ludlow.latitude - 52.37) < 0.05
    assert geo.locate("Atlantis") is None


def test_an_unknown_full_postcode_falls_back_to_its_district():
    point = geo.locate("SY1 9YY")
    assert point == geo.district_point("SY1")


def test_miles_between_shrewsbury_and_ludlow():
    miles = geo.miles_between(geo.district_point("SY1"), geo.district_point("SY8"))
    assert 23 < miles < 26
