"""A member adding and editing a community building, step by step, for the tests."""

from __future__ import annotations

import itertools

from sqlalchemy import select

from accord.extensions import db
from accord.models import Location, Organisation, Role
from tests.factories import PASSWORD

_numbers = itertools.count(1)
BASE = "/directory/manage/buildings"
ANSWERS = {
    "name": "Pontesbury Village Hall",
    "description": "A village hall with a stage and a big kitchen.",
    "address": "Main Road",
    "town": "Pontesbury",
    "postcode": "sy1 1aa",
    "accessibility": ["step_free", "accessible_toilet"],
    "facilities": ["main_hall", "kitchen"],
    "capacity": "120",
    "opening_hours": "Mon–Fri 9am to 5pm; evenings by booking",
    "bookable": "yes",
    "booking": "Ring the booking secretary a week ahead. £12 an hour.",
    "booking_contact": "01743 123456",
    "booking_contact_public": "y",
    "owner": "parish",
    "hub_ready": "yes",
}


def member_of(client, make, org: Organisation | None = None, email: str = ""):
    """A member of `org` (a new organisation when None), signed in on `client`."""
    org = org or make.organisation()
    user = make.user(role=Role.member, organisation=org, email=email or f"m{org.id}@example.org")
    client.sign_in(user.email, PASSWORD)
    return user, org


def signed_in(client, make, role: str):
    user = make.user(role=role, email=f"{role}-{next(_numbers)}@example.org")
    client.sign_in(user.email, PASSWORD)
    return user


def fill(client, path: str, **changes):
    """Post the building form; returns the response (a redirect to the check page if valid)."""
    answers = {**ANSWERS, **changes}
    return client.submit(path, {k: v for k, v in answers.items() if v is not None})


def add(client, org: Organisation, **changes) -> Location:
    """Add a building through the form and its check page; the building saved."""
    response = fill(client, f"{BASE}/new/{org.slug}", **changes)
    assert response.status_code == 302, response.get_data(as_text=True)
    check = response.location
    assert client.submit(check, {}).status_code == 302
    return newest()


def edit(client, location: Location, **changes):
    response = fill(client, f"{BASE}/{location.id}/edit", **changes)
    assert response.status_code == 302, response.get_data(as_text=True)
    saved = client.submit(response.location, {})
    assert saved.status_code == 302
    return saved


def newest() -> Location:
    db.session.expire_all()
    found = db.session.scalar(select(Location).order_by(Location.id.desc()).limit(1))
    assert found is not None
    return found
