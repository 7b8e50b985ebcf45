"""The outbox at an emergency's pace, through GOV.UK Notify's real client and a local fake of
Notify (tests/fakes/notify.py) answering each message after BENCH_NOTIFY_MS (default 100 ms,
about what Notify takes from a server in the UK).

Rows, on SQLite and (with BENCH_POSTGRES_URL, wiped first) PostgreSQL:
1. `flask outbox send` alone delivering 1,000 text messages: messages a second.
2. Three senders at once on the same 1,000 (the cron sender and two workers' jobs, threads
   with connections of their own): messages a second, and how many were sent twice (0).
3. A call-out to 200 volunteers, sent as CVEC's "Send call-out" sends it
   (emergency.callouts.callouts.send: whom it goes to, one row and one text each, one commit),
   with RQ workers already running (`flask worker`, separate processes): seconds from "Send"
   to the last text accepted by Notify, with 2 and 4 workers. Target: under 10 s.

Run alone: `PYTHONPATH=. .venv/bin/python -m bench.outbox` (Redis on 127.0.0.1:6379).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

from flask_migrate import upgrade
from redis import Redis
from rq import Worker
from sqlalchemy import select

from accord import create_app, outbox
from accord.clock import utcnow
from accord.extensions import db
from bench import engines
from emergency.callouts import callouts
from emergency.models import Hub, Incident
from tests.fakes.notify import FakeNotify

ROOT = Path(__file__).resolve().parent.parent
LATENCY_S = int(os.environ.get("BENCH_NOTIFY_MS", "100")) / 1000
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
EMAIL_TEMPLATE = "0d8a6b46-7c4b-4a7e-9d6f-2a1c4b7f0e11"
SMS_TEMPLATE = "5b1e4c3a-9f2d-4e8b-a7c6-1d0f3e2b9a22"
CALLOUT, TARGET_S = 200, 10.0


def settings(url: str, fake: FakeNotify, redis: str = "") -> dict:
    return {
        "SQLALCHEMY_DATABASE_URI": url,
        "NOTIFY_API_KEY": FakeNotify.API_KEY,
        "NOTIFY_API_URL": fake.url,
        "NOTIFY_EMAIL_TEMPLATE_ID": EMAIL_TEMPLATE,
        "NOTIFY_SMS_TEMPLATE_ID": SMS_TEMPLATE,
        "REDIS_URL": redis,
    }


def queue_texts(count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        # Ofcom's drama numbers (07700 900000-900999): never a real phone; repeats are fine.
        outbox.queue_sms(f"07700 900{n % 1000:03d}", f"Call-out {n}: can you help?")
    db.session.commit()


def senders_at_once(app) -> float:
    """Seconds for three senders to deliver what is queued."""

    def sender() -> None:
        with app.app_context():
            while outbox.send_pending(limit=20)["sent"]:
                pass
            db.session.remove()

    started = time.perf_counter()
    threads = [threading.Thread(target=sender) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def workers(url: str, fake: FakeNotify, count: int) -> list[subprocess.Popen]:
    env = {
        **os.environ,
        "APP_ENV": "testing",
        "SECRET_KEY": "bench",
        "DATABASE_URL": url,
        "NOTIFY_API_KEY": FakeNotify.API_KEY,
        "NOTIFY_API_URL": fake.url,
        "NOTIFY_EMAIL_TEMPLATE_ID": EMAIL_TEMPLATE,
        "NOTIFY_SMS_TEMPLATE_ID": SMS_TEMPLATE,
        "REDIS_URL": REDIS_URL,
    }
    flask = str(Path(sys.executable).with_name("flask"))
    started = [
        subprocess.Popen(
            [flask, "--app", "wsgi", "worker"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(count)
    ]
    connection = Redis.from_url(REDIS_URL)
    deadline = time.monotonic() + 60
    while len(Worker.all(connection=connection)) < count and time.monotonic() < deadline:
        time.sleep(0.2)
    connection.close()
    return started


def volunteers(count: int) -> tuple[Incident, Hub]:
    """An incident, a hub, and `count` volunteers with mobiles near it (test data helpers)."""
    from tests.emergency import data

    incident, hub = data.incident(), data.hub()
    for n in range(count):
        data.volunteer(phone=f"07700 900{n % 1000:03d}", skills=["driving"])
    return incident, hub


def send_callout(incident: Incident, hub: Hub) -> None:
    start = utcnow() + timedelta(hours=1)
    plan = callouts.Plan(
        need="Drivers to move sandbags",
        hub_id=hub.id,
        place="",
        starts_at=start,
        ends_at=start + timedelta(hours=4),
        people_wanted=10,
        skills=["driving"],
    )
    callouts.send(incident, plan, None)
    db.session.commit()


def callout(app, url: str, fake: FakeNotify, count: int) -> float:
    """Seconds from sending a call-out to CALLOUT volunteers to the last text accepted,
    `count` workers running."""
    Redis.from_url(REDIS_URL).flushdb()
    running = workers(url, fake, count)
    try:
        before = len(fake.sent)
        with app.app_context():
            incident, hub = volunteers(CALLOUT) if count == 2 else _scene()
            app.config["REDIS_URL"] = REDIS_URL
            started = time.perf_counter()
            send_callout(incident, hub)
            while len(fake.sent) - before < CALLOUT and time.perf_counter() - started < 120:
                time.sleep(0.02)
            took = time.perf_counter() - started
            if len(fake.sent) - before < CALLOUT:
                raise SystemExit(f"{len(fake.sent) - before} of {CALLOUT} texts in 120 s")
            app.config["REDIS_URL"] = ""
            db.session.remove()
    finally:
        for process in running:
            process.terminate()
        for process in running:
            process.wait(timeout=30)
    return took


def _scene() -> tuple[Incident, Hub]:
    """The incident and hub the first call-out made (its volunteers are asked again)."""
    return db.session.scalars(select(Incident)).one(), db.session.scalars(select(Hub)).one()


def measure(url: str, label: str) -> list[tuple[str, str, str]]:
    rows = []
    with FakeNotify() as fake:
        fake.slow_s = LATENCY_S
        app = create_app({"TESTING": True, "SECRET_KEY": "bench", **settings(url, fake)})
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            queue_texts(1000)
            started = time.perf_counter()
            while outbox.send_pending(limit=100)["sent"]:
                pass
            alone = time.perf_counter() - started
            rows.append((label, "`flask outbox send` alone, 1,000 texts", f"{1000 / alone:.1f}/s"))
            queue_texts(1000, start=1000)
            db.session.remove()
        took = senders_at_once(app)
        references = [sent["reference"] for sent in fake.sent[1000:]]
        twice = len(references) - len(set(references))
        if len(fake.sent) != 2000:
            raise SystemExit(f"the fake Notify took {len(fake.sent)} of 2,000 messages")
        rows.append(
            (
                label,
                "three senders at once, 1,000 texts",
                f"{1000 / took:.1f}/s; {len(references)} sent, {twice} twice",
            )
        )
        for count in (2, 4):
            took = callout(app, url, fake, count)
            verdict = "met" if took < TARGET_S else "MISSED"
            rows.append(
                (
                    label,
                    f'call-out to {CALLOUT} volunteers: "Send" → last text accepted, '
                    f"{count} RQ workers",
                    f"{took:.2f} s (target < {TARGET_S:.0f} s: {verdict})",
                )
            )
    return rows


def run() -> list:
    return engines.on_both(measure, "outbox.db")


def table(rows: list[tuple[str, str, str]]) -> str:
    head = (
        f"\n### The outbox through a fake GOV.UK Notify answering in {LATENCY_S * 1000:.0f} ms\n\n"
        "| engine | what | result |\n|---|---|---|\n"
    )
    return head + "".join(f"| {engine} | {what} | {result} |\n" for engine, what, result in rows)


if __name__ == "__main__":
    print(table(run()))
