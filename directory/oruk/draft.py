"""One feed service read into the directory's terms, before anything touches the database.

A `Reader` turns each feed service object into a `Draft` (the service's fields as this site
stores them, and its organisation, locations, schedules and terms still as the feed gave
them), and reads a location's fields and a schedule's rule for `directory.oruk.upsert`. What
it cannot read it leaves out and says so through `note`, one line each; a service it cannot
import at all is a `Skip`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from accord import geo
from directory.models import ServiceStatus
from directory.oruk import coerce

# Fixed namespace: ids derived from a feed's non-UUID ids are the same on every import.
NAMESPACE = uuid.UUID("0cfb3385-eea5-4990-9114-5ffd8f1780f0")
STATUSES = {status.value for status in ServiceStatus}

Note = Callable[[str], None]


class Skip(Exception):
    """One item of the feed is not imported; the message says which and why."""


@dataclass
class Draft:
    """One feed service read into the directory's terms, before touching the database.

    Only what the feed gives is here: a field or list it leaves out (as list pages leave out
    locations and schedules) is None or missing from `values`, and stays as it is.
    """

    feed_id: str
    uuid: str
    label: str
    values: dict[str, Any]
    description: Any  # the feed's, as given; None when not given
    organisation: dict
    locations: list[tuple[str, dict]] | None  # (service_at_location id, location object)
    schedules: list[dict] | None
    terms: list[dict] | None


def derived_uuid(*parts: str) -> str:
    """The same uuid for the same feed thing on every import."""
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


@dataclass
class Reader:
    source: str
    note: Note
    organisations: dict[str, dict] = field(default_factory=dict)  # feed id → fullest object
    seen: set[str] = field(default_factory=set)  # service uuids read so far

    def gather_organisations(self, services: list) -> None:
        """Services that name their organisation by id find it in another service's object."""
        for item in services:
            organisation = item.get("organization") if isinstance(item, dict) else None
            if not isinstance(organisation, dict):
                continue
            key = coerce.text(organisation.get("id"))
            if key and len(organisation) > len(self.organisations.get(key, {})):
                self.organisations[key] = organisation

    def service_uuid(self, feed_id: str) -> str:
        return coerce.canonical_uuid(feed_id) or derived_uuid(self.source, "service", feed_id)

    # --- a service ------------------------------------------------------------------------

    def read(self, item: Any, index: int) -> Draft:
        if not isinstance(item, dict):
            raise Skip(f"item {index} of the feed: not a service object")
        feed_id = coerce.text(item.get("id"))
        name = coerce.plain(item.get("name"))
        label = f'service {feed_id} "{name}"' if name else f"service {feed_id}"
        if not feed_id:
            raise Skip(f"item {index} of the feed{f' ({name!r})' if name else ''}: no id")
        if len(feed_id) > 200:
            raise Skip(f"item {index} of the feed: its id is longer than 200 characters")
        if not name:
            raise Skip(f"{label}: no name")
        if self.service_uuid(feed_id) in self.seen:
            raise Skip(f"{label}: listed twice in the feed; the first was imported")
        self.seen.add(self.service_uuid(feed_id))
        try:
            return self._draft(item, feed_id, name, label)
        except (TypeError, ValueError, AttributeError, KeyError) as exc:
            raise Skip(f"{label}: could not be read ({exc.__class__.__name__})") from exc

    def _draft(self, item: dict, feed_id: str, name: str, label: str) -> Draft:
        organisation = self._organisation_of(item, label)
        links = coerce.dicts(item.get("service_at_locations"))
        places = [
            (coerce.text(link.get("id")), link["location"])
            for link in links
            if isinstance(link.get("location"), dict)
        ]
        virtual = [
            loc for _, loc in places if coerce.text(loc.get("location_type")).lower() == "virtual"
        ]
        locations = [(i, loc) for i, loc in places if loc not in virtual]
        rows = [
            row
            for holder in [item, *links]
            for row in coerce.dicts(holder.get("schedules"))
            + coerce.dicts(holder.get("regular_schedules"))
        ]
        values = self._values(item, name, label)
        if _given(item, "attending_type", "service_at_locations"):
            online = coerce.text(item.get("attending_type")).lower() in ("online", "phone")
            values["online_only"] = bool(virtual or online) and not locations
        return Draft(
            feed_id=feed_id,
            uuid=self.service_uuid(feed_id),
            label=label,
            values=values,
            description=item["description"] if _given(item, "description") else None,
            organisation=organisation,
            locations=locations if _given(item, "service_at_locations") else None,
            schedules=rows
            if _given(item, "schedules", "regular_schedules", "service_at_locations")
            else None,
            terms=_terms(item)
            if _given(item, "attributes", "service_taxonomys", "taxonomy_terms")
            else None,
        )

    def _organisation_of(self, item: dict, label: str) -> dict:
        organisation = item.get("organization")
        if not isinstance(organisation, dict):
            organisation = self.organisations.get(coerce.text(item.get("organization_id")))
        if not organisation:
            raise Skip(f"{label}: no organisation")
        if not coerce.plain(organisation.get("name")):
            raise Skip(f"{label}: its organisation has no name")
        return organisation

    def _values(self, item: dict, name: str, label: str) -> dict[str, Any]:
        """The service's own fields that the feed gives (a field left out stays as it is)."""

        def given(*keys: str) -> bool:
            return _given(item, *keys)

        values: dict[str, Any] = {
            "name": name[:300],
            "source": self.source,
            "source_id": coerce.text(item.get("id")),
        }
        if given("status"):
            values["status"] = self._status(item, label)
        if given("url"):
            values["url"] = self._checked(label, "url", item.get("url"), coerce.web_address)
        if given("email"):
            values["email"] = self._checked(label, "email", item.get("email"), coerce.email)
        if given("contacts", "phones"):
            values["phone"] = self._phone(item, label)
        if given("eligibility_description", "eligibilitys"):
            values["eligibility"] = coerce.eligibility(item)
        if given("minimum_age", "maximum_age", "eligibilitys"):
            values.update(self._ages(item, label))
        if given("fees", "fees_description", "cost_options"):
            values.update(coerce.cost(item))
        if given("attending_access"):
            values["access_routes"] = coerce.routes(item)
        if given("languages"):
            values["languages"] = coerce.languages(item)
        if given("service_areas"):
            values["service_areas"] = coerce.areas(item)
        if given("assured_date"):
            values["assured_at"] = self._assured(item, label)
        if given("last_modified") and (modified := self._modified(item, label)):
            values["updated_at"] = modified
        return values

    # --- its fields, each said when it cannot be read ---------------------------------------

    def _status(self, item: dict, label: str) -> str:
        given = coerce.text(item.get("status"))
        status = given.lower().replace("_", " ")
        if status in STATUSES:
            return status
        if given:
            self.note(f'{label}: status "{given}" is not an ORUK status; imported as active')
        return ServiceStatus.active.value

    def _checked(
        self, label: str, what: str, value: Any, check: Callable[[Any], str | None]
    ) -> str:
        found = check(value)
        if found is None:
            self.note(f'{label}: {what} "{coerce.text(value)[:80]}" is not valid; left empty')
            return ""
        return found

    def _phone(self, item: dict, label: str) -> str:
        phones = [
            p for c in coerce.dicts(item.get("contacts")) for p in coerce.dicts(c.get("phones"))
        ]
        phones += coerce.dicts(item.get("phones"))
        numbers = [coerce.text(p.get("number")) for p in phones if coerce.text(p.get("number"))]
        if not numbers:
            return ""
        if len(numbers[0]) > 60:
            self.note(f'{label}: phone "{numbers[0][:80]}" is too long; left empty')
            return ""
        return numbers[0]

    def _ages(self, item: dict, label: str) -> dict[str, int | None]:
        rules = coerce.dicts(item.get("eligibilitys"))
        ages: dict[str, int | None] = {}
        for key, pick in (("minimum_age", min), ("maximum_age", max)):
            given = [item.get(key)] if item.get(key) not in (None, "") else []
            given = given or [rule.get(key) for rule in rules if rule.get(key) not in (None, "")]
            found = []
            for value in given:
                age = coerce.whole(value)
                if age is None or not 0 <= age <= 150:
                    what = key.replace("_", " ")
                    self.note(f'{label}: {what} "{coerce.text(value)}" is not an age; left empty')
                else:
                    found.append(age)
            ages[key] = pick(found) if found else None
        low, high = ages["minimum_age"], ages["maximum_age"]
        if low is not None and high is not None and low > high:
            self.note(f"{label}: minimum age {low} is above maximum age {high}; ages left empty")
            return {"minimum_age": None, "maximum_age": None}
        return ages

    def _assured(self, item: dict, label: str) -> date | None:
        try:
            return coerce.day(item.get("assured_date"))
        except ValueError:
            given = coerce.text(item.get("assured_date"))
            self.note(f'{label}: assured_date "{given}" is not a date')
            return None

    def _modified(self, item: dict, label: str) -> datetime | None:
        """last_modified (ISO 8601, any offset) as stored: naive UTC."""
        given = coerce.text(item.get("last_modified"))
        if not given:
            return None
        try:
            moment = datetime.fromisoformat(given)
            return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
        except (ValueError, OverflowError):
            self.note(f'{label}: last_modified "{given[:40]}" is not a date and time; ignored')
            return None

    # --- a location -------------------------------------------------------------------------

    def location_fields(self, raw: dict, label: str, feed_id: str) -> dict | None:
        """A location's fields as stored; None (and a note) when it has no name or address."""
        what = f"location {feed_id or '(no id)'} of {label}"
        addresses = coerce.dicts(raw.get("addresses")) + coerce.dicts(raw.get("physical_addresses"))
        physical = [
            a for a in addresses if coerce.text(a.get("address_type")).lower() in ("", "physical")
        ]
        address = (physical or addresses or [{}])[0]
        lines = [coerce.text(address.get(k)) for k in ("address_1", "address_2", "city")]
        given_postcode = coerce.text(address.get("postal_code")).upper()
        postcode = geo.normalise_postcode(given_postcode) or given_postcode
        if len(postcode) > 10:
            self.note(f'{what}: postcode "{given_postcode[:40]}" is too long; left empty')
            postcode = ""
        name = coerce.plain(raw.get("name")) or lines[0] or postcode
        if not name:
            self.note(f"skipped {what}: no name or address")
            return None
        latitude, longitude = self._coordinates(raw, what)
        if latitude is None and (point := geo.postcode_point(postcode)):
            latitude, longitude = point.latitude, point.longitude
        uprn = coerce.text(raw.get("uprn"))
        if coerce.text(raw.get("external_identifier_type")).upper() == "UPRN":
            uprn = coerce.text(raw.get("external_identifier"))
        entries = coerce.dicts(raw.get("accessibility")) + coerce.dicts(
            raw.get("accessibility_for_disabilities")
        )
        return {
            "name": name[:200],
            "description": coerce.plain(raw.get("description")),
            "address": ", ".join(p for p in lines if p),
            "town": lines[2][:100],
            "postcode": postcode,
            "latitude": latitude,
            "longitude": longitude,
            "uprn": uprn if uprn.isdigit() and len(uprn) <= 12 else None,
            "accessibility": coerce.accessibility(entries),
        }

    def _coordinates(self, raw: dict, what: str) -> tuple[float | None, float | None]:
        latitude, longitude = (
            coerce.number(raw.get("latitude")),
            coerce.number(raw.get("longitude")),
        )
        given = (raw.get("latitude"), raw.get("longitude"))
        problem = ""
        if latitude is None or longitude is None:
            if (
                latitude is not None
                or longitude is not None
                or any(v not in (None, "") for v in given)
            ):
                shown = (
                    f"latitude {coerce.text(given[0])!r} and longitude {coerce.text(given[1])!r}"
                )
                problem = f"{shown} are not a pair of numbers"
        elif not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            problem = f"latitude {latitude:g}, longitude {longitude:g} is not a place on Earth"
        elif latitude == 0 and longitude == 0:
            problem = "latitude 0, longitude 0 is a placeholder"
        if problem:
            self.note(f"skipped coordinates of {what}: {problem}")
            return None, None
        return latitude, longitude

    # --- a schedule -------------------------------------------------------------------------

    def schedule_row(self, raw: dict, what: str) -> dict | None:
        """Schedule columns: a readable rule; an unreadable one as its description only."""
        description = coerce.plain(raw.get("description"))
        try:
            return coerce.schedule_rule(raw, description)
        except ValueError as exc:
            if not description:
                self.note(f"skipped {what}: {exc}")
                return None
            self.note(f"skipped {what}: {exc}; kept its description as text")
            return {
                "freq": "WEEKLY",
                "byday": "",
                "bymonthday": "",
                "opens_at": "",
                "closes_at": "",
                "valid_from": None,
                "valid_to": None,
                "description": description,
            }


def _given(item: dict, *keys: str) -> bool:
    """The feed says something about this (a key left out leaves what is stored as it is)."""
    return any(key in item for key in keys)


def _terms(item: dict) -> list[dict]:
    terms = [
        a["taxonomy_term"]
        for a in coerce.dicts(item.get("attributes"))
        if isinstance(a.get("taxonomy_term"), dict)
    ]
    terms += [
        t["taxonomy"]
        for t in coerce.dicts(item.get("service_taxonomys"))
        if isinstance(t.get("taxonomy"), dict)
    ]
    return terms + coerce.dicts(item.get("taxonomy_terms"))
