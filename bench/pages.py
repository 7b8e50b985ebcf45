"""The six public and coordination pages at county scale, in-process, against bare baselines.

On the dataset of `bench.county.county` (SQLite in a temporary folder, then PostgreSQL when
`BENCH_POSTGRES_URL` is set), each page kind is asked `BENCH_PAGE_ROUNDS` times (default 50,
after one unmeasured request) through Flask's test client, with varied arguments: words and
postcodes, pages, ids. In the same run the bench times what each page rests on:

- the bare SQL query behind it (one statement, through the same session and engine);
- a trivial Flask endpoint (routing and a response, nothing else);
- for the two maps, a naive folium map of the same hubs (a `Marker` with a `Tooltip` each).

Rows give p50/p95/p99, CPU time and each p50's ratio to those baselines; the CVEC map and
/help are judged PASS/FAIL on their CPU p95 (issue 17: ≤ 40 ms at 2,000 hubs, ≤ 10 ms). Two
more rows show what the kept maps and answers cost when they cannot serve: /help for a place
not asked before, and the CVEC map right after a hub changed. Two more time `/directory`'s
first visit (the towns with their buildings counted) and a town's first page of buildings
(issue 17: the first visit listed every building, 1.9 s of CPU). Run alone with
`PYTHONPATH=. .venv/bin/python -m bench.pages` (`BENCH_SERVED=0` skips gunicorn;
`BENCH_PAGE_KINDS=help,cvec_map,help_new_place,cvec_map_changed` times only those;
`BENCH_PAGE_KINDS=directory_first,town_buildings` the buildings).
"""

from __future__ import annotations

import html
import logging
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import folium
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import text

from accord import create_app, geo, maps
from accord.extensions import db
from bench import county
from bench.directory_search import bare_sql as search_sql
from emergency.networks import areas

ROUNDS = int(os.environ.get("BENCH_PAGE_ROUNDS", "50"))
MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")
# The user agent the CVEC session is made with: flask-login's "strong" session protection ties
# a session to the address and agent that signed in, so wrk must send the same one.
AGENT = "accord-bench"
QUERIES = ["food", "lunch club", "counselling", "carers", "debt advice", "walking", "warm space"]
PLACES = ["SY1 1AA", "SY8 1AA", "TF1 1AA", "SY11 1AA", "WV16 4AA", "TF9 1AA", "SY3 8HQ"]
ORUK_PER_PAGE = 50
# Issue 17: the CVEC map and /help must not redo settled work per request (CPU per request).
CVEC_MAP_TARGET_MS, HELP_TARGET_MS = 40.0, 10.0

BARE = {
    # What the ORUK list rests on: one page of published services, oldest first.
    "oruk_list": "SELECT * FROM service WHERE review = 'published' ORDER BY id "
    "LIMIT 50 OFFSET :offset",
    "oruk_detail": "SELECT * FROM service WHERE uuid = :uuid",
    "signatories": "SELECT s.*, o.* FROM signatory s JOIN organisation o "
    "ON o.id = s.organisation_id WHERE s.status = 'published' "
    "ORDER BY lower(o.name), o.id LIMIT 20 OFFSET :offset",
    "help": "SELECT h.*, l.latitude, l.longitude FROM hub h JOIN location l "
    "ON l.id = h.location_id WHERE h.status IN ('open', 'full')",
    "cvec_map": "SELECT h.*, l.name, l.latitude, l.longitude FROM hub h "
    "JOIN location l ON l.id = h.location_id",
    "public_map": "SELECT h.*, l.name, l.latitude, l.longitude FROM hub h "
    "JOIN location l ON l.id = h.location_id WHERE h.status IN ('open', 'full')",
    # Issue 17: the first visit counts buildings by town; a town's page reads 30 by name.
    "directory_first": "SELECT town, count(id) FROM location WHERE review = 'published' "
    "GROUP BY town ORDER BY town",
    "town_buildings": "SELECT id, name, address, postcode FROM location "
    "WHERE review = 'published' AND town = :town ORDER BY name, id LIMIT 30",
}
# Post towns every county size has buildings in (their first page always exists).
BIG_TOWNS = ["Shrewsbury", "Telford", "Oswestry", "Ludlow", "Whitchurch"]


