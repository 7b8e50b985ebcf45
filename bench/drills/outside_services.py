"""Drill 3: the geocoder, the flood feed and the mail server down, slow and talking nonsense.

Promise: pages that use them answer within the service's timeout (plus a margin) and say what
is unavailable; sign-ups and referrals are kept (a sign-up's location marked pending when no
offline answer exists, and found by `flask geo retry` once the geocoder is back) and their
emails stay in the outbox until the mail server is back, then go.

How: the local fakes from tests/fakes (postcodes.io, the Environment Agency's flood API, an
SMTP server) run inside the drill, on the demo data (`flask demo load`), whose frontline
worker refers someone to its food bank in every mode. The app runs under gunicorn once per
mode: "ok" (which also fills the flood cache), "down" (the service's address refuses
connections), "slow" (answers after longer than the timeout), "garbage" (an HTML page where
JSON belongs) and "wrong" (JSON of the wrong shape). Between modes the flood cache is aged by
an hour in the database, as if the scheduled refresh had not run, so each page must try the
feed again. After the modes the geocoder is back and `flask geo retry` runs, as cron would.
Mail is sent by `flask outbox send` (as cron runs it) against a closed port, a server that
never says hello, and one that answers nonsense; then against a real one, with the retry
time moved to now (as if the backoff had passed).

    python -m bench.drills.outside_services [--timeout-s 2] [--margin-s 3]
"""

from __future__ import annotations

import argparse
import json
import secrets
import socketserver
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta

import requests
from cryptography.fernet import Fernet
from sqlalchemy import DateTime, bindparam, text

from accord import geo
from bench.drills.harness import (
    CLOSED,
    FOOD_BANK,
    FRONTLINE,
    RECEIVER,
    Gunicorn,
    SignUpAnswers,
    StepFailed,
    Verdict,
    Visitor,
    app_env,
    engine,
    flask,
    leaks,
    page_text,
    prepare,
    refer,
    say,
    sent,
    sign_in,
    sign_up,
    signed,
)
from tests.fakes.floods import FakeFloods
from tests.fakes.postcodes import FakePostcodes
from tests.fakes.smtp import FakeSMTP, free_port

MODES = ("ok", "down", "slow", "garbage", "wrong")
CVEC = ("cvec@drill.example", "drill-password-123456")
# No postcode table or district has it: only postcodes.io could place it (the fake knows it).
NOWHERE = "ZZ9 9ZZ"
NOWHERE_POINT = geo.Point(52.7, -2.75)
GEOCODER_DOWN = "postcode search is unavailable"
FLOODS_DOWN = "flood data unavailable, last updated"


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Silent(socketserver.BaseRequestHandler):
    """Accepts the connection and never says hello (a hung mail server)."""

    def handle(self) -> None:
        self.server.stopping.wait(30)  # type: ignore[attr-defined]


class Nonsense(socketserver.StreamRequestHandler):
    """Greets, then answers every command with a line no SMTP client can use."""

    def handle(self) -> None:
        self.wfile.write(b"220 drill.example ESMTP\r\n")
        for _ in self.rfile:
            self.wfile.write(b"\x00\xffwhat? ##\r\n")


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, handler) -> None:
        super().__init__(("127.0.0.1", 0), handler)
        self.stopping = threading.Event()
        self.port = self.server_address[1]
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}).start()

    def stop(self) -> None:
        self.stopping.set()
        self.shutdown()
        self.server_close()


def timed_get(visitor: Visitor, path: str) -> tuple[requests.Response | None, float, str]:
    started = time.monotonic()
    try:
        response = visitor.get(path)
        return response, time.monotonic() - started, page_text(response.text).lower()
    except requests.RequestException as exc:
        return None, time.monotonic() - started, type(exc).__name__


