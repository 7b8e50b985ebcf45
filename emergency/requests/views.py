"""Request pages: raising a request in an incident (CVEC, or a hub's managers for their hub),
its page (status, who was asked, the status buttons, asking volunteers, a network or a team),
recording a team's answer, and CVEC's list of an incident's requests. Thin: parse, call
requests.py, render."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from accord.accounts import role_required
from accord.clock import now_uk, to_uk
from accord.extensions import db
from accord.models import Role
from emergency.models import Incident
from emergency.networks import networks
from emergency.networks.models import MutualAidNetwork
from emergency.requests import requests
from emergency.requests.forms import AnswerForm, AssignForm, RequestForm, StatusForm
from emergency.requests.models import (
    STATUS_COLOURS,
    STATUS_LABELS,
    AssignedTo,
    HelpRequest,
    HelpRequestAssignment,
    RequestStatus,
)
from emergency.volunteers.models import MAX_ID, Volunteer

bp = Blueprint("requests", __name__)

BASE = "/emergency/incidents/<int:incident_id>/requests"


def _incident(incident_id: int) -> Incident:
    if incident_id > MAX_ID:
        abort(404)
    return db.get_or_404(Incident, incident_id)


def _request(incident: Incident, request_id: int) -> HelpRequest:
    """The request, for those who may see it: CVEC, or its hub's managers (404 to others, so
    another hub's private request is not even known to exist)."""
    found = db.session.get(HelpRequest, request_id) if request_id <= MAX_ID else None
    if found is None or found.incident_id != incident.id:
        abort(404)
    if not requests.may_see(current_user, found):
        abort(404)
    return found


def _back(incident: Incident, hub_id: int | None = None) -> str:
    """CVEC goes back to the incident's requests; a hub's manager to the hub's page."""
    if requests.is_cvec(current_user):
        return url_for("emergency.incident", incident_id=incident.id, _anchor="requests")
    if hub_id is not None:
        return url_for("emergency.hub", hub_id=hub_id, _anchor="requests")
    return url_for("emergency.hub_list")


# --- raising and changing -------------------------------------------------------------------


def _form(incident: Incident, **kwargs) -> RequestForm:
    cvec = requests.is_cvec(current_user)
    form = RequestForm(hub_required=not cvec, **kwargs)
    listed = requests.hubs_for(current_user, incident)
    first = [SelectChoice("", "No hub: a place instead")] if cvec else []
    form.hub.choices = first + [SelectChoice(str(h.id), requests.hub_name(h)) for h in listed]
    return form


def _details(form: RequestForm) -> requests.Details:
    return requests.Details(
        kind=form.kind.data,
        detail=form.detail.data,
        quantity=int(form.quantity.data),
        needed_by=form.needed(),
        place=form.place.data or "",
        public=form.public.data == "yes",
        hub_id=int(form.hub.data) if form.hub.data else None,
    )


