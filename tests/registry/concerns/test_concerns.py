"""Accord concerns over HTTP: raising one, the coordinator moving it through the stages with a
mediator and both sides' statements to an outcome, the public learning page, replays and
double clicks, bad input, and the role matrix (anyone not on the case gets a 404)."""

from __future__ import annotations

import itertools
import logging
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from accord.clock import short_date, today_uk, utcnow
from accord.extensions import db
from accord.models import AuditEvent, OutboxMessage, Role, User
from registry import publish
from registry.concerns import concerns
from registry.concerns.cli import link_for
from registry.concerns.models import Concern, ConcernStep, Mediator, OpenLetter, Stage
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


def test_organisations_are_named_on_the_learning_page_only_when_both_agreed(app, sides):
    at = raise_one(signed_in(app, "raiser@example.org"), sides)
    coordinator = signed_in(app, "coordinator@example.org")
    coordinator.submit(f"{at}/stage", {"stage-stage": "acknowledged", "stage-on": ON}, form_path=at)
    coordinator.submit(
        f"{at}/outcome",
        {
            "outcome-outcome": "partly_resolved",
            "outcome-breach": "no",
            "outcome-summary": "Agreed",
            "outcome-lessons": "Talk early",
            "outcome-names_agreed": "y",
            "outcome-on": ON,
        },
        form_path=at,
    )
    text = app.test_client().get_page("/accord/learning").get_text()
    assert "Oswestry Community Trust and Borderland Council" in text and "Talk early" in text


def test_anonymous_learning_is_not_shown_or_sent_to_the_other_organisation(app, sides):
    at = raise_one(signed_in(app, "raiser@example.org"), sides, permission="anonymous")
    coordinator = signed_in(app, "coordinator@example.org")
    coordinator.submit(f"{at}/stage", {"stage-stage": "acknowledged", "stage-on": ON}, form_path=at)
    assert "Appoint a mediator" not in coordinator.get_page(at).get_text()
    signed_in(app, "council@example.org").get_page(at, status=404)
    assert emails_to("council@example.org") == []


def test_overdue_cases_are_flagged_for_the_coordinator(app, sides):
    at = raise_one(signed_in(app, "raiser@example.org"), sides)
    coordinator = signed_in(app, "coordinator@example.org")
    coordinator.submit(f"{at}/stage", {"stage-stage": "acknowledged", "stage-on": ON}, form_path=at)
    assert "six-week target." not in coordinator.get_page("/concerns/").get_text()
    concern = concern_at(at)
    concern.acknowledged_at -= timedelta(days=43)
    db.session.commit()
    page = coordinator.get_page("/concerns/")
    assert page.find(attrs={"data-count": "overdue"}).get_text() == "1"
    assert "Over six weeks" in page.get_text()
    assert "Over six weeks" in coordinator.get_page(at).get_text()


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


# --- who may see what -----------------------------------------------------------------------

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


@pytest.mark.parametrize("visitor", VISITORS, ids=lambda v: v or "anonymous")
def test_concern_role_matrix(app, sides, visitor, caplog):
    caplog.set_level(logging.DEBUG)
    at = raise_one(signed_in(app, "raiser@example.org"), sides)
    coordinator = signed_in(app, "coordinator@example.org")
    coordinator.submit(f"{at}/stage", {"stage-stage": "acknowledged", "stage-on": ON}, form_path=at)
    alex = db.session.scalar(select(Mediator.id).where(Mediator.name == "Alex Independent"))
    coordinator.submit(
        f"{at}/mediator", {"mediator-mediator": str(alex), "mediator-on": ON}, form_path=at
    )
    client = visitor_client(app, sides, visitor)
    posts = {
        "stage": {"stage-stage": "meeting_held", "stage-on": ON},
        "outcome": {"outcome-outcome": "resolved", "outcome-breach": "no",
                    "outcome-summary": "x", "outcome-on": ON},
        "close": {},
        "statement": {"statement-token": "t" * 20, "statement-statement": "y"},
        "mediator": {"mediator-mediator": str(alex), "mediator-on": ON},
    }  # fmt: skip
    guessed = "/concerns/00000000-0000-4000-8000-000000000000"
    if visitor is None:
        for path in [at, "/concerns/", "/concerns/new", "/concerns/mediators"]:
            assert client.get(path).location.startswith("/sign-in"), path
        assert client.post(f"{at}/stage", data=posts["stage"]).status_code == 400
        assert "Short" not in client.get_page("/accord/learning").get_text()
        return
    token = client.csrf_token("/account")
    client.get_page(guessed, status=404)
    listed = client.get_page("/concerns/").get_text()
    assert (concern_at(at).reference in listed) == (visitor in SEE)
    if visitor in SEE:
        assert HAPPENED in client.get_page(at).get_text()
    else:
        assert HAPPENED not in client.get_page(at, status=404).get_text()
        for path, data in posts.items():
            response = client.post(f"{at}/{path}", data={"csrf_token": token, **data})
            assert response.status_code == 404, path
    if visitor in ("raiser", "raiser-colleague", "concerned", "mediator"):
        for path in ("outcome", "close", "mediator"):
            response = client.post(f"{at}/{path}", data={"csrf_token": token, **posts[path]})
            assert response.status_code == 403, path
    if visitor in ("raiser", "raiser-colleague", "concerned"):
        response = client.post(f"{at}/stage", data={"csrf_token": token, **posts["stage"]})
        assert response.status_code == 403
    if visitor == "mediator":  # sees, but is not a party: no statement
        response = client.post(f"{at}/statement", data={"csrf_token": token, **posts["statement"]})
        assert response.status_code == 403
    assert concern_at(at).stage == Stage.mediator_appointed
    assert HAPPENED not in caplog.text


