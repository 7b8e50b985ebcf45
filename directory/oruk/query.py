"""The rows an ORUK API request gets: pages of published services, services at buildings,
taxonomies and terms, filtered as `directory.oruk.params` read the request.
"""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import Select, SQLColumnExpression, exists, func, select
from sqlalchemy.orm import joinedload, selectinload

from accord.extensions import db
from accord.models import Location, Review
from directory.models import (
    Schedule,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
    service_term,
)
from directory.oruk.params import UUID, Filters, Paging
from directory.search.fulltext import match

METRES_PER_DEGREE = 111_320.0


def _conditions(wanted: Filters) -> list:
    """Conditions on Service: published, and each filter asked for."""
    conditions = [Service.review == Review.published]
    if wanted.words:
        index, service_id, condition, _ = match(wanted.words)
        matches = select(service_id).select_from(index)
        if condition is not None:
            matches = matches.where(condition)
        conditions.append(Service.id.in_(matches))
    if wanted.term:
        conditions.append(
            exists(
                select(1)
                .select_from(service_term.join(TaxonomyTerm))
                .where(service_term.c.service_id == Service.id, TaxonomyTerm.uuid == wanted.term)
            )
        )
    if wanted.taxonomy:
        conditions.append(
            exists(
                select(1)
                .select_from(service_term.join(TaxonomyTerm).join(Taxonomy))
                .where(service_term.c.service_id == Service.id, Taxonomy.uuid == wanted.taxonomy)
            )
        )
    if wanted.minimum_age is not None:
        conditions.append(Service.minimum_age >= wanted.minimum_age)
    if wanted.maximum_age is not None:
        conditions.append(Service.maximum_age <= wanted.maximum_age)
    if wanted.day or wanted.start_time or wanted.end_time:
        # Times are stored "HH:MM" or "HH:MM:SS", zero-padded, so they compare as text once
        # the parameter is written the same way (see _clock).
        opening = [Schedule.service_id == Service.id]
        if wanted.day:
            opening.append(Schedule.byday.like(f"%{wanted.day}%"))
        if wanted.start_time:
            opening += [Schedule.opens_at != "", Schedule.opens_at >= wanted.start_time]
        if wanted.end_time:
            opening += [Schedule.closes_at != "", Schedule.closes_at <= wanted.end_time]
        conditions.append(exists(select(1).select_from(Schedule).where(*opening)))
    if wanted.modified_after is not None:
        conditions.append(Service.updated_at >= wanted.modified_after)
    return conditions


def _page(statement: Select, counted: Select, paging: Paging) -> tuple[list, int]:
    total = db.session.scalar(select(func.count()).select_from(counted.subquery())) or 0
    rows = list(db.session.scalars(statement.offset(paging.offset).limit(paging.per_page)))
    return rows, total


def services(wanted: Filters, paging: Paging) -> tuple[list[Service], int]:
    """A page of published services (oldest first: the order never changes) and the count."""
    ids = select(Service.id).where(*_conditions(wanted))
    page_ids, total = _page(ids.order_by(Service.id), ids, paging)
    if not page_ids:
        return [], total
    found = db.session.scalars(
        select(Service).where(Service.id.in_(page_ids)).options(joinedload(Service.organisation))
    ).unique()
    by_id = {row.id: row for row in found}
    return [by_id[i] for i in page_ids], total


def _full_service_options() -> list:
    return [
        joinedload(Service.organisation),
        selectinload(Service.schedules),
        selectinload(Service.terms).joinedload(TaxonomyTerm.taxonomy),
        selectinload(Service.terms).joinedload(TaxonomyTerm.parent),
        selectinload(Service.at_locations).joinedload(ServiceAtLocation.location),
    ]


def service(service_uuid: str) -> Service | None:
    stored = _canonical(service_uuid)
    if stored is None:
        return None
    return db.session.scalar(
        select(Service)
        .where(Service.uuid == stored, Service.review == Review.published)
        .options(*_full_service_options())
    )


def _canonical(value: str) -> str | None:
    """The id in our stored form (lower case, hyphens), or None when it is not a UUID."""
    return value.lower() if UUID.fullmatch(value) else None


