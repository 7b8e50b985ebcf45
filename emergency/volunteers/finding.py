"""CVEC's search for volunteers: by skill, availability, DBS check, training still valid and
words, nearest first within a distance of a place; and the counts per district the
coordination map shows.

Plain functions; none reads `request`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, String, cast, func, or_, select

from accord import geo, geocoding
from accord.clock import today_uk
from accord.extensions import db
from accord.geo import Point
from emergency.readiness import training
from emergency.volunteers.deployments import current_of
from emergency.volunteers.models import Deployment, Volunteer

RADII = (1, 2, 5, 10, 20, 50)
PER_PAGE = 25


@dataclass
class Filters:
    words: str = ""
    skills: list[str] = field(default_factory=list)  # every one of these
    availability: list[str] = field(default_factory=list)  # any one of these
    dbs: bool | None = None
    training: list[str] = field(default_factory=list)  # every one of these, done and not expired
    origin: Point | None = None
    radius: float = 10.0
    include_inactive: bool = False


@dataclass
class Row:
    volunteer: Volunteer
    miles: float | None
    current: Deployment | None


@dataclass
class Found:
    rows: list[Row]
    total: int
    page: int
    pages: int


def locate(text: str) -> Point | None:
    """A postcode, postcode district or Shropshire town → a point; None when unknown.

    The bundled tables come first: volunteers are placed at their district's centre, so they
    are as precise as this search can be, and they still work when the internet does not.
    postcodes.io is asked only about full postcodes outside Shropshire, and failing soft.
    """
    text = " ".join(text.split())[:100]
    if not text:
        return None
    if point := geo.postcode_point(text):
        return point
    if geo.normalise_postcode(text):
        try:
            found = geocoding.lookup_postcode(text)
        except geocoding.GeocoderUnavailable:
            found = None
        if found is not None and found.point is not None:
            return found.point
    if (district := geocoding.lookup_outcode(text)) and district.point:
        return district.point
    place = geo.place_named(text)
    return place.point if place else None


def _json_has(column: Any, key: str) -> Any:
    # JSON lists differ per engine (SQLite text, PostgreSQL json); their text form is the same,
    # and keys are plain words, so '"first_aid"' can only match that whole element.
    return cast(column, String).contains(f'"{key}"', autoescape=True)


def _filtered(filters: Filters) -> Select[Volunteer]:
    query = select(Volunteer)
    if not filters.include_inactive:
        query = query.where(Volunteer.active.is_(True))
    if filters.words:
        words = filters.words.lower()
        query = query.where(
            or_(
                func.lower(Volunteer.name).contains(words, autoescape=True),
                func.lower(Volunteer.email).contains(words, autoescape=True),
            )
        )
    for skill in filters.skills:
        query = query.where(_json_has(Volunteer.skills, skill))
    if filters.availability:
        times = [_json_has(Volunteer.availability, a) for a in filters.availability]
        query = query.where(or_(*times))
    if filters.dbs is not None:
        query = query.where(Volunteer.dbs_checked.is_(filters.dbs))
    for course in filters.training:
        query = query.where(training.valid_in(course, today_uk()))
    return query


def _pages(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))


def search(filters: Filters, page: int = 1, per_page: int = PER_PAGE) -> Found:
    """Volunteers matching the filters, nearest first when there is an origin (else by name);
    `page` past the end gives an empty page (the caller says so)."""
    query = _filtered(filters)
    start = (page - 1) * per_page
    if filters.origin is None:
        total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        shown = db.session.scalars(
            query.order_by(func.lower(Volunteer.name), Volunteer.id).offset(start).limit(per_page)
        ).all()
        rows = [Row(v, None, None) for v in shown]
    else:
        rows, total = _nearest(query, filters.origin, filters.radius, start, per_page)
    deployed = current_of([row.volunteer.id for row in rows])
    for row in rows:
        row.current = deployed.get(row.volunteer.id)
    return Found(rows, total, page, _pages(total, per_page))


def _nearest(
    query: Select[Volunteer], origin: Point, radius: float, start: int, per_page: int
) -> tuple[list[Row], int]:
    # A box in SQL narrows the county to the few candidates measured exactly here.
    dlat = radius / 69.0 * 1.01
    dlon = dlat / max(math.cos(math.radians(origin.latitude)), 0.01)
    ids_and_points = db.session.execute(
        query.with_only_columns(Volunteer.id, Volunteer.latitude, Volunteer.longitude).where(
            Volunteer.latitude.between(origin.latitude - dlat, origin.latitude + dlat),
            Volunteer.longitude.between(origin.longitude - dlon, origin.longitude + dlon),
        )
    ).all()
    # `between` never matches NULL: every candidate has a point.
    measured = sorted(
        (geo.miles_between(origin, Point(lat, lon)), vid)
        for vid, lat, lon in ids_and_points
        if lat is not None and lon is not None
    )
    within = [(miles, vid) for miles, vid in measured if miles <= radius]
    shown = within[start : start + per_page]
    loaded = {
        v.id: v
        for v in db.session.scalars(
            select(Volunteer).where(Volunteer.id.in_([vid for _, vid in shown]))
        )
    }
    return [Row(loaded[vid], miles, None) for miles, vid in shown], len(within)


def counts_by_outcode() -> dict[str, int]:
    """Active volunteers per postcode district: counts only, for the map's density layer."""
    query = (
        select(Volunteer.outcode, func.count(Volunteer.id))
        .where(Volunteer.active.is_(True))
        .group_by(Volunteer.outcode)
    )
    return {outcode: count for outcode, count in db.session.execute(query)}
