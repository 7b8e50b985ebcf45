"""What the readiness tests share: a hub run by an organisation with a member, and signing in."""

from __future__ import annotations

import itertools

from accord.models import Role
from tests.emergency import data
from tests.factories import PASSWORD

_numbers = itertools.count(1)


def sign_in(client, make, role: str, organisation=None):
    user = make.user(
        role=role, organisation=organisation, email=f"{role}-{next(_numbers)}@example.org"
    )
    client.sign_in(user.email, PASSWORD)
    return user


def run_hub(make, name: str = "Frankwell Hall", **fields):
    """A standby hub run by a new organisation: (hub, organisation)."""
    organisation = make.organisation(name=f"{name} Trust")
    hub = data.hub(location=make.location(name=name), organisation=organisation, **fields)
    return hub, organisation


def member_of(client, make, organisation):
    return sign_in(client, make, Role.member, organisation)
