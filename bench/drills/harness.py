"""What every drill shares: a fresh database, the real app under gunicorn, visitors over HTTP.

The app runs as deployed (APP_ENV=production, wsgi:app, gunicorn sync workers) on a free
loopback port, behind a pretend proxy: TRUSTED_PROXY_COUNT=1 and each visitor sends its own
X-Forwarded-For, so the per-address rate limits stay on and each simulated person has their
own allowance, and X-Forwarded-Proto: https, so the production cookies (Secure) are right.
Outside services point at a closed port unless a drill gives its own fakes.
"""

from __future__ import annotations

import contextlib
import html
import itertools
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import requests
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.engine import Engine

ROOT = Path(__file__).resolve().parent.parent.parent
PYTHON = sys.executable
CLOSED = "http://127.0.0.1:9"  # nothing listens on the discard port
ACCORD_TEXT = ROOT / "registry" / "content" / "accord-2025.md"

# Words that mean a page leaked its insides instead of saying something a person can read.
LEAKS = ("Traceback", "Werkzeug Debugger", 'File "/', "sqlalchemy", "psycopg", "sqlite3")


def say(line: str) -> None:
    print(line, flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- databases ------------------------------------------------------------------------------


def fresh_postgresql(url: str) -> str:
    """Drop and create the database `url` names (on its own server); returns the URL."""
    parts = make_url(url)
    admin = create_engine(parts.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parts.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{parts.database}"'))
    admin.dispose()
    return url


def drop_postgresql(url: str) -> None:
    parts = make_url(url)
    admin = create_engine(parts.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parts.database}" WITH (FORCE)'))
    admin.dispose()


def engine(url: str) -> Engine:
    """For the drill's own checks (plain SQL, outside the app)."""
    return create_engine(url, pool_pre_ping=True)


# --- the app --------------------------------------------------------------------------------


def app_env(database_url: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "APP_ENV": "production",
            "SECRET_KEY": secrets.token_hex(32),
            "PUBLIC_BASE_URL": "https://drill.example",
            "DATABASE_URL": database_url,
            "TRUSTED_PROXY_COUNT": "1",
            "RATELIMIT_STORAGE_URI": "memory://",
            "POSTCODES_API_URL": CLOSED,
            "FLOOD_API_URL": CLOSED,
            "NOMINATIM_URL": CLOSED,
            "MAIL_SERVER": "",
            "PYTHONPATH": str(ROOT),
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra)
    return env


def flask(env: dict[str, str], *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """`flask --app wsgi …` as the operator runs it; raises with its output when it fails."""
    done = subprocess.run(
        [PYTHON, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done


def prepare(env: dict[str, str]) -> None:
    """The schema from the real migrations, and the Accord's text (sign-ups need a version)."""
    flask(env, "db", "upgrade")
    flask(env, "accord", "publish", str(ACCORD_TEXT), "--version", "2025")


class Gunicorn:
    """`gunicorn wsgi:app` in its own process group; `with Gunicorn(env) as app:`."""

    def __init__(self, env: dict[str, str], workers: int = 3, timeout: int = 30):
        self.env = env
        self.workers = workers
        self.timeout = timeout
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = Path(tempfile.mkstemp(prefix="drill-gunicorn-", suffix=".log")[1])
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                [
                    PYTHON,
                    "-m",
                    "gunicorn",
                    "--workers",
                    str(self.workers),
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--timeout",
                    str(self.timeout),
                    "--graceful-timeout",
                    "5",
                    "wsgi:app",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.wait_ready()
        return self

    def wait_ready(self, within: float = 60) -> None:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if self.process and self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log.read_text()[-3000:]}")
            with contextlib.suppress(requests.RequestException):
                healthy = requests.get(f"{self.url}/healthz", timeout=2).status_code == 200
                if healthy and len(self.workers_now()) >= self.workers:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn not ready in {within} s:\n{self.log.read_text()[-3000:]}")

    def workers_now(self) -> set[int]:
        """The worker processes' ids (the master's children)."""
        assert self.process is not None
        found = set()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, ValueError, IndexError):
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == self.process.pid and fields[0] != "Z":
                    found.add(int(stat.parent.name))
        return found

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        keep = os.environ.get("DRILL_KEEP_LOGS")
        if keep:
            say(f"  gunicorn log kept at {self.log}")
        else:
            self.log.unlink(missing_ok=True)


# --- visitors -------------------------------------------------------------------------------


_addresses = itertools.count(1)
_address_lock = threading.Lock()


def new_address() -> str:
    with _address_lock:
        n = next(_addresses)
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


class Visitor:
    """One person with a browser: own cookies, own address (for the rate limits)."""

    def __init__(self, base: str, timeout: float = 30):
        self.base = base
        self.timeout = timeout
        self.http = requests.Session()
        self.http.headers.update({"X-Forwarded-For": new_address(), "X-Forwarded-Proto": "https"})

    def _plain_cookies(self) -> None:
        # The app's cookies are Secure (production) and the pretend proxy terminated TLS for
        # us, so the cookie jar must send them over this plain loopback connection.
        for cookie in self.http.cookies:
            cookie.secure = False

    def get(self, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", self.timeout)
        try:
            return self.http.get(self.base + path, **kwargs)
        finally:
            self._plain_cookies()

    def post(self, path: str, data: dict, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", self.timeout)
        kwargs.setdefault("allow_redirects", False)
        # As a browser on https would: Flask-WTF checks the Referer of a secure POST.
        referer = "https://" + self.base.split("://", 1)[1] + path
        headers = {"Referer": referer, **kwargs.pop("headers", {})}
        try:
            return self.http.post(self.base + path, data=data, headers=headers, **kwargs)
        finally:
            self._plain_cookies()

    def submit(self, path: str, data: dict, form_path: str | None = None) -> requests.Response:
        """Fetch the form, read its csrf_token, post the answers with it (CSRF stays on)."""
        page = self.get(form_path or path)
        if page.status_code != 200:
            raise StepFailed(f"GET {form_path or path}: {page.status_code}", page)
        return self.post(path, {"csrf_token": csrf_token(page.text), **data})

    def close(self) -> None:
        self.http.close()


class StepFailed(Exception):
    def __init__(self, message: str, response: requests.Response | None = None):
        super().__init__(message)
        self.response = response


VALUE = re.compile(r"\bvalue=\"([^\"]*)\"")


def hidden(page: str, name: str) -> str:
    """The value of the form's input called `name` (csrf_token, a one-time token)."""
    tag = re.search(rf"<input[^>]*\bname=\"{re.escape(name)}\"[^>]*>", page)
    value = VALUE.search(tag.group(0)) if tag else None
    if value is None:
        raise StepFailed(f"no {name} on the form")
    return html.unescape(value.group(1))


def csrf_token(page: str) -> str:
    return hidden(page, "csrf_token")


def page_text(body: str) -> str:
    """The words of a page, roughly (for "does it say …" checks)."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S | re.I)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def leaks(body: str) -> list[str]:
    return [word for word in LEAKS if word in body]


# --- signing the Accord ---------------------------------------------------------------------


@dataclass
class SignUpAnswers:
    n: int
    run: str
    steps: dict = field(init=False)

    def __post_init__(self) -> None:
        tag = f"{self.run}-{self.n}"
        self.steps = {
            "organisation": {
                "name": f"Drill Community Group {tag}",
                "sector": "vcs",
                "org_type": "Unincorporated group or association",
                "charity_number": "",
                "company_number": "",
                "website": "",
            },
            "address": {
                "address": f"{self.n} Castle Street",
                "town": "Shrewsbury",
                "postcode": "SY1 2AZ",
            },
            "people": {
                "signer_name": f"Signer {tag}",
                "signer_position": "Chair",
                "signer_email": f"signer-{tag}@drill.example",
                "lead_name": f"Lead {tag}",
                "lead_email": f"lead-{tag}@drill.example",
            },
            "agreement": {"statements": ["principles", "framework", "relationship", "promote"]},
        }

    @property
    def email(self) -> str:
        return self.steps["people"]["signer_email"]


def sign_up(visitor: Visitor, answers: SignUpAnswers) -> requests.Response:
    """Every step of /accord/sign, then "Sign the Accord"; returns the final POST's answer
    (302 to /accord/sign/sent is success). Raises StepFailed if an earlier step fails."""
    for step, data in answers.steps.items():
        response = visitor.submit(f"/accord/sign/{step}", data)
        if response.status_code != 302:
            raise StepFailed(f"POST {step}: {response.status_code}", response)
    return visitor.submit("/accord/sign/check", {})


def signed(response: requests.Response) -> bool:
    return response.status_code == 302 and response.headers.get("Location", "").endswith(
        "/accord/sign/sent"
    )


# --- referring someone ----------------------------------------------------------------------

# Demo data (`flask demo load`): a frontline worker, and a food bank whose organisation's
# member receives its referrals.
FRONTLINE = ("frontline@demo.example.org", "shropshire-demo-2025")
RECEIVER = "member@demo.example.org"
FOOD_BANK = "Shrewsbury Food Bank"


def sign_in(visitor: Visitor, email: str, password: str) -> bool:
    return visitor.submit("/sign-in", {"email": email, "password": password}).status_code == 302


def refer(visitor: Visitor, service_id: int, name: str) -> requests.Response:
    """A signed-in frontline worker's referral, every step as the pages ask; returns the
    answer to "Send referral" (302 to /referrals/<uuid> is success). Raises StepFailed if an
    earlier step fails."""
    start = f"/referrals/new/{service_id}"
    page = visitor.get(start)
    if page.status_code != 200:
        raise StepFailed(f"GET {start}: {page.status_code}", page)
    answer = visitor.post(
        start,
        {"csrf_token": csrf_token(page.text), "token": hidden(page.text, "token"), "checked": "y"},
    )
    where = answer.headers.get("Location", "")
    if answer.status_code != 302 or not where.endswith("/consent"):
        raise StepFailed(f"POST {start}: {answer.status_code} to {where!r}", answer)
    draft = where[where.index("/referrals/") :].removesuffix("/consent")
    today = date.today()
    steps = {
        "consent": {
            "by": "resident",
            "how": "phone",
            "given_on": [str(today.day), str(today.month), str(today.year)],
            "scope": ["contact", "needs"],
            "agreed": "y",
        },
        "details": {
            "name": name,
            "reason": "No food in the house this week",
            "contact": "By phone, mornings",
            "needs": "A food parcel",
            "postcode": "SY1 2AZ",
        },
    }
    for step, data in steps.items():
        answer = visitor.submit(f"{draft}/{step}", data)
        if answer.status_code != 302:
            raise StepFailed(f"POST {step}: {answer.status_code}", answer)
    return visitor.submit(f"{draft}/check", {})


def sent(response: requests.Response) -> str | None:
    """The referral's address if "Send referral" succeeded (it answers with the referral's
    confirmation page, <referral>/sent; a replay, with the referral itself)."""
    where = response.headers.get("Location", "").removesuffix("/sent")
    if response.status_code == 302 and re.search(r"/referrals/[0-9a-f-]{36}$", where):
        return where[where.index("/referrals/") :]
    return None


# --- results --------------------------------------------------------------------------------


class Verdict:
    """Promises checked by a drill; `exit()` ends the process non-zero if any broke."""

    def __init__(self, name: str):
        self.name = name
        self.broken: list[str] = []

    def check(self, ok: bool, promise: str, measured: str = "") -> bool:
        say(f"  [{'ok' if ok else 'BROKEN'}] {promise}" + (f": {measured}" if measured else ""))
        if not ok:
            self.broken.append(promise)
        return ok

    def exit(self) -> None:
        if self.broken:
            say(f"{self.name}: {len(self.broken)} promise(s) broken")
            sys.exit(1)
        say(f"{self.name}: every promise kept")
        sys.exit(0)


@contextlib.contextmanager
def timer() -> Iterator[list[float]]:
    took: list[float] = []
    start = time.monotonic()
    try:
        yield took
    finally:
        took.append(time.monotonic() - start)
