"""Every email is an OutboxMessage first; the sender delivers, retries and never loses one."""

import json
import socket
import time
from datetime import datetime, timedelta

from sqlalchemy import insert, select

from accord.extensions import db
from accord.models import OutboxMessage, OutboxStatus, Role, utcnow
from accord.outbox import MAX_ATTEMPTS, queue_email, send_pending
from tests.factories import PASSWORD
from tests.fakes.smtp import FakeSMTP, free_port


def test_queue_email_writes_a_row_and_strips_header_injection(app):
    queue_email("a@example.org\r\nBcc: x@evil.example", "Hello\nBcc: y@evil.example", "Body")
    db.session.commit()
    message = db.session.scalar(select(OutboxMessage))
    assert message.status == OutboxStatus.pending
    assert "\n" not in message.to and "\n" not in message.subject


def test_without_a_mail_server_messages_go_to_the_log_without_personal_data(app, caplog):
    caplog.set_level("INFO", logger="accord.outbox")
    queue_email("resident@example.org", "Your link", "secret-token-123", kind="test")
    db.session.commit()
    assert send_pending() == {"sent": 1, "retrying": 0, "failed": 0, "held": 0}
    assert db.session.scalar(select(OutboxMessage.status)) == OutboxStatus.sent
    assert "delivered to the log transport" in caplog.text
    assert "resident@example.org" not in caplog.text and "secret-token-123" not in caplog.text


def test_smtp_delivery_to_a_real_server(app):
    with FakeSMTP() as smtp:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
        queue_email("lead@example.org", "Outcome of your sign-up", "It was approved.")
        db.session.commit()
        assert send_pending()["sent"] == 1
    [received] = smtp.inbox.messages
    assert received["To"] == "lead@example.org"
    assert received["Subject"] == "Outcome of your sign-up"
    assert "It was approved." in received.get_payload()
    message = db.session.scalar(select(OutboxMessage))
    assert message.status == OutboxStatus.sent and message.sent_at is not None


def test_a_failure_is_retried_later_then_delivered(app):
    port = free_port()  # nothing listens here yet
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT_S=1)
    queue_email("lead@example.org", "Subject", "Body")
    db.session.commit()
    assert send_pending() == {"sent": 0, "retrying": 1, "failed": 0, "held": 0}
    message = db.session.scalar(select(OutboxMessage))
    assert message.status == OutboxStatus.pending and message.attempts == 1
    assert message.last_error.startswith("ConnectionRefusedError")
    assert message.next_attempt_at > utcnow()
    # Not due yet: nothing is tried.
    assert send_pending() == {"sent": 0, "retrying": 0, "failed": 0, "held": 0}

    message.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    with FakeSMTP(port) as smtp:
        assert send_pending()["sent"] == 1
    assert len(smtp.inbox.messages) == 1


def test_a_silent_mail_server_costs_one_timeout_per_run_not_one_per_message(app):
    # A real listening socket that never says hello: SMTP's greeting times out.
    with socket.create_server(("127.0.0.1", 0)) as silent:
        port = silent.getsockname()[1]
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT_S=0.5)
        for n in range(3):
            queue_email(f"lead{n}@example.org", "Subject", "Body")
        db.session.commit()
        started = time.monotonic()
        assert send_pending() == {"sent": 0, "retrying": 1, "failed": 0, "held": 0}
        assert time.monotonic() - started < 1.4
    first, *rest = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
    assert first.attempts == 1 and "timed out" in first.last_error
    # The others were not tried: still due, no attempt spent on the server's fault.
    assert [(m.status, m.attempts) for m in rest] == [(OutboxStatus.pending, 0)] * 2
    first.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    with FakeSMTP(port) as smtp:
        assert send_pending()["sent"] == 3
    assert len(smtp.inbox.messages) == 3


def test_after_the_last_attempt_a_message_waits_for_an_admin(app):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT_S=1)
    queue_email("lead@example.org", "Subject", "Body")
    db.session.commit()
    message = db.session.scalar(select(OutboxMessage))
    message.attempts = MAX_ATTEMPTS - 1
    db.session.commit()
    assert send_pending()["failed"] == 1
    db.session.refresh(message)
    assert message.status == OutboxStatus.failed  # kept, not deleted


def test_the_admin_outbox_shows_uk_times_and_retries_a_failed_message(client, make):
    make.user(role=Role.admin, email="admin@example.org")
    message = queue_email("lead@example.org", "Your link", "Body")
    message.status = OutboxStatus.failed
    message.created_at = datetime(2026, 7, 3, 14, 5)  # naive UTC: 3:05pm in Shrewsbury (BST)
    db.session.commit()
    client.sign_in("admin@example.org", PASSWORD)
    page = client.get_page("/admin/outbox")
    row = " ".join(page.find("tbody").find("tr").get_text().split())
    assert row.startswith("3 Jul 2026 3:05pm l•••@example.org Your link Email Failed")
    form = page.find("form", action=f"/admin/outbox/{message.id}/retry")
    assert form.find("input", attrs={"name": "csrf_token"})["value"]
    response = client.submit(f"/admin/outbox/{message.id}/retry", {}, form_path="/admin/outbox")
    assert response.status_code == 302
    db.session.refresh(message)
    assert message.status == OutboxStatus.pending


def test_outbox_list_cli(app):
    queue_email("lead@example.org", "Confirm your sign-up", "Open /accord/sign/confirm/abc")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["outbox", "list", "--json"])
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.output)
    assert row["to"] == "lead@example.org"
    assert row["subject"] == "Confirm your sign-up"
    assert "/accord/sign/confirm/abc" in row["body"]
    assert row["status"] == "pending"

    text = app.test_cli_runner().invoke(args=["outbox", "list"]).output
    assert "Confirm your sign-up" in text


def test_outbox_send_cli(app):
    queue_email("lead@example.org", "Subject", "Body")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0 and "1 sent" in result.output


def test_outbox_list_never_sends_control_characters_to_the_terminal(app):
    """Text stored before controls were dropped at the door (or come by another path) is shown
    escaped: an ESC [ sequence in a name must not recolour or rewrite the reader's terminal."""
    # Written past the ORM (which would clean it, accord/controls.py), as older rows were.
    db.session.execute(
        insert(OutboxMessage).values(
            to="lead@example.org\x1b]0;owned\x07",
            subject="Hello \x1b[31mred\x9b2J",
            body="Dear Ann\x1b[2J\x01,\nline two\u202egnp.exe",
            kind="",
            status=OutboxStatus.pending,
            attempts=0,
            last_error="",
            created_at=utcnow(),
            next_attempt_at=utcnow(),
        )
    )
    db.session.commit()
    text = app.test_cli_runner().invoke(args=["outbox", "list"]).output
    for control in ("\x1b", "\x07", "\x9b", "\x01", "\u202e"):
        assert control not in text
    assert "Hello \\x1b[31mred\\x9b2J" in text
    assert "Dear Ann\\x1b[2J\\x01,\n    line two\\u202egnp.exe" in text
    raw = app.test_cli_runner().invoke(args=["outbox", "list", "--json"]).output
    assert "\x1b" not in raw and "\x9b" not in raw and "\u202e" not in raw
    [row] = json.loads(raw)
    assert row["subject"] == "Hello \x1b[31mred\x9b2J"  # the JSON still holds what is stored
