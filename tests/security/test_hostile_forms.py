"""The security sweep (issue 9): hostile strings through the main public and signed-in forms.

Each string goes into every text field of a form. No answer is ever a 500; NUL bytes and a
1 MB string get a clean answer (a GOV.UK error summary, 400 or 413); and wherever the stored
text is shown afterwards — pages, coordinators' pages, CSV exports, the ORUK API, GeoJSON,
JSON and map frames — it is escaped, and no CSV cell starts a formula.
"""

from __future__ import annotations

import itertools
import json

import pytest
from sqlalchemy import func, select

from accord.extensions import db
from accord.models import Role
from directory.models import Service
from emergency.models import Hub, Incident
from emergency.networks.models import MutualAidNetwork
from emergency.volunteers.models import Volunteer
from registry.signatories.models import Signatory, SignUp
from tests import hostile
from tests.directory.data import organisation, place, service
from tests.directory.pickers import chosen
from tests.emergency import data
from tests.emergency.networks.test_networks import VALID as NETWORK
from tests.emergency.volunteers.test_volunteers import ANSWERS as VOLUNTEER
from tests.factories import PASSWORD
from tests.registry.signatories.journey import ANSWERS as SIGNUP
from tests.registry.signatories.journey import confirm_link, publish_accord

_addresses = itertools.count(1)
CLEAN = {200, 302, 400, 413}


def address() -> dict:
    n = next(_addresses)
    return {"REMOTE_ADDR": f"10.77.{n // 250}.{n % 250}"}


def rounds(fields: list[str]):
    """Answers that put every storable hostile string into some field, each field taking a
    different string each round: a few submissions instead of strings × fields."""
    strings = hostile.STORABLE
    for start in range(0, len(strings), len(fields)):
        yield {f: strings[(start + i) % len(strings)] for i, f in enumerate(fields)}


def submit(client, path: str, data: dict, *, form_path: str | None = None, **kwargs):
    """PageClient.submit with the session's CSRF token fetched once, not with every POST: the
    token belongs to the session, not the form, and a page for every POST is what took the time."""
    token = getattr(client, "sweep_csrf", None) or client.csrf_token(form_path or path)
    client.sweep_csrf = token
    return client.post(path, data={"csrf_token": token, **data}, **kwargs)


def sign_in(client, make, role: str, **fields):
    user = make.user(role=role, email=f"{role}-{next(_addresses)}@example.org", **fields)
    client.sign_in(user.email, PASSWORD)
    return client


def checked(client, paths: list[str], *, shows: tuple[str, ...] = ()) -> None:
    """Every path answers 200 and is safe for its type; HTML shows the markers in `shows`
    (so the check is not passing on a page that left the stored text out)."""
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        text = response.get_data(as_text=True)
        if response.mimetype == "text/html":
            assert hostile.unsafe_html(text) == [], path
            for marker in shows:
                assert marker in text, (path, marker)
        elif response.mimetype == "text/csv":
            assert hostile.formula_cells(text) == [], path
        else:
            assert "json" in response.mimetype, (path, response.mimetype)
            json.loads(text)
            assert hostile.SECRET not in text and "tpl49tpl" not in text, path


def clean(response, path: str) -> None:
    assert response.status_code in CLEAN, (path, response.status_code)
    if response.status_code == 400 and response.mimetype == "text/html":
        body = response.get_data(as_text=True)
        assert "There is a problem" in body or "form has expired" in body, path


# --- the public forms -----------------------------------------------------------------------


def test_registry_sign_up(app, client, make):
    publish_accord()
    fields = ["name", "address", "town", "signer_name", "signer_position", "lead_name"]
    for texts in rounds(fields):
        client.environ_base.update(address())
        for step, answers in SIGNUP.items():
            values = {k: texts.get(k, v) for k, v in answers.items()}
            response = submit(client, f"/accord/sign/{step}", values)
            assert response.status_code == 302, (step, texts, response.status_code)
        assert hostile.unsafe_html(client.get("/accord/sign/check").get_data(as_text=True)) == []
        assert submit(client, "/accord/sign/check", {}).status_code == 302
        client.get(confirm_link())
    staff = sign_in(app.test_client(), make, Role.coordinator)
    for record in db.session.scalars(select(SignUp)):
        checked(staff, [f"/admin/registry/signups/{record.id}"], shows=("__pwned",))
        submit(staff, f"/admin/registry/signups/{record.id}", {"decision": "approve"})
    checked(client, ["/signatories", "/signatories.csv", "/signatories.json"])
    assert "__pwned" in client.get("/signatories?page=1").get_data(as_text=True)
    for record in db.session.scalars(select(SignUp)):
        slug = record.organisation.slug if record.organisation else None
        if slug:
            checked(client, [f"/signatories/{slug}"], shows=())


