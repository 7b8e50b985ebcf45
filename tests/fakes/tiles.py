"""A real HTTP map-tile server on loopback, for browser tests of the maps.

GET /{z}/{x}/{y}.png answers with one of the plain PNG tiles in tests/fixtures/tiles (made
there by make_tiles.py, no map data), chosen by (x + y) % the number of tiles so that
neighbours differ, as `image/png`; anything else is a 404. Set the app's TILE_URL to
`fake.tile_url`. `paths` records every path asked for, in order (browsers ask for tiles from
several threads at once, so it is kept under a lock; read it through `paths`), so a test can
check that a map's tiles came from this host alone and no other.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

from werkzeug.wrappers import Request, Response

from tests.fakes.server import LocalServer

TILES = Path(__file__).resolve().parent.parent / "fixtures" / "tiles"
TILE_PATH = re.compile(r"^/(\d{1,2})/(\d{1,8})/(\d{1,8})\.png$")
MAX_ZOOM = 22


def tiles() -> list[bytes]:
    """The fixture tiles' bytes, in name order (tile-0.png first)."""
    return [path.read_bytes() for path in sorted(TILES.glob("*.png"))]


class FakeTiles(LocalServer):
    def __init__(self) -> None:
        super().__init__()
        self.tiles = tiles()
        self._paths: list[str] = []
        self._lock = threading.Lock()

    @property
    def tile_url(self) -> str:
        """The URL template for TILE_URL (Leaflet's {z}/{x}/{y} placeholders)."""
        return f"{self.url}/{{z}}/{{x}}/{{y}}.png"

    @property
    def paths(self) -> list[str]:
        """Every path asked for so far (a copy)."""
        with self._lock:
            return list(self._paths)

    def tile(self, x: int, y: int) -> bytes:
        """The tile served at column x, row y (at every zoom)."""
        return self.tiles[(x + y) % len(self.tiles)]

    def _wsgi(self, environ, start_response):
        request = Request(environ)
        with self._lock:
            self._paths.append(request.path)
        return self._respond(request)(environ, start_response)

    def _respond(self, request: Request) -> Response:
        found = TILE_PATH.match(request.path)
        if request.method not in ("GET", "HEAD") or found is None:
            return Response("Not Found", status=404, mimetype="text/plain")
        z, x, y = (int(part) for part in found.groups())
        # Only tiles that exist at that zoom, as a real tile server does.
        if z > MAX_ZOOM or x >= 2**z or y >= 2**z:
            return Response("Not Found", status=404, mimetype="text/plain")
        return Response(self.tile(x, y), mimetype="image/png")