def set_modes(mode: str, postcodes: FakePostcodes, floods: FakeFloods) -> tuple[str, str]:
    """The fakes misbehave as `mode` says; returns the URLs the app is to use."""
    postcodes.mode = floods.mode = "ok"
    floods.feed = "floods_list_2016-03-28_cmharper-river"
    if mode == "down":
        return CLOSED, CLOSED
    if mode == "slow":
        postcodes.mode = floods.mode = "slow"
    elif mode == "garbage":
        postcodes.mode = floods.mode = "garbage"
    elif mode == "wrong":
        postcodes.mode = "error"  # HTTP 500 with a JSON body
        floods.feed = {"items": [{"floodArea": "nowhere", "severityLevel": "high"}]}
    return postcodes.url, floods.url


def set_times(url: str, sql: str, when: datetime) -> None:
    """Run one UPDATE whose :t is `when` (drills step the app's clocks straight in the DB)."""
    db = engine(url)
    with db.begin() as conn:
        conn.execute(text(sql).bindparams(bindparam("t", type_=DateTime)), {"t": when})
    db.dispose()


def age_flood_cache(url: str) -> None:
    set_times(
        url, "UPDATE flood_feed SET fetched_at = :t, attempted_at = :t", now() - timedelta(hours=1)
    )


def referral(verdict: Verdict, mode: str, app: Gunicorn, budget: float, service: int) -> None:
    """The frontline worker refers someone; no page on the way needs an outside service."""
    visitor = Visitor(app.url, timeout=budget + 30)
    started = time.monotonic()
    try:
        if not sign_in(visitor, *FRONTLINE):
            raise StepFailed("the frontline worker could not sign in")
        response = refer(visitor, service, f"Drill Resident {mode}")
        where, status = sent(response), str(response.status_code)
    except (StepFailed, requests.RequestException) as exc:
        where, status = None, str(exc)
    took = time.monotonic() - started
    verdict.check(where is not None, f"{mode}: a referral is sent", f"{status}, in {took:.2f} s")
    if where:
        shown = visitor.get(where)
        verdict.check(
            shown.status_code == 200 and "waiting for the service" in page_text(shown.text).lower(),
            f"{mode}: the referrer sees it waiting for the service",
        )
    visitor.close()


def pages(verdict: Verdict, mode: str, app: Gunicorn, budget: float, tag: str) -> str:
    """Check the pages and a sign-up in one mode; returns the sign-up's email."""
    visitor = Visitor(app.url, timeout=budget + 30)
    checks = [
        (f"/help?where={NOWHERE.replace(' ', '+')}", GEOCODER_DOWN),
        ("/help?where=SY1+2AZ", None),
        ("/directory?where=SY1+2AZ", None),
        ("/directory?q=food&where=ZZ9+9ZZ", GEOCODER_DOWN),
    ]
    for path, note in checks:
        response, took, words = timed_get(visitor, path)
        status = response.status_code if response is not None else words
        ok = response is not None and response.status_code == 200 and took <= budget
        verdict.check(ok, f"{mode}: {path} answers in time", f"{status} in {took:.2f} s")
        if note and mode != "ok":
            verdict.check(note in words, f"{mode}: {path} says “{note}”")
        if response is not None and leaks(response.text):
            verdict.check(False, f"{mode}: {path} leaks nothing", str(leaks(response.text)))
    flood_visitor = Visitor(app.url, timeout=budget + 30)
    if verdict.check(sign_in(flood_visitor, *CVEC), f"{mode}: the CVEC coordinator signs in"):
        for path in ("/emergency/map", "/emergency/map/frame"):
            response, took, words = timed_get(flood_visitor, path)
            status = response.status_code if response is not None else words
            ok = response is not None and response.status_code == 200 and took <= budget
            verdict.check(ok, f"{mode}: {path} answers in time", f"{status} in {took:.2f} s")
            if path == "/emergency/map":
                says = FLOODS_DOWN in words
                wanted = mode != "ok"
                verdict.check(
                    says == wanted,
                    f"{mode}: {path} {'says' if wanted else 'does not say'} “{FLOODS_DOWN}”",
                )
                if mode != "ok":
                    # The last good warnings stay on show (the fixture has Shropshire alerts).
                    verdict.check("flood alert" in words, f"{mode}: cached warnings still shown")
    flood_visitor.close()
    answers = SignUpAnswers(0, f"{tag}-{mode}")
    answers.steps["address"]["postcode"] = NOWHERE
    started = time.monotonic()
    try:
        response = sign_up(visitor, answers)
        ok, status = signed(response), str(response.status_code)
    except (StepFailed, requests.RequestException) as exc:
        ok, status = False, str(exc)
    took = time.monotonic() - started
    verdict.check(ok, f"{mode}: a sign-up is accepted", f"{status}, whole form in {took:.2f} s")
    visitor.close()
    return answers.email


