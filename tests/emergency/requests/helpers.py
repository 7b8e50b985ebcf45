"""What the request tests share: an incident with a hub run by an organisation, CVEC and the
hub's manager signed in, the raise form's answers, and a request raised through the pages."""

from __future__ import annotations

from sqlalchemy import select

from accord.extensions import db
from accord.models import AuditEvent, Role
from emergency.models import IncidentLog
from emergency.requests.models import HelpRequest
from tests.emergency import data
from tests.emergency.callouts.helpers import cvec  # noqa: F401 - the request tests' too
from tests.factories import PASSWORD


def manager(client, make, organisation, email: str = "manager@example.org"):
    make.user(role=Role.member, organisation=organisation, email=email)
    client.sign_in(email, PASSWORD)
    return client


def scene(make, **incident_fields):
    """An active incident and a hub in Shrewsbury run by an organisation."""
    incident = data.incident(**incident_fields)
    organisation = make.organisation(name="Frankwell Community Trust")
    hub = data.hub(
        location=make.location(name="Frankwell Hall", address="1 Frankwell Quay"),
        organisation=organisation,
    )
    return incident, hub


def answers(hub=None, **different) -> dict:
    values = {
        "kind": "bedding",
        "detail": "blankets",
        "quantity": "20",
        "hub": str(hub.id) if hub else "",
        "place": "",
        "day": ["", "", ""],
        "time": "",
        "public": "yes",
    }
    values.update(different)
    return values


def new_path(incident) -> str:
    return f"/emergency/incidents/{incident.id}/requests/new"


def raise_one(client, incident, hub=None, **different) -> HelpRequest:
    response = client.submit(new_path(incident), answers(hub, **different))
    assert response.status_code == 200, response.get_data(as_text=True)[:3000]
    assert "Request raised" in response.get_data(as_text=True)
    return latest()


def latest() -> HelpRequest:
    db.session.expire_all()
    return db.session.scalars(select(HelpRequest).order_by(HelpRequest.id.desc())).first()


def page_of(help_request: HelpRequest) -> str:
    return f"/emergency/incidents/{help_request.incident_id}/requests/{help_request.id}"


def log_texts(incident) -> list[str]:
    query = select(IncidentLog.text).where(IncidentLog.incident_id == incident.id)
    return list(db.session.scalars(query.order_by(IncidentLog.id)))


def audit_of(help_request: HelpRequest) -> list[AuditEvent]:
    query = select(AuditEvent).where(
        AuditEvent.target_type == "help_request", AuditEvent.target_id == str(help_request.id)
    )
    return list(db.session.scalars(query.order_by(AuditEvent.id)))
