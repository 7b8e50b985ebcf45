"""The security sweep (issue 9), the remaining forms: accounts, the directory's provider and
moderator buttons, referral consent and decline, and the emergency cell's hub, stand-down
and volunteer forms. Free text is stored and checked where it shows; choices, ids and hidden
values are posted with hostile strings and must get a clean answer, never a 500.
"""

from __future__ import annotations

from sqlalchemy import select

from accord.extensions import db
from accord.models import Review, Role
from directory.models import Service
from emergency.models import Incident
from emergency.volunteers.models import Volunteer
from tests import hostile
from tests.directory.data import organisation, service
from tests.directory.pickers import chosen
from tests.emergency import data
from tests.security.test_hostile_forms import (
    address,
    checked,
    clean,
    referral_parties,
    rounds,
    sign_in,
    submit,
)

ODD = [hostile.SQL[1], hostile.SCRIPTS[0], hostile.NUL, hostile.FORMULAS[0], "9" * 30]
LONG = "A" * 5000


def test_sign_in_account_and_invitation(app, client, make):
    make.user(role=Role.frontline, email="member@example.org")
    for text in [*hostile.STORABLE, hostile.NUL, LONG]:
        for values in (
            {"email": text, "password": "x"},
            {"email": "member@example.org", "password": text},
        ):
            clean(submit(client, "/sign-in", values, environ_base=address()), "/sign-in")
    # Nothing above signed anyone in.
    assert client.get("/account").status_code == 302
    # So many failures ask for an emailed code: the code form gets the same strings.
    with client.session_transaction() as session:
        assert session["sign_in_code_for"] == "member@example.org"
    for text in [*hostile.STORABLE, hostile.NUL, LONG]:
        answer = submit(client, "/sign-in/code", {"code": text}, environ_base=address())
        clean(answer, "/sign-in/code")
    assert client.get("/account").status_code == 302
    # (After many wrong passwords that account needs an emailed code: another one changes its own.)
    member = sign_in(app.test_client(), make, Role.frontline)
    for text in [hostile.SCRIPTS[0], hostile.NUL, LONG]:
        values = {"current": text, "password": text, "confirm": text}
        clean(submit(member, "/account", values), "/account")
    checked(member, ["/account"])

    from accord import accounts
    from accord.models import OutboxMessage

    accounts.invite("new@example.org", Role.frontline, None)
    db.session.commit()
    body = db.session.scalar(
        select(OutboxMessage.body).where(OutboxMessage.to == "new@example.org")
    )
    link = next(word for word in body.split() if "/account/invite/" in word)
    link = link[link.index("/account/invite/") :]
    fresh = app.test_client()
    for text in [hostile.SCRIPTS[0], hostile.NUL, LONG]:
        clean(submit(fresh, link, {"password": text, "confirm": text}), link)
    assert fresh.get(link[:-3] + "%00x").status_code == 404  # a forged link


def test_directory_provider_and_moderator_forms(app, client, make):
    from tests.directory.test_upkeep import FORM

    org = organisation()
    listed = service("Larder", "food", "shrewsbury")
    db.session.commit()
    member = sign_in(app.test_client(), make, Role.member, organisation=org)
    new = f"/directory/services/new/{org.slug}"
    for texts in rounds(["name", "description", "eligibility", "fees"]):
        response = submit(member, new, {**FORM, **texts})
        assert response.status_code == 302, (texts, response.status_code)
    fields = ("name", "needs", "cost", "days", "location", "location_id", "opens_at")
    for field in (*fields, "minimum_age"):
        for text in ODD:
            clean(submit(member, new, {**FORM, field: text}), f"{new} {field}")
    ids = db.session.scalars(select(Service.id).where(Service.id != listed.id)).all()
    # As a new organisation's first listings are: waiting for the moderator.
    for record in db.session.scalars(select(Service).where(Service.id.in_(ids))):
        record.review = Review.pending
    db.session.commit()
    capacity = f"/directory/services/{listed.id}/capacity"
    for text in ODD:
        clean(submit(member, capacity, {"capacity": text}, form_path="/directory/manage"), "cap")
    checked(member, ["/directory/manage"], shows=("__pwned",))
    moderator = sign_in(app.test_client(), make, Role.coordinator)
    checked(moderator, ["/admin/directory/reviews"], shows=("__pwned",))
    for n in ids:
        path = f"/admin/directory/reviews/{n}"
        checked(moderator, [path])
        for text in ODD:
            clean(submit(moderator, path, {"decision": text}), path)
        assert submit(moderator, path, {"decision": "publish"}).status_code == 302
    checked(client, [f"/directory/services/{n}" for n in ids])
    checked(client, ["/directory?q=Larder", "/api/oruk/services", "/directory/map"])
    # The visitor's signposting list takes only a listed service's id, and goes back only to
    # a page of the directory.
    for text in [*ODD, hostile.JAVASCRIPT_URL]:
        for values in (
            {"action": "add", "service": text},
            {"action": text, "service": str(listed.id)},
            {"action": "remove", "service": text, "back": text},
        ):
            response = submit(
                client, "/directory/list", values, form_path=f"/directory/services/{listed.id}"
            )
            # An id that is no listed service is a 404 (tests/directory/test_pages.py).
            assert response.status_code in {302, 400, 404}, (values, response.status_code)
            assert not (response.location or "").lower().startswith(("javascript", "//")), text
    checked(client, ["/directory/list", "/directory/list/print"])


