"""The parts of every page's layout that are the same from one request to the next, kept.

base.html's header, skip link, phase banner, footer and (for someone not signed in) menu are
GOV.UK Frontend macros that cost most of a simple page's rendering, yet what they print rests
only on the app's address (`request.script_root`, through url_for), on which menu item is the
current page and on the footer's attribution. Each is rendered once per process for each of
those and kept. Anything about the person (the signed-in menu with its CSRF sign-out form),
the request's nonce, flashed messages or incident banners stays per request in base.html.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import Any, TypeVar

import jinja2
from flask import Flask, current_app, request, url_for
from markupsafe import Markup

PARTS = "components/layout.html"
# (endpoint, words, path prefix that makes it the current page): the menu everyone sees.
PUBLIC_MENU = (
    ("registry.accord", "The Accord", "/accord"),
    ("registry.signatories", "Signatories", "/signatories"),
    ("directory.index", "Find services", "/directory"),
    ("emergency.help_page", "Get help now", "/help"),
)
SIGN_IN = ("core.sign_in", "Sign in", "/sign-in")
# Footer attributions and menu states are a handful; this only guards against a bug.
MAX_KEPT = 256
T = TypeVar("T")
# Lists of pages kept apart from the layout's parts (a long list has many), and the stand-ins
# for the parts of a page's address before and after its number: letters, which escaping
# leaves alone, and which no page's own text holds.
PAGINATION = "accord.pagination"
PAGINATION_MACRO = "govuk_frontend_jinja/components/pagination/macro.html"
PAGE_BEFORE, PAGE_AFTER = "accordPageAddressBefore", "accordPageAddressAfter"
# An id no table reaches, to find where an id goes in an address (id_links).
STAND_IN = 987_654_321_012_345


class Template(jinja2.Template):
    """Jinja's template with a cheaper `{% from … import … %}`.

    On every import Jinja asks which of the page's globals the imported template lacks with
    `set - ChainMap.keys()`, a Python-level loop (about 20 µs; a page makes some 27 imports).
    `set.difference` gives the same answer in C; the rest is Jinja 3.1's own code.
    """

    def _get_default_module(self, ctx: jinja2.runtime.Context | None = None) -> Any:
        if self.environment.is_async:
            return super()._get_default_module(ctx)
        if ctx is not None:
            keys = ctx.globals_keys.difference(self.globals)
            if keys:
                return self.make_module({k: ctx.parent[k] for k in keys})
        if self._module is None:
            self._module = self.make_module()
        return self._module


class Lazy:
    """A list made by `make` when a template first reads it, then kept for that render."""

    def __init__(self, make: Callable[[], list]) -> None:
        self._make = make
        self._items: list | None = None

    def _list(self) -> list:
        if self._items is None:
            self._items = self._make()
        return self._items

    def __iter__(self) -> Iterator:
        return iter(self._list())

    def __len__(self) -> int:
        return len(self._list())

    def __bool__(self) -> bool:
        return bool(self._list())


def _kept(key: tuple[Hashable, ...], build: Callable[[], T], store: str = "accord.layout") -> T:
    """What `build` makes for `key` on this app's address, made on first use. Not kept while
    templates reload (debug), so an edited template shows at once."""
    app = current_app
    if app.jinja_env.auto_reload:
        return build()
    kept: dict = app.extensions.setdefault(store, {})
    full = (request.script_root, *key)
    if full not in kept:
        if len(kept) >= MAX_KEPT:
            kept.clear()
        kept[full] = build()
    return kept[full]


def _part(name: str, template: str = PARTS) -> Callable[..., Markup]:
    """A macro of components/layout.html, or of `template` (autoescaped: it returns Markup)."""
    return getattr(current_app.jinja_env.get_template(template).module, name)


def menu_items(entries: tuple[tuple[str, str, str], ...] = PUBLIC_MENU) -> list[dict]:
    """govukServiceNavigation's items, the current page's marked active."""
    path = request.path
    return [{"href": url_for(e), "text": t, "active": path.startswith(p)} for e, t, p in entries]


def public_menu() -> Markup:
    """The menu of someone not signed in: the same for every visitor on a given page."""
    entries = (*PUBLIC_MENU, SIGN_IN)
    current = tuple(request.path.startswith(prefix) for _, _, prefix in entries)
    return _kept(("menu", current), lambda: _part("menu")(menu_items(entries)))


def header() -> Markup:
    return _kept(("header",), lambda: _part("header")())


def skip_link() -> Markup:
    return _kept(("skip_link",), lambda: _part("skip_link")())


def phase_banner() -> Markup:
    return _kept(("phase_banner",), lambda: _part("phase_banner")())


def footer(attribution: str = "") -> Markup:
    """`attribution` is site markup a view passes (map data credits), never user text."""
    return _kept(("footer", attribution), lambda: _part("footer")(attribution))


def static_url(filename: str) -> str:
    """url_for('static', …) for the layout's own stylesheets, icon and script."""
    return _kept(("static", filename), lambda: url_for("static", filename=filename))


