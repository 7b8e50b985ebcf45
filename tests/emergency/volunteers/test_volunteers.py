"""Emergency volunteers as a whole: who may see what, and personal details kept off public
pages, logs and the audit. (ANSWERS is imported from here by the security tests.)"""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from accord import outbox
from accord.extensions import db
from accord.models import AuditEvent, Role
from emergency.volunteers import changes, deployments
from emergency.volunteers.models import Deployment, Volunteer
from tests.emergency import data
from tests.emergency.volunteers.helpers import (
    ANSWERS,
    answers,
    change_messages,
    link_in,
    log_lines,
    sign_up_again,
    signed_in,
    snapshot,
)

# --- who may see what ------------------------------------------------------------------------

PUBLIC = ["/volunteer", "/volunteer/thanks", "/volunteer/privacy", "/volunteer/leave"]
VISITORS = [None, Role.member, Role.frontline, Role.coordinator, Role.cvec, Role.admin]


@pytest.mark.parametrize("visitor", VISITORS, ids=lambda v: v or "anonymous")
def test_role_matrix(client, make, visitor):
    volunteer = data.volunteer()
    deployment = deployments.deploy(volunteer, data.incident(), task="Drive")
    db.session.commit()
    vid = volunteer.id
    base = f"/emergency/volunteers/{vid}"
    gets = ["/emergency/volunteers", base, base + "/delete"]
    posts = [
        "/emergency/volunteers/find",
        base + "/deploy",
        f"{base}/deployments/{deployment.id}/check-in",
        f"{base}/deployments/{deployment.id}/check-out",
        base + "/active",
        base + "/delete",
    ]
    if visitor is not None:
        signed_in(client, make, visitor)
    for path in PUBLIC:
        client.get_page(path)
    allowed = visitor in (Role.cvec, Role.admin)
    token = client.csrf_token("/volunteer")
    for path in gets:
        if visitor is None:
            response = client.get(path)
            assert response.status_code == 302 and response.location.startswith("/sign-in")
        elif allowed:
            client.get_page(path)
        else:
            page = client.get_page(path, status=403)
            assert "You do not have permission" in page.h1.get_text()
    for path in posts:
        response = client.post(path, data={"csrf_token": token})
        if visitor is None:
            assert response.status_code == 302 and response.location.startswith("/sign-in")
        elif not allowed:
            assert response.status_code == 403
    db.session.expire_all()
    assert (db.session.get(Volunteer, vid) is None) == allowed


def test_personal_details_stay_off_public_pages_logs_and_the_audit(client, make, caplog):
    caplog.set_level(logging.DEBUG)
    client.submit("/volunteer", answers())
    client.get_page("/volunteer/thanks")
    volunteer = db.session.scalar(select(Volunteer))
    # Changing them: the email asking to confirm (sent through the log transport), the link
    # opened and confirmed, and more asks than a day allows (refused in the log, by number).
    for _ in range(changes.CHANGE_EMAILS_PER_DAY + 1):
        sign_up_again(client, name="Robin Newname", phone="07700 900555")
        client.get_page("/volunteer/thanks")
    # The first sign-up's link to confirm the address, then the change emails a day allows.
    assert outbox.send_pending()["sent"] == 1 + changes.CHANGE_EMAILS_PER_DAY
    link = link_in(change_messages()[0])
    client.get_page(link)
    client.submit(link, {})
    assert snapshot(volunteer)["phone"] == "07700 900555"
    assert "no change email" in caplog.text
    incident = data.incident()
    hub = data.hub()
    staff = signed_in(client.application.test_client(), make)
    path = f"/emergency/volunteers/{volunteer.id}"
    staff.submit(
        path + "/deploy",
        {"incident": str(incident.id), "hub": str(hub.id)},
        form_path=path,
    )
    deployment = db.session.scalar(select(Deployment))
    staff.submit(f"{path}/deployments/{deployment.id}/check-in", {}, form_path=path)
    staff.submit(f"{path}/deployments/{deployment.id}/check-out", {}, form_path=path)
    staff.submit(path + "/active", {"active": "no"}, form_path=path)
    staff.get_page(f"/emergency/volunteers?place={ANSWERS['postcode']}")
    staff.submit("/emergency/volunteers/find", {"who": "robin"}, form_path="/emergency/volunteers")
    client.submit("/volunteer/leave", {"email": ANSWERS["email"]})
    staff.submit(path + "/delete", {})

    private = ("Robin", "Helper", "Newname", "robin.helper", "07700 900982", "900982", "SY3 8HQ")
    private += ("07700 900555", "555123", "SY8 1AA")
    public = [*PUBLIC, "/volunteer/leave/sent", "/help", "/"]
    texts = [client.get(p).get_data(as_text=True) for p in public]
    audit = [
        f"{e.action} {e.target_id} {e.details}" for e in db.session.scalars(select(AuditEvent))
    ]
    for where, text in [("log", caplog.text), ("audit", " ".join(audit))] + list(
        zip(public, texts, strict=True)
    ):
        for value in private:
            assert value.lower() not in text.lower(), (where, value)
    for line in log_lines():
        assert "Volunteer V" in line
        for value in private:
            assert value.lower() not in line.lower()