@bp.route(f"{BASE}/new", methods=["GET", "POST"])
@login_required
def new(incident_id: int):
    if not requests.may_raise(current_user):
        abort(403)
    incident = _incident(incident_id)
    if not incident.active:
        flash(f"{incident.name} has been stood down: no new requests.")
        return redirect(_back(incident))
    chosen = request.args.get("hub", "")
    form = _form(incident, data={"hub": chosen} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            made = requests.raise_request(incident, _details(form), current_user.id)
        except requests.Refused as exc:
            db.session.rollback()
            form.hub.errors = [*form.hub.errors, str(exc)]
        else:
            db.session.commit()
            return render_template("emergency/requests/raised.html", help_request=made)
    page = render_template(
        "emergency/requests/form.html", incident=incident, form=form, help_request=None
    )
    return page, 400 if form.errors else 200


@bp.route(f"{BASE}/<int:request_id>/edit", methods=["GET", "POST"])
@role_required(Role.cvec)
def edit(incident_id: int, request_id: int):
    incident = _incident(incident_id)
    found = _request(incident, request_id)
    form = _form(incident, data=_answers(found) if request.method == "GET" else None)
    form.submit.label.text = "Save changes"
    if form.validate_on_submit():
        try:
            requests.update(found, _details(form), current_user.id)
        except requests.Refused as exc:
            db.session.rollback()
            form.hub.errors = [*form.hub.errors, str(exc)]
        else:
            db.session.commit()
            flash(f"Request {found.reference} changed.")
            return redirect(_show(found))
    page = render_template(
        "emergency/requests/form.html", incident=incident, form=form, help_request=found
    )
    return page, 400 if form.errors else 200


def _answers(found: HelpRequest) -> dict:
    needed = found.needed_by
    at = None if needed is None else to_uk(needed)
    return {
        "kind": found.kind,
        "detail": found.detail,
        "quantity": str(found.quantity),
        "hub": str(found.hub_id) if found.hub_id else "",
        "place": found.place,
        "day": at.date() if at else None,
        "time": f"{at:%H:%M}" if at else "",
        "public": "yes" if found.public else "no",
    }


def _show(found: HelpRequest, **kwargs) -> str:
    return url_for("requests.show", incident_id=found.incident_id, request_id=found.id, **kwargs)


# --- a request's page -----------------------------------------------------------------------


def _assign_form(found: HelpRequest, formdata=None) -> AssignForm:
    form = AssignForm(formdata=formdata) if formdata is not None else AssignForm(formdata=None)
    form.network.choices = [SelectChoice("", "Choose a network")] + [
        SelectChoice(str(n.id), n.name) for n in networks.active_in(found.incident)
    ]
    return form


def _page(found: HelpRequest, status: int = 200, problem: str = "", assign=None):
    cvec = requests.is_cvec(current_user)
    page = render_template(
        "emergency/requests/show.html",
        incident=found.incident,
        help_request=found,
        where=requests.where(found),
        waited=requests.waited(found.raised_at) if found.waiting else "",
        cvec=cvec,
        labels=STATUS_LABELS,
        colours=STATUS_COLOURS,
        choices=_status_choices(found, cvec),
        assign=assign or _assign_form(found),
        to=AssignedTo,
        problem=problem,
        back=_back(found.incident, found.hub_id),
        form=assign if assign is not None and assign.errors else None,
    )
    return page, status


def _status_choices(found: HelpRequest, cvec: bool) -> list[str]:
    if found.status in requests.CLOSED:
        return [RequestStatus.open] if cvec else []
    return [s for s in RequestStatus if s != found.status and (cvec or s != RequestStatus.open)]


@bp.get(f"{BASE}/<int:request_id>")
@login_required
def show(incident_id: int, request_id: int):
    return _page(_request(_incident(incident_id), request_id))


@bp.post(f"{BASE}/<int:request_id>/status")
@login_required
def status(incident_id: int, request_id: int):
    found = _request(_incident(incident_id), request_id)
    form = StatusForm()
    if not form.validate_on_submit():
        return _page(found, 400, "Choose a status from the buttons")
    try:
        requests.set_status(
            found, form.status.data, current_user.id, requests.is_cvec(current_user)
        )
    except requests.Refused as exc:
        db.session.rollback()
        return _page(found, 409, str(exc))
    db.session.commit()
    flash(f"Request {found.reference} is now {found.status_label.lower()}.")
    return redirect(_show(found))


@bp.post(f"{BASE}/<int:request_id>/assign")
@role_required(Role.cvec)
def assign(incident_id: int, request_id: int):
    found = _request(_incident(incident_id), request_id)
    form = _assign_form(found, request.form)
    if not form.validate_on_submit():
        return _page(found, 400, assign=form)
    try:
        said = _assign(found, form)
    except requests.Refused as exc:
        db.session.rollback()
        return _page(found, 409, str(exc), assign=form)
    db.session.commit()
    flash(said)
    return redirect(_show(found))


def _assign(found: HelpRequest, form: AssignForm) -> str:
    if form.to.data == AssignedTo.volunteers:
        volunteer_id = form.volunteer_id()
        volunteer = db.session.get(Volunteer, volunteer_id) if volunteer_id else None
        if volunteer is None:
            raise requests.Refused(f"There is no volunteer {form.volunteer.data}")
        requests.assign_volunteer(found, volunteer, current_user.id)
        return f"Volunteer V{volunteer.id} deployed to request {found.reference}."
    if form.to.data == AssignedTo.network:
        network = db.session.get(MutualAidNetwork, int(form.network.data))
        if network is None:
            raise requests.Refused("Choose a network active in this incident")
        requests.assign_network(found, network, current_user.id)
        return f"{network.name} asked to help with request {found.reference}."
    requests.ask_team(found, form.team_name.data, form.team_contact.data, current_user.id)
    return f"Request {found.reference} recorded as asked of {form.team_name.data}."


# --- a team's or network's answer -----------------------------------------------------------


@bp.route(f"{BASE}/<int:request_id>/asked/<int:assignment_id>", methods=["GET", "POST"])
@role_required(Role.cvec)
def answer(incident_id: int, request_id: int, assignment_id: int):
    found = _request(_incident(incident_id), request_id)
    row = db.session.get(HelpRequestAssignment, assignment_id) if assignment_id <= MAX_ID else None
    if row is None or row.request_id != found.id or row.kind == AssignedTo.volunteers:
        abort(404)
    if request.method == "GET":
        now = now_uk()
        form = AnswerForm(data={"day": now.date(), "time": f"{now:%H:%M}", "answer": row.answer})
    else:
        form = AnswerForm()
    if form.validate_on_submit():
        try:
            requests.record_answer(row, form.answer.data, form.answered_at(), current_user.id)
        except requests.Refused as exc:
            db.session.rollback()
            form.time.errors = [*form.time.errors, str(exc)]
        else:
            db.session.commit()
            flash(f"Answer recorded for request {found.reference}.")
            return redirect(_show(found))
    page = render_template(
        "emergency/requests/answer.html",
        incident=found.incident,
        help_request=found,
        row=row,
        form=form,
    )
    return page, 400 if form.errors else 200


# --- CVEC: every request in an incident -------------------------------------------------------


@bp.get(BASE)
@role_required(Role.cvec)
def index(incident_id: int):
    incident = _incident(incident_id)
    return render_template(
        "emergency/requests/index.html",
        incident=incident,
        found=requests.of_incident(incident),
        labels=STATUS_LABELS,
        colours=STATUS_COLOURS,
    )
