"""The parts of every page's layout that are the same from one request to the next, kept.

base.html's header, skip link, phase banner, footer and (for someone not signed in) menu are
GOV.UK Frontend macros that cost most of a simple page's rendering, yet what they print rests
only on the app's address (`request.script_root`, through url_for), on which menu item is the
current page and on the footer's attribution. Each is rendered once per process for each of
those and kept. Anything about the person (the signed-in menu with its CSRF sign-out form),
the request's nonce, flashed messages or incident banners stays per request in base.html.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
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


def _kept(key: tuple[Hashable, ...], build: Callable[[], T]) -> T:
    """What `build` makes for `key` on this app's address, made on first use. Not kept while
    templates reload (debug), so an edited template shows at once."""
    app = current_app
    if app.jinja_env.auto_reload:
        return build()
    kept: dict = app.extensions.setdefault("accord.layout", {})
    full = (request.script_root, *key)
    if full not in kept:
        if len(kept) >= MAX_KEPT:
            kept.clear()
        kept[full] = build()
    return kept[full]


def _part(name: str) -> Callable[..., Markup]:
    """A macro of components/layout.html (autoescaped: it returns Markup)."""
    return getattr(current_app.jinja_env.get_template(PARTS).module, name)


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


def id_links(endpoint: str, key: str, **values: Any) -> Callable[[int], str]:
    """`url_for(endpoint, key=id, **values)` for the many ids of a list of results, at the
    cost of one url_for: the address is built once with a stand-in id, then each id is put in
    its place (an int's place in an address is its digits, in the path or the query). Falls
    back to url_for for each id if the stand-in is not found exactly once."""

    def built(id_: int) -> str:
        return url_for(endpoint, **{**values, key: id_})

    parts = built(STAND_IN).split(str(STAND_IN))
    if len(parts) != 2:
        return built
    before, after = parts
    return lambda id_: f"{before}{int(id_)}{after}"


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
    )
