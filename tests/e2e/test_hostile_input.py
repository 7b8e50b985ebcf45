"""The security sweep in Chromium (issue 9): script payloads stored through a real form and
by factories, then every page, map frame and popup that shows them is opened. Each payload
sets window.__pwned (or opens a dialog) if it runs; none may, and no Content-Security-Policy
report may show that markup got into a page as markup.
"""

from __future__ import annotations

from accord import clock
from accord.extensions import db
from accord.models import Role
from directory.models import ServiceAtLocation
from emergency.models import HubStatus, Incident
from registry.concerns import concerns, stages
from registry.notices import notices
from registry.publish import CONTENT, current_version, publish
from registry.self_assessment import self_assessment as work
from registry.signatories.models import Signatory
from tests import hostile
from tests.directory.data import service
from tests.e2e.people import sign_in
from tests.emergency import data

# Opens every popup and tooltip of every Leaflet map in the page (folium's maps are globals),
# so their HTML is put into the document as a person clicking each pin would.
OPEN_POPUPS = """() => {
    let opened = 0;
    for (const name of Object.keys(window)) {
        const map = window[name];
        if (!(window.L && map instanceof L.Map)) continue;
        map.eachLayer(layer => {
            if (layer.getPopup && layer.getPopup()) { layer.openPopup(); opened++; }
            if (layer.getTooltip && layer.getTooltip()) { layer.openTooltip(); opened++; }
        });
    }
    return opened;
}"""


# Records what the Content-Security-Policy blocked: the app's CSP stops an injected inline
# script or handler from running, so a block is the sign that markup got into the page.
WATCH_CSP = """document.addEventListener("securitypolicyviolation", e => {
    (window.__csp = window.__csp || []).push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`);
});"""
# Injected markup in the document (even if the CSP kept it from running).
INJECTED = """() => [
    ...document.querySelectorAll('img[src="x"], svg[onload], [onerror], [onload]'),
    ...document.querySelectorAll('a[href^="javascript:" i]'),
    ...[...document.scripts].filter(s => s.textContent.trim().startsWith("window.__pwned")),
].map(e => e.outerHTML.slice(0, 80))"""


def stored(make):
    """Every script payload in every kind of record that a page, map or export shows."""
    version = publish((CONTENT / "accord-2025.md").read_text(encoding="utf-8"), "2025")
    records = {"orgs": [], "services": [], "places": [], "hubs": [], "networks": []}
    for n, text in enumerate(hostile.SCRIPTS):
        # A javascript: address, as if a form or the ORUK import had let one through.
        org = make.organisation(name=f"{text} Trust {n}", town=text, website=hostile.JAVASCRIPT_URL)
        db.session.add(Signatory(organisation=org, accord_version=version, signer_name=text))
        building = make.location(name=f"{text} Hall {n}", town="Shrewsbury", address=text)
        listed = service(f"{text} Larder {n}", "food", description=text, eligibility=text)
        listed.at_locations = [ServiceAtLocation(location=building)]
        hub = data.hub(location=building, offer=text, needs=text, status=HubStatus.open)
        network = data.network(
            name=f"{text} Aid {n}", offers=text, public_contact=hostile.JAVASCRIPT_URL
        )
        data.volunteer(name=text, languages=text)
        records["orgs"].append(org)
        records["services"].append(listed)
        records["places"].append(building)
        records["hubs"].append(hub)
        records["networks"].append(network)
    db.session.commit()
    return records


def accord_in_action(make) -> dict[str, str]:
    """Script payloads in a concern (case, statement, outcome and published lesson), a
    self-assessment's SMART actions, a consultation, a funding notice and an ambassador, by
    the plain functions the forms call; the member who raised the concern signs in to see it."""
    version = current_version()
    raiser, council = make.organisation(sector="vcs"), make.organisation(sector="public")
    for org in (raiser, council):
        db.session.add(Signatory(organisation=org, accord_version=version, status="published"))
    member = make.user(role=Role.member, organisation=raiser, email="raiser@example.org")
    staff = make.user(role=Role.coordinator, email="coordinator@example.org")
    one, two, three, four = hostile.SCRIPTS[:4]
    raised = concerns.Raised(raiser, council, [1], one, two, three, four, "named")
    case = concerns.raise_concern(member, raised, "hostile")
    now = clock.utcnow()
    stages.acknowledge(case, staff, now)
    result = stages.Result("resolved", hostile.SCRIPTS[4], False, hostile.SCRIPTS[5], True)
    stages.record_outcome(case, staff, result, now)
    stages.close(case, staff)
    day = clock.today_uk()
    notices.log_consultation(member, council, one, day, day, hostile.JAVASCRIPT_URL)
    notices.log_notice(member, council, two, day, day)
    notices.save_ambassador(None, name=three, sector="vcse", organisation=four, contact="a@x.org")
    assessment = work.start(raiser, day.year, version)
    theme = work.themes_for(version, "vcs")[0]
    replies = {c.key: work.Reply("do_better", one, two, day) for c in theme.commitments}
    work.save_theme(assessment, theme, replies)
    db.session.commit()
    mine = f"/self-assessment/{raiser.slug}/{day.year}"
    return {
        "concern": f"/concerns/{case.uuid}",
        "assessment": mine,
        "theme": f"{mine}/themes/{theme.number}",
        "review": f"/accord/review/{day.year}",
    }


