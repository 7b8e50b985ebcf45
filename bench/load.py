"""Throughput and the load test under gunicorn (2 workers), driven by wrk on loopback.

For one database already holding the county (`bench.pages.prepare`):

1. Throughput: each page kind alone for `BENCH_WRK_SECONDS` (default 10) at
   `BENCH_WRK_CONNECTIONS` (default 8) connections: requests a second and latency, beside a
   trivial Flask app under the same gunicorn settings.
2. The load test (issue 9): `BENCH_LOAD_SECONDS` (default 60) at `BENCH_LOAD_CONNECTIONS`
   (default 32) connections on a mix of the public pages. Promises: no 5xx, p99 under 1 s.
   Each worker's resident memory is read from /proc during and after the run.

The app is started as deployed (`APP_ENV=production`, `SECRET_KEY`, `PUBLIC_BASE_URL`,
`DATABASE_URL`), with rate limits off (`bench.serve`) and outside services pointed at a
closed port, so pages use their offline fallbacks and a bench never leaves the machine.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bench import pages

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(__file__).resolve().parent / "wrk.lua"
WORKERS = 2
SECONDS = int(os.environ.get("BENCH_WRK_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_WRK_CONNECTIONS", "8"))
WARM_SECONDS = int(os.environ.get("BENCH_WARM_SECONDS", "3"))
LOAD_SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "60"))
LOAD_CONNECTIONS = int(os.environ.get("BENCH_LOAD_CONNECTIONS", "32"))
P99_PROMISE_MS = 1000.0
# The public pages of the load test's mix, asked in turn.
MIX = ["search", "oruk_list", "oruk_detail", "signatories", "help", "public_map", "home"]


@dataclass
class Result:
    what: str
    requests: int
    seconds: float
    p50: float
    p95: float
    p99: float
    max: float
    fivexx: int
    fourxx: int  # any other answer than 2xx: 3xx and 4xx
    errors: int  # socket errors and timeouts
    rss_mb: list[float] = field(default_factory=list)  # peak, one a worker

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit("wrk is not installed: `apt-get install -y wrk` (make bench does it)")
    return found


class Gunicorn:
    """gunicorn serving `target` on a free loopback port: two sync workers unless told
    otherwise, from the checkout at `root` (its code, its gunicorn.conf.py), so
    bench/side_by_side.py can serve an older commit's checkout beside this one."""

    def __init__(
        self,
        target: str,
        env: dict[str, str],
        log: Path,
        *,
        root: Path = ROOT,
        workers: int = WORKERS,
        threads: int = 1,
    ) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log.open("ab")
        self.count = workers
        command = [sys.executable, "-m", "gunicorn", "--workers", str(workers)]
        # More than one thread: gunicorn's gthread workers; one: sync. Said on the command line
        # either way, so the bench measures what it names whatever gunicorn.conf.py chooses.
        kind = "gthread" if threads > 1 else "sync"
        command += ["--worker-class", kind, "--threads", str(threads)]
        command += ["--bind", f"127.0.0.1:{self.port}", "--timeout", "60"]
        command += ["--log-level", "warning", target]
        environment = {**os.environ, **env, "PYTHONPATH": str(root)}
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            command, cwd=root, env=environment, stdout=self.log, stderr=self.log
        )

    def wait(self, path: str = "/", seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn stopped (see {self.log.name})")
            try:
                with urllib.request.urlopen(self.base + path, timeout=5) as answer:  # noqa: S310
                    if answer.status == 200 and len(self.workers()) == self.count:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer {path} within {seconds:.0f} s")

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def wrk(
    server: Gunicorn,
    what: str,
    paths: list[str],
    seconds: int,
    connections: int,
    cookie: str = "",
) -> Result:
    """One wrk run cycling through `paths`; peak RSS of each worker sampled while it runs."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listing:
        listing.write("\n".join(paths) + "\n")
    peaks: dict[int, float] = {}
    running = threading.Event()
    running.set()

    def sample() -> None:
        while running.is_set():
            for pid in server.workers():
                peaks[pid] = max(peaks.get(pid, 0.0), rss_mb(pid))
            time.sleep(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    env = {**os.environ, "WRK_PATHS": listing.name, "WRK_COOKIE": cookie, "WRK_AGENT": pages.AGENT}
    # One wrk thread: the machine's CPUs are for the server. A long timeout, so slow answers
    # count in the latency instead of vanishing as timeouts.
    command = [ensure_wrk(), "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s"]
    command += ["-s", str(SCRIPT), server.base]
    try:
        done = subprocess.run(  # noqa: S603 - our own command line
            command, env=env, capture_output=True, text=True, check=True
        )
    finally:
        running.clear()
        sampler.join()
        Path(listing.name).unlink()
    line = next(x for x in done.stdout.splitlines() if x.startswith("BENCH "))
    got = json.loads(line[len("BENCH ") :])
    errors = sum(got[k] for k in ("connect", "read", "write", "timeout"))
    return Result(
        what,
        got["requests"],
        got["duration_us"] / 1e6,
        got["p50_us"] / 1000,
        got["p95_us"] / 1000,
        got["p99_us"] / 1000,
        got["max_us"] / 1000,
        got["fivexx"],
        got["fourxx"],
        errors,
        [peaks[pid] for pid in sorted(peaks)],
    )


def server_env(url: str, port_hint: str = "") -> dict[str, str]:
    return {
        "APP_ENV": "production",
        "SECRET_KEY": "bench",
        "PUBLIC_BASE_URL": port_hint or "http://127.0.0.1",
        "DATABASE_URL": url,
        "POSTCODES_API_URL": "http://127.0.0.1:9",
        "FLOOD_API_URL": "http://127.0.0.1:9",
        "NOMINATIM_URL": "http://127.0.0.1:9",
        "RATELIMIT_STORAGE_URI": "memory://",
    }


def addresses(total: int, seed: int = 5, count: int = 300) -> dict[str, list[str]]:
    """A few hundred varied addresses per page kind, and the home page."""
    found = {}
    for kind in pages.kinds(total):
        rng = random.Random(seed)  # noqa: S311 - benchmark sampling
        found[kind.key] = [kind.path(rng) for _ in range(count)]
    found["home"] = ["/"]
    return found


def measure(url: str, engine: str, total: int, cookie: str) -> tuple[list[Result], Result]:
    """(throughput rows, the load test) for one engine's database."""
    by_kind = addresses(total)
    labels = {kind.key: kind.label for kind in pages.kinds(total)}
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "gunicorn.log"
        rows = []
        baseline = Gunicorn("bench.serve:trivial()", {}, log)
        try:
            baseline.wait()
            wrk(baseline, "warm-up", ["/"], WARM_SECONDS, WORKERS)
            rows.append(wrk(baseline, "trivial Flask app", ["/"], SECONDS, CONNECTIONS))
        finally:
            baseline.stop()
        server = Gunicorn("bench.serve:app()", server_env(url), log)
        try:
            server.wait("/healthz")
            for key, label in labels.items():
                chosen = cookie if key == "cvec_map" else ""
                # Unmeasured first: each worker loads its geography tables, compiles the
                # templates and reads the search vocabulary on its first requests.
                wrk(server, "warm-up", by_kind[key], WARM_SECONDS, WORKERS, chosen)
                rows.append(wrk(server, label, by_kind[key], SECONDS, CONNECTIONS, chosen))
            # Interleaved, so every connection meets every kind of page.
            load = wrk(
                server,
                f"load test: public mix, {LOAD_SECONDS} s at {LOAD_CONNECTIONS} connections",
                [by_kind[key][i % len(by_kind[key])] for i in range(300) for key in MIX],
                LOAD_SECONDS,
                LOAD_CONNECTIONS,
            )
        finally:
            server.stop()
        for row in rows:
            row.what = f"{engine} · {row.what}"
        load.what = f"{engine} · {load.what}"
        if sum(row.fivexx for row in rows) or any(row.errors for row in rows):
            print((log.read_text(errors="replace"))[-4000:], file=sys.stderr)
    return rows, load


def kept(load: Result) -> bool:
    return load.fivexx == 0 and load.errors == 0 and load.p99 < P99_PROMISE_MS


def table(rows: list[Result], loads: list[Result]) -> str:
    load_avg = os.getloadavg()[0]
    text = (
        f"\n### Throughput under gunicorn ({WORKERS} sync workers), wrk on loopback "
        f"({SECONDS} s a page at {CONNECTIONS} connections; load {load_avg:.1f} on "
        f"{os.cpu_count()} CPUs)\n\n"
        "| engine · page | requests/s | × trivial app | p50 ms | p95 ms | p99 ms | 5xx | "
        "other non-2xx |\n|---|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    base = {row.what.split(" · ")[0]: row.rate for row in rows if "trivial" in row.what}
    for row in rows:
        ratio = row.rate / base[row.what.split(" · ")[0]]
        text += (
            f"| {row.what} | {row.rate:,.1f} | {ratio:.3f}× | {row.p50:.0f} | {row.p95:.0f} | "
            f"{row.p99:.0f} | {row.fivexx} | {row.fourxx} |\n"
        )
    text += (
        "\n### Load test (issue 9): mix of public pages (search, ORUK list and detail, "
        "signatories, /help by postcode, public map, home)\n\n"
        "| engine · run | requests | requests/s | p50 ms | p95 ms | p99 ms | max ms | 5xx | "
        "socket errors | RSS MB per worker (peak) | promise |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n"
    )
    for load in loads:
        memory = ", ".join(f"{mb:.0f}" for mb in load.rss_mb)
        verdict = "kept" if kept(load) else "BROKEN"
        text += (
            f"| {load.what} | {load.requests:,} | {load.rate:.1f} | {load.p50:.0f} | "
            f"{load.p95:.0f} | {load.p99:.0f} | {load.max:.0f} | {load.fivexx} | "
            f"{load.errors} | {memory} | {verdict}: 0 5xx, p99 < {P99_PROMISE_MS:.0f} ms |\n"
        )
    return text
