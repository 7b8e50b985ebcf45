"""Stopping volunteering: an emailed link, then a button, deletes the volunteer's details."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from accord import clock, links
from accord.extensions import db
from accord.models import OutboxMessage
from emergency.volunteers import deployments, leaving
from emergency.volunteers.models import Deployment, Volunteer
from tests.emergency import data
from tests.emergency.volunteers.helpers import (
    audit_actions,
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


def test_the_leave_email_says_what_it_did_and_links_to_the_public_address(
    app, make_app, still_clock
):
    # `app` too: its teardown empties the tables this test fills.
    other = make_app(PUBLIC_BASE_URL="https://accord.example.org/hub/")
    with other.app_context():
        volunteer = data.volunteer(email="robin@example.org")
        leaving.request_leave(" Robin@EXAMPLE.org ")  # a plain function: no request to read
        db.session.commit()
        message = db.session.scalar(select(OutboxMessage))
        assert (message.to, message.kind) == ("robin@example.org", "volunteer-leave")
        assert message.subject == "Delete your details from Shropshire's emergency volunteers"
        token = leaving.leave_token(volunteer)
        assert message.body == (
            "You asked us to delete your details from the list of emergency volunteers kept by "
            "Shropshire's Community and Voluntary Emergency Cell (CVEC).\n\n"
            "To delete them, open this link within 7 days and confirm:\n"
            f"https://accord.example.org/hub/volunteer/leave/{token}\n\n"
            "If you did not ask for this, ignore this email: nothing will change.\n"
        )
        assert leaving.volunteer_for_leave_token(token) == volunteer
        assert audit_actions() == ["volunteer.leave_requested"]


def test_leave_links_are_signed_for_leaving_only_and_expire(app, monkeypatch):
    volunteer = data.volunteer()
    token = leaving.leave_token(volunteer)
    assert links.read(leaving.LEAVE_PURPOSE, token, leaving.LEAVE_MAX_AGE_S) == {
        "v": volunteer.id,
        "f": leaving._fingerprint(volunteer),
    }
    assert leaving.volunteer_for_leave_token(links.sign("volunteer-change", {"v": 1})) is None
    assert leaving.volunteer_for_leave_token(links.sign("volunteer-leave", {"v": 2**40})) is None
    with monkeypatch.context() as patched:
        eight_days_ago = clock.system_time() - timedelta(days=8)
        patched.setattr(clock, "system_time", lambda: eight_days_ago)
        expired = leaving.leave_token(volunteer)
    assert leaving.volunteer_for_leave_token(expired) is None
    assert leaving.volunteer_for_leave_token(token) == volunteer
