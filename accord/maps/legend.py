"""A map's key, once, as HTML: inside the map (a Leaflet control) and on the page beside it,
where a screen reader reads it with the list of what the map shows.

Each entry says what a symbol means in words and draws it as the map does: hubs by shape as
well as colour, areas by their outline (solid, dashed, dotted). The swatches are SVG with
presentation attributes: a style attribute would be blocked by the CSP, these are not.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from accord.maps.layers import CIRCLE, DASHED, DIAMOND, DOTTED, SOLID, SQUARE, TRIANGLE, safe_colour

AREA = "area"  # an area's swatch: a filled box with the area's outline

_PINS = {
    CIRCLE: Markup('<circle cx="8" cy="8" r="6.5" fill="%s" stroke="#0b0c0c"/>'),
    SQUARE: Markup('<rect x="2" y="2" width="12" height="12" fill="%s" stroke="#0b0c0c"/>'),
    TRIANGLE: Markup('<polygon points="8,1 15,14 1,14" fill="%s" stroke="#0b0c0c"/>'),
    DIAMOND: Markup('<polygon points="8,0.5 15.5,8 8,15.5 0.5,8" fill="%s" stroke="#0b0c0c"/>'),
}
_AREA = Markup(
    '<rect x="1.5" y="2.5" width="13" height="11" fill="%s" fill-opacity="0.3" stroke="%s" '
    'stroke-width="2"%s/>'
)
_DASH = Markup(' stroke-dasharray="%s"')
# The map's dashes at the swatch's size.
_SMALL_DASHES = {DASHED: "5 3", DOTTED: "2 3"}
_SVG = Markup('<svg width="16" height="16" aria-hidden="true" focusable="false">%s</svg>')
_ITEM = Markup('<li class="app-legend__item">%s%s</li>')
_LIST = Markup('<ul class="app-legend"%s aria-label="%s">%s</ul>')
_ID = Markup(' id="%s"')


@dataclass(frozen=True)
class Key:
    colour: str
    text: str  # plain text: escaped here
    symbol: str = CIRCLE  # a pin's shape, or AREA
    line: str = SOLID  # an area's outline


def keys(entries: list) -> list[Key]:
    """Entries as Keys; a (colour, text) pair is a round pin."""
    return [entry if isinstance(entry, Key) else Key(*entry) for entry in entries]


def swatch(key: Key) -> Markup:
    fill = safe_colour(key.colour, "#505a5f")
    if key.symbol == AREA:
        dashes = _SMALL_DASHES.get(key.line)
        shape = _AREA % (fill, fill, _DASH % dashes if dashes else "")
    else:
        shape = _PINS.get(key.symbol, _PINS[CIRCLE]) % fill
    return _SVG % shape


def legend_html(entries: list, element_id: str = "", title: str = "Key") -> Markup:
    """The key as a labelled list: each symbol drawn, then what it means."""
    items = Markup("").join(_ITEM % (swatch(key), key.text) for key in keys(entries))
    return _LIST % (_ID % element_id if element_id else "", title, items)