@dataclass
class Kind:
    """One kind of page: how to make its n-th address, and its bare SQL for that address."""

    key: str
    label: str
    path: Callable[[random.Random], str]
    bare: Callable[[str], None]
    cvec: bool = False
    mapped: str = ""  # the hubs a naive folium map of this page would draw: "all", "receiving"
    before: Callable[[], None] | None = None  # run (untimed, in an app context) before each
    target_ms: float | None = None  # CPU p95 a request must stay within (issue 17)
    # Warm every address first, not only the first: the page keeps answers per address, and
    # the answers it has not kept yet are timed in their own row (uncached_kinds).
    warm_all: bool = False


@dataclass
class Row:
    engine: str
    kind: Kind
    samples: list[float]
    cpu: list[float]  # this process's CPU time a request: the app's own work, not the database's
    bare: list[float]
    flask: float
    folium: float | None = None
    extra: dict = field(default_factory=dict)

    def p(self, q: float) -> float:
        return percentile(self.samples, q)


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def ms(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return (time.perf_counter() - start) * 1000


def sql(statement: str, **params) -> None:
    db.session.execute(text(statement), params).all()


def kinds(total: int) -> list[Kind]:
    """The six pages; `total` services, so list pages and ids cover the whole directory."""
    last = max(1, -(-total // ORUK_PER_PAGE))

    def search_path(rng: random.Random) -> str:
        words, place = rng.choice(QUERIES), rng.choice(PLACES)
        return f"/directory?q={words.replace(' ', '+')}&where={place.replace(' ', '+')}&radius=5"

    def search_bare(path: str) -> None:
        words = re.search(r"q=([^&]+)", path)[1].replace("+", " ")
        place = re.search(r"where=([^&]+)", path)[1].replace("+", " ")
        search_sql(words, geo.locate(place), 5)

    def oruk_list_bare(path: str) -> None:
        page = int(re.search(r"page=(\d+)", path)[1])
        sql(BARE["oruk_list"], offset=(page - 1) * ORUK_PER_PAGE)

    def signatories_path(rng: random.Random) -> str:
        return f"/signatories?page={rng.randint(1, 5)}"

    def signatories_bare(path: str) -> None:
        sql(BARE["signatories"], offset=(int(path.rsplit("=", 1)[1]) - 1) * 20)

    return [
        Kind("search", "directory search: words + postcode + 5 miles", search_path, search_bare),
        Kind(
            "oruk_list",
            f"ORUK `/api/oruk/services` pages of {ORUK_PER_PAGE}",
            lambda rng: f"/api/oruk/services?page={rng.randint(1, last)}&per_page={ORUK_PER_PAGE}",
            oruk_list_bare,
        ),
        Kind(
            "oruk_detail",
            "ORUK `/api/oruk/services/{id}`",
            lambda rng: f"/api/oruk/services/{service_uuid(rng.randrange(total))}",
            lambda path: sql(BARE["oruk_detail"], uuid=path.rsplit("/", 1)[1]),
        ),
        Kind("signatories", "`/signatories` (pages 1–5)", signatories_path, signatories_bare),
        Kind(
            "help",
            "`/help?where=` a postcode",
            lambda rng: f"/help?where={rng.choice(PLACES).replace(' ', '+')}",
            lambda path: sql(BARE["help"]),
            target_ms=HELP_TARGET_MS,
            warm_all=True,
        ),
        Kind(
            "cvec_map",
            "CVEC map `/emergency/map/frame`",
            lambda rng: "/emergency/map/frame",
            lambda path: sql(BARE["cvec_map"]),
            cvec=True,
            mapped="all",
            target_ms=CVEC_MAP_TARGET_MS,
        ),
        Kind(
            "public_map",
            "public map `/help/map/frame`",
            lambda rng: "/help/map/frame",
            lambda path: sql(BARE["public_map"]),
            mapped="receiving",
        ),
    ]


def uncached_kinds() -> list[Kind]:
    """The same pages when what they kept cannot serve (bench/pages.py only; load.py's mix
    is `kinds`): /help for a different postcode each time, and the CVEC map after a hub
    changed before each request (every worker then builds it once again)."""
    codes = county.postcodes()

    def touch_a_hub() -> None:
        db.session.execute(
            text("UPDATE hub SET needs = needs WHERE id = (SELECT min(id) FROM hub)")
        )
        db.session.commit()

    return [
        Kind(
            "help_new_place",
            "`/help?where=` a postcode not asked before",
            lambda rng: f"/help?where={rng.choice(codes).replace(' ', '+')}",
            lambda path: sql(BARE["help"]),
        ),
        Kind(
            "cvec_map_changed",
            "CVEC map `/emergency/map/frame` after a hub changed",
            lambda rng: "/emergency/map/frame",
            lambda path: sql(BARE["cvec_map"]),
            cvec=True,
            before=touch_a_hub,
        ),
    ]


def building_kinds() -> list[Kind]:
    """/directory before a search (the towns with their buildings counted) and a town's first
    page of buildings (bench/pages.py only, not load.py's mix)."""
    return [
        Kind(
            "directory_first",
            "`/directory` first visit (towns with counts)",
            lambda rng: "/directory",
            lambda path: sql(BARE["directory_first"]),
        ),
        Kind(
            "town_buildings",
            "`/directory/buildings?town=` a big town's first page",
            lambda rng: f"/directory/buildings?town={rng.choice(BIG_TOWNS)}",
            lambda path: sql(BARE["town_buildings"], town=path.rsplit("=", 1)[1]),
        ),
    ]


def service_uuid(n: int) -> str:
    return f"10000000-0000-4000-8000-{n:012d}"


def app_config(url: str) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "bench",
        # No network in a bench: postcodes fall back to the offline tables at once, and the
        # flood feed to its (empty) cache.
        "POSTCODES_API_URL": "http://127.0.0.1:9",
        "FLOOD_API_URL": "http://127.0.0.1:9",
        "NOMINATIM_URL": "",
        # Public pages' per-address limits (/help: 60 a minute) would refuse the rounds.
        "RATELIMIT_ENABLED": False,
    }


def prepare(url: str, scale: float = 1.0) -> dict[str, int]:
    """Wipe (PostgreSQL), migrate and fill the database with the county."""
    if url.startswith("postgresql"):
        from tests.conftest import reset_postgresql

        reset_postgresql(url)
    app = create_app(app_config(url))
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        made = county.county(scale)
        # The county's networks are inserted in bulk, around the ORM that keeps their areas.
        areas.rebuild()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return made


def signed_in(app: Flask):
    """A test client signed in as the county's CVEC coordinator, through the sign-in form."""
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = AGENT
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    token = token or re.search(r'name="csrf_token" value="([^"]+)"', page)
    if token is None:
        raise SystemExit("no CSRF token on /sign-in")
    answer = client.post(
        "/sign-in",
        data={"csrf_token": token[1], "email": county.CVEC_EMAIL, "password": county.CVEC_PASSWORD},
    )
    if answer.status_code != 302:
        raise SystemExit(f"signing in as CVEC answered {answer.status_code}")
    return client


def session_cookie(client, app: Flask) -> str:
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    if cookie is None:
        raise SystemExit("no session cookie after signing in")
    return f"{cookie.key}={cookie.value}"


def trivial_flask() -> float:
    bare = Flask("baseline")
    bare.get("/")(lambda: "ok")
    client = bare.test_client()
    client.get("/")
    return statistics.median(ms(lambda: client.get("/")) for _ in range(max(ROUNDS, 200)))


def naive_folium(which: str) -> float:
    """The map the naive way, from the same rows: a folium Marker with a Tooltip per hub."""
    rows = db.session.execute(text(BARE["cvec_map" if which == "all" else "public_map"])).all()

    def render() -> str:
        maps.configure()
        fmap = folium.Map(location=[maps.SHROPSHIRE.latitude, maps.SHROPSHIRE.longitude])
        for row in rows:
            folium.Marker(
                [row.latitude, row.longitude],
                tooltip=folium.Tooltip(f"<strong>{html.escape(row.name)}</strong> {row.status}"),
            ).add_to(fmap)
        return fmap.get_root().render()

    render()
    return statistics.median(ms(render) for _ in range(3))


def measure(url: str, engine: str, total: int, rounds: int = ROUNDS, seed: int = 3) -> list[Row]:
    app = create_app(app_config(url))
    logging.getLogger("accord.geocoding").setLevel(logging.ERROR)  # offline on purpose
    logging.getLogger("emergency.floods").setLevel(logging.ERROR)
    public, cvec = app.test_client(), signed_in(app)
    flask_p50 = trivial_flask()
    rows = []
    chosen = os.environ.get("BENCH_PAGE_KINDS", "")  # e.g. "help,cvec_map": only those
    for kind in [*kinds(total), *uncached_kinds(), *building_kinds()]:
        if chosen and kind.key not in chosen.split(","):
            continue
        rng = random.Random(seed)  # noqa: S311 - benchmark sampling
        client = cvec if kind.cvec else public
        paths = [kind.path(rng) for _ in range(rounds)]
        for path in paths if kind.warm_all else paths[:1]:
            client.get(path)  # warm: compiled templates, caches
        samples, cpu = [], []
        for path in paths:
            if kind.before is not None:
                with app.app_context():
                    kind.before()
            start, used = time.perf_counter(), time.process_time()
            response = client.get(path)
            samples.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - used) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{engine} {path} answered {response.status_code}")
        with app.app_context():
            kind.bare(paths[0])
            bare = [ms(lambda p=path, k=kind: k.bare(p)) for path in paths]
            folium_p50 = naive_folium(kind.mapped) if kind.mapped else None
            db.session.remove()
        row = Row(engine, kind, samples, cpu, bare, flask_p50, folium_p50)
        row.extra["load"] = os.getloadavg()[0]
        rows.append(row)
    with app.app_context():
        db.engine.dispose()
    return rows


def verdict(row: Row) -> str:
    """PASS/FAIL against the page's CPU target (issue 17), judged on the CPU p95."""
    if row.kind.target_ms is None:
        return ""
    cpu95 = percentile(row.cpu, 95)
    met = "PASS" if cpu95 <= row.kind.target_ms else "FAIL"
    return f"{met}: CPU p95 {cpu95:.1f} ≤ {row.kind.target_ms:.0f} ms"


def table(rows: list[Row]) -> str:
    load = os.getloadavg()[0]
    text_ = (
        f"\n### In-process latency at county scale ({ROUNDS} requests a page, Flask test "
        f"client; load {load:.1f} on {os.cpu_count()} CPUs)\n\n"
        "| engine | page | p50 ms | p95 ms | p99 ms | CPU p50 ms | CPU p95 ms | load | "
        "bare SQL p50 ms | × bare SQL | × trivial Flask | naive folium p50 ms | "
        "× naive folium | target |\n"
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n"
    )
    for row in rows:
        p50, bare = row.p(50), statistics.median(row.bare)
        folium_cells = f"{row.folium:.0f} | {p50 / row.folium:.2f}×" if row.folium else " | "
        text_ += (
            f"| {row.engine} | {row.kind.label} | {p50:.1f} | {row.p(95):.1f} | "
            f"{row.p(99):.1f} | {statistics.median(row.cpu):.1f} | "
            f"{percentile(row.cpu, 95):.1f} | {row.extra.get('load', 0.0):.1f} | {bare:.2f} | "
            f"{p50 / bare:.0f}× | {p50 / row.flask:.0f}× | "
            f"{folium_cells} | {verdict(row)} |\n"
        )
    flask_p50 = rows[0].flask if rows else 0.0
    text_ += f"\nTrivial Flask endpoint (same run, test client): p50 {flask_p50:.3f} ms.\n"
    return text_


def cookie_for(url: str) -> str:
    """The CVEC coordinator's session cookie, for wrk to send (with the same user agent)."""
    app = create_app(app_config(url))
    client = signed_in(app)
    with app.app_context():
        db.engine.dispose()
    return session_cookie(client, app)


@dataclass
class Run:
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)
    throughput: list = field(default_factory=list)
    loads: list = field(default_factory=list)


