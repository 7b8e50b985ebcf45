"""Choosing one record from thousands: a search box, not a drop-down of every one.

`BuildingField` is a text input ("name, town or postcode") with a hidden id beside it. Without
JavaScript the words typed are resolved when the form is sent: one match is chosen, several
are offered again as radios, none is an error that keeps what was typed. With JavaScript
(accord/static/picker.js) GOV.UK's accessible-autocomplete suggests matches from a JSON
lookup and choosing one fills the hidden id. The field knows no table: the view gives it a
`Source` (directory/pickers/lookup.py for buildings), as views give other fields choices.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from flask import render_template, url_for
from markupsafe import Markup
from wtforms import Field, ValidationError
from wtforms.utils import unset_value

from accord.forms import line
from accord.ids import MAX_ID

# What is quoted back in an error: enough to recognise, never a page of pasted text.
QUOTED = 60


@dataclass(frozen=True)
class Match:
    id: int
    label: str


class Source(Protocol):
    def matches(self, text: str) -> list[Match]: ...

    def named(self, record_id: int) -> Match | None: ...


def record_id(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 10 or not 1 <= int(raw) <= MAX_ID:
        return None
    return int(raw)


class BuildingPicker:
    """Renders the field: the text input, then either the radios of several matches or the
    hidden id the script fills (templates/components/building_picker.html)."""

    def __call__(self, field: BuildingField, **kwargs) -> Markup:
        # The output of an autoescaped template: what was typed is escaped in it already.
        return Markup(  # noqa: S704
            render_template(
                "components/building_picker.html",
                field=field,
                lookup=url_for(field.endpoint, **field.lookup_args),
                params=kwargs.get("params", {}),
            )
        )


class BuildingField(Field):
    """A building chosen by searching. `data` is the chosen id (None: no building)."""

    widget = BuildingPicker()
    data: int | None

    def __init__(self, label=None, validators=None, *, endpoint: str, missing: str = "", **kw):
        super().__init__(label, validators, **kw)
        self.endpoint = endpoint  # the JSON lookup the script asks as people type
        self.lookup_args: dict[str, Any] = {}  # and what it adds to the lookup's address
        self.missing = missing  # the error when nothing is typed; empty: a building is optional
        self.source: Source | None = None
        self.text = ""
        self.chosen: int | None = None
        self.options: list[Match] = []

    def process(self, formdata, data=unset_value, extra_filters=None):
        super().process(formdata, data, extra_filters)
        if formdata is not None:
            self.chosen = record_id(formdata.get(f"{self.name}_id"))

    def process_data(self, value) -> None:
        self.data = value if isinstance(value, int) and not isinstance(value, bool) else None
        self.chosen = self.data
        self.text = ""

    def process_formdata(self, valuelist) -> None:
        self.text = (line(valuelist[0]) or "")[:200] if valuelist else ""
        self.data = None

    def shown(self) -> str:
        """What the input shows: what was typed, or the chosen building's label."""
        if self.text or self.data is None or self.source is None:
            return self.text
        match = self.source.named(self.data)
        return match.label if match else ""

    def radio_items(self) -> list[dict]:
        """The matches of the last search, for GOV.UK's radios macro (which escapes them)."""
        return [{"value": str(m.id), "text": m.label} for m in self.options]

    def pre_validate(self, form) -> None:
        assert self.source is not None, "the view gives the field its source"
        text = self.text
        picked = self.source.named(self.chosen) if self.chosen is not None else None
        # The id counts only while the words still name it: a suggestion chosen and then
        # typed over, or a radio left from another search, is not what the person meant.
        if picked and (text == line(picked.label) or picked in self.source.matches(text)):
            self._choose(picked)
            return
        if not text:
            if self.missing:
                raise ValidationError(self.missing)
            return
        found = self.source.matches(text)
        quoted = text if len(text) <= QUOTED else text[:QUOTED] + "…"
        if not found:
            raise ValidationError(f"No building matches “{quoted}”: try its name, town or postcode")
        if len(found) > 1:
            self.options = found
            raise ValidationError(f"More than one building matches “{quoted}”: choose one")
        self._choose(found[0])

    def _choose(self, match: Match) -> None:
        self.data = self.chosen = match.id
        self.text = match.label
        self.options = []