def test_referral_consent_new_and_decline(app, make):
    from tests.directory.referrals.test_pages import CONSENT, DETAILS, start

    larder, worker, provider = referral_parties(app, make)
    new = f"/referrals/new/{larder.id}"
    for text in ODD:
        clean(submit(worker, new, {"token": text, "checked": text}), new)
    sent = []
    for texts in rounds(["note_carer"]):
        worker.environ_base.update(address())  # a draft a round: under the rate limit
        at = start(worker, larder)
        consent = {**CONSENT, "by": "carer", **texts}
        assert submit(worker, f"{at}/consent", consent).status_code == 302, texts
        assert submit(worker, f"{at}/details", DETAILS).status_code == 302
        assert submit(worker, f"{at}/check", {}).status_code == 302
        sent.append(at)
    worker.environ_base.update(address())
    at = start(worker, larder)
    for field in ("by", "how", "given_on", "scope", "note_carer"):
        for text in (*ODD, LONG):
            clean(submit(worker, f"{at}/consent", {**CONSENT, field: text}), field)
    checked(worker, ["/referrals/", *sent])
    checked(provider, ["/referrals/", *sent])
    for text in ODD:
        clean(submit(provider, f"{sent[0]}/decline", {"reason": text}), "decline")
    assert submit(provider, f"{sent[0]}/decline", {"reason": "no_capacity"}).status_code == 302
    checked(worker, [sent[0]])


def test_hub_edit_stand_down_and_volunteers(app, client, make):
    cvec = sign_in(app.test_client(), make, Role.cvec)
    incident = data.incident()
    hub = data.hub(location=make.location(name="Hall"))
    network = data.network()
    hub_form = {
        "organisation": make.organisation().id,
        **chosen(hub.location),
        "kinds": ["rest_centre"],
        "day_capacity": "40",
        "night_capacity": "10",
        "facilities": ["kitchen"],
    }
    edit = f"/emergency/hubs/{hub.id}/edit"
    for texts in rounds(["offer", "keyholders"]):
        response = submit(cvec, edit, {**hub_form, **texts})
        assert response.status_code == 302, (texts, response.status_code)
    for field in ("organisation", "location", "location_id", "kinds", "day_capacity"):
        for text in ODD:
            clean(submit(cvec, edit, {**hub_form, field: text}), f"{edit} {field}")
    page = f"/emergency/hubs/{hub.id}"
    for text in ODD:
        # A forged status: the hub's page again, as a 400 (the buttons carry no free text).
        quick = submit(cvec, f"{page}/quick", {"status": text}, form_path=page)
        assert quick.status_code == 400, text
    circle = f"/emergency/networks/{network.id}/circle"
    assert (
        submit(cvec, circle, {}, form_path=f"/emergency/networks/{network.id}").status_code == 302
    )

    # Volunteers: found by name, deployed with a task, made inactive and active.
    for texts in rounds(["name"]):
        data.volunteer(**texts)
    volunteer = db.session.scalars(select(Volunteer)).first()
    detail = f"/emergency/volunteers/{volunteer.id}"
    for text in (*hostile.STORABLE, LONG):
        response = submit(cvec, "/emergency/volunteers/find", {"who": text})
        clean(response, "find")
        assert hostile.unsafe_html(response.get_data(as_text=True)) == []
    for field in ("incident", "hub"):
        for text in ODD:
            values = {"incident": str(incident.id), "hub": "", "task": "x", field: text}
            clean(submit(cvec, f"{detail}/deploy", values, form_path=detail), f"deploy {field}")
    for text in (LONG,):  # (a NUL is dropped from the request: "a\x00b" would deploy)
        values = {"incident": str(incident.id), "hub": "", "task": text}
        clean(submit(cvec, f"{detail}/deploy", values, form_path=detail), "deploy")
    task = {"incident": str(incident.id), "hub": "", "task": hostile.SCRIPTS[1]}
    assert submit(cvec, f"{detail}/deploy", task, form_path=detail).status_code == 302
    for text in ODD:
        clean(submit(cvec, f"{detail}/active", {"active": text}, form_path=detail), "active")
    checked(cvec, [detail], shows=("__pwned",))
    checked(cvec, ["/emergency/volunteers", f"/emergency/incidents/{incident.id}"])

    # Standing down with a debrief; the incident's record, log and sitrep show it escaped.
    at = f"/emergency/incidents/{incident.id}"
    for text in (LONG, hostile.NUL):
        clean(submit(cvec, f"{at}/stand-down", {"debrief": text}, form_path=at), "stand down")
    db.session.expire_all()
    if not db.session.get(Incident, incident.id).active:
        incident = data.incident()
        at = f"/emergency/incidents/{incident.id}"
    debrief = {"debrief": hostile.SCRIPTS[0] + hostile.FORMULAS[0]}
    assert submit(cvec, f"{at}/stand-down", debrief, form_path=at).status_code == 302
    checked(cvec, [at, f"{at}/sitrep", f"{at}/sitrep.csv", "/emergency"])
    checked(client, ["/", "/help", "/emergency/hubs.geojson", "/help/map/frame"])

    # Leaving: anyone asks for a link by email; the same page whoever they are.
    for text in (*ODD, LONG):
        clean(submit(client, "/volunteer/leave", {"email": text}, environ_base=address()), "leave")
