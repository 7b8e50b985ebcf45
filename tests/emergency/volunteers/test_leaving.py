"""Stopping volunteering: an emailed link, then a button, deletes the volunteer's details."""

from __future__ import annotations

from sqlalchemy import func, select

from accord.extensions import db
from accord.models import OutboxMessage
from emergency.volunteers import deployments
from emergency.volunteers.models import Deployment, Volunteer
from tests.emergency import data
from tests.emergency.volunteers.helpers import (
    leave_link,
    log_lines,
)


def test_a_volunteer_can_have_their_details_deleted(client):
    volunteer = data.volunteer(email="robin@example.org")
    incident = data.incident()
    deployments.deploy(volunteer, incident, task="sandbags at Frankwell car park")
    db.session.commit()
    vid = volunteer.id
    client.get_page("/volunteer/leave")
    known = client.submit("/volunteer/leave", {"email": "ROBIN@example.org"})
    unknown = client.submit("/volunteer/leave", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known.location == unknown.location == "/volunteer/leave/sent"
    client.get_page("/volunteer/leave/sent")
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1

    link = leave_link()
    page = client.get_page(link)  # opening the link (a mail scanner might) deletes nothing
    assert "Delete your details?" in page.h1.get_text()
    assert db.session.get(Volunteer, vid) is not None
    response = client.submit(link, {})
    assert response.status_code == 200 and "Your details have been deleted" in response.text
    db.session.expire_all()
    assert db.session.get(Volunteer, vid) is None
    assert db.session.scalar(select(func.count(Deployment.id))) == 0
    assert f"Volunteer V{vid}'s details deleted at their request" in log_lines()
    client.get_page(link, status=404)
    client.get_page("/volunteer/leave/not-a-token", status=404)
