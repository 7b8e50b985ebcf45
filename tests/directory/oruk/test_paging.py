"""Paging in the ORUK API (/api/oruk/services and /service_at_locations): the pages cover
every published service exactly once, oldest first; the last page is right; filters combined
with paging give the filtered rows, paged the same way; a page past the end is empty.

The pages rest on the (review, id) index of migration 0009 (see bench/oruk_api.py): these
tests hold what the API answers, whatever plan the database picks.
"""

from __future__ import annotations

import itertools
import math

import pytest
from sqlalchemy import select

from accord.extensions import db
from accord.models import Location, Organisation, Review
from directory.models import Service, ServiceAtLocation

API = "/api/oruk"
TOTAL = 123  # published services; not a multiple of any page size used here


@pytest.fixture
def county(app, make):
    """TOTAL published services at a published building (every third for children, under 16)
    with pending ones among them; then a rejected service, and a published one whose only
    building is unpublished (a service in /services, no link in /service_at_locations)."""
    org = make.organisation()
    hall = make.location()
    shut = make.location(review="pending")
    published = []
    for n in itertools.count():
        if len(published) == TOTAL:
            break
        review = Review.pending if n % 7 == 3 else Review.published
        service = Service(
            name=f"Service {n}",
            organisation=org,
            review=review,
            maximum_age=15 if n % 3 == 0 else None,
        )
        service.at_locations = [ServiceAtLocation(location=hall)]
        db.session.add(service)
        db.session.flush()
        if review == Review.published:
            published.append(service)
    rejected = Service(name="Rejected", organisation=org, review=Review.rejected)
    elsewhere = Service(name="At a shut hall", organisation=org)
    elsewhere.at_locations = [ServiceAtLocation(location=shut)]
    db.session.add_all([rejected, elsewhere])
    db.session.commit()
    published.append(elsewhere)  # a published service: listed, though its building is not
    return {
        "services": [s.uuid for s in published],
        "children": [s.uuid for s in published if s.maximum_age == 15],
        "links": [s.at_locations[0].uuid for s in published if s is not elsewhere],
    }


def page(client, name: str, **params) -> dict:
    response = client.get(f"{API}/{name}", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def walk(client, name: str, per_page: int, **params) -> list[dict]:
    """Every page in turn, checking each page's own account of itself."""
    bodies, number = [], 1
    while True:
        body = page(client, name, page=number, per_page=per_page, **params)
        bodies.append(body)
        assert body["page_number"] == number
        assert body["first_page"] == (number == 1)
        assert body["size"] == len(body["contents"])
        if body["last_page"]:
            return bodies
        assert body["size"] == per_page
        number += 1


@pytest.mark.parametrize("per_page", [1, 7, 50, 100])
def test_service_pages_cover_every_published_service_once_oldest_first(client, county, per_page):
    bodies = walk(client, "services", per_page)
    ids = [item["id"] for body in bodies for item in body["contents"]]
    assert ids == county["services"]  # each once, in the order they were made
    total = len(county["services"])
    assert {body["total_items"] for body in bodies} == {total}
    assert {body["total_pages"] for body in bodies} == {math.ceil(total / per_page)}
    assert len(bodies) == math.ceil(total / per_page)
    assert bodies[-1]["size"] == total - (len(bodies) - 1) * per_page


def test_the_last_page_and_beyond(client, county):
    total = len(county["services"])
    last = math.ceil(total / 50)
    body = page(client, "services", page=last, per_page=50)
    assert body["last_page"] and not body["empty"]
    assert [item["id"] for item in body["contents"]] == county["services"][(last - 1) * 50 :]
    beyond = page(client, "services", page=last + 1, per_page=50)
    assert beyond["empty"] and beyond["contents"] == [] and beyond["last_page"]
    assert beyond["total_items"] == total


def test_a_page_is_the_same_page_on_every_request(client, county):
    first = page(client, "services", page=2, per_page=10)
    assert page(client, "services", page=2, per_page=10) == first


@pytest.mark.parametrize("per_page", [4, 50])
def test_filters_combined_with_paging_page_the_filtered_services(client, county, per_page):
    bodies = walk(client, "services", per_page, maximum_age=15)
    ids = [item["id"] for body in bodies for item in body["contents"]]
    assert ids == county["children"]
    assert {body["total_items"] for body in bodies} == {len(county["children"])}
    assert all(item["maximum_age"] == 15 for b in bodies for item in b["contents"])


def test_no_match_is_one_empty_page(client, county):
    body = page(client, "services", page=1, per_page=50, maximum_age=0)
    assert body["total_items"] == 0 and body["empty"] and body["contents"] == []


@pytest.mark.parametrize("per_page", [9, 100])
def test_service_at_location_pages_cover_every_published_link_once(client, county, per_page):
    bodies = walk(client, "service_at_locations", per_page)
    ids = [item["id"] for body in bodies for item in body["contents"]]
    assert ids == county["links"]
    assert {body["total_items"] for body in bodies} == {len(county["links"])}


def test_the_county_is_what_the_tests_think(app, county):
    """Guard for the fixture: unpublished rows are there to be left out."""
    reviews = db.session.scalars(select(Service.review)).all()
    assert reviews.count(Review.pending) > 10 and Review.rejected in reviews
    assert db.session.scalar(select(Location.id).where(Location.review == "pending"))
    assert db.session.scalar(select(Organisation.id))
