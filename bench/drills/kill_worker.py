"""Drill 1: kill -9 a gunicorn worker during a burst of sign-ups.

Promise: every sign-up whose last step ("Sign the Accord") got its success answer is in the
database completely, and no sign-up is half-written. A sign-up is written by one commit
(registry.signatories.views.sign_check): the SignUp row, its confirmation email in the outbox
and its "signup.submitted" audit event. Half-written is any of the three without the others, or a
SignUp missing what was typed. Requests in flight on the killed worker may fail (reset
connection) and may or may not be stored, but never in part.

    python -m bench.drills.kill_worker [--signups 200] [--threads 16] [--kills 2]
                                       [--database-url URL | --sqlite]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import signal
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import requests
from sqlalchemy import text

from bench.drills.harness import (
    Gunicorn,
    SignUpAnswers,
    StepFailed,
    Verdict,
    Visitor,
    app_env,
    drop_postgresql,
    engine,
    fresh_postgresql,
    prepare,
    say,
    sign_up,
    signed,
)

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/drill_kill_worker"


def attempt(base: str, answers: SignUpAnswers) -> str:
    """signed, refused:<status>, lost:<step> (connection cut), or failed:<why>."""
    visitor = Visitor(base)
    try:
        response = sign_up(visitor, answers)
    except StepFailed as exc:
        status = exc.response.status_code if exc.response is not None else "?"
        return f"failed:{exc}:{status}"
    except requests.ConnectionError:
        return "lost"
    finally:
        visitor.close()
    return "signed" if signed(response) else f"refused:{response.status_code}"


def killer(app: Gunicorn, done: list[int], total: int, kills: int, log: list[str]) -> None:
    """kill -9 one worker at each of 1/(kills+1), 2/(kills+1) … of the way through."""
    rng = random.Random()
    for k in range(1, kills + 1):
        while done[0] < total * k // (kills + 1):
            time.sleep(0.01)
        workers = sorted(app.workers_now())
        if not workers:
            continue
        victim = rng.choice(workers)
        os.kill(victim, signal.SIGKILL)
        log.append(f"killed worker {victim} after {done[0]} sign-ups")


def audit(url: str, outcomes: dict[int, str], answers: dict[int, SignUpAnswers]) -> dict:
    """What the database holds, and which sign-ups are missing or half-written."""
    db = engine(url)
    with db.connect() as conn:
        signups = {
            row.signer_email: row
            for row in conn.execute(text("SELECT * FROM signup WHERE kind = 'signup'"))
        }
        mails = Counter(
            conn.scalars(text("SELECT \"to\" FROM outbox_message WHERE kind = 'signup-confirm'"))
        )
        events = Counter(
            conn.scalars(
                text("SELECT target_id FROM audit_event WHERE action = 'signup.submitted'")
            )
        )
        duplicates = conn.scalar(
            text(
                "SELECT count(*) FROM (SELECT signer_email FROM signup GROUP BY signer_email "
                "HAVING count(*) > 1) AS d"
            )
        )
    db.dispose()
    half: list[str] = []
    for email, row in signups.items():
        if mails[email] != 1:
            half.append(f"{email}: {mails[email]} confirmation emails")
        if events[str(row.id)] != 1:
            half.append(f"{email}: {events[str(row.id)]} audit events")
    for email in mails:
        if email not in signups:
            half.append(f"confirmation email to {email} without its sign-up")
    ids = {str(row.id) for row in signups.values()}
    for target in events:
        if target not in ids:
            half.append(f"audit event for sign-up {target} that does not exist")
    missing, wrong = [], []
    for n, outcome in outcomes.items():
        expected = answers[n]
        row = signups.get(expected.email)
        if row is None:
            if outcome == "signed":
                missing.append(expected.email)
            continue
        for step, data in expected.steps.items():
            for key, value in data.items():
                if key in ("statements", "charity_number", "company_number"):
                    continue
                stored = getattr(row, key)
                want = value
                if stored != want:
                    wrong.append(f"{expected.email}: {step}.{key} {stored!r} != {want!r}")
        statements = row.statements
        if isinstance(statements, str):  # SQLite hands JSON back as text
            statements = json.loads(statements)
        if sorted(statements or []) != sorted(expected.steps["agreement"]["statements"]):
            wrong.append(f"{expected.email}: statements {row.statements!r}")
    stored_lost = sum(
        1 for n, o in outcomes.items() if o != "signed" and answers[n].email in signups
    )
    return {
        "rows": len(signups),
        "half": half,
        "missing": missing,
        "wrong": wrong,
        "duplicates": duplicates or 0,
        "stored_lost": stored_lost,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--signups", type=int, default=200)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--kills", type=int, default=2)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--database-url", default=os.environ.get("DRILL_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--sqlite", action="store_true", help="a fresh SQLite file instead")
    args = parser.parse_args()

    verdict = Verdict("drill 1 (kill -9 a worker during sign-ups)")
    scratch = tempfile.TemporaryDirectory(prefix="drill-kill-")
    url = (
        f"sqlite:///{scratch.name}/accord.db"
        if args.sqlite
        else fresh_postgresql(args.database_url)
    )
    say(
        f"drill 1: {args.signups} sign-ups, {args.threads} at a time, {args.kills} kill -9, "
        f"{args.workers} workers, on {url.split('://')[0]}"
    )
    env = app_env(url)
    prepare(env)
    run = secrets.token_hex(3)
    answers = {n: SignUpAnswers(n, run) for n in range(args.signups)}
    outcomes: dict[int, str] = {}
    done = [0]
    lock = threading.Lock()
    kill_log: list[str] = []
    with Gunicorn(env, workers=args.workers) as app:
        before = app.workers_now()

        def one(n: int) -> None:
            outcome = attempt(app.url, answers[n])
            with lock:
                outcomes[n] = outcome
                done[0] += 1

        started = time.monotonic()
        kill_thread = threading.Thread(
            target=killer, args=(app, done, args.signups, args.kills, kill_log)
        )
        kill_thread.start()
        with ThreadPoolExecutor(args.threads) as pool:
            list(pool.map(one, range(args.signups)))
        kill_thread.join()
        took = time.monotonic() - started
        time.sleep(1)  # the master notices a dead worker within about a second
        app.wait_ready(30)
        after = app.workers_now()
        log = app.log_text()
    for line in kill_log:
        say(f"  {line}")
    counts = Counter(o.split(":")[0] for o in outcomes.values())
    say(f"  {args.signups} sign-ups in {took:.1f} s: {dict(counts)}")
    for outcome, n in Counter(o for o in outcomes.values() if o != "signed").most_common(5):
        say(f"    {n} × {outcome}")
    found = audit(url, outcomes, answers)
    say(
        f"  database: {found['rows']} sign-ups stored; {found['stored_lost']} of the cut-off "
        "ones were stored anyway (their commit finished before the kill)"
    )
    verdict.check(len(kill_log) == args.kills, "the drill killed workers", f"{len(kill_log)}")
    verdict.check(
        len(after) == args.workers and not (before >= after),
        "gunicorn replaced the killed workers",
        f"{len(before & after)} of {args.workers} original workers left, {len(after)} running",
    )
    verdict.check(
        not found["missing"],
        "every sign-up answered with success is stored",
        f"{counts['signed'] - len(found['missing'])} of {counts['signed']}",
    )
    verdict.check(not found["half"], "no half-written sign-up", "; ".join(found["half"][:5]))
    verdict.check(
        not found["wrong"], "stored sign-ups hold what was typed", "; ".join(found["wrong"][:5])
    )
    verdict.check(found["duplicates"] == 0, "no sign-up stored twice", str(found["duplicates"]))
    unexpected = counts["refused"] + counts["failed"]
    verdict.check(
        unexpected == 0, "no sign-up refused except by the kill", f"{unexpected} refused or failed"
    )
    verdict.check(
        "Traceback" not in log.replace("Worker (pid", ""),
        "no traceback in the app log",
        "" if "Traceback" not in log else "see DRILL_KEEP_LOGS=1",
    )
    if not args.sqlite:
        drop_postgresql(url)
    scratch.cleanup()
    verdict.exit()


if __name__ == "__main__":
    main()
