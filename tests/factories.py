"""create_x(**defaults) helpers for test data (notifications-api style)."""

from __future__ import annotations

import itertools

from accord import accounts
from accord.extensions import db
from accord.models import Location, Organisation, Role, User

PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)


def organisation(**fields) -> Organisation:
    n = next(_numbers)
    values = {
        "slug": f"test-organisation-{n}",
        "name": f"Test Organisation {n}",
        "sector": "vcs",
        "org_type": "charity",
        "town": "Shrewsbury",
        "postcode": "SY1 1AA",
    }
    values.update(fields)
    org = Organisation(**values)
    db.session.add(org)
    db.session.commit()
    return org


def user(role: str = Role.frontline, organisation: Organisation | None = None, **fields) -> User:
    n = next(_numbers)
    email = fields.pop("email", f"user{n}@example.org")
    if role == Role.member and organisation is None:
        organisation = globals()["organisation"]()
    created = accounts.create_user(email, fields.pop("password", PASSWORD), role, organisation)
    for key, value in fields.items():
        setattr(created, key, value)
    db.session.commit()
    return created


def location(**fields) -> Location:
    n = next(_numbers)
    values = {
        "name": f"Test Hall {n}",
        "town": "Shrewsbury",
        "postcode": "SY1 1AA",
        "latitude": 52.71315,
        "longitude": -2.74911,
    }
    values.update(fields)
    place = Location(**values)
    db.session.add(place)
    db.session.commit()
    return place