def test_registry_sign_up_refuses_nul_and_huge_cleanly(client):
    publish_accord()
    for step, answers in SIGNUP.items():
        path = f"/accord/sign/{step}"
        for field in answers:
            if field != "statements":
                clean(submit(client, path, {**answers, field: hostile.NUL}), path)
    path = "/accord/sign/organisation"
    organisation = SIGNUP["organisation"]
    clean(submit(client, path, {**organisation, "name": hostile.HUGE}), path)
    clean(submit(client, path, {**organisation, "website": hostile.JAVASCRIPT_URL}), path)


def test_volunteer_sign_up(app, client, make):
    for n, texts in enumerate(rounds(["name", "languages"])):
        values = {**VOLUNTEER, **texts, "email": f"v{n}@example.org"}
        response = submit(client, "/volunteer", values, environ_base=address())
        assert response.status_code == 302, (texts, response.status_code)
    cvec = sign_in(app.test_client(), make, Role.cvec)
    ids = db.session.scalars(select(Volunteer.id)).all()
    assert len(ids) == len(hostile.STORABLE) // 2
    checked(cvec, ["/emergency/volunteers"], shows=("__pwned",))
    checked(cvec, [f"/emergency/volunteers/{n}" for n in ids])


def test_mutual_aid_registration_and_cvec_review(app, client, make):
    for texts in rounds(["name", "offers_other", "contact_name"]):
        # Contact details take only a phone number or an email address (no letters).
        values = {**NETWORK, **texts}
        response = submit(client, "/mutual-aid/register", values, environ_base=address())
        assert response.status_code == 302, (texts, response.status_code)
    network = submit(
        client,
        "/mutual-aid/register",
        {**NETWORK, "name": "Hostile link", "public_contact": hostile.JAVASCRIPT_URL},
        environ_base=address(),
    )
    clean(network, "/mutual-aid/register")
    cvec = sign_in(app.test_client(), make, Role.cvec)
    incident = data.incident()
    checked(cvec, ["/emergency/networks"], shows=("__pwned",))
    for record in db.session.scalars(select(MutualAidNetwork)).all():
        path = f"/emergency/networks/{record.id}"
        checked(cvec, [path])
        assert submit(cvec, path, {"decision": "approve"}).status_code == 302
        active = f"/emergency/networks/incidents/{incident.id}/{record.id}"
        form = f"/emergency/networks/incidents/{incident.id}"
        assert submit(cvec, active, {"active": "yes"}, form_path=form).status_code == 302
    checked(client, ["/mutual-aid"], shows=("__pwned",))
    checked(client, ["/help", "/help?postcode=SY1+1AA", "/help/map/frame"])
    checked(
        cvec,
        [
            f"/emergency/networks/incidents/{incident.id}",
            f"/emergency/incidents/{incident.id}/sitrep",
            f"/emergency/incidents/{incident.id}/sitrep.csv",
            "/emergency/map/frame",
        ],
    )
    for record in db.session.scalars(select(MutualAidNetwork)).all():
        checked(client, [f"/mutual-aid/{record.id}"])


def test_the_public_forms_answer_nul_and_huge_cleanly(client):
    organisation()
    listed = service("Larder", "food", "shrewsbury")
    db.session.commit()
    text = hostile.NUL
    for field in ("name", "languages", "phone", "postcode"):
        clean(
            submit(client, "/volunteer", {**VOLUNTEER, field: text}, environ_base=address()),
            "/volunteer",
        )
    for field in ("name", "offers_other", "towns", "place", "public_contact", "contact_name"):
        clean(
            submit(
                client, "/mutual-aid/register", {**NETWORK, field: text}, environ_base=address()
            ),
            "/mutual-aid/register",
        )
    report = f"/directory/services/{listed.id}/report"
    clean(submit(client, report, {"what": text}, environ_base=address()), report)
    for path in ("/directory", "/help", "/signatories", "/mutual-aid"):
        clean(client.get(path, query_string={"q": text}), path)
        clean(client.get(path, query_string={"q": hostile.HUGE[:8000]}), path)
    huge = hostile.HUGE
    volunteer = submit(client, "/volunteer", {**VOLUNTEER, "name": huge}, environ_base=address())
    clean(volunteer, "/volunteer")
    network = submit(client, "/mutual-aid/register", {**NETWORK, "offers_other": huge})
    clean(network, "/mutual-aid/register")
    clean(submit(client, report, {"what": huge}, environ_base=address()), report)


# --- the directory: reports and provider edits -------------------------------------------------


