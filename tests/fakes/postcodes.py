"""A real HTTP postcodes.io (plus Nominatim's /search) on loopback, from captured responses.

GET /postcodes/<pc> answers NW10 4DG with the captured body and every SY/TF postcode in the
bundled ONS table (and any in `known`) with a body of the same shape;
GET /terminated_postcodes/<pc> knows E1W 1UU.
Everything else gets postcodes.io's captured 404 bodies. Set `mode` to "slow", "garbage" or
"error" to misbehave; `paths` records what was asked, `user_agents` who asked.
"""

from __future__ import annotations

import json
from pathlib import Path

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from accord import geo
from tests.fakes.server import LocalServer

# Captured real postcodes.io responses, copied from the shared fixtures (see their PROVENANCE).
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "postcodes-io"
MODES = ("ok", "slow", "garbage", "error")

# Shrewsbury (SY1)'s centre, as the bundled district table has it.
SHREWSBURY = geo.Point(52.7197, -2.74338)


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / f"merlindiavova__{name}.json").read_text(encoding="utf-8"))


def shropshire_body(postcode: str, point: geo.Point) -> dict:
    """A /postcodes body shaped like the captured NW10 4DG one (same keys)."""
    template = fixture("postcode-nw10-4dg")["result"]
    outcode, incode = postcode.split(" ")
    result = dict.fromkeys(template)
    result.update(
        postcode=postcode,
        quality=1,
        country="England",
        region="West Midlands",
        outcode=outcode,
        incode=incode,
        latitude=point.latitude,
        longitude=point.longitude,
        admin_district="Telford and Wrekin" if outcode.startswith("TF") else "Shropshire",
        codes=dict.fromkeys(template["codes"]),
    )
    return {"status": 200, "result": result}


def nominatim_hit(query: str) -> dict:
    """One place in Nominatim's format=json output with addressdetails (what geopy parses)."""
    return {
        "place_id": 1,
        "licence": "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright",
        "osm_type": "way",
        "osm_id": 1,
        "lat": str(SHREWSBURY.latitude),
        "lon": str(SHREWSBURY.longitude),
        "class": "highway",
        "type": "residential",
        "place_rank": 26,
        "importance": 0.1,
        "addresstype": "road",
        "name": query.split(",")[0].strip(),
        "display_name": f"{query}, Shropshire, England, SY1 1AA, United Kingdom",
        "address": {
            "road": query.split(",")[0].strip(),
            "town": "Shrewsbury",
            "county": "Shropshire",
            "state": "England",
            "postcode": "SY1 1AA",
            "country": "United Kingdom",
            "country_code": "gb",
        },
        "boundingbox": ["52.70", "52.72", "-2.76", "-2.73"],
    }


class FakePostcodes(LocalServer):
    def __init__(self, delay: float = 1.0, known: dict[str, geo.Point] | None = None):
        super().__init__()
        self.mode = "ok"
        # More postcodes to answer, beyond the ONS table (ones no offline table can place).
        self.known = dict(known or {})
        # How long "slow" waits: longer than the client's timeout, cut short by shutdown.
        self.delay = delay
        self.paths: list[str] = []
        self.queries: list[dict] = []
        self.user_agents: set[str] = set()
        self._urls = Map(
            [
                Rule("/postcodes/<path:postcode>", endpoint="postcode"),
                Rule("/terminated_postcodes/<path:postcode>", endpoint="terminated"),
                Rule("/search", endpoint="search"),
            ]
        )
        self.url = ""

    def _wsgi(self, environ, start_response):
        request = Request(environ)
        self.paths.append(request.path)
        self.user_agents.add(request.headers.get("User-Agent", ""))
        return self._respond(request)(environ, start_response)

    def _respond(self, request: Request) -> Response:
        if self.mode == "slow":
            self._stopping.wait(self.delay)
        elif self.mode == "garbage":
            return Response("<html><body>Bad gateway</body></html>", mimetype="text/html")
        elif self.mode == "error":
            return json_response({"status": 500, "error": "Internal server error"}, 500)
        adapter = self._urls.bind_to_environ(request.environ)
        try:
            endpoint, args = adapter.match()
        except HTTPException:
            return json_response(fixture("resource-not-found"), 404)
        if endpoint == "search":
            self.queries.append(dict(request.args))
            query = request.args.get("q", "")
            return json_response([nominatim_hit(query)] if "shrewsbury" in query.lower() else [])
        postcode = geo.normalise_postcode(args["postcode"])
        if endpoint == "terminated":
            if postcode == "E1W 1UU":
                return json_response(fixture("postcode-terminated"))
            return json_response(fixture("resource-not-found"), 404)
        if postcode == "NW10 4DG":
            return json_response(fixture("postcode-nw10-4dg"))
        if postcode and (point := self.known.get(postcode) or geo.postcode_point(postcode)):
            return json_response(shropshire_body(postcode, point))
        if postcode:
            return json_response(fixture("postcode-not-found"), 404)
        return json_response(fixture("invalid-post-code"), 404)


def json_response(body, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")
