"""CVEC's call-out page: the counts, who answered what (names for CVEC only), and its actions:
deploy everyone coming, follow up those who have not answered, close."""

from __future__ import annotations

from sqlalchemy import select

from accord.extensions import db
from accord.models import OutboxMessage, Role
from emergency.volunteers.models import Deployment
from tests.emergency import data
from tests.emergency.callouts.helpers import (
    cvec,
    link_of,
    messages,
    recipients,
    scene,
    start,
    the_callout,
)
from tests.emergency.volunteers.helpers import log_lines
from tests.factories import PASSWORD


def answered(client, make, **hub_fields):
    """Four volunteers asked: the first says coming, the second can't, the third never
    answers, the fourth's text fails for good."""
    incident, hub = scene(make, **hub_fields)
    people = [
        data.volunteer(name=f"Person {n}", phone=f"07700 90010{n}", email=f"p{n}@example.org")
        for n in range(4)
    ]
    coordinator = cvec(client, make)
    start(coordinator, incident, hub)
    rows = recipients()
    volunteer = client.application.test_client()
    for row, said in zip(rows, ("coming", "cannot"), strict=False):
        volunteer.submit(f"/volunteer/callouts/{row.token}", {"answer": said})
    failed = db.session.get(OutboxMessage, rows[3].message_ids[0])
    failed.delivery = "permanent-failure"
    db.session.commit()
    callout = the_callout()
    return incident, hub, people, coordinator, callout


def base(incident, callout) -> str:
    return f"/emergency/incidents/{incident.id}/callouts/{callout.id}"


def test_the_page_counts_the_answers_and_names_them_for_cvec(client, make):
    incident, _, people, coordinator, callout = answered(client, make)
    page = coordinator.get_page(base(incident, callout))
    counts = [page.find(id=f"count-{n}").text for n in ("coming", "cannot", "no-answer", "failed")]
    assert counts == ["1", "1", "1", "1"]
    table = page.select_one("table").text
    for person in people:
        assert person.name in table
    assert page.find("a", href="tel:07700900100")
    incident_page = coordinator.get_page(f"/emergency/incidents/{incident.id}")
    row = incident_page.find(id="callouts").find_next("table").select("tbody tr")[0]
    assert [td.text for td in row.select("td")][2:] == ["4", "1", "1", "1", "1"]


def test_other_roles_cannot_see_a_call_out(client, make):
    incident, _, _, _, callout = answered(client, make)
    other = client.application.test_client()
    make.user(role=Role.frontline, email="front@example.org")
    other.sign_in("front@example.org", PASSWORD)
    assert other.get(base(incident, callout)).status_code == 403
    assert other.post(f"{base(incident, callout)}/deploy").status_code in (400, 403)
    # Another incident's address for the same call-out is not found.
    elsewhere = data.incident()
    assert client.get(base(elsewhere, callout)).status_code == 404


def test_deploying_sends_those_coming_where_to_go(client, make):
    incident, hub, people, coordinator, callout = answered(client, make)
    at = base(incident, callout)
    response = coordinator.submit(f"{at}/deploy", {}, form_path=at)
    assert response.status_code == 302
    deployed = db.session.scalars(select(Deployment)).all()
    assert [(d.volunteer_id, d.hub_id) for d in deployed] == [(people[0].id, hub.id)]
    sent = messages("callout-deployed")
    assert [(m.channel, m.to) for m in sent] == [("sms", "+447700900100")]
    body = sent[0].body
    assert "Frankwell Hall, Shrewsbury (1 Frankwell Quay, Shrewsbury, SY1 1AA)" in body
    assert "Ask for the person in charge from Frankwell Community Trust" in body
    assert "Pat Keyholder" not in body and "07700 900123" not in body  # key-holders: private
    assert log_lines()[-1].startswith(f"Call-out {callout.id} (Drivers with 4x4s")
    assert log_lines()[-1].endswith(": 1 volunteers deployed")
    # Again: nobody left to deploy, nothing sent twice.
    coordinator.submit(f"{at}/deploy", {}, form_path=at)
    assert len(messages("callout-deployed")) == 1
    db.session.expire_all()
    assert recipients()[0].deployed


def test_follow_up_goes_to_those_who_have_not_answered(client, make):
    incident, _, people, coordinator, callout = answered(client, make)
    at = base(incident, callout)
    coordinator.submit(f"{at}/follow-up", {}, form_path=at)
    sent = messages("callout-follow-up")
    assert [m.to for m in sent] == ["+447700900102", "+447700900103"]
    rows = recipients()
    assert link_of(sent[0]) == f"/volunteer/callouts/{rows[2].token}"
    assert sent[0].body.startswith("Reminder: CVEC emergency call-out")
    assert rows[2].message_ids[-1] == sent[0].id
    assert "follow-up sent to 2 volunteers (2 texts, 0 emails)" in log_lines()[-1]


def test_closing_thanks_those_coming_but_not_deployed(client, make):
    incident, _, people, coordinator, callout = answered(client, make)
    at = base(incident, callout)
    coordinator.submit(f"{at}/close", {}, form_path=at)
    sent = messages("callout-closed")
    assert [m.to for m in sent] == ["+447700900100"]
    assert "We have enough people, thank you" in sent[0].body
    assert "closed; 1 volunteers told they are not needed" in log_lines()[-1]
    page = coordinator.get_page(at)
    assert "This call-out is closed" in page.text
    # Closed: no more actions.
    response = coordinator.submit(
        f"{at}/follow-up", {}, form_path=f"/emergency/incidents/{incident.id}"
    )
    assert response.status_code == 409
    assert "This call-out has been closed" in response.get_data(as_text=True)


def test_closing_after_deploying_thanks_nobody(client, make):
    incident, _, _, coordinator, callout = answered(client, make)
    at = base(incident, callout)
    coordinator.submit(f"{at}/deploy", {}, form_path=at)
    coordinator.submit(f"{at}/close", {}, form_path=at)
    assert messages("callout-closed") == []


def test_a_call_out_to_a_place_deploys_to_a_task(client, make):
    incident, _ = scene(make)
    volunteer = data.volunteer(phone="", email="placed@example.org")
    coordinator = cvec(client, make)
    at = f"/emergency/incidents/{incident.id}/callouts/new"
    from tests.emergency.callouts.helpers import answers

    typed = answers(None, place="Frankwell car park", radius="")
    assert coordinator.submit(at, typed).status_code == 302
    coordinator.submit(f"{at}/check", {})
    row = recipients()[0]
    client.application.test_client().submit(
        f"/volunteer/callouts/{row.token}", {"answer": "coming"}
    )
    callout = the_callout()
    coordinator.submit(f"{base(incident, callout)}/deploy", {}, form_path=base(incident, callout))
    deployment = db.session.scalar(select(Deployment))
    assert deployment.volunteer_id == volunteer.id and deployment.hub_id is None
    assert deployment.task == "Drivers with 4x4s to move sandbags (Frankwell car park)"
    (sent,) = messages("callout-deployed")
    assert sent.to == "placed@example.org" and "Go to Frankwell car park" in sent.body
