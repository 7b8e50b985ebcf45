"""Accord concerns for the tests: two signatory sides, a coordinator and mediators, cases
raised through the pages, and closed cases with breaches (the fixtures `sides` and `repeated`)."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from sqlalchemy import select

from accord.clock import today_uk, utcnow
from accord.extensions import db
from accord.models import OutboxMessage, Role
from registry import publish
from registry.concerns.models import Concern, Mediator, Stage
from registry.signatories.models import Signatory
from tests import factories
from tests.factories import PASSWORD

HAPPENED = "The council ended our grant with two weeks' notice and no conversation"
STATEMENT = "We had to decide quickly because the budget was cut mid-year"
TODAY = today_uk()
ON = [str(TODAY.day), str(TODAY.month), str(TODAY.year)]


def signatory(org) -> None:
    db.session.add(
        Signatory(
            organisation=org,
            accord_version=publish.current_version(),
            status="published",
            published_at=org.created_at,
        )
    )
    db.session.commit()


@pytest.fixture
def sides(app):
    """Two signatories with a member each, a coordinator and two mediators (one conflicted)."""
    publish.publish((publish.CONTENT / "accord-2025.md").read_text(), "2025")
    db.session.commit()
    trust = factories.organisation(name="Oswestry Community Trust")
    council = factories.organisation(name="Borderland Council", sector="public")
    for org in (trust, council):
        signatory(org)
    factories.user(Role.member, trust, email="raiser@example.org")
    factories.user(Role.member, council, email="council@example.org")
    factories.user(Role.coordinator, email="coordinator@example.org")
    helper = factories.user(Role.frontline, email="mediator@example.org")
    db.session.add(Mediator(name="Alex Independent", contact="mediator@example.org", user=helper))
    db.session.add(Mediator(name="Sam Linked", contact="sam@example.org", organisations=[council]))
    db.session.commit()
    return {"trust": trust, "council": council}


def signed_in(app, email: str):
    client = app.test_client()
    client.sign_in(email, PASSWORD)
    return client


def answers(sides, **changes) -> dict:
    return {
        "raiser": str(sides["trust"].id),
        "concerned": str(sides["council"].id),
        "themes": ["1", "3"],
        "commitments": "Give at least 12 weeks' notice of changes to funding",
        "what_happened": HAPPENED,
        "tried": "Our chief officer wrote to the commissioning lead in March; no reply",
        "good_outcome": "A meeting to agree how notice is given in future",
        "permission": "named",
        **changes,
    }


def raise_one(client, sides, **changes) -> str:
    token = client.get_page("/concerns/new").find("input", attrs={"name": "token"})["value"]
    response = client.submit("/concerns/new", {"token": token, **answers(sides, **changes)})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.location


def concern_at(at: str) -> Concern:
    db.session.expire_all()
    return db.session.scalar(select(Concern).where(Concern.uuid == at.rsplit("/", 1)[1]))


def emails_to(address: str) -> list[OutboxMessage]:
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.to == address)).all()


def acknowledged(app, sides, **changes) -> str:
    """A case raised by the trust and acknowledged by the coordinator; its address."""
    at = raise_one(signed_in(app, "raiser@example.org"), sides, **changes)
    coordinator = signed_in(app, "coordinator@example.org")
    coordinator.submit(f"{at}/stage", {"stage-stage": "acknowledged", "stage-on": ON}, form_path=at)
    return at


def with_mediator(app, sides) -> str:
    """An acknowledged case with Alex Independent appointed as its mediator; its address."""
    at = acknowledged(app, sides)
    alex = db.session.scalar(select(Mediator.id).where(Mediator.name == "Alex Independent"))
    signed_in(app, "coordinator@example.org").submit(
        f"{at}/mediator", {"mediator-mediator": str(alex), "mediator-on": ON}, form_path=at
    )
    return at


VISITORS = [
    None,
    "raiser",
    "raiser-colleague",
    "concerned",
    "mediator",
    "other-mediator",
    "other-member",
    Role.frontline,
    Role.coordinator,
    Role.cvec,
    Role.admin,
]


SEE = {"raiser", "raiser-colleague", "concerned", "mediator", Role.coordinator}


def visitor_client(app, sides, visitor):
    if visitor is None:
        return app.test_client()
    email = {
        "raiser": "raiser@example.org",
        "concerned": "council@example.org",
        "mediator": "mediator@example.org",
        Role.coordinator: "coordinator@example.org",
    }.get(visitor)
    if email is None:
        email = f"{visitor}@example.org"
        if visitor == "raiser-colleague":
            factories.user(Role.member, sides["trust"], email=email)
        elif visitor == "other-mediator":
            person = factories.user(Role.frontline, email=email)
            db.session.add(Mediator(name="Not Appointed", contact=email, user=person))
            db.session.commit()
        else:
            factories.user(Role.member if visitor == "other-member" else visitor, email=email)
    return signed_in(app, email)


_references = itertools.count(1)


def breached(raiser, concerned, days_ago: int = 30, permission: str = "named", breach=True):
    """A case whose outcome was recorded `days_ago` days ago, found a breach or not."""
    when = utcnow() - timedelta(days=days_ago)
    concern = Concern(
        reference=f"C-TEST{next(_references):04d}",
        raiser_organisation_id=raiser.id,
        concerned_organisation_id=concerned.id,
        what_happened=HAPPENED,
        tried="We wrote",
        good_outcome="Talk",
        permission=permission,
        stage=Stage.closed,
        raised_at=when - timedelta(days=30),
        acknowledged_at=when - timedelta(days=28),
        outcome="not_resolved",
        outcome_recorded_at=when,
        closed_at=when,
        breach=breach,
    )
    db.session.add(concern)
    db.session.commit()
    return concern


@pytest.fixture
def repeated(sides):
    """The council (public sector): 2 breaches this year, 1 older, 1 anonymous, 1 without.
    A charity: 3 breaches this year. Another council: 1 breach."""
    trust, council = sides["trust"], sides["council"]
    charity = factories.organisation(name="Wem Friends", sector="vcs")
    other = factories.organisation(name="Marches Council", sector="public")
    for days in (10, 300):
        breached(trust, council, days)
    breached(trust, council, 400)
    breached(trust, council, 20, permission="anonymous")
    breached(trust, council, 5, breach=False)
    for days in (1, 2, 3):
        breached(council, charity, days)
    breached(trust, other, 10)
    return {**sides, "charity": charity, "other": other}