def test_report_a_problem_and_provider_edit(app, client, make):
    from tests.directory.test_upkeep import FORM

    org = organisation()
    place("shrewsbury")
    listed = service("Larder", "food", "shrewsbury")
    db.session.commit()
    for text in hostile.STORABLE[:5]:
        path = f"/directory/services/{listed.id}/report"
        assert submit(client, path, {"what": text}, environ_base=address()).status_code == 302
    member = sign_in(app.test_client(), make, Role.member, organisation=org)
    for texts in rounds(["name", "description", "eligibility", "fees"]):
        values = {**FORM, **texts}
        response = submit(member, f"/directory/services/{listed.id}/edit", values)
        assert response.status_code == 302, (texts, response.status_code)
        checked(
            client,
            [
                f"/directory/services/{listed.id}",
                "/directory?q=Larder",
                f"/api/oruk/services/{listed.uuid}",
                "/api/oruk/services",
                "/directory/map",
                "/directory/map?needs=food",
            ],
        )
    checked(member, ["/directory/manage"])
    path = f"/directory/services/{listed.id}/edit"
    for field in ("name", "description", "eligibility", "fees", "phone", "opens_at"):
        clean(submit(member, path, {**FORM, field: hostile.NUL}), path)
    clean(submit(member, path, {**FORM, "description": hostile.HUGE}), path)
    assert db.session.get(Service, listed.id) is not None


# --- emergencies: incident declaration and hub status -----------------------------------------


def test_incident_declaration_and_hub_status(app, client, make):
    from tests.emergency.test_incidents import FORM

    cvec = sign_in(app.test_client(), make, Role.cvec)
    building = make.location(name="<svg onload=window.__pwned=1> Hall")
    hub = data.hub(location=building)
    path = f"/emergency/hubs/{hub.id}"
    for text in hostile.STORABLE:
        response = submit(
            cvec, "/emergency/incidents/new", {**FORM, "name": text, "public_message": text}
        )
        clean(response, "/emergency/incidents/new")
        if response.status_code == 302:  # to the check page; "Declare incident" there
            checked(cvec, ["/emergency/incidents/new/check", "/emergency/incidents/new"])
            declared = submit(cvec, "/emergency/incidents/new/check", {})
            assert declared.status_code == 302, (text, declared.status_code)
        # With several incidents under way, the change names the newest.
        newest = db.session.scalar(select(func.max(Incident.id)))
        response = submit(
            cvec,
            f"{path}/status",
            {"status": "open", "occupancy": "3", "needs": text, "incident": newest or ""},
            form_path=path,
        )
        assert response.status_code == 302, (text, response.status_code)
    incidents = db.session.scalars(select(Incident.id)).all()
    assert incidents
    for n in incidents:
        page = f"/emergency/incidents/{n}"
        submit(cvec, f"{page}/log", {"text": hostile.SCRIPTS[1]}, form_path=page)
        checked(cvec, [page, f"{page}/sitrep", f"{page}/sitrep.csv"])
    checked(
        cvec,
        ["/emergency", "/emergency/hubs", path, "/emergency/map/frame", "/emergency/map"],
    )
    checked(client, ["/", "/help", "/help/map/frame", "/emergency/hubs.geojson"])
    for field in ("name", "place", "towns", "public_message"):
        clean(submit(cvec, "/emergency/incidents/new", {**FORM, field: hostile.NUL}), "incident")
    clean(submit(cvec, "/emergency/incidents/new", {**FORM, "name": hostile.HUGE}), "incident")
    for text in (hostile.NUL, hostile.HUGE):
        clean(
            submit(cvec, f"{path}/status", {"status": "open", "needs": text}, form_path=path),
            "hub status",
        )
    assert db.session.scalar(select(Hub.status).where(Hub.id == hub.id)) == "open"


@pytest.mark.parametrize("path", ["/directory", "/signatories", "/help", "/mutual-aid"])
def test_search_boxes_echo_hostile_queries_escaped(client, path):
    for text in hostile.STORABLE:
        response = client.get(path, query_string={"q": text})
        assert response.status_code == 200, (path, text)
        assert hostile.unsafe_html(response.get_data(as_text=True)) == [], (path, text)


# --- referrals: the worker's steps, the service's inbox --------------------------------------


def referral_parties(app, make):
    """A service taking professional referrals, a signed-in frontline worker and a signed-in
    member of the service's organisation."""
    org = make.organisation(name="Larder Trust")
    larder = service(
        "Community Larder",
        "food",
        "shrewsbury",
        access_routes=["professional_referral"],
        referral_fields=["contact", "needs", "access"],
    )
    larder.organisation = org
    db.session.commit()
    worker = sign_in(app.test_client(), make, Role.frontline)
    provider = sign_in(app.test_client(), make, Role.member, organisation=org)
    return larder, worker, provider


