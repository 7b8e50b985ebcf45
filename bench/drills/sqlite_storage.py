"""Drill 4: the SQLite database's disk fills up, then its storage turns read-only.

Promise: a write that cannot be saved gets a clear GOV.UK page (503, "we cannot save what you
entered right now"), reads go on working, the app recovers by itself when the storage does,
and the database is not corrupted (`PRAGMA integrity_check` is "ok" afterwards, and every
sign-up that was answered with success is there with its email and audit event).

Real filesystem conditions, for root too: the database lives on its own small tmpfs
(`mount -t tmpfs -o size=…`), which a filler file fills to the last byte (ENOSPC: SQLite
says "database or disk is full"); then `chattr +i` on the database's folder and file
(immutable: even root cannot create SQLite's rollback journal, so every write fails with
"unable to open database file" while reads go on). Needs root and a container that allows
`mount` (the drill says so and fails if not).

    python -m bench.drills.sqlite_storage [--size-mb 48]
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import secrets
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

import requests

from bench.drills.harness import (
    Gunicorn,
    SignUpAnswers,
    StepFailed,
    Verdict,
    Visitor,
    app_env,
    leaks,
    page_text,
    prepare,
    say,
    sign_up,
)

READ_PAGES = ("/", "/accord", "/signatories", "/signatories.json", "/help", "/healthz")
SAVE_WORDS = "we cannot save what you entered right now"


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, check=False)


def fill(folder: Path) -> Path:
    """Write a file until the filesystem has no byte left."""
    filler = folder / "filler"
    out = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        for size in (1 << 20, 1 << 12, 1):  # big blocks, then down to the last byte
            block = b"\0" * size
            while True:
                try:
                    os.write(out, block)
                except OSError as exc:
                    if exc.errno != errno.ENOSPC:
                        raise
                    break
    finally:
        os.close(out)
    return filler


def try_sign_ups(base: str, run_tag: str, start: int, count: int) -> list[tuple[str, int, str]]:
    """(email, final status, page text) for each attempt."""
    found = []
    for n in range(start, start + count):
        answers = SignUpAnswers(n, run_tag)
        visitor = Visitor(base, timeout=20)
        try:
            response = sign_up(visitor, answers)
            body = response.text
            found.append((answers.email, response.status_code, body))
        except StepFailed as exc:
            status = exc.response.status_code if exc.response is not None else 0
            found.append((answers.email, status, exc.response.text if exc.response else ""))
        except requests.RequestException as exc:
            found.append((answers.email, 0, type(exc).__name__))
        finally:
            visitor.close()
    return found


def check_refusals(verdict: Verdict, what: str, attempts: list[tuple[str, int, str]]) -> None:
    statuses = sorted({status for _, status, _ in attempts})
    texts = [page_text(body).lower() for _, _, body in attempts]
    verdict.check(
        all(status == 503 for _, status, _ in attempts),
        f"{what}: every sign-up refused with 503",
        f"statuses {statuses}",
    )
    verdict.check(
        all(SAVE_WORDS in text for text in texts),
        f'{what}: the page says "{SAVE_WORDS}"',
        f"{sum(SAVE_WORDS in t for t in texts)} of {len(texts)}",
    )
    verdict.check(
        all("govuk-template" in body for _, _, body in attempts),
        f"{what}: the refusal is a GOV.UK page",
    )
    leaked = sorted({word for _, _, body in attempts for word in leaks(body)})
    verdict.check(not leaked, f"{what}: no traceback or driver text on the page", ", ".join(leaked))


def check_reads(verdict: Verdict, what: str, base: str) -> None:
    visitor = Visitor(base, timeout=20)
    statuses = {}
    for path in READ_PAGES:
        try:
            statuses[path] = visitor.get(path).status_code
        except requests.RequestException as exc:
            statuses[path] = type(exc).__name__
    visitor.close()
    bad = {p: s for p, s in statuses.items() if s != 200}
    verdict.check(not bad, f"{what}: reads still answer 200", str(bad or len(statuses)))


def stored(db_file: Path) -> tuple[str, set[str], int, int]:
    """integrity_check, the sign-ups' emails, confirmation emails and audit events."""
    with contextlib.closing(sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)) as conn:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        emails = {row[0] for row in conn.execute("SELECT signer_email FROM signup")}
        mails = conn.execute(
            "SELECT count(*) FROM outbox_message WHERE kind = 'signup-confirm'"
        ).fetchone()[0]
        events = conn.execute(
            "SELECT count(*) FROM audit_event WHERE action = 'signup.submitted'"
        ).fetchone()[0]
    return integrity, emails, mails, events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size-mb", type=int, default=48, help="the tmpfs the database is on")
    parser.add_argument("--attempts", type=int, default=5, help="sign-ups tried per fault")
    args = parser.parse_args()
    verdict = Verdict("drill 4 (SQLite disk full and read-only)")
    if os.geteuid() != 0:
        verdict.check(False, "runs as root (mount, chattr)", "not root")
        verdict.exit()
    mount = Path(tempfile.mkdtemp(prefix="drill-sqlite-"))
    mounted = run(
        "mount", "-t", "tmpfs", "-o", f"size={args.size_mb}m,mode=0755", "tmpfs", str(mount)
    )
    if not verdict.check(
        mounted.returncode == 0, "a small tmpfs for the database", mounted.stderr.strip()
    ):
        verdict.exit()
    folder = mount / "instance"
    folder.mkdir()
    db_file = folder / "accord.db"
    filler: Path | None = None
    tag = secrets.token_hex(3)
    good: list[str] = []
    try:
        env = app_env(f"sqlite:///{db_file}")
        prepare(env)
        say(
            f"drill 4: database {db_file.stat().st_size // 1024} KiB on a {args.size_mb} MiB "
            "tmpfs, gunicorn with 2 workers"
        )
        with Gunicorn(env, workers=2) as app:
            before = try_sign_ups(app.url, tag, 0, args.attempts)
            good += [email for email, status, body in before if status == 302]
            verdict.check(
                len(good) == args.attempts,
                "sign-ups work before the faults",
                f"{len(good)} of {args.attempts}",
            )

            # --- disk full ---
            filler = fill(mount)
            free = os.statvfs(mount).f_bavail
            say(f"  disk full: {free} blocks free")
            started = time.monotonic()
            full = try_sign_ups(app.url, tag, 100, args.attempts)
            took = (time.monotonic() - started) / max(len(full), 1)
            say(f"  disk full: {args.attempts} sign-ups tried, {took:.2f} s each")
            good += [email for email, status, _ in full if status == 302]
            check_refusals(verdict, "disk full", full)
            check_reads(verdict, "disk full", app.url)
            filler.unlink()
            filler = None
            again = try_sign_ups(app.url, tag, 200, 1)
            good += [email for email, status, _ in again if status == 302]
            verdict.check(
                again[0][1] == 302,
                "disk freed: sign-ups work again, no restart",
                f"status {again[0][1]}",
            )

            # --- read-only ---
            locked = run("chattr", "+i", str(folder), str(db_file))
            verdict.check(
                locked.returncode == 0,
                "chattr +i on the database and its folder",
                locked.stderr.strip(),
            )
            try:
                read_only = try_sign_ups(app.url, tag, 300, args.attempts)
                good += [email for email, status, _ in read_only if status == 302]
                check_refusals(verdict, "read-only", read_only)
                check_reads(verdict, "read-only", app.url)
            finally:
                run("chattr", "-i", str(folder), str(db_file))
            again = try_sign_ups(app.url, tag, 400, 1)
            good += [email for email, status, _ in again if status == 302]
            verdict.check(
                again[0][1] == 302,
                "writable again: sign-ups work, no restart",
                f"status {again[0][1]}",
            )
            log = app.log_text()
        integrity, emails, mails, events = stored(db_file)
        say(
            f"  afterwards: integrity_check {integrity!r}, {len(emails)} sign-ups, "
            f"{mails} confirmation emails, {events} audit events"
        )
        verdict.check(integrity == "ok", "PRAGMA integrity_check is ok", integrity)
        verdict.check(
            set(good) <= emails,
            "every sign-up answered with success is stored",
            f"{len(set(good) & emails)} of {len(set(good))}",
        )
        verdict.check(
            len(emails) == mails == events,
            "no half-written sign-up",
            f"{len(emails)} / {mails} / {events}",
        )
        verdict.check("Traceback" not in log, "no traceback in the app log")
    finally:
        if filler is not None:
            filler.unlink(missing_ok=True)
        run("chattr", "-i", str(folder), str(db_file))
        run("umount", str(mount))
        with contextlib.suppress(OSError):
            mount.rmdir()
    verdict.exit()


if __name__ == "__main__":
    main()
