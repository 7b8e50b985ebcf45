"""Numbers in addresses: record ids in paths and page numbers in query strings.

A number no table can hold (PostgreSQL's integer stops at 2^31-1; SQLite's at 2^63-1, and
an offset of page × size overflows before that) would reach the database and fail there with
a 500. Out of range is simply "not found": the `int` converter every route uses refuses it
before the view runs, and paginated views read their page number through `page_number`.
"""

from __future__ import annotations

from flask import Flask, abort
from werkzeug import routing
from werkzeug.routing import Map

# The largest id a record can have: PostgreSQL's `integer` (what our primary keys are).
MAX_ID = 2**31 - 1
# Far more pages than any list has; keeps page × page size well inside any integer.
MAX_PAGE = 100_000


class IntegerConverter(routing.IntegerConverter):
    """`<int:…>` limited to 1..2^31-1 (or the route's own min and max): anything else is a 404.
    (Werkzeug's name, so code that asks a rule what kind of number it takes still knows.)"""

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = 1,
        max: int | None = MAX_ID,
        signed: bool = False,
    ) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def page_number(raw: str | None) -> int:
    """The page a list was asked for: 1 when not given or not a number (as lists have always
    answered `?page=abc`), a 404 for a page number there could never be (0, or absurdly large).
    """
    raw = (raw or "").strip()
    if not (raw.isascii() and raw.isdigit()):
        return 1
    if len(raw) > len(str(MAX_PAGE)) or not 1 <= int(raw) <= MAX_PAGE:
        abort(404)
    return int(raw)


def init_app(app: Flask) -> None:
    # Before any blueprint is registered: a rule looks its converters up when it is added.
    app.url_map.converters["int"] = IntegerConverter
