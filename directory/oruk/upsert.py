"""Writing feed services into the directory: services, organisations, locations, schedules and
taxonomy terms, created or updated in place. No HTTP here: `import_services(services, source)`
takes the service objects as plain dicts (as `directory.oruk.fetch.load` finds them, or as a
test writes them). The caller commits.

Identity: a service's feed id is its `Service.uuid` when it is a UUID (so ids stay the same
across re-imports and sources), otherwise a uuid5 of source and id. Organisations, locations,
schedules, links and terms follow the same rule (an organisation already here keeps its own).
A service whose content did not change is skipped untouched, so importing the same feed twice
changes nothing; its `last_modified`, when given, is its `updated_at`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import flag_modified

from accord.extensions import db
from accord.models import Location, Organisation, Review
from accord.text import slugify
from directory import listings
from directory import taxonomy as needs
from directory.models import Schedule, Service, ServiceAtLocation, TaxonomyTerm
from directory.oruk import coerce
from directory.oruk.draft import Draft, Reader, Skip, derived_uuid
from directory.oruk.terms import Terms

UNREADABLE = (TypeError, ValueError, AttributeError, KeyError)


@dataclass
class Result:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    lines: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return f"created {self.created}, updated {self.updated}, skipped {self.skipped}"


def import_services(services: list, source: str) -> Result:
    """Create or update each service in `services` (feed objects); the caller commits."""
    # Our own feed's needs link to this site's terms by id, so they must exist first (an
    # emptied database has none until something else asks for them).
    needs.ensure()
    return _Importer(source).run(services)


@dataclass
class _Parts:
    """A draft's organisation, locations, terms and schedule rows as rows of this site."""

    organisation: Organisation
    locations: list[Location]
    link_ids: dict[int, str]  # id(location) → the feed's service_at_location id
    terms: list[TaxonomyTerm]
    schedules: list[dict] | None