def safe(page, path: str) -> None:
    assert page.evaluate("window.__pwned") is None, path
    assert page.evaluate(INJECTED) == [], path
    assert page.evaluate("window.__csp") is None, path


def test_script_payloads_never_run_anywhere(page, server, make, console_errors):
    dialogs: list[str] = []

    def dialog(opened):
        dialogs.append(opened.message)
        opened.dismiss()

    page.on("dialog", dialog)
    page.add_init_script(WATCH_CSP)
    records = stored(make)
    accord = accord_in_action(make)
    make.user(role="cvec", email="cvec@example.org")

    # One path through a real form: an incident declared with a script for its name and
    # an event handler in its public message, shown on every page's banner from then on.
    sign_in(page, server, "cvec@example.org")
    page.goto(server + "/emergency/incidents/new")
    page.get_by_label("Incident name").fill(hostile.SCRIPTS[0])
    page.get_by_label("Flood", exact=True).check()
    page.get_by_label("No", exact=True).check()  # not an exercise: residents see its banner
    page.get_by_label("Centre of the affected area").fill("Shrewsbury")
    page.get_by_label("Radius of the affected area, in miles").fill("10")
    page.get_by_label("Message to the public").fill(hostile.SCRIPTS[1] + hostile.SCRIPTS[2])
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Declare incident").click()  # on the check page
    incident = db.session.scalar(db.select(Incident))
    assert incident is not None and incident.name == hostile.SCRIPTS[0]

    hub, network, org = records["hubs"][0], records["networks"][0], records["orgs"][0]
    signed_in = [
        "/emergency",
        "/emergency/hubs",
        f"/emergency/hubs/{hub.id}",
        "/emergency/networks",
        f"/emergency/networks/{network.id}",
        f"/emergency/networks/incidents/{incident.id}",
        "/emergency/volunteers",
        f"/emergency/incidents/{incident.id}",
        f"/emergency/incidents/{incident.id}/sitrep",
        "/emergency/map",
    ]
    public = [
        "/",
        "/signatories",
        f"/signatories/{org.slug}",
        "/directory?q=Larder",
        f"/directory/services/{records['services'][0].id}",
        f"/directory/places/{records['places'][0].id}",
        "/help",
        "/help?where=SY1+1AA",
        "/help/map",
        "/mutual-aid",
        f"/mutual-aid/{network.id}",
    ]
    frames = [
        "/emergency/map/frame",
        "/help/map/frame",
        "/directory/map",
        f"/directory/places/{records['places'][0].id}/map",
    ]
    opened = {}
    for path in signed_in + public + frames:
        page.goto(server + path)
        if path in frames:
            opened[path] = page.evaluate(OPEN_POPUPS)
        safe(page, path)

    # The Accord in action, as the member who raised the concern, and the public's pages.
    page.context.clear_cookies()
    sign_in(page, server, "raiser@example.org")
    # The payload is on these pages (as text), so passing is not for want of it.
    showing = [accord["concern"], accord["theme"], "/accord/learning", "/accord/consultations"]
    showing.append("/accord/ambassadors")
    for path in [*accord.values(), *showing, "/concerns/", f"/signatories/{org.slug}"]:
        page.goto(server + path)
        safe(page, path)
        if path in showing:
            assert "window.__pwned" in page.inner_text("main"), path
    assert dialogs == []
    assert opened["/emergency/map/frame"] >= len(hostile.SCRIPTS), opened
    assert opened["/help/map/frame"] >= 1, opened
    assert opened["/directory/map"] >= 1, opened
    # A map frame is a bare document with no icon link, so Chromium asks for /favicon.ico.
    assert [e for e in console_errors if "/favicon.ico" not in e] == []
