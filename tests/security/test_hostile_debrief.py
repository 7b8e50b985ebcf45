"""The sweep for the debrief: hostile strings as the hourly value (refused with an error, never
a 500) and as what to change next time (kept, shown escaped on the debrief and in its CSV)."""

from __future__ import annotations

from accord.extensions import db
from accord.models import Role
from tests import hostile
from tests.emergency import data
from tests.security.test_hostile_forms import checked, clean, sign_in, submit
from tests.security.test_hostile_rest import LONG, ODD


def test_hour_rate_and_what_to_change(app, client, make):
    cvec = sign_in(app.test_client(), make, Role.cvec)
    incident = data.incident()
    page = f"/emergency/incidents/{incident.id}/debrief"
    for text in (*ODD, LONG, hostile.NUL, "-5", "1e9", "12.345.6", "nan", "sNaN", "inf"):
        response = submit(cvec, f"/emergency/incidents/{incident.id}/hour-rate", {"rate": text})
        clean(response, "hour rate")
        assert response.status_code == 400, (text, response.status_code)
    db.session.expire_all()
    assert incident.hour_rate_pence is None
    stand_down = f"/emergency/incidents/{incident.id}/stand-down"
    done = submit(cvec, stand_down, {"debrief": "Coaches worked", "to_change": hostile.SCRIPTS[1]})
    assert done.status_code == 302
    checked(cvec, [page, f"{page}.csv"], shows=("__pwned",))
