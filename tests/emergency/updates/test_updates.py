"""Updates to networks and hubs: who they reach (active networks, hub organisations' active
members), deduplicated; texts only where a mobile is known; the log and audit hold counts and
the message, never an address; the form's errors; CVEC only."""

from __future__ import annotations

from sqlalchemy import select

from accord.extensions import db
from accord.models import AuditEvent, OutboxMessage, Role
from emergency.networks.models import NetworkActivation, Review
from emergency.updates import updates
from tests.emergency import data
from tests.emergency.callouts.helpers import cvec, messages
from tests.emergency.volunteers.helpers import log_lines
from tests.factories import PASSWORD

MESSAGE = "Castlefields is full: send people to Harlescott"


def active(incident, **fields):
    network = data.network(**fields)
    db.session.add(NetworkActivation(incident_id=incident.id, network_id=network.id))
    db.session.commit()
    return network


def scene(make):
    """An incident; two active networks (one with a mobile), one not active, one not
    published; a hub near it run by an organisation with two active members, an inactive one
    and a member of another organisation; and a hub far away."""
    incident = data.incident()
    active(incident, private_contact="Sam Organiser, sam@example.org, 07700 900456")
    active(incident, private_contact="Pat, pat@example.org, landline 01743 123456")
    data.network(private_contact="idle@example.org, 07700 900111")
    pending = active(incident, private_contact="new@example.org", review=Review.pending)
    assert pending.review != Review.published
    trust = make.organisation(name="Frankwell Community Trust")
    data.hub(location=make.location(name="Frankwell Hall"), organisation=trust)
    for email in ("ann@example.org", "bob@example.org"):
        make.user(role=Role.member, organisation=trust, email=email)
    make.user(role=Role.member, organisation=trust, email="gone@example.org", active=False)
    make.user(role=Role.member, email="other@example.org")
    far = make.organisation(name="Far Away Trust")
    data.hub(
        location=make.location(name="Oswestry Hall", latitude=52.86, longitude=-3.05),
        organisation=far,
    )
    make.user(role=Role.member, organisation=far, email="far@example.org")
    return incident


def at(incident) -> str:
    return f"/emergency/incidents/{incident.id}/updates/new"


def send(client, incident, to=(updates.NETWORKS, updates.HUBS), message=MESSAGE):
    response = client.submit(at(incident), {"message": message, "to": list(to)})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return client.submit(f"/emergency/incidents/{incident.id}/updates/check", {})


def test_an_update_reaches_active_networks_and_hub_members(client, make):
    incident = scene(make)
    client = cvec(client, make)
    check = client.get(f"/emergency/incidents/{incident.id}/updates/check")
    assert check.status_code == 302  # nothing typed yet
    client.submit(at(incident), {"message": MESSAGE, "to": ["networks", "hubs"]})
    page = client.get(f"/emergency/incidents/{incident.id}/updates/check").get_data(as_text=True)
    assert MESSAGE in page and "2 mutual-aid networks" in page
    assert "1 organisation running hubs" in page and "4 emails and 1 text message" in page
    response = send(client, incident)
    assert response.status_code == 200 and "Update sent" in response.get_data(as_text=True)
    sent = messages(updates.KIND)
    assert sorted(m.to for m in sent if m.channel == "email") == [
        "ann@example.org",
        "bob@example.org",
        "pat@example.org",
        "sam@example.org",
    ]
    assert [m.to for m in sent if m.channel == "sms"] == ["+447700900456"]
    email = next(m for m in sent if m.channel == "email")
    assert email.subject == f"Update from CVEC: {incident.name}" and MESSAGE in email.body
    assert next(m for m in sent if m.channel == "sms").body.endswith(MESSAGE)


def test_the_log_and_audit_hold_counts_never_addresses(client, make):
    incident = scene(make)
    send(cvec(client, make), incident)
    assert log_lines()[-1] == (
        f"Update sent to 2 networks and 1 organisations (4 emails, 1 texts): {MESSAGE}"
    )
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "incident.update_sent")
    ).one()
    assert event.details == {"networks": 2, "organisations": 1, "emails": 4, "texts": 1}
    said = " ".join(log_lines()) + str(event.details)
    for personal in ("@", "07700", "+447700"):
        assert personal not in said


def test_addresses_are_sent_to_once(client, make):
    incident = data.incident()
    active(incident, private_contact="Sam, sam@example.org, 07700 900456")
    active(incident, private_contact="SAM@example.org, 07700900456")
    trust = make.organisation()
    data.hub(location=make.location(name="Frankwell Hall"), organisation=trust)
    make.user(role=Role.member, organisation=trust, email="sam@example.org")
    send(cvec(client, make), incident)
    sent = messages(updates.KIND)
    assert [(m.channel, m.to) for m in sent] == [
        ("email", "sam@example.org"),
        ("sms", "+447700900456"),
    ]


def test_no_text_without_a_mobile_and_only_the_chosen_recipients(client, make):
    incident = scene(make)
    send(cvec(client, make), incident, to=["hubs"])
    sent = messages(updates.KIND)
    assert {m.channel for m in sent} == {"email"}
    assert sorted(m.to for m in sent) == ["ann@example.org", "bob@example.org"]


def test_nobody_to_reach_offers_no_button(client, make):
    incident = data.incident()
    client = cvec(client, make)
    client.submit(at(incident), {"message": MESSAGE, "to": ["networks"]})
    check = f"/emergency/incidents/{incident.id}/updates/check"
    page = client.get(check).get_data(as_text=True)
    assert "No one can be sent this update" in page and "Send update" not in page
    assert client.submit(check, {}).status_code == 400
    assert db.session.scalars(select(OutboxMessage)).all() == []


def test_form_errors_keep_what_was_typed(client, make):
    incident = data.incident()
    client = cvec(client, make)
    cases = [
        ({"message": "", "to": ["hubs"]}, "Enter the message"),
        ({"message": "x" * 601, "to": ["hubs"]}, "600 characters or fewer"),
        ({"message": "Ring Mrs Smith on 07700 900123", "to": ["hubs"]}, "Remove the phone"),
        ({"message": "Write to jo@example.org", "to": ["hubs"]}, "Remove the phone"),
        ({"message": "Hall full", "to": []}, "Choose who to send the update to"),
        ({"message": "Hall full", "to": ["everyone"]}, "from the list"),
    ]
    for answers, error in cases:
        response = client.submit(at(incident), answers)
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and "There is a problem" in page, answers
        assert error in page, answers
    page = client.submit(at(incident), {"message": "Hall full", "to": []}).get_data(as_text=True)
    assert "Hall full" in page


def test_change_from_the_check_page_keeps_the_answers(client, make):
    incident = scene(make)
    client = cvec(client, make)
    client.submit(at(incident), {"message": MESSAGE, "to": ["hubs"]})
    page = client.get(at(incident)).get_data(as_text=True)
    assert MESSAGE in page and 'value="hubs" checked' in page


def test_only_cvec_sends_updates(client, make):
    incident = scene(make)
    make.user(role=Role.member, email="member@example.org")
    client.sign_in("member@example.org", PASSWORD)
    assert client.get(at(incident)).status_code == 403
    response = client.post(at(incident), data={"message": MESSAGE, "to": ["hubs"]})
    assert response.status_code in (400, 403)
    assert messages(updates.KIND) == []


def test_the_incident_page_links_to_updates(client, make):
    incident = data.incident()
    page = cvec(client, make).get(f"/emergency/incidents/{incident.id}").get_data(as_text=True)
    assert f'href="{at(incident)}"' in page and "Send an update to networks and hubs" in page
