"""Security headers on every response (issue 9): every GET route in the URL map, with its ids
taken from real records, as a signed-out visitor and as an admin; the error pages (400, 404,
405, 413, 429, 500); static files, CSV, JSON, GeoJSON and the map frames.

accord/security.py sets them after every request; a response made some other way (a new
error handler, a blueprint that builds its own Response, a file sent raw) would lack them.
"""

from __future__ import annotations

from accord.models import Role
from tests.directory.data import place, service
from tests.emergency import data
from tests.factories import PASSWORD
from tests.registry.signatories.test_signatory_pages import make_signatory

YEAR = "2026"
STRICT_REFERRER = {"strict-origin-when-cross-origin", "strict-origin", "same-origin", "no-referrer"}


def missing_headers(response) -> list[str]:
    """What the response lacks of the headers accord/security.py promises."""
    headers = response.headers
    policy = headers.get("Content-Security-Policy", "")
    wanted = {
        "CSP default-src 'self'": "default-src 'self'" in policy,
        "CSP object-src 'none'": "object-src 'none'" in policy,
        "CSP frame-ancestors": "frame-ancestors 'none'" in policy
        or "frame-ancestors 'self'" in policy,
        "CSP no unsafe-inline": "unsafe-inline" not in policy and "unsafe-eval" not in policy,
        "X-Content-Type-Options": headers.get("X-Content-Type-Options") == "nosniff",
        # Pages behind a signed link send none at all (no-referrer): stricter is fine.
        "Referrer-Policy": headers.get("Referrer-Policy") in STRICT_REFERRER,
        "X-Frame-Options": headers.get("X-Frame-Options") in ("DENY", "SAMEORIGIN"),
        "Permissions-Policy": "camera=()" in headers.get("Permissions-Policy", ""),
    }
    # A page framed by our own pages (the maps) says so both ways; every other says DENY.
    if headers.get("X-Frame-Options") == "SAMEORIGIN":
        wanted["framed only by us"] = "frame-ancestors 'self'" in policy
    return [name for name, ok in wanted.items() if not ok]


def values(make) -> dict[str, str]:
    """A real value for each address variable the URL map uses, by name."""
    record = make_signatory(make)
    org = record.organisation
    listed = service("Larder", "food", "shrewsbury")
    building = place("shrewsbury")
    incident = data.incident()
    hub = data.hub(location=make.location(name="Hall"))
    network = data.network()
    volunteer = data.volunteer()
    return {
        "slug": org.slug,
        "service_id": str(listed.id),
        "place_id": str(building.id),
        "hub_id": str(hub.id),
        "incident_id": str(incident.id),
        "network_id": str(network.id),
        "volunteer_id": str(volunteer.id),
        "year": YEAR,
        "version": record.accord_version.version,
        "step": "organisation",
        "number": "1",
        "filename": "app.css",
    }


def paths(app, known: dict[str, str]) -> list[tuple[str, str]]:
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods:
            continue
        args = {name: known.get(name, "1") for name in rule.arguments}
        found.append((rule.endpoint, rule.build(args, append_unknown=False)[1]))
    return found


def test_every_get_route_has_the_headers_for_anyone_and_an_admin(app, make):
    targets = paths(app, values(make))
    assert len(targets) > 60
    make.user(role=Role.admin, email="admin@example.org")
    admin = app.test_client()
    admin.sign_in("admin@example.org", PASSWORD)
    seen = set()
    for who, client in (("anonymous", app.test_client()), ("admin", admin)):
        for endpoint, path in targets:
            response = client.get(path)
            seen.add(response.status_code)
            where = f"{who} GET {path} ({endpoint}) {response.status_code}"
            assert response.status_code != 500, where
            assert missing_headers(response) == [], where
            response.close()  # a static file's is open until then
    # Pages, redirects to sign in, ids no record has, and forbidden ones were all there.
    assert {200, 302, 404} <= seen


def test_error_pages_files_and_data_have_the_headers(make_app, client, make):
    make_signatory(make)
    checks = {
        "404": client.get("/no-such-page"),
        "405": client.get("/sign-out"),
        "400 (no CSRF token)": client.post("/sign-in", data={"email": "x@example.org"}),
        "413": client.post("/sign-in", data={"email": "x" * (2 * 1024 * 1024)}),
        "static": client.get("/static/app.css"),
        "csv": client.get("/signatories.csv"),
        "json": client.get("/signatories.json"),
        "geojson": client.get("/emergency/hubs.geojson"),
        "api": client.get("/api/oruk/services"),
        "404 from the API": client.get("/api/oruk/services/not-a-uuid"),
        "map frame": client.get("/help/map/frame"),
        "healthz": client.get("/healthz"),
    }
    for _ in range(10):
        client.sign_in("nobody@example.org", "wrong")
    checks["429"] = client.sign_in("nobody@example.org", "wrong")
    assert checks["429"].status_code == 429

    # A view that fails: the GOV.UK 500 page, with the headers too.
    failing = make_app(PROPAGATE_EXCEPTIONS=False)

    @failing.get("/fails")
    def fails():
        raise RuntimeError("a bug")

    checks["500"] = failing.test_client().get("/fails")
    for name, response in checks.items():
        expected = int(name[:3]) if name[:3].isdigit() else None
        if expected:
            assert response.status_code == expected, (name, response.status_code)
        else:
            assert response.status_code == 200, (name, response.status_code)
        assert missing_headers(response) == [], name
        response.close()
    assert checks["map frame"].headers["X-Frame-Options"] == "SAMEORIGIN"
    assert checks["404"].headers["X-Frame-Options"] == "DENY"
