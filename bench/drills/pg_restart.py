"""Drill 2: restart PostgreSQL under load.

Promise: the app recovers by itself (no gunicorn restart, no worker replaced) within 10 s of
PostgreSQL being back (`pool_pre_ping` drops dead pooled connections), and meanwhile every
error is clean: a GOV.UK 503 page ("Sorry, the service is unavailable", or for a form "we
cannot save what you entered right now"), no traceback, no driver text, no reset
connection. Sign-ups answered with success during the restart are stored.

By default the drill owns its PostgreSQL: a cluster `drill` on port 5433 (Debian's
pg_createcluster, trust auth on loopback), created and started if needed and stopped again
afterwards, so the server everyone else uses is never touched. `--cluster main --port 5432`
points it at another cluster (it is restarted: only do that where nothing else runs).

    python -m bench.drills.pg_restart [--cluster drill] [--port 5433] [--down-s 5]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import re
import secrets
import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass

import psycopg
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
    leaks,
    page_text,
    prepare,
    say,
    sign_up,
    signed,
)

PAGES = ("/", "/accord", "/signatories", "/signatories.json", "/directory", "/accord/sign")
RECOVERY_S = 10.0
CLEAN_WORDS = ("sorry, the service is unavailable", "we cannot save what you entered right now")


@dataclass
class Hit:
    started: float
    ended: float
    what: str  # a path, or "sign-up"
    status: int  # 0: no HTTP answer (reset, refused, timed out)
    clean: bool  # a 2xx/3xx, or an error page a person can read
    note: str = ""


def run(*command: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if check and done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)}: {done.stderr.strip() or done.stdout.strip()}")
    return done


def cluster_status(version: str, name: str) -> str | None:
    """online, down, or None when there is no such cluster."""
    for line in run("pg_lsclusters", "--no-header").stdout.splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[0] == version and parts[1] == name:
            return parts[3]
    return None


def ensure_cluster(version: str, name: str, port: int) -> bool:
    """Create (trust auth, loopback) and start the cluster as needed; True if it was not
    running before, so the drill stops it again at the end."""
    status = cluster_status(version, name)
    if status is None:
        say(f"  creating PostgreSQL cluster {version}/{name} on port {port}")
        run(
            "pg_createcluster",
            version,
            name,
            "--port",
            str(port),
            "--",
            "--auth-local=trust",
            "--auth-host=trust",
        )
        status = "down"
    if status != "online":
        run("pg_ctlcluster", version, name, "start")
        return True
    return False


def wait_for_postgresql(port: int, within: float = 60) -> float:
    """Poll until PostgreSQL accepts a connection and answers; returns when (monotonic)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        with (
            contextlib.suppress(psycopg.Error),
            psycopg.connect(
                host="127.0.0.1",
                port=port,
                user="postgres",
                dbname="postgres",
                connect_timeout=1,
            ) as conn,
        ):
            conn.execute("SELECT 1")
            return time.monotonic()
        time.sleep(0.05)
    raise RuntimeError(f"PostgreSQL on port {port} not back in {within} s")


def judge(response: requests.Response) -> tuple[bool, str]:
    if response.status_code < 400:
        return True, ""
    body = response.text
    words = page_text(body).lower()
    leaked = leaks(body)
    if leaked:
        return False, f"leaks {leaked}"
    if response.status_code != 503:
        return False, f"HTTP {response.status_code}: {words[:80]}"
    if not any(w in words for w in CLEAN_WORDS):
        return False, f"503 without the words: {words[:80]}"
    return True, ""


