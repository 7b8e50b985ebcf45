"""directory.oruk.upsert without HTTP or files: service objects as plain dicts, shaped like the
ORUK 3.0 and 1.0 examples in tests/fixtures/oruk, written straight into the database."""

from __future__ import annotations

import copy
import uuid

from sqlalchemy import func, select

from accord.extensions import db
from accord.models import Location, Organisation
from directory.models import (
    Schedule,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from directory.oruk import draft, upsert
from tests.directory.data import service as local_service

SOURCE = "oruk:test"
SERVICE = "6a1f0c2e-7b3d-4e5f-8a9b-0c1d2e3f4a5b"
ORG = "1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e"
LINK = "2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f"
PLACE = "3d4e5f6a-7b8c-4d9e-8f1a-2b3c4d5e6f7a"
HOURS = "4e5f6a7b-8c9d-4e0f-9a2b-3c4d5e6f7a8b"
TERM = "5f6a7b8c-9d0e-4f1a-8b3c-4d5e6f7a8b9c"
VOCABULARY = "6a7b8c9d-0e1f-4a2b-9c4d-5e6f7a8b9c0d"


def lunch_club() -> dict:
    """An ORUK 3.0 service in full, as /services/{id} gives it."""
    return {
        "id": SERVICE,
        "name": "Wem Lunch Club",
        "description": "A hot lunch and company.\nEvery Thursday.",
        "url": "www.wemlunch.example/club",
        "email": "mailto:hello@wemlunch.example",
        "status": "active",
        "minimum_age": 60,
        "cost_options": [{"option": "Lunch", "amount": 4.5, "currency": "GBP"}],
        "last_modified": "2026-11-23T10:00:00+00:00",
        "organization": {
            "id": ORG,
            "name": "Wem Friends",
            "website": "https://wemfriends.example",
            "organization_identifiers": [{"identifier_scheme": "GB-CHC", "identifier": "1234567"}],
        },
        "service_at_locations": [
            {
                "id": LINK,
                "location": {
                    "id": PLACE,
                    "location_type": "physical",
                    "name": "Wem Town Hall",
                    "latitude": 52.8555,
                    "longitude": -2.7246,
                    "addresses": [
                        {"address_1": "High Street", "city": "Wem", "postal_code": "sy4 5dg"}
                    ],
                    "accessibility": [{"description": "Wheelchair access and a hearing loop"}],
                },
            }
        ],
        "schedules": [
            {
                "id": HOURS,
                "freq": "WEEKLY",
                "byday": "TH",
                "opens_at": "12:00:00",
                "closes_at": "14:00:00",
            }
        ],
        "attributes": [
            {
                "taxonomy_term": {
                    "id": TERM,
                    "name": "Food",
                    "taxonomy_detail": {"id": VOCABULARY, "name": "Everyday needs"},
                }
            }
        ],
    }


def imported(*services: dict, source: str = SOURCE) -> upsert.Result:
    result = upsert.import_services(list(services), source)
    db.session.commit()
    db.session.expire_all()
    return result


def counts() -> dict[str, int]:
    models = [Service, Organisation, Location, ServiceAtLocation, Schedule, TaxonomyTerm]
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in models
    }


def stored(service_uuid: str = SERVICE) -> Service:
    return db.session.scalars(select(Service).where(Service.uuid == service_uuid)).one()


def test_a_service_becomes_its_rows(app):
    result = imported(lunch_club())
    assert (result.summary, result.lines) == ("created 1, updated 0, skipped 0", [])

    record = stored()
    assert (record.name, record.source, record.source_id) == ("Wem Lunch Club", SOURCE, SERVICE)
    assert record.description == "A hot lunch and company.\nEvery Thursday."
    assert (record.url, record.email) == (
        "https://www.wemlunch.example/club",
        "hello@wemlunch.example",
    )
    assert (record.minimum_age, record.maximum_age) == (60, None)
    assert (record.fees, record.is_free) == ("Lunch: £4.50", False)
    assert (record.review, record.status) == ("published", "active")
    assert record.updated_at.isoformat() == "2026-11-23T10:00:00"

    org = record.organisation
    assert (org.uuid, org.name, org.slug) == (ORG, "Wem Friends", "wem-friends")
    assert (org.identifier, org.website, org.sector) == (
        "GB-CHC-1234567",
        "https://wemfriends.example",
        "vcs",
    )

    [link] = record.at_locations
    place = link.location
    assert (link.uuid, place.uuid, place.source_id) == (LINK, PLACE, PLACE)
    assert (place.name, place.address, place.town, place.postcode) == (
        "Wem Town Hall",
        "High Street, Wem",
        "Wem",
        "SY4 5DG",
    )
    assert (place.latitude, place.longitude) == (52.8555, -2.7246)
    assert place.accessibility == ["hearing_loop", "step_free"]

    [hours] = record.schedules
    assert (hours.uuid, hours.freq, hours.byday) == (HOURS, "WEEKLY", "TH")
    assert (hours.opens_at, hours.closes_at) == ("12:00", "14:00")

    [term] = record.terms
    assert (term.uuid, term.code, term.name) == (TERM, TERM, "Food")
    assert (term.taxonomy.uuid, term.taxonomy.name) == (VOCABULARY, "Everyday needs")


