"""What the call-out tests share: an incident with a hub, volunteers near it, the form's
answers, and a call-out sent through the pages."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from accord.clock import today_uk
from accord.extensions import db
from accord.models import OutboxMessage, Role
from emergency.callouts.models import Callout, CalloutRecipient
from tests.emergency import data
from tests.factories import PASSWORD


def cvec(client, make, email: str = "cvec@example.org"):
    make.user(role=Role.cvec, email=email)
    client.sign_in(email, PASSWORD)
    return client


def scene(make, **hub_fields):
    """An active incident and a hub in Shrewsbury run by an organisation."""
    incident = data.incident()
    organisation = make.organisation(name="Frankwell Community Trust")
    hub = data.hub(
        location=make.location(name="Frankwell Hall", address="1 Frankwell Quay"),
        organisation=organisation,
        **hub_fields,
    )
    return incident, hub


def answers(hub=None, **different) -> dict:
    day = today_uk() + timedelta(days=1)
    values = {
        "need": "Drivers with 4x4s to move sandbags",
        "hub": str(hub.id) if hub else "",
        "place": "",
        "day": [str(day.day), str(day.month), str(day.year)],
        "starts": "2pm",
        "ends": "6pm",
        "people": "3",
        "radius": "10",
    }
    values.update(different)
    return values


def start(client, incident, hub, **different):
    """The form, then the check page's button: returns the check page's response."""
    at = f"/emergency/incidents/{incident.id}/callouts/new"
    response = client.submit(at, answers(hub, **different))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return client.submit(f"{at}/check", {})


def messages(kind: str | None = None) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(query))


def the_callout() -> Callout:
    db.session.expire_all()
    return db.session.scalars(select(Callout).order_by(Callout.id.desc())).first()


def recipients() -> list[CalloutRecipient]:
    return list(db.session.scalars(select(CalloutRecipient).order_by(CalloutRecipient.id)))


def link_of(message: OutboxMessage) -> str:
    return "/volunteer/callouts/" + message.body.split("/volunteer/callouts/", 1)[1].split()[0]
