"""The services a search may show, in one SQL query on either engine, and then in Python
what SQL cannot say well: the distance to each one's nearest building, the access filter
over all its buildings, and the services with no building (online, or covering an area)."""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import (
    Float,
    Select,
    SQLColumnExpression,
    and_,
    case,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    true,
)
from sqlalchemy.sql.expression import ColumnElement

from accord import geo
from accord.extensions import db
from accord.models import Location, Review
from directory import taxonomy
from directory.models import (
    Capacity,
    Service,
    ServiceAtLocation,
    ServiceStatus,
    TaxonomyTerm,
)
from directory.search.fulltext import match
from directory.search.query import Query

Box = tuple[float, float, float, float]


def box(origin: geo.Point, miles: float) -> Box:
    """A latitude/longitude box a little larger than the circle, for the index to use."""
    dlat = miles / 69.0 * 1.01
    dlon = miles / (69.17 * max(math.cos(math.radians(origin.latitude)), 0.01)) * 1.01
    return (
        origin.latitude - dlat,
        origin.latitude + dlat,
        origin.longitude - dlon,
        origin.longitude + dlon,
    )


def candidates(
    query: Query, words: list[str], origin: geo.Point | None, miles: float = 0.0
) -> Select:
    """One query for the whole search: each published service passing every filter SQL can
    apply, once per building that matters (with a place: those inside the box `miles` from
    it; otherwise: all of them, only to check access), and once with no building for
    services that have none (online, or serving an area).

    Columns: service id, building id, latitude, longitude, accessibility, online only and
    service areas (of services without a building), relevance, name, access routes. Only
    what this search needs is read; the rest are NULL. With words, the full-text match
    drives the query (from the index, not from every service), and relevance is computed
    for the rows returned only, not for every match in the county.
    """
    where, service_id, relevance = _source(words)
    building: list = [None, None, None, None]
    if origin is not None or query.access:
        where, building = _join_buildings(where, service_id, query, origin, miles)
    if words and db.engine.dialect.name == "postgresql":
        return _matches_first(where, service_id, building, relevance, query, origin)
    if words:
        # SQLite reads each match's service as early as it can; reached through the building
        # (the same id, or the match's when it has none) it waits until the building is
        # known to be inside the box, and reads a third as many.
        if origin is not None or query.access:
            service_id = func.coalesce(ServiceAtLocation.service_id, service_id)
        where = where.join(Service, Service.id == service_id)
    row = _columns(query, origin, service_id, building, _no_building(), relevance)
    return where.add_columns(*row).where(*_filters(query))


def _unplaced(query: Query, origin: geo.Point | None) -> bool:
    """Whether services without a building are shown: with a place, unless the access filter
    asks about buildings."""
    return origin is not None and not query.access


def _no_building() -> ColumnElement[bool]:
    return ServiceAtLocation.service_id.is_(None)  # on the outer join's side


def _source(words: list[str]) -> tuple[Select, SQLColumnExpression[Any], SQLColumnExpression[Any]]:
    """(what the query starts from, the service id in it, relevance): the full-text index's
    matches when there are words, every service otherwise."""
    if not words:
        return select().select_from(Service), Service.id, literal(0.0, Float)
    found = match(words)
    where = select().select_from(found.source)
    if found.condition is not None:
        where = where.where(found.condition)
    return where, found.service_id, found.relevance


def _join_buildings(
    where: Select,
    service_id: SQLColumnExpression[Any],
    query: Query,
    origin: geo.Point | None,
    miles: float,
) -> tuple[Select, list]:
    """Each service once per building inside the box (with a place) or per building at all
    (for the access filter alone), and the building's columns to read."""
    unplaced = _unplaced(query, origin)
    inside: ColumnElement[bool] = true()
    if origin is not None:
        south, north, west, east = box(origin, miles)
        inside = and_(
            Location.latitude.between(south, north), Location.longitude.between(west, east)
        )
    where = where.join(
        ServiceAtLocation, ServiceAtLocation.service_id == service_id, isouter=unplaced
    ).join(
        Location,
        and_(Location.id == ServiceAtLocation.location_id, inside),
        isouter=unplaced,
    )
    if unplaced:
        # A building outside the box drops the row; no building at all keeps one. (Only
        # the columns of the (service_id, location_id) index are read: PostgreSQL can
        # answer from the index alone.)
        where = where.where(or_(Location.id.is_not(None), _no_building()))
    accessibility = Location.accessibility if query.access else None
    return where, [Location.id, Location.latitude, Location.longitude, accessibility]