class _Importer:
    def __init__(self, source: str):
        self.source = source
        self.result = Result()
        self.reader = Reader(source, self.note)
        self.terms = Terms(source, self.note)
        self.organisations: dict[str, Organisation] = {}  # feed id, slug or identifier → row
        self.locations: dict[str, Location] = {}
        self.touched: set[str] = set()  # uuids of locations changed by this run
        self.used: set[str] = set()  # schedule and link uuids given out by this run
        self.written: list[Service] = []  # created or updated: indexed together at the end

    def note(self, line: str) -> None:
        self.result.lines.append(line)

    def run(self, services: list) -> Result:
        self.reader.gather_organisations(services)
        existing = self._existing(services)
        for index, item in enumerate(services, 1):
            try:
                draft = self.reader.read(item, index)
                try:
                    self._save(draft, existing.get(draft.uuid))
                except UNREADABLE as exc:
                    raise Skip(
                        f"{draft.label}: could not be read ({exc.__class__.__name__})"
                    ) from exc
            except Skip as exc:
                self.result.skipped += 1
                self.result.lines.append(f"skipped {exc}")
        self.terms.link_parents()
        listings.index_many(self.written)
        return self.result

    def _existing(self, services: list) -> dict[str, Service]:
        wanted = [
            self.reader.service_uuid(coerce.text(item.get("id")))
            for item in services
            if isinstance(item, dict) and coerce.text(item.get("id"))
        ]
        found: dict[str, Service] = {}
        for start in range(0, len(wanted), 500):
            query = (
                select(Service)
                .where(Service.uuid.in_(wanted[start : start + 500]))
                .options(
                    selectinload(Service.schedules),
                    selectinload(Service.at_locations).selectinload(ServiceAtLocation.location),
                    selectinload(Service.terms),
                    selectinload(Service.organisation),
                )
            )
            found.update((service.uuid, service) for service in db.session.scalars(query))
        return found

    # --- one service ------------------------------------------------------------------------

    def _save(self, draft: Draft, service: Service | None) -> None:
        if service is not None and not service.source:
            raise Skip(
                f"{draft.label}: a service with this id was added on this site; "
                "an import does not overwrite it"
            )
        if service is not None and service.managed_by_id is not None:
            # Claimed (directory/claims): the organisation that runs it keeps it here now.
            raise Skip(
                f"{draft.label}: an organisation manages this service on this site; "
                "an import does not overwrite it"
            )
        parts = self._parts(draft, service)
        if service is None:
            self._create(draft, parts)
            self.result.created += 1
        elif self._changed(draft, parts, service):
            self._update(draft, parts, service)
            self.result.updated += 1
        else:
            self.result.skipped += 1

    def _parts(self, draft: Draft, service: Service | None) -> _Parts:
        parts = _Parts(self._organisation(draft.organisation), [], {}, [], None)
        for link_id, raw in draft.locations or []:
            location = self._location(raw, draft.label)
            if location is not None and location not in parts.locations:
                parts.locations.append(location)
                parts.link_ids[id(location)] = link_id
        for raw in draft.terms or []:
            term = self.terms.term(raw, draft.label)
            if term is not None and term not in parts.terms:
                parts.terms.append(term)
        parts.schedules = self._schedules(draft, service)
        return parts

    def _create(self, draft: Draft, parts: _Parts) -> None:
        # Nothing said about cost is not "free": free needs the feed to say so.
        service = Service(
            uuid=draft.uuid,
            organisation=parts.organisation,
            review=Review.published,
            **{"is_free": False, **draft.values},
        )
        _describe(service, draft.description)
        service.terms = parts.terms
        # Given, even when empty: a collection never set is read from the database when the
        # search row is written (a statement, and a flush, for every service).
        service.at_locations = []
        for location in parts.locations:
            service.at_locations.append(self._link(draft, parts, location))
        service.schedules = [Schedule(**row) for row in parts.schedules or []]
        db.session.add(service)
        self.written.append(service)

    def _changed(self, draft: Draft, parts: _Parts, service: Service) -> bool:
        # What the description would become, worked out on a copy never added to the session.
        probe = Service(description=service.description, description_html=service.description_html)
        if draft.description is not None:
            _describe(probe, draft.description)
        linked = [link.location for link in service.at_locations]
        touched = self.touched | self.terms.touched
        return (
            any(getattr(service, key) != value for key, value in draft.values.items())
            or service.description != probe.description
            or service.description_html != probe.description_html
            or service.organisation is not parts.organisation
            or (draft.terms is not None and set(service.terms) != set(parts.terms))
            or (draft.locations is not None and set(linked) != set(parts.locations))
            or _new_schedules(service, parts.schedules)
            or any(location.uuid in touched for location in parts.locations)
            or any(term.uuid in touched for term in parts.terms)
        )

    def _update(self, draft: Draft, parts: _Parts, service: Service) -> None:
        for key, value in draft.values.items():
            setattr(service, key, value)
        if "updated_at" in draft.values:
            # Sent even when unchanged: onupdate would otherwise stamp the feed's time as now.
            flag_modified(service, "updated_at")
        if draft.description is not None:
            _describe(service, draft.description)
        service.organisation = parts.organisation
        if draft.terms is not None:
            service.terms = parts.terms
        if draft.locations is not None:
            linked = [link.location for link in service.at_locations]
            kept = [link for link in service.at_locations if link.location in parts.locations]
            service.at_locations = kept
            for location in parts.locations:
                if location not in linked:
                    service.at_locations.append(self._link(draft, parts, location))
        if parts.schedules is not None and _new_schedules(service, parts.schedules):
            service.schedules = []
            db.session.flush()  # the old rows go before new ones reuse their ids
            service.schedules = [Schedule(**row) for row in parts.schedules]
        self.written.append(service)

    # --- organisations ----------------------------------------------------------------------

    def _organisation(self, raw: dict) -> Organisation:
        feed_id = coerce.text(raw.get("id"))
        if feed_id and f"id:{feed_id}" in self.organisations:
            return self.organisations[f"id:{feed_id}"]
        name = coerce.plain(raw.get("name"))[:200]
        identifier = coerce.org_identifier(raw)
        # The feed's id as ours (as for services), so exporting an import gives the same ids.
        org_uuid = feed_id and (
            coerce.canonical_uuid(feed_id) or derived_uuid(self.source, "organisation", feed_id)
        )
        found = self._organisation_here(org_uuid, identifier, slugify(name))
        website = coerce.web_address(raw.get("website") or raw.get("url")) or ""
        description = coerce.plain(raw.get("description"))
        if found is None:
            found = Organisation(
                **({"uuid": org_uuid} if org_uuid else {}),  # else a fresh one (the default)
                slug=slugify(name),
                name=name,
                sector=coerce.sector(raw),
                identifier=identifier,
                website=website[:300],
                description=description,
            )
            db.session.add(found)
        else:  # an organisation already here keeps what it says (and its uuid); gaps filled
            found.identifier = found.identifier or identifier
            found.website = found.website or website[:300]
            found.description = found.description or description
        self.organisations[f"slug:{found.slug}"] = found
        if feed_id:
            self.organisations[f"id:{feed_id}"] = found
        if identifier:
            self.organisations[f"identifier:{identifier}"] = found
        return found

    def _organisation_here(
        self, org_uuid: str, identifier: str | None, slug: str
    ) -> Organisation | None:
        """The organisation already here: by uuid, then org-id identifier, then name."""
        found = None
        if org_uuid:
            found = db.session.scalar(select(Organisation).where(Organisation.uuid == org_uuid))
        if identifier and found is None:
            found = self.organisations.get(f"identifier:{identifier}") or db.session.scalar(
                select(Organisation)
                .where(Organisation.identifier == identifier)
                .order_by(Organisation.id)
                .limit(1)
            )
        found = found or self.organisations.get(f"slug:{slug}")
        return found or db.session.scalar(select(Organisation).where(Organisation.slug == slug))

    # --- locations --------------------------------------------------------------------------

    def _location(self, raw: dict, label: str) -> Location | None:
        feed_id = coerce.text(raw.get("id"))
        if feed_id and self._location_uuid(feed_id) in self.locations:
            return self.locations[self._location_uuid(feed_id)]  # a feed's first mention wins
        fields = self.reader.location_fields(raw, label, feed_id)
        if fields is None:
            return None
        key = feed_id or f"{fields['name']}|{fields['postcode']}"
        location_uuid = self._location_uuid(key)
        if location_uuid in self.locations:
            return self.locations[location_uuid]
        location = db.session.scalar(select(Location).where(Location.uuid == location_uuid))
        if location is None:
            location = Location(
                uuid=location_uuid, source_id=key[:200], review="published", **fields
            )
            db.session.add(location)
            self.touched.add(location_uuid)
        elif location.source_id and any(getattr(location, k) != v for k, v in fields.items()):
            # Imported before, so the feed's data is the truth.
            for k, v in fields.items():
                setattr(location, k, v)
            self.touched.add(location_uuid)
        # else a building added on this site: linked, never overwritten
        self.locations[location_uuid] = location
        return location

    def _location_uuid(self, key: str) -> str:
        return coerce.canonical_uuid(key) or derived_uuid(self.source, "location", key)

    def _link(self, draft: Draft, parts: _Parts, location: Location) -> ServiceAtLocation:
        """The service at a location, with the feed's id for it when that id is free."""
        wanted = coerce.canonical_uuid(parts.link_ids[id(location)])
        if (
            wanted
            and wanted not in self.used
            and not db.session.scalar(
                select(ServiceAtLocation.id).where(ServiceAtLocation.uuid == wanted)
            )
        ):
            self.used.add(wanted)
            link_uuid = wanted
        else:
            link_uuid = derived_uuid("link", draft.uuid, location.uuid)
        return ServiceAtLocation(uuid=link_uuid, location=location)

    # --- schedules --------------------------------------------------------------------------

    def _schedules(self, draft: Draft, service: Service | None) -> list[dict] | None:
        """Schedule rows: readable ones as rules; unreadable ones as their description only."""
        given = draft.schedules
        if given is None:
            return None
        wanted = [coerce.canonical_uuid(coerce.text(row.get("id"))) for row in given]
        known = [w for w in wanted if w]
        owners = (
            dict(
                db.session.execute(
                    select(Schedule.uuid, Schedule.service_id).where(Schedule.uuid.in_(known))
                ).all()
            )
            if known
            else {}
        )
        rows = []
        for index, (raw, schedule_uuid) in enumerate(zip(given, wanted, strict=True)):
            what = f"schedule {coerce.text(raw.get('id')) or index + 1} of {draft.label}"
            row = self.reader.schedule_row(raw, what)
            if row is None:
                continue
            mine = service is not None and owners.get(schedule_uuid or "") == service.id
            if (
                not schedule_uuid
                or schedule_uuid in self.used
                or (schedule_uuid in owners and not mine)
            ):
                schedule_uuid = derived_uuid("schedule", draft.uuid, str(index))
            self.used.add(schedule_uuid)
            rows.append({"uuid": schedule_uuid, **row})
        return rows


def _describe(target: Service, raw: Any) -> None:
    """A feed description on a service (or a probe): plain text as typed, HTML sanitised."""
    if coerce.is_html(raw):
        listings.set_description(target, html=raw)
    else:
        listings.set_description(target, plain=coerce.typed(raw))


def _schedule_key(row: Schedule | SimpleNamespace) -> tuple:
    return (
        row.uuid,
        row.freq,
        row.byday,
        row.bymonthday,
        row.opens_at,
        row.closes_at,
        row.valid_from,
        row.valid_to,
        row.description,
    )


def _new_schedules(service: Service, rows: list[dict] | None) -> bool:
    return rows is not None and [_schedule_key(s) for s in service.schedules] != [
        _schedule_key(SimpleNamespace(**row)) for row in rows
    ]
