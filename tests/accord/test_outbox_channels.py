"""Text messages beside emails, senders that claim before they send, and Notify's receipts."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from accord import outbox
from accord.extensions import db
from accord.models import OutboxMessage, OutboxStatus, utcnow
from accord.phones import uk_mobile
from tests.emergency import data

TOKEN = "callback-token-for-tests-0123456789"


@pytest.mark.parametrize(
    "typed, kept",
    [
        ("07700 900123", "+447700900123"),
        ("+44 (0)7700 900-123", "+447700900123"),
        ("0044 7911 123456", "+447911123456"),
        ("07624 123456", "+447624123456"),  # the Isle of Man's mobiles
        ("01743 123456", None),  # a landline: no texts
        ("07623 123456", None),  # a pager
        ("07700 90012", None),
        ("+33 6 12 34 56 78", None),
        ("call me", None),
    ],
)
def test_mobile_numbers_are_read_as_notify_reads_them(typed, kept):
    assert uk_mobile(typed) == kept


def test_a_text_message_is_queued_to_the_number_notify_takes(app):
    message = outbox.queue_sms("07700 900123", "Can you help at Castlefields?", kind="callout")
    db.session.commit()
    assert (message.channel, message.to, message.subject) == ("sms", "+447700900123", "")
    assert len(message.reference) == 32 and message.state == "queued"
    with pytest.raises(ValueError):
        outbox.queue_sms("01743 123456", "Landlines take no texts")


def test_without_notify_texts_are_held_not_dropped_and_emails_still_go(app):
    text = outbox.queue_sms("07700 900123", "Can you help?")
    email = outbox.queue_email("lead@example.org", "Subject", "Body")
    db.session.commit()
    assert outbox.send_pending() == {"sent": 1, "retrying": 0, "failed": 0, "held": 1}
    assert (text.status, text.last_error) == (
        OutboxStatus.held,
        "no text message service configured",
    )
    assert text.state == "held" and email.state == "sent"
    # Held stays held: the next run does not try it again.
    assert outbox.send_pending() == {"sent": 0, "retrying": 0, "failed": 0, "held": 0}


def test_two_senders_never_claim_one_message(app):
    for n in range(40):
        outbox.queue_email(f"lead{n}@example.org", "Subject", "Body")
    db.session.commit()
    taken: list[list[int]] = []

    def sender() -> None:
        with app.app_context():
            taken.append(outbox.claim(40))
            db.session.remove()

    threads = [threading.Thread(target=sender) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    claimed = [message_id for ids in taken for message_id in ids]
    assert len(claimed) == 40 and len(set(claimed)) == 40
    db.session.expire_all()
    assert {m.status for m in db.session.scalars(select(OutboxMessage))} == {OutboxStatus.sending}


def test_a_message_whose_sender_died_is_sent_again_after_its_lease(app):
    outbox.queue_email("lead@example.org", "Subject", "Body")
    db.session.commit()
    (claimed,) = outbox.claim(10)
    assert outbox.send_pending()["sent"] == 0  # still leased to the sender that died
    message = db.session.get(OutboxMessage, claimed)
    message.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert outbox.send_pending()["sent"] == 1


def test_the_outbox_list_shows_channel_and_state(app):
    outbox.queue_sms("07700 900123", "Can you help?")
    outbox.queue_email("lead@example.org", "Subject", "Body")
    db.session.commit()
    rows = json.loads(app.test_cli_runner().invoke(args=["outbox", "list", "--json"]).output)
    assert [(r["channel"], r["state"]) for r in rows] == [("sms", "queued"), ("email", "queued")]


def receipt(message: OutboxMessage, status: str) -> dict:
    return {
        "id": f"notify-{message.reference}",
        "reference": message.reference,
        "to": message.to,
        "status": status,
        "notification_type": message.channel,
    }


def test_receipts_need_notifys_bearer_token(app, client):
    app.config["NOTIFY_CALLBACK_TOKEN"] = TOKEN
    message = outbox.queue_email("lead@example.org", "Subject", "Body")
    db.session.commit()
    body = receipt(message, "delivered")
    assert client.post("/notify/callback", json=body).status_code == 401
    wrong = {"Authorization": "Bearer not-the-token"}
    assert client.post("/notify/callback", json=body, headers=wrong).status_code == 401
    app.config["NOTIFY_CALLBACK_TOKEN"] = ""  # unset: nobody may post receipts
    right = {"Authorization": f"Bearer {TOKEN}"}
    assert client.post("/notify/callback", json=body, headers=right).status_code == 401
    assert message.delivery == ""


def test_a_receipt_says_what_became_of_a_message(app, client):
    app.config["NOTIFY_CALLBACK_TOKEN"] = TOKEN
    right = {"Authorization": f"Bearer {TOKEN}"}
    message = outbox.queue_email("lead@example.org", "Subject", "Body")
    db.session.commit()
    answer = client.post("/notify/callback", json=receipt(message, "delivered"), headers=right)
    assert answer.status_code == 200 and answer.json == {"status": "ok"}
    db.session.refresh(message)
    assert message.state == "delivered"
    assert (
        client.post("/notify/callback", json={"status": "nonsense"}, headers=right).status_code
        == 400
    )
    assert client.post("/notify/callback", data="[]", headers=right).status_code == 400
    # A receipt for a message erased since is answered, so Notify does not retry it for days.
    gone = {**receipt(message, "delivered"), "id": "other", "reference": "erased"}
    assert client.post("/notify/callback", json=gone, headers=right).json == {
        "status": "unknown message"
    }


def test_a_permanent_failure_marks_the_volunteers_number_or_address(app, client, make, caplog):
    app.config["NOTIFY_CALLBACK_TOKEN"] = TOKEN
    right = {"Authorization": f"Bearer {TOKEN}"}
    volunteer = data.volunteer(phone="07700 900456", email="Vera@example.org")
    other = data.volunteer(phone="07700 900789")
    text = outbox.queue_sms("+447700900456", "Can you help?")
    email = outbox.queue_email("vera@example.org", "Can you help?", "Body")
    db.session.commit()
    caplog.set_level("INFO")
    for message in (text, email):
        client.post("/notify/callback", json=receipt(message, "permanent-failure"), headers=right)
    db.session.refresh(volunteer)
    db.session.refresh(other)
    assert volunteer.phone_failing and volunteer.email_failing
    assert not other.phone_failing and not other.email_failing
    # CVEC sees it on the volunteer's page.
    from tests.factories import PASSWORD

    make.user(role="cvec", email="cvec@example.org")
    client.sign_in("cvec@example.org", PASSWORD)
    page = client.get_page(f"/emergency/volunteers/{volunteer.id}").get_text(" ")
    assert "Number failing" in page and "Address failing" in page
    # Ids in the log, never the number or the address.
    assert "900456" not in caplog.text and "vera@example.org" not in caplog.text.lower()
    # A new number starts with a clean slate.
    from emergency.volunteers import details

    details.mark_failing("sms", "+447700900999")
    assert volunteer.phone_failing


def test_a_volunteer_who_leaves_takes_their_texts_and_emails_with_them(app):
    from emergency.volunteers import retention

    volunteer = data.volunteer(phone="07700 900456", email="vera@example.org")
    kept = outbox.queue_sms("07700 900789", "For someone else")
    outbox.queue_sms("+447700900456", "Can you help?")
    outbox.queue_email("vera@example.org", "Can you help?", "Body")
    db.session.commit()
    retention.delete(volunteer, by_volunteer=True)
    db.session.commit()
    assert list(db.session.scalars(select(OutboxMessage))) == [kept]
