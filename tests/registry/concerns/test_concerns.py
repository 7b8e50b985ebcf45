"""Raising an Accord concern over HTTP and taking it through to an outcome: the whole case,
anonymous learning, replays and double clicks, bad input, and who may raise one."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from accord.clock import short_date
from accord.extensions import db
from accord.links import absolute_url
from accord.models import AuditEvent, OutboxMessage, Role
from registry.concerns.models import Concern, ConcernStep, Mediator, Stage
from tests import factories
from tests.registry.concerns.cases import (
    HAPPENED,
    ON,
    STATEMENT,
    TODAY,
    answers,
    concern_at,
    emails_to,
    raise_one,
    signed_in,
)


def test_a_concern_is_raised_resolved_and_learned_from(app, sides):
    raiser = signed_in(app, "raiser@example.org")
    form = raiser.get_page("/concerns/new")
    themes = [i["value"] for i in form.find_all("input", attrs={"name": "themes"})]
    assert len(themes) >= 5 and "1" in themes
    assert form.find("a", href="/accord/ambassadors") is not None  # a first contact
    at = raise_one(raiser, sides)
    page = raiser.get_page(at).get_text()
    assert HAPPENED in page and "Raised" in page
    [told] = emails_to("coordinator@example.org")
    assert at in told.body and HAPPENED not in told.body
    assert len(emails_to("raiser@example.org")) == 1
    assert emails_to("council@example.org") == []  # not until the coordinator acknowledges

    coordinator = signed_in(app, "coordinator@example.org")
    listed = coordinator.get_page("/concerns/")
    assert listed.find("a", href=at) is not None
    assert "Not acknowledged yet" in listed.get_text()
    assert (
        coordinator.submit(
            f"{at}/stage", {"stage-stage": "acknowledged", "stage-on": ON}, form_path=at
        ).location
        == at
    )
    concern = concern_at(at)
    assert concern.stage == Stage.acknowledged
    assert concern.acknowledged_at.date() == TODAY
    due = short_date(concern.acknowledged_at + timedelta(days=42))
    assert due in coordinator.get_page("/concerns/").get_text()
    assert len(emails_to("council@example.org")) == 1

    # The mediator linked to the council is not offered, and is refused if posted.
    case = coordinator.get_page(at)
    offered = [o.get_text() for o in case.find("select", attrs={"name": "mediator-mediator"})]
    assert "Alex Independent" in offered and "Sam Linked" not in offered
    linked = db.session.scalar(select(Mediator.id).where(Mediator.name == "Sam Linked"))
    refused = coordinator.submit(
        f"{at}/mediator", {"mediator-mediator": str(linked), "mediator-on": ON}, form_path=at
    )
    assert refused.status_code == 200 and "govuk-error-summary" in refused.get_data(True)
    alex = db.session.scalar(select(Mediator.id).where(Mediator.name == "Alex Independent"))
    coordinator.submit(
        f"{at}/mediator", {"mediator-mediator": str(alex), "mediator-on": ON}, form_path=at
    )
    assert concern_at(at).stage == Stage.mediator_appointed
    coordinator.submit(
        f"{at}/stage", {"stage-stage": "statements_requested", "stage-on": ON}, form_path=at
    )

    council = signed_in(app, "council@example.org")
    assert HAPPENED in council.get_page(at).get_text()
    token = council.get_page(at).find("input", attrs={"name": "statement-token"})["value"]
    said = {"statement-token": token, "statement-statement": STATEMENT}
    assert council.submit(f"{at}/statement", said, form_path=at).location == at
    mediator = signed_in(app, "mediator@example.org")
    shown = mediator.get_page(at).get_text()
    assert STATEMENT in shown and "Borderland Council" in shown
    assert at in emails_to("mediator@example.org")[-1].body

    coordinator.submit(f"{at}/stage", {"stage-stage": "meeting_held", "stage-on": ON}, form_path=at)
    outcome = {
        "outcome-outcome": "resolved",
        "outcome-breach": "yes",
        "outcome-summary": "The council will give 12 weeks' notice and meet the trust quarterly",
        "outcome-lessons": "Short-notice grant changes need a conversation first",
        "outcome-on": ON,
    }
    assert coordinator.submit(f"{at}/outcome", outcome, form_path=at).location == at
    assert concern_at(at).stage == Stage.outcome_recorded
    assert "12 weeks' notice and meet" in raiser.get_page(at).get_text()
    coordinator.submit(f"{at}/close", {}, form_path=at)
    concern = concern_at(at)
    assert concern.stage == Stage.closed and concern.closed_at is not None
    kinds = [s.kind for s in concern.steps]
    assert kinds == [
        "raised",
        "acknowledged",
        "mediator_appointed",
        "statements_requested",
        "statement",
        "meeting_held",
        "outcome_recorded",
        "closed",
    ]
    for message in db.session.scalars(select(OutboxMessage)):
        assert HAPPENED not in message.body and STATEMENT not in message.body
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {
        "concern.raised",
        "concern.acknowledged",
        "concern.mediator_appointed",
        "concern.statement_added",
        "concern.outcome_recorded",
        "concern.closed",
        "concern.viewed",
    } <= actions
    everything = " ".join(str(e.details) for e in db.session.scalars(select(AuditEvent)))
    assert HAPPENED not in everything and STATEMENT not in everything

    public = app.test_client().get_page("/accord/learning")
    text = public.get_text()
    assert "Short-notice grant changes" in text
    assert "Borderland Council" not in text and "Oswestry Community Trust" not in text
    assert HAPPENED not in text and STATEMENT not in text
    assert public.find(attrs={"data-outcome": "resolved"}).get_text() == "1"
    assert public.find(attrs={"data-stage": "closed"}).get_text() == "1"


def test_anonymous_learning_is_not_shown_or_sent_to_the_other_organisation(app, sides):
    at = raise_one(signed_in(app, "raiser@example.org"), sides, permission="anonymous")
    coordinator = signed_in(app, "coordinator@example.org")
    coordinator.submit(f"{at}/stage", {"stage-stage": "acknowledged", "stage-on": ON}, form_path=at)
    assert "Appoint a mediator" not in coordinator.get_page(at).get_text()
    signed_in(app, "council@example.org").get_page(at, status=404)
    assert emails_to("council@example.org") == []


def test_double_clicks_and_replayed_posts_change_nothing_twice(app, sides):
    raiser = signed_in(app, "raiser@example.org")
    token = raiser.get_page("/concerns/new").find("input", attrs={"name": "token"})["value"]
    first = raiser.submit("/concerns/new", {"token": token, **answers(sides)})
    again = raiser.submit("/concerns/new", {"token": token, **answers(sides)})
    assert first.status_code == again.status_code == 302 and first.location == again.location
    assert db.session.scalar(select(func.count()).select_from(Concern)) == 1
    at = first.location
    coordinator = signed_in(app, "coordinator@example.org")
    step = {"stage-stage": "acknowledged", "stage-on": ON}
    coordinator.submit(f"{at}/stage", step, form_path=at)
    twice = coordinator.submit(f"{at}/stage", step, form_path=at, follow_redirects=True)
    assert twice.status_code == 200 and "Nothing changed" in twice.get_data(as_text=True)
    council = signed_in(app, "council@example.org")
    token = council.get_page(at).find("input", attrs={"name": "statement-token"})["value"]
    said = {"statement-token": token, "statement-statement": STATEMENT}
    council.submit(f"{at}/statement", said, form_path=at)
    council.submit(f"{at}/statement", said, form_path=at)
    statements = select(func.count()).where(ConcernStep.kind == "statement")
    assert db.session.scalar(statements) == 1
    coordinator.submit(f"{at}/close", {}, form_path=at)  # no outcome yet: nothing happens
    assert concern_at(at).stage == Stage.acknowledged


def test_bad_answers_get_a_gov_uk_error_summary(app, sides):
    raiser = signed_in(app, "raiser@example.org")
    token = raiser.get_page("/concerns/new").find("input", attrs={"name": "token"})["value"]
    for changes, message in [
        ({"what_happened": ""}, "Enter what happened"),
        ({"what_happened": "\x00"}, "Enter what happened"),
        ({"themes": []}, "Select at least one theme"),
        ({"concerned": str(sides["trust"].id)}, "Not a valid choice"),
        ({"concerned": "999999"}, "Not a valid choice"),
        ({"raiser": "nonsense"}, "Not a valid choice"),
        ({"permission": "maybe"}, "Not a valid choice"),
        ({"permission": ""}, "Select whether the coordinator may take it forward"),
        ({"tried": "x" * 4001}, "4,000 characters or fewer"),
        ({"themes": ["99"]}, "not a valid choice"),
    ]:
        response = raiser.submit("/concerns/new", {"token": token, **answers(sides, **changes)})
        body = response.get_data(as_text=True)
        assert response.status_code == 200 and "govuk-error-summary" in body, changes
        assert message.lower() in body.lower(), message
    assert db.session.scalar(select(func.count()).select_from(Concern)) == 0
    assert raiser.post("/concerns/new", data=answers(sides)).status_code == 400  # no CSRF

    at = raise_one(raiser, sides)
    coordinator = signed_in(app, "coordinator@example.org")
    for path, data in [
        ("stage", {"stage-stage": "unknown", "stage-on": ON}),
        ("stage", {"stage-stage": "acknowledged", "stage-on": ["31", "2", "2026"]}),
        ("stage", {"stage-stage": "acknowledged", "stage-on": ["1", "1", str(TODAY.year + 1)]}),
        ("stage", {"stage-stage": "acknowledged"}),
        ("mediator", {"mediator-mediator": "abc", "mediator-on": ON}),
        ("outcome", {"outcome-outcome": "won", "outcome-on": ON}),
    ]:
        response = coordinator.submit(f"{at}/{path}", data, form_path=at)
        assert response.status_code == 200, (path, data)
        assert "govuk-error-summary" in response.get_data(as_text=True), (path, data)
    assert concern_at(at).stage == Stage.raised
    assert coordinator.post(f"{at}/stage", data={"stage-stage": "acknowledged"}).status_code == 400


def test_members_of_organisations_that_have_not_signed_cannot_raise_one(app, sides):
    factories.user(Role.member, email="unsigned@example.org")
    page = signed_in(app, "unsigned@example.org").get_page("/concerns/new")
    assert page.find(id="not-signatory") is not None and page.find("textarea") is None


def test_the_emails_on_raising_carry_the_link_and_no_details(app, sides):
    at = raise_one(signed_in(app, "raiser@example.org"), sides)
    concern = concern_at(at)
    link = absolute_url("concerns.show", uuid=concern.uuid)
    [told] = emails_to("coordinator@example.org")
    assert told.subject == f"New Accord concern {concern.reference}"
    assert told.body == (
        "A signatory has raised a concern under the Accord's dispute resolution.\n\n"
        f"Open it here (you will need to sign in):\n{link}\n\n"
        "The details are not in this email.\n"
    )
    [received] = emails_to("raiser@example.org")
    assert received.subject == f"Your Accord concern {concern.reference} has been received"
    assert received.body == (
        f"Thank you. The VCS Assembly coordinator will acknowledge concern {concern.reference} "
        "and tell you what happens next.\n\n"
        f"Follow it here (you will need to sign in):\n{link}\n"
    )
    assert told.kind == received.kind == "concern" and link.endswith(at)