def mail_run(env: dict[str, str], port: int, timeout: float) -> tuple[dict, float]:
    started = time.monotonic()
    done = flask(
        {**env, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(port), "MAIL_TIMEOUT_S": str(timeout)},
        "outbox",
        "send",
    )
    took = time.monotonic() - started
    counts = {}
    for part in done.stdout.strip().splitlines()[-1].split(", "):
        value, key = part.split(" ", 1)
        counts[key] = int(value)
    return counts, took


def outbox(url: str) -> list[tuple[str, str]]:
    """(to, status) of every email, in the order queued."""
    db = engine(url)
    with db.connect() as conn:
        rows = conn.execute(text('SELECT "to", status FROM outbox_message ORDER BY id')).all()
    db.dispose()
    return [(row.to, row.status) for row in rows]


def rows(url: str, sql: str, **params) -> list:
    db = engine(url)
    with db.connect() as conn:
        found = conn.execute(text(sql), params).all()
    db.dispose()
    return found


def make_due(url: str) -> None:
    set_times(url, "UPDATE outbox_message SET next_attempt_at = :t", now() - timedelta(seconds=1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--timeout-s", type=float, default=2.0, help="each service's timeout")
    parser.add_argument("--margin-s", type=float, default=3.0, help="allowed beyond it")
    args = parser.parse_args()
    verdict = Verdict("drill 3 (geocoder, flood feed and mail server failing)")
    budget = args.timeout_s + args.margin_s
    scratch = tempfile.TemporaryDirectory(prefix="drill-outside-")
    url = f"sqlite:///{scratch.name}/accord.db"
    settings = {
        "GEOCODER_TIMEOUT_S": str(args.timeout_s),
        "FLOOD_TIMEOUT_S": str(args.timeout_s),
        "MAIL_TIMEOUT_S": str(args.timeout_s),
        # Referrals are sealed: production refuses them without keys.
        "SEALING_KEYS": Fernet.generate_key().decode(),
        "SEALING_INDEX_KEY": secrets.token_hex(32),
    }
    env = app_env(url, **settings)
    prepare(env)
    flask(env, "demo", "load")
    flask(env, "users", "create", "--email", CVEC[0], "--password", CVEC[1], "--role", "cvec")
    food_bank = rows(url, "SELECT id FROM service WHERE name = :name", name=FOOD_BANK)[0].id
    queued_by_demo = len(outbox(url))
    say(f"drill 3: timeouts {args.timeout_s:.0f} s, pages allowed {budget:.0f} s")
    tag = str(int(time.time()))
    emails: dict[str, str] = {}
    delay = args.timeout_s + 4  # "slow" answers this late: well past the timeout
    with (
        FakePostcodes(delay=delay, known={NOWHERE: NOWHERE_POINT}) as postcodes,
        FakeFloods(delay=delay) as floods,
    ):
        for mode in MODES:
            postcodes_url, floods_url = set_modes(mode, postcodes, floods)
            if mode != "ok":
                age_flood_cache(url)
            mode_env = {**env, "POSTCODES_API_URL": postcodes_url, "FLOOD_API_URL": floods_url}
            say(f"  mode {mode}:")
            with Gunicorn(mode_env, workers=2, timeout=60) as app:
                emails[mode] = pages(verdict, mode, app, budget, tag)
                referral(verdict, mode, app, budget, food_bank)
        places = dict(rows(url, "SELECT signer_email, location_status FROM signup"))
        for mode, email in emails.items():
            expected = "found" if mode == "ok" else "pending"
            verdict.check(
                places.get(email) == expected,
                f"{mode}: the sign-up is kept, location {expected}",
                str(places.get(email)),
            )
        # The geocoder is back: the scheduled retry places every pending sign-up.
        postcodes.mode = "ok"
        done = flask({**env, "POSTCODES_API_URL": postcodes.url}, "geo", "retry")
        say(f"  geocoder back: `flask geo retry` says {done.stdout.strip()!r}")
        places = dict(rows(url, "SELECT signer_email, location_status FROM signup"))
        verdict.check(
            all(places.get(email) == "found" for email in emails.values()),
            "geocoder back: every drill sign-up's location is found",
            ", ".join(f"{mode} {places.get(email)}" for mode, email in emails.items()),
        )
    referrals = rows(url, "SELECT status, subject_key FROM referral")
    verdict.check(
        len(referrals) == len(MODES)
        and all(row.status == "sent" and row.subject_key for row in referrals),
        "every mode's referral is kept, sent, with its details",
        f"{len(referrals)} referrals: {sorted(row.status for row in referrals)}",
    )

    # --- mail ---
    waiting = outbox(url)
    pending = [to for to, status in waiting if status == "pending"]
    verdict.check(
        all(email in pending for email in emails.values()),
        "every sign-up's email waits in the outbox",
        f"{len(pending)} waiting",
    )
    verdict.check(
        pending.count(RECEIVER) >= len(MODES),
        "every referral's email to the receiving organisation waits in the outbox",
        f"{pending.count(RECEIVER)} to the food bank's member",
    )
    started = time.monotonic()
    flask(env, "outbox", "list", "--json")
    start_up = time.monotonic() - started
    say(f"  mail: `flask` itself takes {start_up:.1f} s to start here")
    closed = free_port()
    silent, nonsense = Server(Silent), Server(Nonsense)
    try:
        for mode, port in (("down", closed), ("slow", silent.port), ("garbage", nonsense.port)):
            make_due(url)
            counts, took = mail_run(env, port, args.timeout_s)
            verdict.check(
                counts.get("sent") == 0 and counts.get("failed") == 0,
                f"mail {mode}: nothing sent, nothing given up",
                json.dumps(counts),
            )
            verdict.check(
                took <= start_up + budget,
                f"mail {mode}: `flask outbox send` finishes within one timeout",
                f"{took:.1f} s",
            )
    finally:
        silent.stop()
        nonsense.stop()
    left = outbox(url)
    verdict.check(
        all(status == "pending" for _, status in left),
        "after the failures every email is still in the outbox",
        f"{sum(status == 'pending' for _, status in left)} of {len(left)}"
        f" ({queued_by_demo} queued by the demo data)",
    )
    make_due(url)
    with FakeSMTP() as smtp:
        counts, took = mail_run(env, smtp.port, args.timeout_s)
        delivered = [message["To"] for message in smtp.inbox.messages]
    say(f"  mail back: {json.dumps(counts)} in {took:.1f} s")
    verdict.check(
        counts.get("sent") == len(left) and sorted(delivered) == sorted(to for to, _ in left),
        "mail back: every waiting email is delivered",
        f"{len(delivered)} of {len(left)}",
    )
    verdict.check(all(status == "sent" for _, status in outbox(url)), "the outbox is empty")
    scratch.cleanup()
    verdict.exit()


if __name__ == "__main__":
    main()