def _columns(
    query: Query,
    origin: geo.Point | None,
    service_id: Any,
    building: list,
    no_building: Any,
    relevance: Any,
) -> list:
    unplaced = _unplaced(query, origin)
    return _labelled(
        service_id=service_id,
        location_id=building[0],
        latitude=building[1],
        longitude=building[2],
        accessibility=building[3],
        online_only=case((no_building, Service.online_only)) if unplaced else None,
        service_areas=case((no_building, Service.service_areas)) if unplaced else None,
        relevance=relevance,
        name=None if origin is not None else Service.name,
        access_routes=Service.access_routes if query.route else None,
    )


def _matches_first(
    where: Select,
    service_id: SQLColumnExpression[Any],
    building: list,
    relevance: SQLColumnExpression[Any],
    query: Query,
    origin: geo.Point | None,
) -> Select:
    """PostgreSQL with words: each service's own row is read for the matches the place
    leaves, not for every match (as the planner would: it cannot tell how many rows the box
    leaves). OFFSET 0 keeps the two parts apart, so that is one lookup by key per row, after
    the box."""
    found = (
        where.add_columns(
            *_labelled(
                service_id=service_id,
                location_id=building[0],
                latitude=building[1],
                longitude=building[2],
                accessibility=building[3],
                no_building=_no_building() if _unplaced(query, origin) else None,
                relevance=relevance,
            )
        )
        .offset(literal_column("0"))
        .subquery("found")
    )
    place = [found.c.location_id, found.c.latitude, found.c.longitude, found.c.accessibility]
    row = _columns(query, origin, found.c.service_id, place, found.c.no_building, found.c.relevance)
    facts = (
        select(*row)
        .where(Service.id == found.c.service_id, *_filters(query))
        .offset(literal_column("0"))
        .lateral("facts")
    )
    return select(*facts.c).select_from(found).join(facts, true())


def _labelled(**columns) -> list:
    return [
        null().label(key) if value is None else value.label(key) for key, value in columns.items()
    ]


def _filters(query: Query) -> list:
    """The conditions on a service itself: published, open, and the filters asked for."""
    conditions = [
        Service.review == Review.published,
        Service.status.in_([ServiceStatus.active, ServiceStatus.temporarily_closed]),
    ]
    if query.need:
        conditions.append(taxonomy.has_term(TaxonomyTerm.code == query.need))
    if query.free:
        conditions.append(Service.is_free.is_(True))
    if query.age is not None:
        conditions += [
            or_(Service.minimum_age.is_(None), Service.minimum_age <= query.age),
            or_(Service.maximum_age.is_(None), Service.maximum_age >= query.age),
        ]
    if query.accepting:
        conditions.append(Service.capacity == Capacity.accepting)
    return conditions


def kept(
    query: Query, rows, origin: geo.Point | None, outcode: str
) -> tuple[list[tuple], int, dict[int, tuple]]:
    """(kept, wider, facts) from the candidates' rows. kept: (id, miles, building id, covers
    the area) for each service shown; wider: those with a building in the box but none within
    the radius (the count shown as "none within N miles" when the box is twice the radius;
    services failing the access filter are not counted); facts: id → (relevance, name,
    access routes)."""
    access = set(query.access)
    facts: dict[int, tuple] = {}
    features: dict[int, set[str]] = {}
    nearest: dict[int, tuple[float, int]] = {}
    unplaced: list[tuple[int, bool, list[str] | None]] = []
    miles_to: dict[tuple[float, float], float] = {}  # buildings share postcodes
    for sid, lid, lat, lon, accessibility, online, areas, relevance, name, routes in rows:
        if sid not in facts:
            facts[sid] = (float(relevance), name, routes)
        if access:
            features.setdefault(sid, set()).update(accessibility or [])
        if origin is None:
            continue
        if lid is None:
            unplaced.append((sid, online, areas))
            continue
        if lat is None or lon is None:
            continue
        miles = miles_to.get((lat, lon))
        if miles is None:
            miles = miles_to[(lat, lon)] = geo.miles_between(origin, geo.Point(lat, lon))
        # The nearest building; of two as near (the same postcode), the one made first.
        best = nearest.get(sid)
        if best is None or (miles, lid) < best:
            nearest[sid] = (miles, lid)

    kept: list[tuple] = []
    wider = 0
    if origin is None:
        for sid in facts:
            if access and not access <= features[sid]:
                continue
            kept.append((sid, None, None, False))
        return kept, wider, facts
    for sid, (miles, lid) in nearest.items():
        if access and not access <= features[sid]:
            continue
        if miles <= query.radius:
            kept.append((sid, miles, lid, False))
        else:
            wider += 1
    # Services without a building: area-wide ones near here, and online ones.
    for sid, online, areas in unplaced:
        if outcode and outcode in (areas or []):
            kept.append((sid, 0.0, None, True))
        elif online:
            kept.append((sid, None, None, False))
    return kept, wider, facts