def test_the_mediator_records_statements_requested_and_the_meeting(app, sides):
    at = raise_one(signed_in(app, "raiser@example.org"), sides)
    coordinator = signed_in(app, "coordinator@example.org")
    coordinator.submit(f"{at}/stage", {"stage-stage": "acknowledged", "stage-on": ON}, form_path=at)
    alex = db.session.scalar(select(Mediator.id).where(Mediator.name == "Alex Independent"))
    coordinator.submit(
        f"{at}/mediator", {"mediator-mediator": str(alex), "mediator-on": ON}, form_path=at
    )
    mediator = signed_in(app, "mediator@example.org")
    page = mediator.get_page(at)
    offered = [i["value"] for i in page.find_all("input", attrs={"name": "stage-stage"})]
    assert offered == ["statements_requested", "meeting_held"]
    acknowledged = mediator.submit(
        f"{at}/stage", {"stage-stage": "acknowledged", "stage-on": ON}, form_path=at
    )
    assert acknowledged.status_code == 200  # not one of the mediator's choices
    held = {"stage-stage": "meeting_held", "stage-on": ON}
    assert mediator.submit(f"{at}/stage", held, form_path=at).location == at
    concern = concern_at(at)
    assert concern.stage == Stage.meeting_held and concern.steps[-1].party == "mediator"
    assert "recorded by the mediator" in mediator.get_page(at).get_text()
    assert mediator.submit(f"{at}/outcome", {}, form_path=at).status_code == 403


def test_the_annual_review_counts_concerns_without_naming_them(app, sides):
    raise_one(signed_in(app, "raiser@example.org"), sides)
    concern = db.session.scalar(select(Concern))
    concern.acknowledged_at = datetime(TODAY.year, 1, 5)
    concern.outcome_recorded_at = datetime(TODAY.year, 1, 25)
    concern.outcome = "resolved"
    db.session.commit()
    page = app.test_client().get_page(f"/accord/review/{TODAY.year}")
    text = " ".join(page.get_text().split())
    assert "Concerns and dispute resolution" in text
    assert "Self-assessment by theme" in text
    csv = app.test_client().get(f"/accord/review/{TODAY.year}.csv").get_data(as_text=True)
    assert "Concerns raised,1" in csv and "Outcome: Resolved,1" in csv
    assert "Outcome within six weeks of acknowledgement,1" in csv
    assert "Median days from acknowledgement to outcome,20" in csv
    assert "Borderland" not in text + csv and "Oswestry" not in text + csv


# --- overdue cases are emailed once ---------------------------------------------------------


def flag(app) -> str:
    result = app.test_cli_runner().invoke(args=["concerns", "flag-overdue"])
    assert result.exit_code == 0, result.output
    return result.output


def late_emails() -> list[OutboxMessage]:
    return db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.subject.contains("six-week target"))
        .order_by(OutboxMessage.to)
    ).all()


