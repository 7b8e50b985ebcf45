"""The sweep for requests in an incident: hostile strings through raising and changing a
request, its status buttons, asking a volunteer, a network or a team, and recording an answer;
wherever a request shows (its page, the incident page, the list, the hub's page, /help) it is
escaped, and no answer is ever a 500."""

from __future__ import annotations

from sqlalchemy import select

from accord.extensions import db
from accord.models import Role
from emergency.requests.models import HelpRequest, HelpRequestAssignment
from tests import hostile
from tests.emergency import data
from tests.emergency.requests.helpers import answers
from tests.security.test_hostile_forms import checked, clean, rounds, sign_in, submit
from tests.security.test_hostile_rest import LONG, ODD


def test_request_forms_new_edit_status_assign_and_asked(app, client, make):
    cvec = sign_in(app.test_client(), make, Role.cvec)
    incident = data.incident()
    hub = data.hub(location=make.location(name="Hall"), organisation=make.organisation())
    base = f"/emergency/incidents/{incident.id}/requests"
    new = f"{base}/new"
    for texts in rounds(["detail", "place", "quantity", "time"]):
        clean(submit(cvec, new, {**answers(hub), **texts}), "new")
    for field in ("kind", "hub", "public", "day"):
        for text in ODD:
            clean(submit(cvec, new, {**answers(hub), field: text}), f"new {field}")
    for text in (LONG, hostile.NUL):
        clean(submit(cvec, new, {**answers(hub), "detail": text}), "new long")
    # A script in the detail is taken, public, and shown escaped wherever it lands.
    for kept in (hostile.SCRIPTS[1], hostile.SCRIPTS[2]):
        assert submit(cvec, new, {**answers(hub), "detail": kept}).status_code == 200
    found = db.session.scalars(select(HelpRequest).order_by(HelpRequest.id.desc())).first()
    at = f"{base}/{found.id}"
    for texts in rounds(["detail", "place", "quantity"]):
        clean(submit(cvec, f"{at}/edit", {**answers(hub), **texts}), "edit")
    assert submit(cvec, f"{at}/edit", answers(hub, detail=hostile.SCRIPTS[1])).status_code == 302

    for text in (*ODD, *hostile.STORABLE):
        clean(submit(cvec, f"{at}/status", {"status": text}), "status")
        clean(submit(cvec, f"{at}/assign", {"to": text}), "assign to")
        clean(submit(cvec, f"{at}/assign", {"to": "volunteers", "volunteer": text}), "assign")
        clean(submit(cvec, f"{at}/assign", {"to": "network", "network": text}), "assign")
    for texts in rounds(["team_name", "team_contact"]):
        clean(submit(cvec, f"{at}/assign", {"to": "team", **texts}), "assign team")
    team = {"to": "team", "team_name": hostile.SCRIPTS[2], "team_contact": hostile.SCRIPTS[1]}
    assert submit(cvec, f"{at}/assign", team).status_code == 302
    asked = db.session.scalars(
        select(HelpRequestAssignment.id).order_by(HelpRequestAssignment.id.desc())
    ).first()
    answer = f"{at}/asked/{asked}"
    for texts in rounds(["answer", "time"]):
        clean(submit(cvec, answer, {"day": ["1", "1", "2020"], **texts}), "asked")
    for text in (*ODD, LONG):
        clean(submit(cvec, answer, {"answer": "Yes", "day": text, "time": "9am"}), "asked day")

    manager = sign_in(app.test_client(), make, Role.member, organisation=hub.organisation)
    paths = [at, base, f"/emergency/incidents/{incident.id}", answer]
    checked(cvec, paths, shows=("__pwned",))
    checked(manager, [at, f"/emergency/hubs/{hub.id}"], shows=("__pwned",))
    checked(client, ["/help", "/emergency/hubs.geojson?status=all"])
    assert "__pwned" in client.get("/help").get_data(as_text=True)