def _split_address(endpoint: str, key: str, **values: Any) -> list[str]:
    """url_for's address with the stand-in for `key` (after the values), split where it
    stands: two parts, unless the stand-in's digits are found elsewhere in the address too."""
    return url_for(endpoint, **{**values, key: STAND_IN}).split(str(STAND_IN))


def id_links(endpoint: str, key: str, **values: Any) -> Callable[[int], str]:
    """`url_for(endpoint, key=id, **values)` for the many ids of a list of results, at the
    cost of one url_for: the address is built once with a stand-in id, then each id is put in
    its place (an int's place in an address is its digits, in the path or the query). Falls
    back to url_for for each id if the stand-in is not found exactly once."""
    parts = _split_address(endpoint, key, **values)
    if len(parts) != 2:
        return lambda id_: url_for(endpoint, **{**values, key: id_})
    before, after = parts
    return lambda id_: f"{before}{int(id_)}{after}"


def _window(page: int, pages: int) -> Iterator[int | None]:
    """The pages a list of pages shows: the first, the last and two either side of the current
    one, None for a gap (once on each side)."""
    for number in range(1, pages + 1):
        if number in (1, pages) or abs(number - page) <= 2:
            yield number
        elif abs(number - page) == 3:
            yield None


def _pages(
    href: Callable[[int], str], page: int, pages: int, numbers: Iterable[int | None]
) -> dict[str, Any]:
    """govukPagination's parameters, each page's address href(page)."""
    items = [
        {"ellipsis": True}
        if number is None
        else {"number": number, "href": href(number), "current": number == page}
        for number in numbers
    ]
    return {
        "items": items,
        "previous": {"href": href(page - 1)} if page > 1 else None,
        "next": {"href": href(page + 1)} if page < pages else None,
    }


def pagination(
    endpoint: str,
    page: int,
    pages: int,
    numbers: Iterable[int | None] | None = None,
    **values: Any,
) -> Markup:
    """GOV.UK's pagination for page `page` of `pages` of `endpoint` (`values` the rest of its
    address), listing `numbers` (Flask-SQLAlchemy's `iter_pages()`, None for a gap) or the
    first, the last and two either side of the current page.

    The component's macro cost a third of drawing a page of search results (0.3 ms), yet
    what it writes rests only on the pages listed and on one address with the page number
    in it: it is rendered once for each list of pages with stand-ins for the address's parts
    (PAGE_BEFORE, PAGE_AFTER), kept, and each page's address put in their place."""
    listed = tuple(_window(page, pages) if numbers is None else numbers)
    made = _part("govukPagination", PAGINATION_MACRO)
    parts = _split_address(endpoint, "page", **values)
    if len(parts) != 2:
        return made(_pages(id_links(endpoint, "page", **values), page, pages, listed))

    def marked(number: int) -> str:
        return f"{PAGE_BEFORE}{number}{PAGE_AFTER}"

    shape = _kept(
        ("pagination", page, pages, listed),
        lambda: made(_pages(marked, page, pages, listed)),
        PAGINATION,
    )
    # Markup's replace escapes what it puts in (an address's "&" as "&amp;", as Jinja would).
    before, after = parts
    return shape.replace(PAGE_BEFORE, before).replace(PAGE_AFTER, after)


def init_app(app: Flask) -> None:
    app.jinja_env.template_class = Template
    app.jinja_env.globals.update(
        layout_header=header,
        layout_skip_link=skip_link,
        layout_public_menu=public_menu,
        layout_menu_items=menu_items,
        layout_phase_banner=phase_banner,
        layout_footer=footer,
        layout_static=static_url,
        id_links=id_links,
        pagination=pagination,
    )