def test_an_overdue_concern_is_emailed_once_with_no_details(app, sides):
    at = raise_one(signed_in(app, "raiser@example.org"), sides)
    coordinator = signed_in(app, "coordinator@example.org")
    coordinator.submit(f"{at}/stage", {"stage-stage": "acknowledged", "stage-on": ON}, form_path=at)
    alex = db.session.scalar(select(Mediator.id).where(Mediator.name == "Alex Independent"))
    coordinator.submit(
        f"{at}/mediator", {"mediator-mediator": str(alex), "mediator-on": ON}, form_path=at
    )
    assert flag(app).strip() == "overdue concerns flagged: 0"  # within six weeks
    concern = concern_at(at)
    concern.acknowledged_at -= timedelta(days=43)
    db.session.commit()

    assert flag(app).strip() == "overdue concerns flagged: 1"
    told = late_emails()
    assert [m.to for m in told] == ["coordinator@example.org", "mediator@example.org"]
    due = f"{concern.acknowledged_at + concerns.TARGET:%d %B %Y}"
    for message in told:
        assert concern.reference in message.subject
        assert f"target passed on {due}" in message.body
        assert link_for(concern) in message.body and link_for(concern).endswith(at)
        for detail in (HAPPENED, "Borderland", "Oswestry", "12 weeks' notice", "commissioning"):
            assert detail not in message.subject + message.body
    assert concern_at(at).overdue_flagged_at is not None
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "concern.overdue"))
    assert event.target_id == str(concern.id) and event.details == {}

    assert flag(app).strip() == "overdue concerns flagged: 0"  # twice: still one email each
    assert len(late_emails()) == 2


def test_only_open_acknowledged_cases_past_six_weeks_are_flagged(app, sides):
    raiser = signed_in(app, "raiser@example.org")
    never, closed, late, fresh = (concern_at(raise_one(raiser, sides)) for _ in range(4))
    now = utcnow()
    never.raised_at = now - timedelta(days=100)  # not acknowledged: no target yet
    closed.acknowledged_at = now - timedelta(days=60)
    closed.stage = Stage.outcome_recorded
    late.acknowledged_at = now - timedelta(days=50)
    late.stage = Stage.meeting_held
    fresh.acknowledged_at = now - timedelta(days=41)
    fresh.stage = Stage.acknowledged
    db.session.commit()
    links = []
    assert concerns.flag_overdue(lambda c: links.append(c.reference) or "L", now=now) == 1
    db.session.commit()
    assert set(links) == {late.reference}
    assert [c.reference for c in db.session.scalars(select(Concern)) if c.overdue_flagged_at] == [
        late.reference
    ]
    later = now + timedelta(days=2)  # fresh passes its target now; late is not told again
    assert concerns.flag_overdue(lambda c: "L", now=later) == 1
    assert fresh.overdue_flagged_at is not None


# --- repeated breaches and the open letter (step 7) -----------------------------------------

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


STEP_7 = "the VCS Assembly may choose to highlight concerns publicly through an open letter"


def test_repeated_breaches_are_listed_for_the_coordinator_with_step_7(app, repeated):
    council, charity = repeated["council"], repeated["charity"]
    page = signed_in(app, "coordinator@example.org").get_page("/concerns/")
    section = page.find(id="repeated-breaches").find_parent()
    text = " ".join(section.get_text().split())
    assert STEP_7 in text and "all other options and opportunities have been exhausted" in text
    counts = {cell["data-breaches"]: cell.get_text() for cell in page.select("[data-breaches]")}
    assert counts == {charity.slug: "3", council.slug: "2"}  # most first; Marches has one
    assert [c["data-breaches"] for c in page.select("[data-breaches]")] == [
        charity.slug,
        council.slug,
    ]
    letters = [a["href"] for a in page.select("a[href^='/concerns/open-letters/']")]
    assert letters == [f"/concerns/open-letters/{council.id}"]  # the charity is not public
    assert "Not public sector" in text
    assert [r.organisation.name for r in concerns.repeated_breaches()] == [
        "Wem Friends",
        "Borderland Council",
    ]
    for email in ("raiser@example.org", "council@example.org"):
        shown = signed_in(app, email).get_page("/concerns/")
        assert shown.find(id="repeated-breaches") is None and STEP_7 not in shown.get_text()


