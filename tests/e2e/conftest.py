"""Browser tests: the app served on a real port, driven by Debian's Chromium via Playwright.

They skip, saying why, only when Chromium is absent and REQUIRE_BROWSER is unset; CI sets
REQUIRE_BROWSER=1 so a missing browser fails the run instead of hiding it.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from flask import send_file
from playwright.sync_api import expect
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(config, items):
    have_browser = Path(CHROMIUM).exists()
    if os.environ.get("TEST_DATABASE_URL"):
        # Browser tests check what a browser sees, which is the same on either database: run
        # them once, on PostgreSQL (production's), while every other test runs on both.
        twice = [i for i in items if "tests/e2e/" in i.nodeid and "[sqlite" in i.nodeid]
        if twice:
            config.hook.pytest_deselected(items=twice)
            items[:] = [i for i in items if i not in twice]
    for item in items:
        if "tests/e2e/" not in item.nodeid.replace("\\", "/"):
            continue
        item.add_marker(pytest.mark.e2e)
        # When the browser drops a request mid-file (it navigates on before a favicon
        # arrives), werkzeug's development server leaves that static file for the garbage
        # collector. That is the test server's behaviour, not the app's: gunicorn closes it.
        item.add_marker(
            pytest.mark.filterwarnings(
                "ignore:Exception ignored in. <_io.FileIO:pytest.PytestUnraisableExceptionWarning"
            )
        )
        item.add_marker(pytest.mark.filterwarnings("ignore:unclosed file:ResourceWarning"))
        if not have_browser and not os.environ.get("REQUIRE_BROWSER"):
            item.add_marker(
                pytest.mark.skipif(
                    True, reason=f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
                )
            )


# A web assertion waits up to 15 s, not Playwright's 5: it returns as soon as it holds, and
# on a loaded 2-core CI machine (a worker a core and one more, with PostgreSQL and the
# browsers) a page can take longer than 5 s to settle.
expect.set_options(timeout=15_000)


@pytest.fixture(scope="session")
def browser_type_launch_args():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"REQUIRE_BROWSER is set but Chromium is missing at {CHROMIUM}")
    return {"executable_path": CHROMIUM, "args": FLAGS, "headless": True}


AXE_PATH = "/__test__/axe.min.js"


@pytest.fixture
def server(app):
    """The test app on 127.0.0.1:<free port>, in a thread, for the length of one test.

    It also serves axe-core (from the npm lockfile) at AXE_PATH, so scans load it like any
    other same-site script, under the app's own Content-Security-Policy.
    """
    app.add_url_rule(
        AXE_PATH,
        "test_axe",
        lambda: send_file(AXE, mimetype="text/javascript", max_age=3600),
    )
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    # Polled every 50 ms for shutdown, not 500: each test's teardown waited for the poll.
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join()
    httpd.server_close()


@pytest.fixture(scope="session")
def base_url():
    # Replaces pytest-base-url's fixture (deprecated under pytest 9); tests use `server`.
    return None


WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def scan(page) -> list[str]:
    """The WCAG 2.2 A/AA violations axe-core finds on the page as it is now."""
    page.add_script_tag(url=AXE_PATH)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    assert result["passes"], "axe ran no checks"
    return [
        f"{v['id']} ({v['impact']}): {v['help']} {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]


@pytest.fixture
def axe(page, server):
    """axe(path) → the violations on that page of the test server."""

    def at(path: str) -> list[str]:
        page.goto(server + path)
        return scan(page)

    return at


@pytest.fixture
def console_errors(page):
    """Console errors (CSP violations, missing assets, script errors) seen on the page."""
    errors: list[str] = []

    def seen(msg):
        # The status of the page itself (a deliberate 404) is not an asset failing to load.
        if msg.type == "error" and msg.location.get("url") != page.url:
            errors.append(f"{msg.text} at {msg.location.get('url')}")

    page.on("console", seen)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors
