"""Take the README's screenshots: `.venv/bin/python docs/screenshots.py` (needs Chromium).

Serves the app on demo data in a temporary SQLite database and photographs the main pages.
Maps are drawn on tiles from the tests' local tile server (plain stand-in tiles: nothing is
fetched from the internet), under the county's outlines and names from our own data.
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
from tests.fakes.tiles import FakeTiles  # noqa: E402

PAGES = {
    "home": "/",
    "accord": "/accord",
    "signatories": "/signatories",
    "directory": "/directory",
    "sign-in": "/sign-in",
    "volunteer": "/volunteer",
    "consultations": "/accord/consultations",
    "ambassadors": "/accord/ambassadors",
    "annual-review": "/accord/review",
}
# Taken during a demo incident, signed in as the demo CVEC coordinator.
INCIDENT_PAGES = {
    "help": "/help?where=SY1+1AA",
    "emergency": "/emergency",
    "emergency-map": "/emergency/map",
    "incident": "/emergency/incidents/1",
    "help-map": "/help/map?where=SY1+1AA",
    "hub": "/emergency/hubs/1",
    "debrief": "/emergency/incidents/1/debrief",
}
PHONE_SEARCH = "/directory?q=lunch+club&where=Shrewsbury"
OFFLINE = "http://127.0.0.1:9"  # no outside calls: flood and postcode feeds fail soft


def declare_demo_incident(app) -> None:
    from accord import geo
    from accord.extensions import db
    from emergency import hubs, incidents
    from emergency.models import Hub
    from emergency.networks import networks

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
        db.session.commit()


def referral_service(app) -> int:
    """A demo service taking professional referrals, run by the demo member's organisation
    (so the member's inbox can be photographed)."""
    from accord.extensions import db
    from accord.models import Membership, Role, User
    from directory.models import Capacity, Service

    with app.app_context():
        member = db.session.scalar(db.select(User).where(User.email.startswith("member@")))
        accepting = db.select(Service).where(Service.capacity == Capacity.accepting)
        service = db.session.scalars(
            accepting.where(Service.organisation_id.in_(member.organisation_ids()))
        ).first()
        if service is None:
            service = db.session.scalars(accepting.order_by(Service.id)).first()
            db.session.add(
                Membership(user=member, role=Role.member, organisation=service.organisation)
            )
        service.access_routes = ["professional_referral"]
        service.referral_fields = ["contact", "needs"]
        db.session.commit()
        return service.id


def sign_in(page, base: str, who: str) -> None:
    page.goto(base + "/sign-in")
    page.get_by_label("Email address").fill(f"{who}@demo.example.org")
    page.get_by_label("Password", exact=True).fill("shropshire-demo-2025")
    page.get_by_role("button", name="Sign in").click()


def sign_out(page, base: str) -> None:
    page.goto(base + "/account")
    page.get_by_role("button", name="Sign out").click()


def shoot(page, name: str) -> None:
    page.screenshot(path=str(ROOT / "docs" / "screenshots" / f"{name}.png"), full_page=True)


def refer(page, base: str, service_id: int) -> None:
    """A frontline worker's referral, photographed at the check-answers page."""
    from datetime import date

    page.goto(base + f"/referrals/new/{service_id}")
    page.get_by_label("The person is not at immediate risk").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("The person themselves", exact=True).check()
    page.get_by_label("By phone").check()
    today = date.today()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_label("How and when to contact them").check()
    page.get_by_label("What help they need").check()
    page.get_by_label("They understand who their details").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("The person's full name").fill("Sam Example")
    page.get_by_label("Why are you referring them?").fill("Lost work; no food this week")
    page.get_by_label("How and when can the service contact them?").fill("07700 900000, mornings")
    page.get_by_label("What help do they need?").fill("A food parcel for two adults")
    page.get_by_label("Their postcode (optional)").fill("SY1 1AA")
    page.get_by_role("button", name="Continue").click()
    shoot(page, "referral-check")
    page.get_by_role("button", name="Send referral").click()
    shoot(page, "referral-sent")


def member_pages(page, base: str, app) -> None:
    """What an organisation's member looks after: its buildings, its members, its badge."""
    from accord.extensions import db
    from accord.models import Organisation, User
    from registry.signatories.models import Signatory, SignatoryStatus

    with app.app_context():
        member = db.session.scalar(db.select(User).where(User.email.startswith("member@")))
        signed = db.select(Organisation.slug).join(
            Signatory, Signatory.organisation_id == Organisation.id
        )
        slugs = list(
            db.session.scalars(
                signed.where(
                    Organisation.id.in_(member.organisation_ids()),
                    Signatory.status == SignatoryStatus.published,
                )
            )
        )
    page.goto(base + "/directory/manage/buildings")
    shoot(page, "member-buildings")
    if slugs:
        page.goto(base + f"/account/organisations/{slugs[0]}/members")
        shoot(page, "members")
        page.goto(base + f"/signatories/{slugs[0]}/badge")
        shoot(page, "badge")


def send_list(page, base: str) -> None:
    """A member of the public's signposting list, about to be sent to a resident."""
    page.goto(base + "/directory?q=lunch+club&where=Shrewsbury")
    page.get_by_role("button", name="Add to list").first.click()
    page.goto(base + "/directory/list/send")
    page.get_by_label("By email").check()
    shoot(page, "send-list")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder, FakeTiles() as tiles:
        url = f"sqlite:///{Path(folder) / 'shots.db'}"
        app = create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": url,
                "SECRET_KEY": "x",
                "FLOOD_API_URL": OFFLINE,
                "POSTCODES_API_URL": OFFLINE,
                "RATELIMIT_ENABLED": False,
                "TILE_URL": tiles.tile_url,
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
            # A search on a phone: the results come first, the filters folded away.
            phone = browser.new_page(viewport={"width": 375, "height": 740})
            phone.goto(base + PHONE_SEARCH)
            phone.screenshot(path=str(ROOT / "docs" / "screenshots" / "directory-phone.png"))
            phone.close()
            # The service's own header and footer (no crown, no crest, its own copyright line).
            page.goto(base + "/")
            for part in ("header", "footer"):
                element = page.locator(f"{part}.govuk-template__{part}")
                element.screenshot(path=str(ROOT / "docs" / "screenshots" / f"{part}.png"))
            declare_demo_incident(app)
            sign_in(page, base, "cvec")
            for name, path in INCIDENT_PAGES.items():
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                if page.locator("iframe.app-map").count():
                    frame = page.frame_locator("iframe.app-map")
                    frame.locator("img.leaflet-tile-loaded").first.wait_for()
                shoot(page, name)
            sign_out(page, base)
            service_id = referral_service(app)
            sign_in(page, base, "frontline")
            refer(page, base, service_id)
            sign_out(page, base)
            sign_in(page, base, "member")
            page.goto(base + "/referrals/")
            shoot(page, "referral-inbox")
            member_pages(page, base, app)
            sign_out(page, base)
            send_list(page, base)
            browser.close()
        httpd.shutdown()


if __name__ == "__main__":
    main()