def test_the_same_services_again_change_nothing(app):
    imported(lunch_club())
    before = (counts(), stored().id, stored().updated_at)
    assert imported(lunch_club()).summary == "created 0, updated 0, skipped 1"
    assert (counts(), stored().id, stored().updated_at) == before


def test_a_reimport_updates_in_place(app):
    imported(lunch_club())
    ids = {
        "service": stored().id,
        "place": stored().at_locations[0].location.id,
        "term": stored().terms[0].id,
    }
    before = counts()

    changed = lunch_club()
    changed["name"] = "Wem Lunch Club and Cafe"
    changed["organization"]["name"] = "Wem Friends (renamed)"  # an organisation here keeps its own
    changed["service_at_locations"][0]["location"]["name"] = "Wem Town Hall, upstairs"
    changed["schedules"][0]["opens_at"] = "11:30"
    changed["attributes"][0]["taxonomy_term"]["name"] = "Food and drink"
    assert imported(changed).summary == "created 0, updated 1, skipped 0"

    record = stored()
    assert record.name == "Wem Lunch Club and Cafe"
    assert record.organisation.name == "Wem Friends"
    assert record.at_locations[0].location.name == "Wem Town Hall, upstairs"
    [hours] = record.schedules
    assert (hours.uuid, hours.opens_at) == (HOURS, "11:30")
    assert record.terms[0].name == "Food and drink"
    assert {
        "service": record.id,
        "place": record.at_locations[0].location.id,
        "term": record.terms[0].id,
    } == ids
    assert counts() == before  # updated, never duplicated


def test_a_location_moved_away_is_unlinked_and_a_new_one_linked(app):
    imported(lunch_club())
    moved = lunch_club()
    moved["service_at_locations"] = [
        {
            "id": "7b8c9d0e-1f2a-4b3c-8d5e-6f7a8b9c0d1e",
            "location": {"name": "Wem Library", "addresses": [{"postal_code": "SY4 5AA"}]},
        }
    ]
    assert imported(moved).summary == "created 0, updated 1, skipped 0"
    [link] = stored().at_locations
    assert (link.uuid, link.location.name) == (
        "7b8c9d0e-1f2a-4b3c-8d5e-6f7a8b9c0d1e",
        "Wem Library",
    )
    assert counts()["Location"] == 2  # the old building stays; only its link went


def test_a_list_summary_leaves_what_it_does_not_say(app):
    imported(lunch_club())
    summary = {
        "id": SERVICE,
        "name": "Wem Lunch Club",
        "organization": {"id": ORG, "name": "Wem Friends"},
        "status": "active",
    }
    assert imported(summary).summary == "created 0, updated 0, skipped 1"
    record = stored()
    assert [link.location.uuid for link in record.at_locations] == [PLACE]
    assert [row.uuid for row in record.schedules] == [HOURS]
    assert [term.uuid for term in record.terms] == [TERM]
    assert record.url == "https://www.wemlunch.example/club"


def test_feed_ids_that_are_not_uuids_give_the_same_uuids_on_every_import(app):
    oruk1 = {
        "id": "42",
        "name": "Dial-a-Ride",
        "organization": {"id": "7", "name": "Community Transport"},
        "regular_schedules": [{"id": "9", "freq": "WEEKLY", "byday": "MO"}],
        "service_taxonomys": [{"taxonomy": {"id": "transport", "name": "Transport"}}],
    }
    imported(oruk1)
    service_uuid = str(uuid.uuid5(draft.NAMESPACE, f"{SOURCE}/service/42"))
    record = stored(service_uuid)
    assert record.organisation.uuid == str(uuid.uuid5(draft.NAMESPACE, f"{SOURCE}/organisation/7"))
    assert [row.byday for row in record.schedules] == ["MO"]
    assert [term.code for term in record.terms] == ["transport"]
    assert db.session.scalar(select(func.count()).select_from(Taxonomy)) >= 1

    assert imported(copy.deepcopy(oruk1)).summary == "created 0, updated 0, skipped 1"
    # The same feed id from another source is another service.
    assert imported(oruk1, source="oruk:elsewhere").summary == "created 1, updated 0, skipped 0"


def test_what_cannot_be_read_is_skipped_and_said_and_the_rest_written(app):
    by_reference = {"id": "b", "name": "Befriending", "organization_id": ORG, "status": "active"}
    result = imported(
        "not a service",
        {"id": "a", "organization": {"name": "Nobody"}, "status": "active"},
        lunch_club(),
        by_reference,  # its organisation is the one another service gives in full
        lunch_club(),
    )
    assert result.summary == "created 2, updated 0, skipped 3"
    assert result.lines == [
        "skipped item 1 of the feed: not a service object",
        "skipped service a: no name",
        f'skipped service {SERVICE} "Wem Lunch Club": listed twice in the feed; the first was '
        "imported",
    ]
    befriending = stored(str(uuid.uuid5(draft.NAMESPACE, f"{SOURCE}/service/b")))
    assert befriending.organisation.uuid == ORG


def test_a_service_made_here_is_not_overwritten(app):
    mine = local_service("Our own lunch club", "mental-health")
    clash = lunch_club() | {"id": mine.uuid}
    result = imported(clash)
    assert result.summary == "created 0, updated 0, skipped 1"
    assert "was added on this site; an import does not overwrite it" in result.lines[0]
    assert stored(mine.uuid).name == "Our own lunch club"
