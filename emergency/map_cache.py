"""Map documents built once and kept, per app server, until what they show changes.

Building the CVEC map's layers and rendering them cost over 100 ms of CPU at 2,000 hubs, on
every request, for a picture that changes a few times an hour. Each app server (each gunicorn
worker) keeps the last document of each map with the key it was built for:

- `revision()`: a counter database triggers bump whenever a hub, its building, an
  incident, a network or a volunteer changes (migration 0022; /help's answers use a second
  counter that volunteers leave alone). One indexed read a request, so a change made
  through any worker reaches every worker's next request;
- whatever else the map depends on, which the caller adds to the key (the flood feed's
  state, whether capacities are the overnight ones, the tile server);
- and an age: a kept map is rebuilt after KEEP_S whatever happens, as a backstop for
  changes no trigger sees.

A document is kept with a stand-in for the CSP nonce; each response gets its own nonce.
The cache lives on the app object (`app.extensions`), so a new app starts empty.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from flask import Flask, current_app
from sqlalchemy import select

from accord import maps
from accord.clock import now_uk
from accord.extensions import db
from emergency.models import MapRevision, is_overnight

KEEP_S = 60.0
# Stands in for the response's CSP nonce in a kept document: random, so no map text has it.
NONCE = secrets.token_hex(16)
EXTENSION = "emergency.map_cache"
ANSWERS = 1000  # /help's results for this many places


@dataclass(frozen=True)
class Kept:
    key: Hashable
    document: str
    built: float  # time.monotonic() when built


# The counters (migration 0022): any map's content; /help's (hubs, networks, incidents).
MAPS, HELP = 1, 2


def revision(which: int = MAPS) -> int:
    """A revision counter now (0 before any change was counted)."""
    return db.session.scalar(select(MapRevision.revision).where(MapRevision.id == which)) or 0


class _Shelf:
    """The last `size` things built, by name and key, each dropped after KEEP_S."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.kept: OrderedDict[Hashable, Kept] = OrderedDict()
        self.lock = threading.Lock()  # gthread workers: several threads share a shelf

    def get(self, key: Hashable, build: Callable[[], str]) -> str:
        with self.lock:
            found = self.kept.get(key)
            if found is not None and time.monotonic() - found.built <= KEEP_S:
                self.kept.move_to_end(key)
                return found.document
        # Built outside the lock: two threads missing at once both build; both are right.
        made = build()
        with self.lock:
            self.kept[key] = Kept(key, made, time.monotonic())
            self.kept.move_to_end(key)
            while len(self.kept) > self.size:
                self.kept.popitem(last=False)
        return made


def _shelf(app: Flask, name: str, size: int) -> _Shelf:
    shelves = app.extensions.setdefault(EXTENSION, {})
    found = shelves.get(name)
    return found if found is not None else shelves.setdefault(name, _Shelf(size))


def document(app: Flask, name: str, key: Hashable, build: Callable[[str], str], nonce: str) -> str:
    """The map `name` for `key`, built by `build(nonce)` when none is kept for that key (or
    the kept one is older than KEEP_S), with `nonce` in every place the nonce goes. One map
    of each name is kept: a new key replaces the old one."""
    kept = _shelf(app, name, 1).get(key, lambda: build(NONCE))
    return kept.replace(NONCE, nonce)


def answer(app: Flask, name: str, key: Hashable, build: Callable[[], str]) -> str:
    """A piece of a page for `key` (e.g. /help's results for a place), kept like a map; the
    last ANSWERS keys of each name are kept. Put a revision in the key."""
    return _shelf(app, name, ANSWERS).get(key, build)


def clear(app: Flask) -> None:
    app.extensions.pop(EXTENSION, None)


def page(
    name: str,
    key: tuple,
    build: Callable[[], tuple[list[maps.Layer], list]],
    nonce: str,
    title: str,
    county: bool = False,
) -> str:
    """A map page (`build` gives its layers and legend), kept while the map revision, the
    tile server, day or night capacities and `key` stay the same; fitted to what it shows,
    or to the whole county with `county`."""
    tiles = maps.tiles_of(current_app.config)
    full_key = (revision(), is_overnight(now_uk()), tiles, *key)

    def render(stand_in: str) -> str:
        layers, legend = build()
        return maps.render_layers(
            layers,
            tiles.url,
            stand_in,
            tiles.attribution,
            legend=legend,
            title=title,
            fit_to=maps.county_extent() if county else None,
        )

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    return document(app, name, full_key, render, nonce)
