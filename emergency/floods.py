"""Environment Agency flood warnings for Shropshire and Telford & Wrekin: the shared cache.

`refresh()` asks the EA (through `emergency.flood_feed`) for the warnings in force in our two
counties and each warned area's outline, and saves them in the FloodFeed table, which every
app server shares. `current()` is what pages call: the cache, refreshed when it is older than
FLOOD_MAX_AGE_MINUTES, never slower than about the timeout and never an exception. `flask
emergency refresh-floods` on a schedule keeps the cache fresh so that pages rarely wait at all.

EA text (area names, rivers, messages) is data from outside: escape it wherever it lands. It is
never logged; log lines name flood-area ids and errors only.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from flask import current_app
from sqlalchemy import CursorResult, or_, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from accord import clock, http
from accord.extensions import db
from emergency import flood_feed
from emergency.flood_feed import SEVERITY_LABELS
from emergency.models import FloodFeed

log = logging.getLogger(__name__)

# FloodFeed rows: the warnings in force, and the flood-area outlines they point at.
WARNINGS = "warnings"
POLYGONS = "polygons"

# The EA's order of alarm, darkest first, for map areas: from Paul Tol's colour-blind-safe
# palette (wine, purple, sand), none of them a hub's colour.
SEVERITY_COLOURS = {1: "#882255", 2: "#aa4499", 3: "#ddcc77"}

# After a failed attempt no page tries again for this long (shared by every app server through
# `attempted_at`), so a busy page neither hammers a down feed nor waits on every request.
BREAK_S = 60.0
# Flood-area outlines rarely change; older ones are fetched again when their area is warned.
POLYGON_MAX_AGE = timedelta(days=7)
# A page fetches outlines for this long at most (FLOOD_TIMEOUT_S if None); the rest come with
# the next refresh. The scheduled command gives itself longer.
CLI_POLYGON_BUDGET_S = 60.0


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
        return f"Flood data unavailable, last updated {clock.datetime_text(self.fetched_at)}"

    def counts_by_severity(self) -> dict[int, int]:
        counts = dict.fromkeys(SEVERITY_LABELS, 0)
        for warning in self.warnings:
            counts[warning.severity] += 1
        return counts


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


def cached() -> FloodState:
    """The warnings as last fetched, never refreshed (for a record written in the moment, such
    as the warnings in force when an incident stands down)."""
    try:
        with _session() as session:
            return _state(session.get(FloodFeed, WARNINGS), {})
    except SQLAlchemyError:
        log.exception("flood feed: could not read the cache")
        return FloodState([], None, None, "flood cache unreadable")


def in_force_text(state: FloodState) -> str:
    """ "Flood warning: Rea Brook; Flood alert: River Severn at Shrewsbury" ("" for none)."""
    return "; ".join(f"{w.severity_label}: {w.area_name}" for w in state.warnings)


def state_key(state: FloodState) -> tuple:
    """What a map of these warnings depends on: a kept map with another key is stale."""
    warnings = tuple((w.id, w.severity, w.message_changed_at) for w in state.warnings)
    return state.fetched_at, state.error, warnings


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
        # An UPDATE answers with a cursor (its rowcount), whatever execute() is typed to return.
        claimed = cast(
            CursorResult[Any],
            session.execute(
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
            ),
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


def refresh(now: datetime | None = None, *, polygon_budget_s: float | None = None) -> FloodState:
    """Fetch the warnings in force now and save them; on failure keep the last good ones.

    Never raises for the EA's sake: the returned state's `error` says what went wrong.
    """
    now = _naive_utc(now)
    config = current_app.config
    base = config["FLOOD_API_URL"].rstrip("/")
    timeout = float(config["FLOOD_TIMEOUT_S"])
    budget = timeout if polygon_budget_s is None else polygon_budget_s
    with http.Client(user_agent=f"{config['GEOCODER_USER_AGENT']} (flood warnings)") as client:
        try:
            found = flood_feed.warnings(client, base, timeout)
        except http.ServiceError as exc:
            log.warning("flood feed failed: %s", exc)
            return _save_failure(now, str(exc))
        with _session() as session:
            cached = _polygon_rows(session)
        outlines = _update_polygons(client, base, timeout, budget, found, cached, now)
    log.info(
        "flood feed: %d warnings in force (areas %s)",
        len(found),
        ", ".join(item["area_id"] for item in found) or "none",
    )
    return _save_success(now, found, outlines)


# --- flood-area outlines --------------------------------------------------------------------


def _update_polygons(
    client: http.Client,
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
            geometry = flood_feed.outline(client, base, area_id, min(timeout, remaining))
        except http.ServiceError as exc:
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


def _write(write: Callable[[Session], FloodFeed]) -> FloodFeed | None:
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
    """The columns hold naive UTC (clock.utcnow)."""
    if now is None:
        return clock.utcnow()
    return now.astimezone(UTC).replace(tzinfo=None) if now.tzinfo else now