def test_referral_steps(app, make):
    from tests.directory.referrals.test_pages import CONSENT, DETAILS, start

    larder, worker, provider = referral_parties(app, make)
    sent = []
    for texts in rounds(["name", "reason", "contact", "needs"]):
        at = start(worker, larder)
        assert submit(worker, f"{at}/consent", CONSENT).status_code == 302
        response = submit(worker, f"{at}/details", {**DETAILS, **texts})
        assert response.status_code == 302, (texts, response.status_code)
        scripted = any(hostile.MARKER in text for text in texts.values())
        checked(worker, [f"{at}/check"], shows=("__pwned",) if scripted else ())
        assert submit(worker, f"{at}/check", {}).status_code == 302
        sent.append(at)
    checked(worker, ["/referrals/", *sent])
    checked(provider, ["/referrals/", *sent])
    at = start(worker, larder)
    submit(worker, f"{at}/consent", CONSENT)
    for field in ("name", "reason", "contact", "needs", "postcode"):
        clean(submit(worker, f"{at}/details", {**DETAILS, field: hostile.NUL}), "details")
    clean(submit(worker, f"{at}/details", {**DETAILS, "reason": hostile.HUGE}), "details")


# --- links built in templates are links, their text escaped ---------------------------------


def test_a_signatory_website_is_a_link_and_a_javascript_address_is_not(client, make):
    from tests.registry.signatories.test_signatory_pages import make_signatory

    safe = make_signatory(make, website="https://larder.example.org/?a=1&b=<2>").organisation
    page = client.get_page(f"/signatories/{safe.slug}")
    link = page.find("a", attrs={"rel": "nofollow noopener"})
    assert link["href"] == "https://larder.example.org/?a=1&b=<2>"
    assert "&lt;a class" not in str(page)  # the tag itself was once escaped into the text
    db.session.delete(db.session.scalar(select(Signatory)))
    db.session.commit()
    evil = make_signatory(make, website=hostile.JAVASCRIPT_URL).organisation
    page = client.get_page(f"/signatories/{evil.slug}")
    assert page.find("a", href=lambda h: h and h.lower().startswith("javascript:")) is None
    assert hostile.JAVASCRIPT_URL in page.get_text()


def test_the_incident_page_links_each_hub_by_its_escaped_name(app, make):
    cvec = sign_in(app.test_client(), make, Role.cvec)
    incident = data.incident()
    hub = data.hub(location=make.location(name="<b>Frankwell</b> Hall"), status="open")
    page = cvec.get_page(f"/emergency/incidents/{incident.id}")
    link = page.find("a", href=f"/emergency/hubs/{hub.id}")
    assert link is not None and link.get_text() == "<b>Frankwell</b> Hall"


def test_hub_profile_network_edit_and_incident_notes(app, client, make):
    cvec = sign_in(app.test_client(), make, Role.cvec)
    incident = data.incident()
    network = data.network()
    hub_form = {
        "organisation": make.organisation().id,
        "kinds": ["rest_centre"],
        "day_capacity": "40",
        "night_capacity": "10",
        "facilities": ["kitchen"],
    }
    for n, texts in enumerate(rounds(["offer", "keyholders"])):
        building = make.location(name=f"Hall {n}")
        values = {**hub_form, **texts, **chosen(building)}
        response = submit(cvec, "/emergency/hubs/new", values)
        assert response.status_code == 302, (texts, response.status_code)
    edit = f"/emergency/networks/{network.id}/edit"
    for texts in rounds(["name", "offers", "private_contact"]):
        values = {**NETWORK, "offers": "", **texts}
        response = submit(cvec, edit, values)
        assert response.status_code == 302, (texts, response.status_code)
        checked(cvec, [f"/emergency/networks/{network.id}"])
        checked(client, [f"/mutual-aid/{network.id}"])
    page = f"/emergency/incidents/{incident.id}"
    for texts in rounds(["text"]):
        submit(cvec, f"{page}/log", texts, form_path=page)
    submit(cvec, f"{page}/message", {"public_message": hostile.SCRIPTS[2]}, form_path=page)
    hubs = db.session.scalars(select(Hub.id)).all()
    checked(cvec, [page, f"{page}/sitrep", f"{page}/sitrep.csv", "/emergency/map/frame"])
    checked(cvec, [f"/emergency/hubs/{n}" for n in hubs], shows=())
    checked(client, ["/", "/help", "/help/map/frame", "/emergency/hubs.geojson"])
    for field in ("offer", "keyholders"):
        values = {**hub_form, field: hostile.NUL, **chosen(make.location())}
        clean(submit(cvec, "/emergency/hubs/new", values), "hub")
    for field in ("name", "offers", "towns", "place", "public_contact", "private_contact"):
        clean(submit(cvec, edit, {**NETWORK, "offers": "x", field: hostile.NUL}), edit)
    clean(submit(cvec, f"{page}/log", {"text": hostile.NUL}, form_path=page), "log")
    clean(submit(cvec, f"{page}/log", {"text": hostile.HUGE}, form_path=page), "log")
