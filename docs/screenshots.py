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
    "volunteer": "/volunteer",
}
# Taken during a demo incident, signed in as the demo CVEC coordinator.
INCIDENT_PAGES = {
    "help": "/help?where=SY1+1AA",
    "emergency": "/emergency",
    "emergency-map": "/emergency/map",
    "hub": "/emergency/hubs/1",
}
OFFLINE = "http://127.0.0.1:9"  # no outside calls: flood and postcode feeds fail soft


def declare_demo_incident(app) -> None:
    from accord import geo
    from emergency import hubs, incidents, networks
    from emergency.models import Hub

    with app.app_context():
        area = incidents.Area("Shrewsbury", geo.place_named("Shrewsbury").point, 3.0, [])
        incident = incidents.declare(
            "River Severn flooding, Shrewsbury",
            "flood",
            area,
            "The Severn is flooding in Frankwell and Coleham. Community hubs are open.",
            None,
        )
        first, second = Hub.query.order_by(Hub.id).limit(2).all()
        hubs.set_status(first, "open", 34, "blankets, volunteers with cars", None)
        hubs.set_status(second, "full", 80, "", None)
        for network in networks.published()[:2]:
            networks.set_active(network, incident, True, None)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'shots.db'}"
        app = create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": url,
                "SECRET_KEY": "x",
                "FLOOD_API_URL": OFFLINE,
                "POSTCODES_API_URL": OFFLINE,
                "RATELIMIT_ENABLED": False,
            }
        )
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
            declare_demo_incident(app)
            page.goto(base + "/sign-in")
            page.get_by_label("Email address").fill("cvec@demo.example.org")
            page.get_by_label("Password", exact=True).fill("shropshire-demo-2025")
            page.get_by_role("button", name="Sign in").click()
            for name, path in INCIDENT_PAGES.items():
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                page.screenshot(
                    path=str(ROOT / "docs" / "screenshots" / f"{name}.png"), full_page=True
                )
            browser.close()
        httpd.shutdown()


if __name__ == "__main__":
    main()
