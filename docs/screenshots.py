"""Take the README's screenshots: `.venv/bin/python docs/screenshots.py` (needs Chromium).

Serves the app on demo data in a temporary SQLite database and photographs the main pages.
"""

import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from accord import create_app  # noqa: E402

PAGES = {
    "home": "/",
    "accord": "/accord",
    "signatories": "/signatories",
    "directory": "/directory",
    "sign-in": "/sign-in",
}


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'shots.db'}"
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x"})
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
        app.test_cli_runner().invoke(args=["demo", "load"])
        httpd = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{httpd.server_port}"
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            for name, path in PAGES.items():
                page.goto(base + path)
                page.screenshot(path=str(ROOT / "docs" / "screenshots" / f"{name}.png"))
            browser.close()
        httpd.shutdown()


if __name__ == "__main__":
    main()
