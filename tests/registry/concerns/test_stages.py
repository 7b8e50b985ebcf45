"""The stages after a concern is raised, as the mediator records them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from accord.clock import utcnow
from accord.extensions import db
from accord.links import absolute_url
from accord.models import User
from registry.concerns import stages
from registry.concerns.concerns import WrongState
from registry.concerns.models import Party, Stage
from tests.registry.concerns.cases import (
    ON,
    STATEMENT,
    acknowledged,
    concern_at,
    emails_to,
    signed_in,
    with_mediator,
)


def test_the_mediator_records_statements_requested_and_the_meeting(app, sides):
    at = with_mediator(app, sides)
    mediator = signed_in(app, "mediator@example.org")
    page = mediator.get_page(at)
    offered = [i["value"] for i in page.find_all("input", attrs={"name": "stage-stage"})]
    assert offered == ["statements_requested", "meeting_held"]
    refused = mediator.submit(
        f"{at}/stage", {"stage-stage": "acknowledged", "stage-on": ON}, form_path=at
    )
    assert refused.status_code == 200  # not one of the mediator's choices
    held = {"stage-stage": "meeting_held", "stage-on": ON}
    assert mediator.submit(f"{at}/stage", held, form_path=at).location == at
    concern = concern_at(at)
    assert concern.stage == Stage.meeting_held and concern.steps[-1].party == "mediator"
    assert "recorded by the mediator" in mediator.get_page(at).get_text()
    assert mediator.submit(f"{at}/outcome", {}, form_path=at).status_code == 403


def test_each_step_tells_both_sides_and_the_mediator_without_details(app, sides):
    at = with_mediator(app, sides)
    concern = concern_at(at)
    link = absolute_url("concerns.show", uuid=concern.uuid)
    council = db.session.scalar(select(User).where(User.email == "council@example.org"))
    stages.add_statement(concern, council, Party.concerned, STATEMENT, "token-1")
    db.session.commit()
    news = emails_to("raiser@example.org")[-1]
    assert news.subject == (
        f"Accord concern {concern.reference}: a statement from the organisation the concern "
        "is about"
    )
    assert news.body == (
        f"There is news on Accord concern {concern.reference}: a statement from the "
        "organisation the concern is about.\n\n"
        f"See it here (you will need to sign in):\n{link}\n\n"
        "The details are not in this email.\n"
    )
    assert "statement" not in " ".join(m.subject for m in emails_to("council@example.org"))
    appointed, statement = emails_to("mediator@example.org")
    assert appointed.subject == f"You have been asked to mediate Accord concern {concern.reference}"
    assert appointed.body.endswith(f"Open it here (you will need to sign in):\n{link}\n")
    assert statement.subject == f"Accord concern {concern.reference}: a new statement"
    assert statement.body == (
        f"A new statement has been added to Accord concern {concern.reference}.\n\n"
        f"See it here (you will need to sign in):\n{link}\n"
    )
    assert STATEMENT not in " ".join(m.body for m in emails_to("mediator@example.org"))


def test_a_step_out_of_order_raises_wrong_state(app, sides):
    concern = concern_at(acknowledged(app, sides))
    coordinator = db.session.scalar(select(User).where(User.email == "coordinator@example.org"))
    with pytest.raises(WrongState):
        stages.acknowledge(concern, coordinator, utcnow())
    with pytest.raises(WrongState):
        stages.close(concern, coordinator)
    stages.record_stage(concern, Stage.meeting_held, coordinator, utcnow())
    with pytest.raises(WrongState):
        stages.record_stage(concern, Stage.meeting_held, coordinator, utcnow())
    with pytest.raises(ValueError):
        stages.record_stage(concern, Stage.closed, coordinator, utcnow())
