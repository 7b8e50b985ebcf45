"""The coordinator's list of independent mediators."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from accord.clock import utcnow
from accord.extensions import db
from accord.models import Role, User
from registry.concerns import mediation
from registry.concerns.concerns import Conflict
from registry.concerns.models import Mediator, Stage
from tests import factories
from tests.registry.concerns.cases import acknowledged, concern_at, signed_in


def test_the_coordinator_keeps_the_list_of_mediators(app, sides):
    coordinator = signed_in(app, "coordinator@example.org")
    assert "Accord concerns" in coordinator.get_page("/admin/").get_text()
    page = coordinator.get_page("/concerns/mediators")
    assert "Alex Independent" in page.get_text()
    added = coordinator.submit(
        "/concerns/mediators",
        {
            "name": "Jo Neutral",
            "contact": "jo@example.org",
            "organisations": [str(sides["trust"].id)],
        },
    )
    assert added.status_code == 302
    again = coordinator.submit(
        "/concerns/mediators",
        {"name": "Jo Neutral", "contact": "jo@example.org", "organisations": []},
    )
    assert again.status_code == 302
    assert db.session.scalar(select(func.count()).where(Mediator.name == "Jo Neutral")) == 1
    jo = db.session.scalar(select(Mediator).where(Mediator.name == "Jo Neutral"))
    assert [o.name for o in jo.organisations] == ["Oswestry Community Trust"]
    bad = coordinator.submit("/concerns/mediators", {"name": "", "contact": "not an email"})
    assert bad.status_code == 200 and "govuk-error-summary" in bad.get_data(as_text=True)
    signed_in(app, "raiser@example.org").get_page("/concerns/mediators", status=403)


def test_a_mediator_linked_to_either_side_is_not_offered_or_appointed(app, sides):
    concern = concern_at(acknowledged(app, sides))
    offered = [m.name for m in mediation.mediators_for(concern)]
    assert offered == ["Alex Independent"]  # Sam is on the list as linked to the council
    sam = db.session.scalar(select(Mediator).where(Mediator.name == "Sam Linked"))
    coordinator = db.session.scalar(select(User).where(User.email == "coordinator@example.org"))
    with pytest.raises(Conflict):
        mediation.appoint(concern, sam, coordinator, utcnow())
    # A member of the raiser's organisation, through their account, is linked too.
    colleague = factories.user(Role.member, sides["trust"], email="colleague@example.org")
    insider = mediation.add_mediator("Insider", "colleague@example.org", [], coordinator)
    assert insider.user_id == colleague.id and mediation.conflicts(insider, concern)
    assert concern.mediator_id is None and concern.stage == Stage.acknowledged
