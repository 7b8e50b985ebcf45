"""The referral tests' county: one service taking professional referrals, a member of its
organisation and a frontline worker."""

import pytest

from accord.extensions import db
from accord.models import Role
from tests import factories
from tests.directory.data import service as make_service


@pytest.fixture
def larder(app):
    org = factories.organisation(name="Larder Trust")
    service = make_service(
        "Community Larder",
        "food",
        "shrewsbury",
        access_routes=["professional_referral"],
        referral_fields=["contact", "needs", "access"],
    )
    service.organisation = org
    factories.user(Role.member, org, email="larder@example.org")
    factories.user(Role.frontline, email="worker@example.org")
    db.session.commit()
    return service
