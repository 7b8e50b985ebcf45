"""The search-then-choose field (accord/pickers.py) apart from any table: its hidden id is
read only when it is a real id, and it keeps to what its source allows."""

from __future__ import annotations

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from accord.pickers import BuildingField, Match, record_id

HALLS = [Match(1, "Abbey Hall, Shrewsbury"), Match(2, "Castle Hall, Ludlow")]


class Halls:
    def matches(self, text: str) -> list[Match]:
        return [m for m in HALLS if text and text.lower() in m.label.lower()]

    def named(self, record_id: int) -> Match | None:
        return next((m for m in HALLS if m.id == record_id), None)


class Form(FlaskForm):
    class Meta:
        csrf = False

    place = BuildingField("Building", endpoint="core.index", missing="Enter a building")


@pytest.mark.parametrize(
    "raw, read",
    [("7", 7), (" 7 ", 7), ("", None), (None, None), ("0", None), ("-1", None), ("1e3", None),
     ("²", None), ("2147483648", None), ("9" * 40, None), ("7.0", None)],
)  # fmt: skip
def test_an_id_is_read_only_when_it_could_be_one(raw, read):
    assert record_id(raw) == read


def answer(app, **sent) -> Form:
    with app.test_request_context(method="POST", data=MultiDict(sent)):
        form = Form()
        form.place.source = Halls()
        form.validate()
        return form


def test_the_words_decide_unless_they_still_name_the_id(app):
    assert answer(app, place="castle").place.data == 2
    assert answer(app, place="Abbey Hall, Shrewsbury", place_id="1").place.data == 1
    assert answer(app, place="hall", place_id="2").place.data == 2  # a radio of "hall"
    assert answer(app, place="abbey", place_id="2").place.data == 1  # typed over
    several = answer(app, place="hall")
    assert several.place.data is None and several.place.options == HALLS
    assert several.place.radio_items() == [
        {"value": "1", "text": "Abbey Hall, Shrewsbury"},
        {"value": "2", "text": "Castle Hall, Ludlow"},
    ]
    assert answer(app, place="", place_id="1").place.errors == ["Enter a building"]
    assert answer(app, place="x" * 500).place.errors == [
        f"No building matches “{'x' * 60}…”: try its name, town or postcode"
    ]
