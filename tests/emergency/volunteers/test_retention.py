"""Deleting volunteers: by CVEC at their request, and when their retention ends."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from accord.clock import today_uk
from accord.extensions import db
from accord.models import AuditEvent
from emergency.volunteers import deployments, retention
from emergency.volunteers.cli import purge_volunteers
from emergency.volunteers.models import Deployment, Volunteer
from tests.emergency import data
from tests.emergency.volunteers.helpers import (
    audit_actions,
    signed_in,
)


def test_cvec_deletes_a_volunteer_on_request(client, make):
    volunteer = data.volunteer(name="Eve Erased")
    deployments.deploy(volunteer, data.incident(), task="Drive")
    db.session.commit()
    vid = volunteer.id
    signed_in(client, make)
    page = client.get_page(f"/emergency/volunteers/{vid}/delete")
    assert "Eve Erased" in page.get_text()
    response = client.submit(f"/emergency/volunteers/{vid}/delete", {})
    assert response.status_code == 302 and response.location == "/emergency/volunteers"
    db.session.expire_all()
    assert db.session.get(Volunteer, vid) is None
    assert db.session.scalar(select(func.count(Deployment.id))) == 0
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "volunteer.deleted"))
    assert event.target_id == str(vid) and event.details == {"deployments": 1, "by": "cvec"}
    assert (
        f"Volunteer V{vid}'s details have been deleted."
        in client.get_page("/emergency/volunteers").get_text()
    )


def test_purge_deletes_volunteers_past_their_retention(app):
    today = today_uk()
    kept = data.volunteer(retain_until=today)
    gone = data.volunteer(retain_until=today - timedelta(days=1))
    deployments.deploy(gone, data.incident(), task="Drive")
    db.session.commit()
    result = app.test_cli_runner().invoke(purge_volunteers)
    assert result.exit_code == 0, result.output
    assert "Deleted 1 volunteer past their retention date" in result.output
    db.session.expire_all()
    assert [v.id for v in db.session.scalars(select(Volunteer))] == [kept.id]
    assert db.session.scalar(select(func.count(Deployment.id))) == 0
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "volunteer.purged"))
    assert event.details["count"] == 1
    assert retention.purge(today) == 0
    assert audit_actions().count("volunteer.purged") == 1