def test_an_open_letter_is_recorded_once_by_the_coordinator(app, repeated):
    council, charity = repeated["council"], repeated["charity"]
    path = f"/concerns/open-letters/{council.id}"
    coordinator = signed_in(app, "coordinator@example.org")
    form = coordinator.get_page(path)
    assert len(form.find_all("h1")) == 1 and "Borderland Council" in form.get_text()
    url_box = form.find("input", attrs={"name": "url"})
    assert form.find("label", attrs={"for": url_box["id"]}).get_text(strip=True) == (
        "Web address of the letter"
    )
    assert form.find("legend").get_text(strip=True) == "Date published"
    assert len(form.find_all("input", attrs={"name": "published_on"})) == 3
    url = "https://vcsassembly.example.org/open-letter-2026"
    good = {"published_on": ON, "url": url}
    future = [str(TODAY.day), str(TODAY.month), str(TODAY.year + 1)]
    for changes, message in [
        ({"url": ""}, "Enter the web address of the letter"),
        ({"url": "http://vcsassembly.example.org/letter"}, "starting https://"),
        ({"url": "javascript:alert(1)"}, "starting https://"),
        ({"url": "https://localhost/letter"}, "starting https://"),
        ({"url": 'https://example.org/"><script>'}, "starting https://"),
        ({"url": "https://example.org:99999/"}, "starting https://"),
        ({"url": "https://" + "a" * 500 + ".org"}, "500 characters or fewer"),
        ({"url": "\x00"}, "Enter the web address of the letter"),
        ({"published_on": ["31", "2", "2026"]}, "real date"),
        ({"published_on": future}, "today or in the past"),
        ({"published_on": ["", "", ""]}, "Enter the date"),
    ]:
        response = coordinator.submit(path, {**good, **changes})
        body = response.get_data(as_text=True)
        assert response.status_code == 200 and "govuk-error-summary" in body, changes
        assert message in body, changes
    assert db.session.scalar(select(func.count()).select_from(OpenLetter)) == 0
    assert coordinator.post(path, data=good).status_code == 400  # no CSRF

    first = coordinator.submit(path, good)
    assert first.status_code == 302 and first.location == "/concerns/#repeated-breaches"
    again = coordinator.submit(path, good, follow_redirects=True)
    assert "already recorded" in again.get_data(as_text=True)
    [letter] = db.session.scalars(select(OpenLetter)).all()
    assert (letter.organisation_id, letter.published_on, letter.url) == (council.id, TODAY, url)
    [event] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "open_letter.recorded")
    )
    assert event.details == {"organisation_id": council.id} and url not in str(event.details)

    page = coordinator.get_page("/concerns/")
    shown = page.find("a", href=url)
    assert shown is not None and shown.get_text() == url
    row = " ".join(shown.find_parent("tr").get_text().split())
    assert short_date(TODAY) in row and "Borderland Council" in row

    # Only a public-sector organisation with repeated breaches: others are a 404.
    for other in (charity.id, repeated["other"].id, 987654):
        coordinator.get_page(f"/concerns/open-letters/{other}", status=404)
        token = coordinator.csrf_token("/account")
        response = coordinator.post(
            f"/concerns/open-letters/{other}", data={"csrf_token": token, **good}
        )
        assert response.status_code == 404
    assert db.session.scalar(select(func.count()).select_from(OpenLetter)) == 1


@pytest.mark.parametrize("visitor", VISITORS, ids=lambda v: v or "anonymous")
def test_open_letter_role_matrix(app, repeated, visitor):
    path = f"/concerns/open-letters/{repeated['council'].id}"
    data = {"published_on": ON, "url": "https://example.org/letter"}
    client = visitor_client(app, repeated, visitor)
    if visitor is None:
        assert client.get(path).location.startswith("/sign-in")
        return
    token = client.csrf_token("/account")
    allowed = visitor == Role.coordinator  # not the administrator: the Assembly decides
    assert client.get(path).status_code == (200 if allowed else 403)
    response = client.post(path, data={"csrf_token": token, **data})
    assert response.status_code == (302 if allowed else 403)
    recorded = db.session.scalar(select(func.count()).select_from(OpenLetter))
    assert recorded == (1 if allowed else 0)


def test_the_same_letter_recorded_at_the_same_moment_is_one_row(app, repeated, monkeypatch):
    council = repeated["council"]
    coordinator = db.session.scalar(select(User).where(User.email == "coordinator@example.org"))
    url = "https://example.org/letter"
    first, created = concerns.record_open_letter(council, TODAY, url, coordinator)
    db.session.commit()
    assert created
    # The other coordinator's check ran before this row was committed: the insert then
    # meets the unique constraint, and they are given the first row.
    looked = []
    real = db.session.scalar

    def missed_once(statement):
        looked.append(statement)
        return None if len(looked) == 1 else real(statement)

    monkeypatch.setattr(db.session, "scalar", missed_once)
    again, created = concerns.record_open_letter(council, TODAY, url, coordinator)
    monkeypatch.undo()
    db.session.commit()
    assert not created and again.id == first.id
    assert db.session.scalar(select(func.count()).select_from(OpenLetter)) == 1
    events = select(func.count()).where(AuditEvent.action == "open_letter.recorded")
    assert db.session.scalar(events) == 1