def load(
    base: str, stop: threading.Event, hits: list[Hit], tag: str, signed_up: list[str], seed: int
) -> None:
    rng = random.Random(seed)
    n = seed * 10_000
    while not stop.is_set():
        visitor = Visitor(base, timeout=15)
        started = time.monotonic()
        try:
            if rng.random() < 0.15:
                n += 1
                answers = SignUpAnswers(n, tag)
                try:
                    response = sign_up(visitor, answers)
                except StepFailed as exc:
                    if exc.response is None:
                        raise
                    response = exc.response
                ok, note = judge(response)
                if signed(response):
                    signed_up.append(answers.email)
                hits.append(
                    Hit(started, time.monotonic(), "sign-up", response.status_code, ok, note)
                )
            else:
                path = rng.choice(PAGES)
                response = visitor.get(path)
                ok, note = judge(response)
                hits.append(Hit(started, time.monotonic(), path, response.status_code, ok, note))
        except requests.RequestException as exc:
            hits.append(Hit(started, time.monotonic(), "?", 0, False, type(exc).__name__))
        finally:
            visitor.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--version", default=os.environ.get("DRILL_PG_VERSION", "15"))
    parser.add_argument("--cluster", default=os.environ.get("DRILL_PG_CLUSTER", "drill"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("DRILL_PG_PORT", "5433")))
    parser.add_argument("--down-s", type=float, default=5.0, help="how long PostgreSQL stays down")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--after-s", type=float, default=15.0, help="load after it is back")
    args = parser.parse_args()
    verdict = Verdict("drill 2 (PostgreSQL restart under load)")
    started_cluster = ensure_cluster(args.version, args.cluster, args.port)
    url = fresh_postgresql(f"postgresql+psycopg://postgres@127.0.0.1:{args.port}/drill_pg_restart")
    try:
        env = app_env(url)
        prepare(env)
        say(
            f"drill 2: cluster {args.version}/{args.cluster} (port {args.port}), "
            f"{args.threads} visitors, down {args.down_s:.0f} s"
        )
        hits: list[Hit] = []
        signed_up: list[str] = []
        stop = threading.Event()
        tag = secrets.token_hex(3)
        with Gunicorn(env, workers=3) as app:
            workers = app.workers_now()
            threads = [
                threading.Thread(target=load, args=(app.url, stop, hits, tag, signed_up, i))
                for i in range(args.threads)
            ]
            for thread in threads:
                thread.start()
            time.sleep(5)  # warm: every worker holds pooled connections
            down_at = time.monotonic()
            run("pg_ctlcluster", args.version, args.cluster, "stop", "-m", "fast")
            stopped_at = time.monotonic()
            time.sleep(args.down_s)
            run("pg_ctlcluster", args.version, args.cluster, "start")
            up_at = wait_for_postgresql(args.port)
            time.sleep(args.after_s)
            stop.set()
            for thread in threads:
                thread.join()
            workers_after = app.workers_now()
            log = app.log_text()
        say(
            f"  PostgreSQL stopped in {stopped_at - down_at:.1f} s, back "
            f"{up_at - stopped_at:.1f} s later; {len(hits)} requests in all"
        )
        during = [h for h in hits if h.ended >= down_at and h.started <= up_at]
        after = [h for h in hits if h.started >= up_at]
        first_ok = min(
            (h.ended for h in after if h.what != "sign-up" and h.status == 200), default=None
        )
        recovery = None if first_ok is None else first_ok - up_at
        settled = [h for h in after if h.started >= up_at + RECOVERY_S]
        failing_after = [h for h in settled if h.status == 0 or h.status >= 500]
        statuses: dict[int, int] = {}
        for h in during:
            statuses[h.status] = statuses.get(h.status, 0) + 1
        seen = dict(sorted(statuses.items()))
        say(f"  during the outage: {len(during)} requests, statuses {seen}")
        unclean = [h for h in hits if not h.clean]
        for h in unclean[:5]:
            say(f"    unclean: {h.what} → {h.status} {h.note}")
        if unclean:  # what the app logged: the last line of each traceback, most common first
            ends = Counter(
                line[:160]
                for line in log.splitlines()
                if re.match(r"^[A-Za-z_][\w.]*(Error|Exception|Exit)\b", line)
            )
            for line, n in ends.most_common(8):
                say(f"    log: {n} × {line}")
        verdict.check(
            recovery is not None and recovery <= RECOVERY_S,
            f"first 200 within {RECOVERY_S:.0f} s of PostgreSQL being back",
            "never" if recovery is None else f"{recovery:.2f} s",
        )
        verdict.check(
            not failing_after,
            f"every request from {RECOVERY_S:.0f} s after is served",
            f"{len(settled) - len(failing_after)} of {len(settled)}",
        )
        verdict.check(
            any(h.status == 503 for h in during),
            "the outage was seen (503s)",
            str(statuses.get(503, 0)),
        )
        verdict.check(
            not unclean,
            "every error is a clean GOV.UK 503 (no traceback, no reset)",
            f"{len(unclean)} unclean",
        )
        verdict.check(
            workers == workers_after,
            "no gunicorn worker was replaced",
            f"{len(workers & workers_after)} of {len(workers)} kept",
        )
        timeouts = len(re.findall(r"WORKER TIMEOUT|Booting worker", log)) - len(workers)
        verdict.check(timeouts == 0, "no worker timed out or re-booted", str(timeouts))
        db = engine(url)
        with db.connect() as conn:
            emails = set(conn.scalars(text("SELECT signer_email FROM signup")))
        db.dispose()
        verdict.check(
            set(signed_up) <= emails,
            "sign-ups answered with success are stored",
            f"{len(set(signed_up) & emails)} of {len(signed_up)}",
        )
    finally:
        with contextlib.suppress(Exception):
            drop_postgresql(url)
        if started_cluster:
            run("pg_ctlcluster", args.version, args.cluster, "stop", check=False)
    verdict.exit()


if __name__ == "__main__":
    main()
