"""Environment Agency flood warnings for Shropshire and Telford & Wrekin.

`refresh()` asks the EA's flood-monitoring API (GET {FLOOD_API_URL}/id/floods, documented at
https://environment.data.gov.uk/flood-monitoring/doc/reference), keeps the warnings in force
(severity 1-3) whose flood area lies in our two counties, fetches each area's outline, and saves
the simplified list in the FloodFeed table, which every app server shares. `current()` is what
pages call: the cache, refreshed when it is older than FLOOD_MAX_AGE_MINUTES, never slower than
about the timeout and never an exception. `flask emergency refresh-floods` on a schedule keeps
the cache fresh so that pages rarely wait at all.

EA text (area names, rivers, messages) is data from outside: escape it wherever it lands. It is
never logged; log lines name flood-area ids and errors only.
"""

from __future__ import annotations

import json
import logging
import math
import re
import time
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime, timedelta

import requests
from flask import current_app
from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session
from urllib3.exceptions import ReadTimeoutError

from accord import clock
from accord.extensions import db
from accord.models import utcnow
from emergency.models import FloodFeed

log = logging.getLogger(__name__)

# FloodFeed rows: the warnings in force, and the flood-area outlines they point at.
WARNINGS = "warnings"
POLYGONS = "polygons"

SEVERITY_LABELS = {1: "Severe flood warning", 2: "Flood warning", 3: "Flood alert"}
# GOV.UK colours in the EA's order of alarm (red, orange, yellow), for map layers and tags.
SEVERITY_COLOURS = {1: "#d4351c", 2: "#f47738", 3: "#ffdd00"}
# Level 4 is "warning no longer in force": history, not something to act on, so it is dropped.
NO_LONGER_IN_FORCE = 4

# The EA's `county` parameter matches a flood area whose county name contains any of these
# (comma-separated); the same test is applied here too, in case a server ignores it.
COUNTIES = ("Shropshire", "Telford")

# After a failed attempt no page tries again for this long (shared by every app server through
# `attempted_at`), so a busy page neither hammers a down feed nor waits on every request.
BREAK_S = 60.0
# Flood-area outlines rarely change; older ones are fetched again when their area is warned.
POLYGON_MAX_AGE = timedelta(days=7)
# A page fetches outlines for this long at most (FLOOD_TIMEOUT_S if None); the rest come with
# the next refresh. The scheduled command gives itself longer.
CLI_POLYGON_BUDGET_S = 60.0
MAX_FEED_BYTES = 10 * 1024 * 1024
MAX_POLYGON_BYTES = 5 * 1024 * 1024
# 5 decimal places is about a metre: finer than a flood outline needs, and far fewer bytes
# than the 14 or so digits a GeoJSON encoder writes.
COORDINATE_PLACES = 5
MAX_MESSAGE_CHARS = 10_000

# Flood-area ids are short codes like 031WAF105 or 063WAT23West; anything else is refused
# before it reaches a URL.
AREA_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


@dataclass(frozen=True)
class FloodWarning:
    """One warning in force, as pages and maps read it. Every string is EA text: escape it.

    Named FloodWarning, not Warning, so that importing it never shadows Python's own Warning.
    """

    id: str  # the EA's id for the warning, e.g. "96958"
    area_id: str  # the flood area's code (floodAreaID), e.g. "031WAF105"
    area_name: str  # e.g. "Rea Brook and Cound Brook"
    severity: int  # 1 severe flood warning, 2 flood warning, 3 flood alert
    severity_label: str = ""
    county: str = ""  # as the EA has it, e.g. "Shropshire, Worcestershire"
    river_or_sea: str = ""
    message: str = ""  # the EA's text, with its line breaks
    # ISO 8601 as the EA gives them (no time zone), "" when missing.
    raised_at: str = ""
    severity_changed_at: str = ""
    message_changed_at: str = ""
    is_tidal: bool = False
    # The area's centre when the EA sent it (full flood-area records only), else None.
    latitude: float | None = None
    longitude: float | None = None
    # GeoJSON geometry (Polygon or MultiPolygon, WGS84 lon/lat) of the flood area, or None.
    geometry: dict | None = None

    @property
    def colour(self) -> str:
        return SEVERITY_COLOURS.get(self.severity, SEVERITY_COLOURS[3])


