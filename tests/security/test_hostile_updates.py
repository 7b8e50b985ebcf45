"""The sweep for incident updates: hostile strings through the update form and its check page;
wherever the message shows (the check page, the incident page's log) it is escaped."""

from __future__ import annotations

from sqlalchemy import select

from accord.extensions import db
from accord.models import OutboxMessage, Role
from emergency.networks.models import NetworkActivation
from tests import hostile
from tests.emergency import data
from tests.security.test_hostile_forms import checked, clean, rounds, sign_in, submit
from tests.security.test_hostile_rest import LONG, ODD


def test_update_form_and_check(app, client, make):
    cvec = sign_in(app.test_client(), make, Role.cvec)
    incident = data.incident()
    network = data.network()
    db.session.add(NetworkActivation(incident_id=incident.id, network_id=network.id))
    db.session.commit()
    new = f"/emergency/incidents/{incident.id}/updates/new"
    check = f"/emergency/incidents/{incident.id}/updates/check"
    for texts in rounds(["message", "to"]):
        clean(submit(cvec, new, texts), "new")
    for text in ODD:
        clean(submit(cvec, new, {"message": "Hall full", "to": text}), "new to")
    for text in (LONG, hostile.NUL):
        clean(submit(cvec, new, {"message": text, "to": "networks"}), "new long")
    # A script in the message is taken (it holds no contact details), shown escaped.
    message = hostile.SCRIPTS[1]
    assert submit(cvec, new, {"message": message, "to": "networks"}).status_code == 302
    checked(cvec, [check], shows=("__pwned",))
    for text in ODD:
        clean(submit(cvec, check, {"submit": text}, form_path=new), "check")
    assert db.session.scalars(select(OutboxMessage)).all()
    checked(cvec, [f"/emergency/incidents/{incident.id}"], shows=("__pwned",))