def links(wanted: Filters, paging: Paging) -> tuple[list[ServiceAtLocation], int]:
    """A page of services at published buildings: nearest first from a postcode (within
    `proximity` metres when given), otherwise oldest first.

    `listed` says "service and building published" on the link itself (migration 0021), so
    an unfiltered page and its count read one partial index of ids: no join, no sort. Service
    joins in only for a filter; Location only for the distance, and then a postcode's box
    of buildings leads."""
    statement = select(ServiceAtLocation.id).where(ServiceAtLocation.listed)
    conditions = _conditions(wanted)
    if len(conditions) > 1:  # more than "published", which `listed` already says
        statement = statement.join(Service, Service.id == ServiceAtLocation.service_id).where(
            *conditions
        )
    order: list[SQLColumnExpression[Any]] = [ServiceAtLocation.id]
    if wanted.origin is not None:
        statement = statement.join(Location, Location.id == ServiceAtLocation.location_id)
        # Distance on a flat map around the origin: exact enough within a county, and both
        # engines can sort by it (SQLite has no trigonometry).
        lat0, lon0 = wanted.origin.latitude, wanted.origin.longitude
        squeeze = math.cos(math.radians(lat0))
        north = Location.latitude - lat0
        east = (Location.longitude - lon0) * squeeze
        degrees2 = north * north + east * east
        statement = statement.where(Location.latitude.is_not(None), Location.longitude.is_not(None))
        if wanted.proximity is not None:
            reach = wanted.proximity / METRES_PER_DEGREE
            statement = statement.where(
                Location.latitude.between(lat0 - reach, lat0 + reach),
                Location.longitude.between(lon0 - reach / squeeze, lon0 + reach / squeeze),
                degrees2 <= reach * reach,
            )
        order = [degrees2, ServiceAtLocation.id]
    page_ids, total = _page(statement.order_by(*order), statement, paging)
    if not page_ids:
        return [], total
    found = db.session.scalars(
        select(ServiceAtLocation)
        .where(ServiceAtLocation.id.in_(page_ids))
        .options(
            joinedload(ServiceAtLocation.location),
            joinedload(ServiceAtLocation.service).joinedload(Service.organisation),
        )
    ).unique()
    by_id = {row.id: row for row in found}
    return [by_id[i] for i in page_ids], total


def link(link_uuid: str) -> ServiceAtLocation | None:
    stored = _canonical(link_uuid)
    if stored is None:
        return None
    return db.session.scalar(
        select(ServiceAtLocation)
        .where(ServiceAtLocation.uuid == stored, ServiceAtLocation.listed)
        .options(
            joinedload(ServiceAtLocation.location),
            joinedload(ServiceAtLocation.service).options(*_full_service_options()),
        )
    )


def taxonomies(paging: Paging) -> tuple[list[Taxonomy], int]:
    statement = select(Taxonomy).order_by(Taxonomy.id)
    return _page(statement, select(Taxonomy.id), paging)


def taxonomy(taxonomy_uuid: str) -> tuple[Taxonomy, list[TaxonomyTerm]] | None:
    stored = _canonical(taxonomy_uuid)
    if stored is None:
        return None
    found = db.session.scalar(select(Taxonomy).where(Taxonomy.uuid == stored))
    if found is None:
        return None
    terms = db.session.scalars(
        select(TaxonomyTerm)
        .where(TaxonomyTerm.taxonomy_id == found.id)
        .order_by(TaxonomyTerm.id)
        .options(joinedload(TaxonomyTerm.parent))
    )
    return found, list(terms)


def terms(paging: Paging) -> tuple[list[TaxonomyTerm], int]:
    statement = (
        select(TaxonomyTerm)
        .order_by(TaxonomyTerm.id)
        .options(joinedload(TaxonomyTerm.taxonomy), joinedload(TaxonomyTerm.parent))
    )
    return _page(statement, select(TaxonomyTerm.id), paging)


def term(term_uuid: str) -> TaxonomyTerm | None:
    stored = _canonical(term_uuid)
    if stored is None:
        return None
    return db.session.scalar(
        select(TaxonomyTerm)
        .where(TaxonomyTerm.uuid == stored)
        .options(joinedload(TaxonomyTerm.taxonomy), joinedload(TaxonomyTerm.parent))
    )