STORED_FIELDS = [f.name for f in fields(FloodWarning) if f.name != "geometry"]


@dataclass(frozen=True)
class FloodState:
    warnings: list[FloodWarning]  # most severe first
    fetched_at: datetime | None  # last success (naive UTC)
    attempted_at: datetime | None  # last try (naive UTC)
    error: str  # why the last try failed, "" if it did not

    @property
    def available(self) -> bool:
        return self.fetched_at is not None and not self.error

    @property
    def note(self) -> str:
        """What a page says when the feed is not working: plain text, "" when it is."""
        if self.available:
            return ""
        if self.fetched_at is None:
            return "Flood data unavailable; never loaded"
        return f"Flood data unavailable, last updated {uk_time(self.fetched_at)}"

    def counts_by_severity(self) -> dict[int, int]:
        counts = dict.fromkeys(SEVERITY_LABELS, 0)
        for warning in self.warnings:
            counts[warning.severity] += 1
        return counts


def uk_time(at: datetime) -> str:
    """Naive UTC → "10:42 on 23 November 2026", as the clocks in Shropshire show it."""
    local = clock.to_uk(at)
    return f"{local:%H:%M} on {local.day} {local:%B %Y}"


# --- what pages call ------------------------------------------------------------------------


def current(now: datetime | None = None, *, geometry: bool = True) -> FloodState:
    """The cached warnings, refreshed first when stale (one try, then a break after a failure).

    `geometry=False` skips loading the outlines, for pages that show only counts or a list.
    """
    now = _naive_utc(now)
    try:
        with _session() as session:
            feed = session.get(FloodFeed, WARNINGS)
            if _fresh(feed, now) or not _claim(session, feed, now):
                return _state(feed, _polygons(session) if geometry else {})
    except SQLAlchemyError:
        log.exception("flood feed: could not read the cache")
        return FloodState([], None, None, "flood cache unreadable")
    return refresh(now)


def _fresh(feed: FloodFeed | None, now: datetime) -> bool:
    if feed is None or feed.fetched_at is None:
        return False
    max_age = timedelta(minutes=current_app.config["FLOOD_MAX_AGE_MINUTES"])
    return now - feed.fetched_at < max_age


def _claim(session: Session, feed: FloodFeed | None, now: datetime) -> bool:
    """Mark an attempt as started, unless one started (or failed) less than BREAK_S ago.

    A conditional UPDATE, so of several servers (or threads) finding the cache stale at once
    only one asks the EA; the others answer from the cache straight away.
    """
    try:
        if feed is None:
            session.add(FloodFeed(name=WARNINGS, items=[], attempted_at=now, error=""))
            session.commit()
            return True
        claimed = session.execute(
            update(FloodFeed)
            .where(FloodFeed.name == WARNINGS)
            .where(
                or_(
                    FloodFeed.attempted_at.is_(None),
                    FloodFeed.attempted_at <= now - timedelta(seconds=BREAK_S),
                )
            )
            .values(attempted_at=now)
            .execution_options(synchronize_session=False)
        )
        session.commit()
        return claimed.rowcount == 1
    except IntegrityError:  # another server created the row first: it is asking
        session.rollback()
        return False
    except SQLAlchemyError:
        session.rollback()
        log.exception("flood feed: could not mark an attempt")
        return False


# --- asking the Environment Agency ----------------------------------------------------------


class _FeedFailed(Exception):
    """The EA gave no usable answer; the message is short, safe to log and to show."""


class _BadItem(Exception):
    """One item is not in a shape we know."""


def refresh(now: datetime | None = None, *, polygon_budget_s: float | None = None) -> FloodState:
    """Fetch the warnings in force now and save them; on failure keep the last good ones.

    Never raises for the EA's sake: the returned state's `error` says what went wrong.
    """
    now = _naive_utc(now)
    config = current_app.config
    base = config["FLOOD_API_URL"].rstrip("/")
    timeout = float(config["FLOOD_TIMEOUT_S"])
    budget = timeout if polygon_budget_s is None else polygon_budget_s
    with requests.Session() as http:
        agent = f"{config['GEOCODER_USER_AGENT']} (flood warnings)"
        http.headers.update({"User-Agent": agent, "Accept": "application/json"})
        try:
            found = _ask_for_warnings(http, base, timeout)
        except _FeedFailed as exc:
            log.warning("flood feed failed: %s", exc)
            return _save_failure(now, str(exc))
        with _session() as session:
            cached = _polygon_rows(session)
        outlines = _update_polygons(http, base, timeout, budget, found, cached, now)
    log.info(
        "flood feed: %d warnings in force (areas %s)",
        len(found),
        ", ".join(item["area_id"] for item in found) or "none",
    )
    return _save_success(now, found, outlines)


