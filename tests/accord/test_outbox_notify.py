"""Sending through GOV.UK Notify (a local fake speaking its API to the real client), and RQ
jobs that start delivery the moment a message is committed."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from notifications_python_client.notifications import NotificationsAPIClient
from redis import Redis
from rq import Queue
from rq.worker import SimpleWorker
from sqlalchemy import select

from accord import outbox
from accord.extensions import db
from accord.models import OutboxMessage, OutboxStatus, utcnow
from accord.outbox import jobs
from tests.conftest import NOTIFY_EMAIL_TEMPLATE, NOTIFY_SMS_TEMPLATE
from tests.fakes.notify import FakeNotify


def test_emails_and_texts_go_through_notify_with_our_words_and_reference(app, notify):
    email = outbox.queue_email("lead@example.org", "Your sign-up", "It was approved.")
    text = outbox.queue_sms("07700 900123", "Can you help at Castlefields?")
    db.session.commit()
    assert outbox.send_pending() == {"sent": 2, "retrying": 0, "failed": 0, "held": 0}
    first, second = sorted(notify.sent, key=lambda sent: sent["type"])  # sent at once
    assert (first["type"], first["to"], first["template_id"]) == (
        "email",
        "lead@example.org",
        NOTIFY_EMAIL_TEMPLATE,
    )
    assert first["personalisation"] == {"subject": "Your sign-up", "body": "It was approved."}
    assert (second["type"], second["to"]) == ("sms", "+447700900123")
    assert second["personalisation"] == {"body": "Can you help at Castlefields?"}
    assert [first["reference"], second["reference"]] == [email.reference, text.reference]
    # Accepted: Notify's id kept for its receipts; sending until one comes.
    assert (email.provider_id, text.provider_id) == (first["id"], second["id"])
    assert email.state == text.state == "sending"


def test_a_number_notify_refuses_is_never_tried_again(app, notify):
    notify.bad_numbers.add("+447700900666")
    message = outbox.queue_sms("07700 900666", "Can you help?")
    db.session.commit()
    assert outbox.send_pending()["failed"] == 1
    assert message.status == OutboxStatus.failed and "Not a UK mobile number" in message.last_error
    message.next_attempt_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    assert outbox.send_pending()["failed"] == 0 and notify.sent == []


@pytest.mark.parametrize("status", [429, 500, 503])
def test_notify_failing_puts_the_run_back_in_the_queue(app, notify, status):
    # Five go at once (senders.NOTIFY_AT_ONCE): Notify fails all five, and the seven after
    # them are not tried at all.
    notify.fail_next(status, count=5)
    messages = [outbox.queue_email(f"lead{n}@example.org", "Subject", "Body") for n in range(12)]
    db.session.commit()
    assert outbox.send_pending() == {"sent": 0, "retrying": 5, "failed": 0, "held": 0}
    tried, untried = messages[:5], messages[5:]
    for message in tried:
        assert message.status == OutboxStatus.pending and f"Notify {status}" in message.last_error
        # Notify's rate limit: a minute at least; other failures: the back-off's first minute.
        assert message.next_attempt_at >= utcnow() + timedelta(seconds=55)
    # The others were not tried: due now, no attempt counted against them.
    assert {(m.status, m.attempts) for m in untried} == {(OutboxStatus.pending, 0)}
    assert outbox.send_pending()["sent"] == 7 and len(notify.sent) == 7


def test_one_refusal_in_a_group_leaves_the_others_sent(app, notify):
    notify.bad_numbers.add("+447700900666")
    numbers = ["07700 900111", "07700 900666", "07700 900222"]
    texts = [outbox.queue_sms(number, "Can you help?") for number in numbers]
    db.session.commit()
    assert outbox.send_pending() == {"sent": 2, "retrying": 0, "failed": 1, "held": 0}
    assert [t.status for t in texts] == [OutboxStatus.sent, OutboxStatus.failed, OutboxStatus.sent]


def test_a_message_notify_took_is_not_sent_again_when_its_sender_died(app, notify):
    message = outbox.queue_sms("07700 900123", "Can you help?")
    db.session.commit()
    outbox.claim(1)
    # The sender reached Notify, then died before it could record the answer.
    client = NotificationsAPIClient(FakeNotify.API_KEY, base_url=notify.url)
    accepted = client.send_sms_notification(
        "+447700900123", NOTIFY_SMS_TEMPLATE, {"body": "Can you help?"}, message.reference
    )
    db.session.refresh(message)
    message.next_attempt_at = utcnow() - timedelta(seconds=1)  # its lease is over
    db.session.commit()
    outbox.send_pending()
    db.session.refresh(message)
    assert (message.status, message.provider_id) == (OutboxStatus.sent, accepted["id"])
    assert len(notify.sent) == 1


@pytest.fixture
def redis_queue(app, worker_id):
    # A Redis database for each pytest-xdist worker (gw0 → 15, gw1 → 14 …), emptied by each
    # test: tests on other workers run at the same time.
    number = 15 - (int(worker_id.removeprefix("gw")) if worker_id.startswith("gw") else 0) % 12
    app.config["REDIS_URL"] = url = f"redis://127.0.0.1:6379/{number}"
    connection = Redis.from_url(url)
    connection.flushdb()
    yield Queue(jobs.QUEUE, connection=connection)
    connection.flushdb()
    connection.close()


def test_a_committed_message_is_a_job_at_once_and_a_worker_sends_it(app, notify, redis_queue):
    outbox.queue_email("lead@example.org", "Subject", "Body")
    db.session.flush()
    assert redis_queue.count == 0  # not before the commit: a worker must find the row
    db.session.commit()
    assert redis_queue.count == 1
    SimpleWorker([redis_queue], connection=redis_queue.connection).work(burst=True)
    assert len(notify.sent) == 1
    assert db.session.scalar(select(OutboxMessage.status)) == OutboxStatus.sent


def test_a_rolled_back_message_is_never_a_job(app, redis_queue):
    outbox.queue_email("lead@example.org", "Subject", "Body")
    db.session.flush()
    db.session.rollback()
    db.session.commit()
    assert redis_queue.count == 0


def test_two_hundred_messages_are_twenty_jobs_and_each_is_sent_once(app, notify, redis_queue):
    for n in range(200):
        outbox.queue_sms(f"07700 900{n:03d}", f"Call-out {n}")
    db.session.commit()
    assert redis_queue.count == 20
    # Two workers' jobs and the cron sender at once (RQ's own worker sets signal handlers,
    # which only the main thread may: its jobs are run here as it runs them).
    batches = [job.args[0] for job in redis_queue.jobs]
    runs = [
        lambda: [jobs.deliver_now(batch) for batch in batches[0::2]],
        lambda: [jobs.deliver_now(batch) for batch in batches[1::2]],
        lambda: outbox.send_pending(limit=200),
    ]

    def run(work) -> None:
        with app.app_context():
            work()
            db.session.remove()

    threads = [threading.Thread(target=run, args=(work,)) for work in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    references = [sent["reference"] for sent in notify.sent]
    assert len(references) == 200 and len(set(references)) == 200


def test_without_redis_nothing_is_queued_and_cron_sends(app, notify):
    app.config["REDIS_URL"] = "redis://127.0.0.1:9/0"  # nothing listens: the commit goes on
    outbox.queue_email("lead@example.org", "Subject", "Body")
    db.session.commit()
    assert outbox.send_pending()["sent"] == 1


def test_the_worker_command_needs_redis(app):
    app.config["REDIS_URL"] = ""
    result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code != 0 and "REDIS_URL is not set" in result.output
