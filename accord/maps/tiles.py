"""The base map's tiles: which server, the attribution it requires, the host images come from.

`TILE_URL` unset means OpenStreetMap's standard tiles, named through xyzservices (where folium
itself takes its providers from) with the attribution OpenStreetMap requires. `TILE_URL=none`
turns tiles off: maps then show the county's outline and town names from our own data on a
plain background, and load nothing from any other host.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

import nh3
import xyzservices.providers as providers

OPENSTREETMAP = providers.OpenStreetMap.Mapnik
DEFAULT_URL: str = OPENSTREETMAP.build_url()
DEFAULT_ATTRIBUTION: str = OPENSTREETMAP.html_attribution
NONE = "none"


@dataclass(frozen=True)
class Tiles:
    url: str  # a {z}/{x}/{y} template, "" for no tiles
    attribution: str  # HTML with links only (sanitised)
    host: str  # who sees residents' browsers ask for tiles, "" for no tiles
    provider: str = ""  # who runs it, as the privacy notice names it


def from_environment(env: dict) -> dict:
    """TILE_URL (OpenStreetMap's standard tiles unless another or "none" is named) and
    TILE_ATTRIBUTION, as settings."""
    return {
        "TILE_URL": env.get("TILE_URL") or DEFAULT_URL,
        "TILE_ATTRIBUTION": env.get("TILE_ATTRIBUTION") or "",
    }


def tiles_of(config: dict) -> Tiles:
    """The tiles a config names (TILE_URL, TILE_ATTRIBUTION)."""
    return _tiles(config.get("TILE_URL") or "", config.get("TILE_ATTRIBUTION") or "")


@lru_cache(maxsize=8)
def _tiles(url: str, attribution: str) -> Tiles:
    url = url.strip()
    host = urlsplit(url.replace("{s}", "a")).hostname or ""
    if url.lower() == NONE or not host:
        return Tiles("", "", "")
    known = url == DEFAULT_URL
    if not attribution:
        # The default provider's own wording; for any other, at least who serves the tiles.
        attribution = DEFAULT_ATTRIBUTION if known else f"Map tiles: {host}"
    provider = f"the OpenStreetMap Foundation ({host})" if known else host
    return Tiles(url, safe_attribution(attribution), host, provider)


def safe_attribution(text: str) -> str:
    """Attribution as Leaflet shows it (raw HTML): text escaped, links kept, nothing else.

    Providers give their attribution as HTML with a link (OpenStreetMap asks for one to its
    copyright page); an operator pastes it into TILE_ATTRIBUTION, so it is sanitised, not
    escaped whole.
    """
    return nh3.clean(
        text,
        tags={"a"},
        attributes={"a": {"href"}},
        url_schemes={"https", "http"},
        link_rel="noopener noreferrer",
    )