def _ask_for_warnings(http: requests.Session, base: str, timeout: float) -> list[dict]:
    params = {"county": ",".join(COUNTIES), "min-severity": max(SEVERITY_LABELS)}
    body = _get_json(http, f"{base}/id/floods", params, timeout, MAX_FEED_BYTES)
    if not isinstance(body, dict) or "items" not in body:
        raise _FeedFailed("unexpected JSON")
    items = body["items"]
    # A single warning (/id/floods/{id}) comes as one object rather than a list.
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list):
        raise _FeedFailed("unexpected JSON")
    kept, bad = [], 0
    for raw in items:
        try:
            item = _simplify(raw)
        except _BadItem:
            bad += 1
            continue
        if item is not None:
            kept.append(item)
    if bad:
        log.warning("flood feed: %d of %d items in an unknown shape, skipped", bad, len(items))
        # All of them unknown means the EA changed its format: say so rather than show
        # "no warnings", which a coordinator would believe.
        if bad == len(items):
            raise _FeedFailed("unexpected JSON")
    # One row per flood area: the EA has one warning in force per area.
    by_area = {item["area_id"]: item for item in kept}
    return sorted(by_area.values(), key=lambda item: (item["severity"], item["area_name"]))


def _get_json(
    http: requests.Session, url: str, params: dict | None, timeout: float, limit: int
) -> object:
    """The JSON body of a 200, read within about `timeout` and at most `limit` bytes."""
    deadline = time.monotonic() + timeout
    try:
        with http.get(url, params=params, timeout=timeout, stream=True) as response:
            if response.status_code != 200:
                raise _FeedFailed(f"HTTP {response.status_code}")
            chunks, size = [], 0
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > limit:
                    raise _FeedFailed("answer too large")
                # A server that drips its answer would otherwise outlast the read timeout.
                if time.monotonic() > deadline:
                    raise _FeedFailed("timed out")
                chunks.append(chunk)
        return json.loads(b"".join(chunks))
    except requests.Timeout as exc:
        raise _FeedFailed("timed out") from exc
    except requests.ConnectionError as exc:
        # requests reports a read timeout in the middle of a body as a ConnectionError.
        slow = bool(exc.args) and isinstance(exc.args[0], ReadTimeoutError)
        raise _FeedFailed("timed out" if slow else "could not connect") from exc
    except requests.RequestException as exc:
        # The exception's text holds the URL: only its kind is kept.
        raise _FeedFailed(type(exc).__name__) from exc
    except (ValueError, RecursionError) as exc:  # not JSON (or not UTF-8, or absurdly nested)
        raise _FeedFailed("not JSON") from exc


def _simplify(raw: object) -> dict | None:
    """The warning as we keep it; None when it is not in our counties or no longer in force."""
    if not isinstance(raw, dict) or not isinstance(area := raw.get("floodArea"), dict):
        raise _BadItem
    level = _level(raw.get("severityLevel"))
    area_id = raw.get("floodAreaID") or area.get("notation")
    county = _text(area.get("county"))
    if level is None or not isinstance(area_id, str) or not AREA_ID.match(area_id) or not county:
        raise _BadItem
    if level == NO_LONGER_IN_FORCE or not _in_our_counties(county):
        return None
    warning_id = _text(raw.get("@id")).rstrip("/").rsplit("/", 1)[-1]
    return {
        "id": warning_id if AREA_ID.match(warning_id) else area_id,
        "area_id": area_id,
        "area_name": _text(raw.get("description"))
        or _text(area.get("label"))
        or _text(area.get("description"))
        or area_id,
        "severity": level,
        "severity_label": SEVERITY_LABELS[level],
        "county": county,
        "river_or_sea": _text(area.get("riverOrSea")),
        "message": _text(raw.get("message"))[:MAX_MESSAGE_CHARS],
        "raised_at": _iso(raw.get("timeRaised")),
        "severity_changed_at": _iso(raw.get("timeSeverityChanged")),
        "message_changed_at": _iso(raw.get("timeMessageChanged")),
        "is_tidal": raw.get("isTidal") is True,
        "latitude": _number(area.get("lat"), 90),
        "longitude": _number(area.get("long"), 180),
    }


