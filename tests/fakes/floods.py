"""A real HTTP Environment Agency flood-monitoring API on loopback, from captured responses.

GET /id/floods answers with `feed`: the name of a captured response in tests/fixtures/ea-flood
(default: the 2016 England list, 171 items, five of them Shropshire alerts) or a dict to send
as JSON. With `filters` on it applies the EA's documented query parameters as the real service
does (`county`: a comma-separated list, an item is kept when its flood area's county contains
any of them, ignoring case; `min-severity`: keep severityLevel <= it); with it off it ignores
them, like a server that does not know them.

GET /id/floodAreas/<id>/polygon answers with an outline. No captured polygon response exists
(see the fixtures' README), so each is BUILT in the shape the EA documents and public client
code reads: a GeoJSON FeatureCollection of one Feature whose properties are AREA, FWS_TACODE,
TA_NAME, DESCRIP, LA_NAME, PARENT, QDIAL, RIVER_SEA and whose geometry is a Polygon, or a
MultiPolygon, in WGS84 lon/lat. The Severn Vyrnwy confluence (031WAF114) gets the constructed
fixture (`SEVERN_VYRNWY_OUTLINE`: a river corridor of 3,782 positions); every other area a
square made up round a point near it (a MultiPolygon of two for the Wyre Forest brooks,
031WAF107). None is the real outline. `outlines` maps an area id to a body to send instead.

`mode` makes every answer misbehave: "slow" (waits `delay` before answering), "garbage" (an
HTML page), "error" (HTTP 500); `broken_polygons` names areas whose outline gives HTTP 500.
`requests` records each (path, query) asked, `user_agents` who asked.
"""

from __future__ import annotations

import json
from pathlib import Path

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from tests.fakes.postcodes import json_response
from tests.fakes.server import LocalServer

# Captured real EA responses, copied from the shared fixtures (see the folder's README).
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ea-flood"
ENGLAND_2016 = "floods_list_2016-03-28_cmharper-river"  # 171 items, 5 in Shropshire
ENGLAND_2023 = "floods_list_2023-02-09_theworldavatar"  # 12 items, 3 no longer in force
NORTH_2015 = "floods_list_2015-12-10_11items_extracted_from_fiskur_java_test"  # 2 warnings
SEVERN_VYRNWY = "floods_single_93474_severn_vyrnwy_031WAF114_extracted_from_fiskur_java_test"
# Constructed in the documented format, not captured (see the fixtures' README).
SEVERN_VYRNWY_OUTLINE = "floodArea_031WAF114_polygon_constructed"
OUTLINE_FIXTURES = {"031WAF114": SEVERN_VYRNWY_OUTLINE}
EMPTY = "floods_empty_items_code1up"
EMPTY_MOCK = "floods_empty_items_theworldavatar_mock_no_warnings"
MODES = ("ok", "slow", "garbage", "error")

# A point near each Shropshire flood area in the fixtures (lon, lat): made up, near enough.
CENTRES = {
    "031WAF104": (-2.62, 52.77),  # Tern and Perry catchments
    "031WAF105": (-2.80, 52.66),  # Rea Brook and Cound Brook
    "031WAF106": (-2.37, 52.62),  # River Worfe
    "031WAF107": (-2.40, 52.42),  # Brooks in the Wyre Forest
    "031WAF112": (-2.85, 52.40),  # Upper Teme
    "031WAF114": (-2.99314567228076, 52.765501928560823),  # Severn Vyrnwy confluence (EA's)
}
MULTIPOLYGON_AREAS = {"031WAF107"}


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def square(lon: float, lat: float, half: float = 0.02) -> list[list[list[float]]]:
    """A closed ring, anticlockwise as RFC 7946 asks of an outer ring."""
    ring = [
        [lon - half, lat - half],
        [lon + half, lat - half],
        [lon + half, lat + half],
        [lon - half, lat + half],
        [lon - half, lat - half],
    ]
    return [ring]


def polygon_body(area_id: str) -> dict:
    """A flood-area outline in the documented shape (see the module docstring)."""
    if area_id in OUTLINE_FIXTURES:
        return fixture(OUTLINE_FIXTURES[area_id])
    lon, lat = CENTRES.get(area_id, (-2.75, 52.71))
    if area_id in MULTIPOLYGON_AREAS:
        geometry = {
            "type": "MultiPolygon",
            "coordinates": [square(lon, lat), square(lon + 0.1, lat + 0.05)],
        }
    else:
        geometry = {"type": "Polygon", "coordinates": square(lon, lat)}
    properties = {
        "AREA": "West",
        "FWS_TACODE": area_id,
        "TA_NAME": f"Flood area {area_id}",
        "DESCRIP": f"Flood area {area_id}",
        "LA_NAME": "Shropshire",
        "PARENT": "",
        "QDIAL": "",
        "RIVER_SEA": "",
    }
    return {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "geometry": geometry, "properties": properties}],
    }


def filtered(body: dict, county: str | None, min_severity: str | None) -> dict:
    """What the EA does with ?county=…&min-severity=… (see the module docstring)."""
    items = body.get("items")
    if not isinstance(items, list):
        return body
    if county:
        wanted = [name.strip().lower() for name in county.split(",") if name.strip()]
        items = [
            item
            for item in items
            if any(name in item["floodArea"].get("county", "").lower() for name in wanted)
        ]
    if min_severity:
        items = [item for item in items if item["severityLevel"] <= int(min_severity)]
    return {**body, "items": items}


class FakeFloods(LocalServer):
    def __init__(self, delay: float = 1.0):
        super().__init__()
        self.mode = "ok"
        self.feed: str | dict = ENGLAND_2016
        self.filters = False
        self.broken_polygons: set[str] = set()
        self.outlines: dict[str, object] = {}
        # How long "slow" waits: longer than the client's timeout, cut short by shutdown.
        self.delay = delay
        self.requests: list[tuple[str, dict]] = []
        self.user_agents: set[str] = set()
        self._urls = Map(
            [
                Rule("/id/floods", endpoint="floods"),
                Rule("/id/floodAreas/<area_id>/polygon", endpoint="polygon"),
            ]
        )
        self.url = ""

    @property
    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]

    def _wsgi(self, environ, start_response):
        request = Request(environ)
        self.requests.append((request.path, dict(request.args)))
        self.user_agents.add(request.headers.get("User-Agent", ""))
        return self._respond(request)(environ, start_response)

    def _respond(self, request: Request) -> Response:
        if self.mode == "slow":
            self._stopping.wait(self.delay)
        elif self.mode == "garbage":
            return Response("<html><body>Bad gateway</body></html>", mimetype="text/html")
        elif self.mode == "error":
            return Response("Internal Server Error", status=500, mimetype="text/plain")
        try:
            endpoint, args = self._urls.bind_to_environ(request.environ).match()
        except HTTPException:
            return Response("Not Found", status=404, mimetype="text/plain")
        if endpoint == "polygon":
            if args["area_id"] in self.broken_polygons:
                return Response("Internal Server Error", status=500, mimetype="text/plain")
            area_id = args["area_id"]
            found = self.outlines[area_id] if area_id in self.outlines else polygon_body(area_id)
            return json_response(found)
        body = fixture(self.feed) if isinstance(self.feed, str) else self.feed
        if self.filters:
            body = filtered(body, request.args.get("county"), request.args.get("min-severity"))
        return json_response(body)
