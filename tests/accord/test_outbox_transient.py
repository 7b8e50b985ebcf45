"""Transient messages (a signposting list sent to a resident): delivered like any other, then
nothing of whom they went to or what they said is kept, whatever became of them."""

from __future__ import annotations

from sqlalchemy import select

from accord.extensions import db
from accord.models import OutboxMessage, OutboxStatus, Role
from accord.outbox import queue_email, queue_sms, send_pending
from tests.conftest import NOTIFY_CALLBACK_TOKEN
from tests.emergency import data
from tests.factories import PASSWORD
from tests.fakes.smtp import FakeSMTP, free_port


def test_sent_then_blanked_with_its_html_part(app):
    with FakeSMTP() as smtp:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
        queue_email("ann@example.net", "A list", "Plain", html="<p>Rich</p>", transient=True)
        db.session.commit()
        assert send_pending()["sent"] == 1
    [received] = smtp.inbox.messages
    types = [part.get_content_type() for part in received.walk()]
    assert types == ["multipart/alternative", "text/plain", "text/html"]
    message = db.session.scalar(select(OutboxMessage))
    assert (message.status, message.to, message.body, message.html) == ("sent", "", "", "")
    assert message.subject == "A list"  # the same for everyone: nothing of the resident


def test_refused_or_held_is_blanked_and_never_retried(app, client, make):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT_S=1)
    held = queue_sms("07700 900123", "Body", transient=True)  # no Notify here: held
    refused = queue_email("ann@example.net", "A list", "Body", transient=True)
    refused.attempts = 7  # the next failure is the last
    kept = queue_email("lead@example.org", "Subject", "Body")
    kept.status = OutboxStatus.failed
    db.session.commit()
    assert send_pending() == {"sent": 0, "retrying": 0, "failed": 1, "held": 1}
    assert refused.status == OutboxStatus.failed and (refused.to, refused.body) == ("", "")
    assert refused.last_error == "ConnectionRefusedError"  # the kind of error, no details
    assert held.status == OutboxStatus.held and (held.to, held.body) == ("", "")
    assert kept.to == "lead@example.org"  # an ordinary message keeps its recipient to retry
    make.user(role=Role.admin, email="admin@example.org")
    client.sign_in("admin@example.org", PASSWORD)
    page = client.get_page("/admin/outbox")
    assert page.find("form", action=f"/admin/outbox/{refused.id}/retry") is None
    assert page.find("form", action=f"/admin/outbox/{held.id}/retry") is None
    assert page.find("form", action=f"/admin/outbox/{kept.id}/retry") is not None
    retried = client.submit(f"/admin/outbox/{held.id}/retry", {}, form_path="/admin/outbox")
    assert retried.status_code == 404


def test_a_receipt_for_a_blanked_message_is_recorded_and_marks_no_one(app, client, notify):
    nobody = data.volunteer(phone="07700 900789")
    message = queue_sms("07700 900456", "A list", transient=True)
    db.session.commit()
    assert send_pending()["sent"] == 1 and message.to == ""
    receipt = {"id": message.provider_id, "reference": message.reference}
    answer = client.post(
        "/notify/callback",
        json={**receipt, "status": "permanent-failure", "notification_type": "sms"},
        headers={"Authorization": f"Bearer {NOTIFY_CALLBACK_TOKEN}"},
    )
    assert answer.status_code == 200
    db.session.refresh(message), db.session.refresh(nobody)
    assert message.state == "permanent-failure" and message.to == ""
    assert not nobody.phone_failing and not nobody.email_failing
