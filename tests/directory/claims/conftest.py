"""The claim tests' county: a service imported from a feed, its feed's organisation, and a
charity whose member says the service is theirs."""

import pytest

from accord.extensions import db
from accord.models import Role
from tests import factories
from tests.directory.data import service as make_service


@pytest.fixture
def listing(app):
    feed = factories.organisation(name="Open Feed Listings")
    record = make_service(
        "Riverside Lunch Club", "food", "shrewsbury", email="Lunch@Riverside.org.uk"
    )
    record.organisation = feed
    record.source = "https://feed.example.org/services"
    db.session.commit()
    return record


@pytest.fixture
def charity(app):
    return factories.organisation(name="Riverside Friends", slug="riverside-friends")


@pytest.fixture
def member(app, charity):
    """A member of the charity whose address is on another domain than the listing's."""
    return factories.user(Role.member, charity, email="volunteer@friends.example.org")
