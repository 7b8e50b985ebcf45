"""On a phone (375 px wide) no page scrolls sideways: tables scroll inside their own box and
long words (the Accord's "members/volunteers/directors/shareholders/secretary") wrap.

The pages with tables and the forms people fill in on a phone, on the demo county, as each
role sees them."""

from __future__ import annotations

from accord.extensions import db
from accord.models import Role
from emergency.models import Hub
from tests.directory.data import service as make_service
from tests.directory.referrals.test_pages import refer
from tests.e2e.people import sign_in, sign_out
from tests.emergency import data
from tests.factories import PASSWORD

PHONE = {"width": 375, "height": 667}
DESKTOP = {"width": 1024, "height": 768}
PUBLIC = [
    "/accord",
    "/signatories",
    "/accord/consultations",
    "/accord/ambassadors",
    "/accord/review",
    "/directory",
    "/directory/buildings?town=Shrewsbury",
    "/mutual-aid",
    "/help",
    "/volunteer",
    "/sign-in",
    "/privacy",
    "/accord/sign/organisation",
]


def widths(page, server: str, paths: list[str]) -> dict[str, int]:
    """Each page's width on a phone, where it is wider than the phone. (Signing in and out
    happens on a wide screen: on a phone "Sign out" is behind the menu button.)"""
    wide = {}
    page.set_viewport_size(PHONE)
    for path in paths:
        response = page.goto(server + path)
        assert response is not None and response.ok, (path, response and response.status)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide[path] = width
    page.set_viewport_size(DESKTOP)
    return wide


def a_referral(app, make) -> None:
    """One referral sent from a frontline worker to a member's service, so both lists have
    a row."""
    org = make.organisation(name="Shrewsbury Larder Trust")
    service = make_service(
        "Community Larder",
        "food",
        "shrewsbury",
        access_routes=["professional_referral"],
        referral_fields=["contact", "needs"],
    )
    service.organisation = org
    make.user(Role.member, org, email="larder@example.org")
    make.user(Role.frontline, email="worker@example.org")
    db.session.commit()
    client = app.test_client()
    client.sign_in("worker@example.org", PASSWORD)
    refer(client, service)


def test_no_page_with_a_table_scrolls_sideways_on_a_phone(app, demo, page, server, make):
    incident = data.incident()
    hub = db.session.scalars(db.select(Hub).order_by(Hub.id)).first()
    a_referral(app, make)
    make.user(Role.cvec, email="cvec@example.org")
    make.user(Role.coordinator, email="coordinator@example.org")
    make.user(Role.admin, email="admin@example.org")

    wide = widths(page, server, PUBLIC)
    signed_in = {
        "worker@example.org": ["/referrals/"],
        "larder@example.org": ["/referrals/"],
        "cvec@example.org": [
            "/emergency",
            "/emergency/hubs",
            f"/emergency/hubs/{hub.id}",
            "/emergency/volunteers",
            "/emergency/networks",
            f"/emergency/incidents/{incident.id}",
            f"/emergency/incidents/{incident.id}/sitrep",
            f"/emergency/incidents/{incident.id}/debrief",
            f"/emergency/incidents/{incident.id}/stand-down",
            "/emergency/incidents/new",
        ],
        "coordinator@example.org": [
            "/admin/",
            "/admin/registry/signups",
            "/admin/ambassadors",
            "/admin/directory/reviews",
            "/concerns/",
            "/concerns/mediators",
            "/referrals/statistics",
        ],
        "admin@example.org": ["/admin/users", "/admin/outbox"],
    }
    for email, paths in signed_in.items():
        sign_in(page, server, email)
        wide |= widths(page, server, paths)
        sign_out(page, server)
    assert wide == {}


def test_a_wide_table_scrolls_in_its_own_box_and_long_words_wrap(app, demo, page, server):
    """The table keeps its columns (nothing squeezed to a letter a line): it scrolls."""
    page.set_viewport_size(PHONE)
    page.goto(server + "/signatories")
    table = page.locator(".govuk-table").first
    assert table.evaluate("t => t.scrollWidth > t.clientWidth")
    assert table.evaluate("t => getComputedStyle(t).overflowX") == "auto"
    # The Accord's glossary wraps its longest word inside the line.
    page.goto(server + "/accord")
    entry = page.locator("li", has_text="members/volunteers/directors/shareholders/secretary")
    assert entry.evaluate("e => e.scrollWidth <= e.clientWidth")
