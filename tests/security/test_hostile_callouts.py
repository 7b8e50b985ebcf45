"""The sweep for call-outs: hostile strings through the call-out form and its check page, and
odd answers by a volunteer's link; wherever the call-out shows (the check page, CVEC's pages,
the volunteer's page) it is escaped."""

from __future__ import annotations

from sqlalchemy import select

from accord.extensions import db
from accord.models import Role
from emergency.callouts.models import CalloutRecipient
from tests import hostile
from tests.emergency import data
from tests.emergency.callouts.helpers import answers
from tests.security.test_hostile_forms import (
    address,
    checked,
    clean,
    rounds,
    sign_in,
    submit,
)
from tests.security.test_hostile_rest import LONG, ODD


def test_callout_form_check_and_answers(app, client, make):
    cvec = sign_in(app.test_client(), make, Role.cvec)
    incident = data.incident()
    hub = data.hub(location=make.location(name="Hall"))
    data.volunteer()
    new = f"/emergency/incidents/{incident.id}/callouts/new"
    check = f"{new}/check"
    for texts in rounds(["need", "place", "starts", "ends", "people"]):
        clean(submit(cvec, new, {**answers(hub), **texts}), "new")
    for field in ("hub", "radius", "skills", "availability", "day", "dbs"):
        for text in ODD:
            clean(submit(cvec, new, {**answers(hub), field: text}), f"new {field}")
    for text in (LONG, hostile.NUL):
        clean(submit(cvec, new, {**answers(hub), "need": text}), "new long")
    # A script in what is needed is taken (it holds no contact details), shown escaped.
    need = hostile.SCRIPTS[1]
    assert submit(cvec, new, {**answers(hub), "need": need}).status_code == 302
    checked(cvec, [check], shows=("__pwned",))
    assert submit(cvec, check, {}, form_path=new).status_code == 200
    callout_id = db.session.scalar(select(CalloutRecipient.callout_id))
    at = f"/emergency/incidents/{incident.id}"
    checked(cvec, [at, f"{at}/callouts/{callout_id}"], shows=("__pwned",))

    token = db.session.scalar(select(CalloutRecipient.token))
    volunteer = app.test_client()
    page = f"/volunteer/callouts/{token}"
    for text in (*ODD, *hostile.STORABLE):
        # Each from its own address: the link's rate limit is not what this checks.
        response = submit(volunteer, page, {"answer": text}, environ_base=address())
        clean(response, "callouts answer")
    checked(volunteer, [page], shows=("__pwned",))