def _level(value: object) -> int | None:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 4:
        return value
    return None


def _in_our_counties(county: str) -> bool:
    return any(name.lower() in county.lower() for name in COUNTIES)


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _iso(value: object) -> str:
    try:
        return datetime.fromisoformat(value).isoformat() if isinstance(value, str) else ""
    except ValueError:
        return ""


def _number(value: object, limit: float) -> float | None:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    return float(value) if math.isfinite(value) and -limit <= value <= limit else None


# --- flood-area outlines --------------------------------------------------------------------


def _update_polygons(
    http: requests.Session,
    base: str,
    timeout: float,
    budget: float,
    found: list[dict],
    cached: dict[str, dict],
    now: datetime,
) -> dict[str, dict]:
    """The outline cache after fetching what the warnings lack; a failure skips that outline."""
    wanted = [item["area_id"] for item in found]
    stale = [area for area in wanted if not _polygon_fresh(cached.get(area), now)]
    deadline = time.monotonic() + budget
    for done, area_id in enumerate(stale):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            log.info("flood feed: %d outlines left for the next refresh", len(stale) - done)
            break
        try:
            geometry = _fetch_polygon(http, base, area_id, min(timeout, remaining))
        except _FeedFailed as exc:
            # An old outline (if any) stays: flood areas rarely move.
            log.warning("flood area %s outline skipped: %s", area_id, exc)
            continue
        cached[area_id] = {"area_id": area_id, "fetched_at": now.isoformat(), "geometry": geometry}
    # Forget outlines of areas neither warned now nor seen for a while.
    return {area: row for area, row in cached.items() if area in wanted or _polygon_fresh(row, now)}


def _polygon_fresh(row: dict | None, now: datetime) -> bool:
    if row is None:
        return False
    try:
        return now - datetime.fromisoformat(row["fetched_at"]) < POLYGON_MAX_AGE
    except (KeyError, TypeError, ValueError):
        return False


def _fetch_polygon(http: requests.Session, base: str, area_id: str, timeout: float) -> dict:
    # Built from our own base URL rather than the `polygon` link in the feed, so the feed's
    # data never chooses which host this server talks to.
    url = f"{base}/id/floodAreas/{area_id}/polygon"
    geometry = _geometry(_get_json(http, url, None, timeout, MAX_POLYGON_BYTES))
    if geometry is None:
        raise _FeedFailed("no usable outline")
    return geometry


def _geometry(body: object) -> dict | None:
    """One Polygon or MultiPolygon (lon/lat, rounded) from a FeatureCollection, Feature or
    geometry; None when there is none usable (e.g. grid eastings instead of degrees)."""
    if not isinstance(body, dict):
        return None
    if body.get("type") == "FeatureCollection" and isinstance(body.get("features"), list):
        parts = [f.get("geometry") for f in body["features"] if isinstance(f, dict)]
    elif body.get("type") == "Feature":
        parts = [body.get("geometry")]
    else:
        parts = [body]
    polygons: list[list] = []
    for part in parts:
        if not isinstance(part, dict) or not isinstance(part.get("coordinates"), list):
            continue
        if part.get("type") == "Polygon":
            polygons.append(part["coordinates"])
        elif part.get("type") == "MultiPolygon":
            polygons.extend(part["coordinates"])
    cleaned = [p for p in (_polygon(raw) for raw in polygons) if p]
    if not cleaned:
        return None
    if len(cleaned) == 1:
        return {"type": "Polygon", "coordinates": cleaned[0]}
    return {"type": "MultiPolygon", "coordinates": cleaned}


def _polygon(rings: object) -> list | None:
    """Rings of rounded [lon, lat]; None if the outer ring is unusable, holes dropped if so."""
    if not isinstance(rings, list) or not rings:
        return None
    cleaned = [_ring(ring) for ring in rings]
    if cleaned[0] is None:
        return None
    return [ring for ring in cleaned if ring is not None]