def run(scale: float = 1.0, *, served: bool = True) -> Run:
    """Every engine: build the county, time the pages in-process, then (when `served`) under
    gunicorn with wrk, while the database still holds the county."""
    from bench import load

    result = Run()

    def one(engine: str, url: str) -> None:
        result.counts[engine] = made = prepare(url, scale)
        result.rows.extend(measure(url, engine, made["services"]))
        if served:
            rows, loaded = load.measure(url, engine, made["services"], cookie_for(url))
            result.throughput.extend(rows)
            result.loads.append(loaded)

    with tempfile.TemporaryDirectory() as folder:
        one("SQLite", f"sqlite:///{Path(folder) / 'county.db'}")
    if url := os.environ.get("BENCH_POSTGRES_URL"):
        one("PostgreSQL", url)
    return result


def counts_line(counts: dict[str, dict[str, int]]) -> str:
    return "".join(
        f"\n{engine}: " + ", ".join(f"{n:,} {what}" for what, n in made.items()) + ".\n"
        for engine, made in counts.items()
    )


def main() -> int:
    from bench import load

    result = run(
        float(os.environ.get("BENCH_SCALE", "1")), served=os.environ.get("BENCH_SERVED") != "0"
    )
    print(counts_line(result.counts) + table(result.rows))
    if result.loads:
        print(load.table(result.throughput, result.loads))
    met = not any(verdict(row).startswith("FAIL") for row in result.rows)
    return 0 if met and all(load.kept(x) for x in result.loads) else 1


if __name__ == "__main__":
    sys.exit(main())
