"""Update pages: CVEC writes an update to networks and hubs, checks whom it reaches, sends it.
The draft is CVEC's own words and the choice of recipients, no one's personal details, so it
waits in the signed session between the two steps. Thin: parse, call updates.py, render."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from accord.accounts import role_required
from accord.extensions import db
from accord.models import Role
from emergency.models import Incident
from emergency.updates import updates
from emergency.updates.forms import RECIPIENTS, SendForm, UpdateForm
from emergency.volunteers.models import MAX_ID

bp = Blueprint("updates", __name__)

DRAFT_KEY = "incident_update"


def _incident(incident_id: int) -> Incident:
    if incident_id > MAX_ID:
        abort(404)
    return db.get_or_404(Incident, incident_id)


def _draft(incident: Incident) -> dict | None:
    draft = session.get(DRAFT_KEY)
    if not isinstance(draft, dict) or draft.get("incident_id") != incident.id:
        return None
    message, to = draft.get("message"), draft.get("to")
    if not isinstance(message, str) or not isinstance(to, list):
        return None
    return {"message": message, "to": [t for t in to if t in RECIPIENTS]}


@bp.route("/emergency/incidents/<int:incident_id>/updates/new", methods=["GET", "POST"])
@role_required(Role.cvec)
def new(incident_id: int):
    incident = _incident(incident_id)
    if not incident.active:
        return redirect(url_for("emergency.incident", incident_id=incident.id))
    draft = _draft(incident)
    if request.method == "GET" and draft:  # "Change" from the check page: answers kept
        pairs = [("message", draft["message"])] + [("to", t) for t in draft["to"]]
        form = UpdateForm(formdata=MultiDict(pairs))
    else:
        form = UpdateForm()
    if form.validate_on_submit():
        session[DRAFT_KEY] = {
            "incident_id": incident.id,
            "message": form.message.data,
            "to": list(form.to.data or []),
        }
        return redirect(url_for("updates.check", incident_id=incident.id))
    page = render_template("emergency/updates/new.html", incident=incident, form=form)
    return page, 400 if form.errors else 200


@bp.route("/emergency/incidents/<int:incident_id>/updates/check", methods=["GET", "POST"])
@role_required(Role.cvec)
def check(incident_id: int):
    incident = _incident(incident_id)
    draft = _draft(incident)
    if draft is None or not draft["to"] or not incident.active:
        return redirect(url_for("updates.new", incident_id=incident.id))
    audience = updates.audience(incident, draft["to"])
    form = SendForm()
    if form.validate_on_submit() and audience.reached:
        sent = updates.send(incident, draft["message"], draft["to"], current_user.id)
        db.session.commit()
        session.pop(DRAFT_KEY, None)
        return render_template("emergency/updates/sent.html", incident=incident, sent=sent)
    page = render_template(
        "emergency/updates/check.html",
        incident=incident,
        message=draft["message"],
        to=[RECIPIENTS[t] for t in draft["to"]],
        text=updates.text_for(incident, draft["message"]),
        audience=audience,
        form=form,
    )
    return page, 400 if request.method == "POST" else 200