def _ring(ring: object) -> list | None:
    if not isinstance(ring, list):
        return None
    points: list[list[float]] = []
    for position in ring:
        if not isinstance(position, list) or len(position) < 2:
            return None
        lon, lat = _number(position[0], 180), _number(position[1], 90)
        if lon is None or lat is None:
            return None
        point = [round(lon, COORDINATE_PLACES), round(lat, COORDINATE_PLACES)]
        if not points or points[-1] != point:  # rounding merges near neighbours
            points.append(point)
    # A closed ring needs at least four positions (the first repeated at the end).
    return points if len(points) >= 4 and points[0] == points[-1] else None


# --- the cache in the database --------------------------------------------------------------


def _session() -> Session:
    # Its own session and transaction: a page calling current() must never have its own
    # unsaved changes committed (or rolled back) by the flood cache.
    return Session(db.engine, expire_on_commit=False)


def _polygon_rows(session: Session) -> dict[str, dict]:
    feed = session.get(FloodFeed, POLYGONS)
    rows = feed.items if feed is not None and isinstance(feed.items, list) else []
    return {
        row["area_id"]: row
        for row in rows
        if isinstance(row, dict) and isinstance(row.get("area_id"), str)
    }


def _polygons(session: Session) -> dict[str, dict]:
    """Area id → GeoJSON geometry."""
    return {
        area: row["geometry"]
        for area, row in _polygon_rows(session).items()
        if isinstance(row.get("geometry"), dict)
    }


def _state(feed: FloodFeed | None, outlines: dict[str, dict]) -> FloodState:
    if feed is None:
        return FloodState([], None, None, "")
    warnings = []
    for item in feed.items if isinstance(feed.items, list) else []:
        warning = _warning(item)
        if warning is not None:
            warnings.append(replace(warning, geometry=outlines.get(warning.area_id)))
    return FloodState(warnings, feed.fetched_at, feed.attempted_at, feed.error or "")


def _warning(item: object) -> FloodWarning | None:
    """A stored item back as a FloodWarning; tolerant of rows saved by an older version."""
    if not isinstance(item, dict):
        return None
    try:
        warning = FloodWarning(**{k: v for k, v in item.items() if k in STORED_FIELDS})
    except TypeError:
        return None
    return warning if warning.severity in SEVERITY_LABELS else None


def _save_success(now: datetime, found: list[dict], outlines: dict[str, dict]) -> FloodState:
    def write(session: Session) -> FloodFeed:
        feed = _row(session, WARNINGS)
        feed.items, feed.fetched_at, feed.attempted_at, feed.error = found, now, now, ""
        polygons = _row(session, POLYGONS)
        polygons.items = list(outlines.values())
        polygons.fetched_at = polygons.attempted_at = now
        return feed

    saved = _write(write)
    geometry = {
        a: r["geometry"] for a, r in outlines.items() if isinstance(r.get("geometry"), dict)
    }
    if saved is None:  # the database failed, not the EA: show what came, say it is not kept
        warnings = [FloodWarning(**item, geometry=geometry.get(item["area_id"])) for item in found]
        return FloodState(warnings, now, now, "not saved: database error")
    return _state(saved, geometry)


def _save_failure(now: datetime, error: str) -> FloodState:
    def write(session: Session) -> FloodFeed:
        feed = _row(session, WARNINGS)
        feed.attempted_at, feed.error = now, error
        return feed

    saved = _write(write)
    if saved is None:
        return FloodState([], None, now, error)
    with _session() as session:
        return _state(saved, _polygons(session))


def _row(session: Session, name: str) -> FloodFeed:
    feed = session.get(FloodFeed, name)
    if feed is None:
        feed = FloodFeed(name=name, items=[], error="")
        session.add(feed)
    return feed


def _write(write) -> FloodFeed | None:
    """Run `write` in its own transaction, once more if another server created a row first."""
    for _ in range(2):
        with _session() as session:
            try:
                feed = write(session)
                session.commit()
                return feed
            except IntegrityError:
                session.rollback()
            except SQLAlchemyError:
                session.rollback()
                log.exception("flood feed: could not save")
                return None
    return None


def _naive_utc(now: datetime | None) -> datetime:
    """The columns hold naive UTC (like accord.models.utcnow)."""
    if now is None:
        return utcnow()
    return now.astimezone(UTC).replace(tzinfo=None) if now.tzinfo else now
