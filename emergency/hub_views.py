"""Hub pages: CVEC's list and profiles, and hub managers' status page, where a hub's status
is changed in each incident under way (on the emergency blueprint, which views.py
defines)."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from accord import limits
from accord.accounts import role_required
from accord.extensions import db, limiter
from accord.models import Location, Role
from accord.pickers import record_id
from directory.pickers import lookup
from emergency import hub_states, hubs, incidents
from emergency.forms import HubForm, QuickStatusForm, StatusForm
from emergency.models import (
    HUB_FACILITIES,
    HUB_KIND_LABELS,
    HUB_STATUS_COLOURS,
    HUB_STATUS_LABELS,
    Hub,
    HubStatus,
    Incident,
)
from emergency.requests import requests as help_requests
from emergency.views import bp


def _hub_for_manager(hub_id: int) -> Hub:
    hub = db.get_or_404(Hub, hub_id)
    if not hubs.can_manage(current_user, hub):
        abort(403)
    return hub


# --- hubs -----------------------------------------------------------------------------------


@bp.get("/emergency/hubs")
@login_required
def hub_list():
    mine = hubs.managed_by(current_user)
    if not mine and not current_user.has_role(Role.cvec):
        abort(403)
    return render_template(
        "emergency/hubs.html",
        hubs=mine,
        labels=HUB_STATUS_LABELS,
        counts=hubs.counts_by_status(mine),
    )


def _hub_form(hub: Hub | None) -> HubForm:
    form = HubForm(obj=None)
    if hub is not None and request.method == "GET":
        form = HubForm(
            location=hub.location_id,
            organisation=hub.organisation_id or 0,
            kinds=hub.kinds,
            day_capacity=hub.day_capacity,
            night_capacity=hub.night_capacity,
            facilities=hub.facilities,
            offer=hub.offer,
            keyholders=hub.keyholders,
        )
    keep = hub.location_id if hub is not None else None
    form.location.source = lookup.source(exclude=hubs.taken(hub), keep=keep)
    form.location.lookup_args = {"hub": hub.id} if hub is not None else {}
    form.organisation.choices = [(0, "None: CVEC manages it")] + [
        (o.id, o.name) for o in hubs.operators()
    ]
    return form


@bp.route("/emergency/hubs/new", methods=["GET", "POST"])
@role_required(Role.cvec)
def new_hub():
    form = _hub_form(None)
    if form.validate_on_submit():
        hub = Hub(status=HubStatus.standby)
        _fill(hub, form)
        hubs.save_profile(hub, current_user.id)
        flash(f"{hub.location.name} is now a hub, on standby.")
        return redirect(url_for("emergency.hub", hub_id=hub.id))
    return render_template("emergency/hub_form.html", form=form, hub=None)


@bp.route("/emergency/hubs/<int:hub_id>/edit", methods=["GET", "POST"])
@role_required(Role.cvec)
def edit_hub(hub_id: int):
    hub = db.get_or_404(Hub, hub_id)
    form = _hub_form(hub)
    if form.validate_on_submit():
        _fill(hub, form)
        hubs.save_profile(hub, current_user.id)
        flash("Hub details saved.")
        return redirect(url_for("emergency.hub", hub_id=hub.id))
    return render_template("emergency/hub_form.html", form=form, hub=hub)


@bp.get("/emergency/hubs/buildings")
@role_required(Role.cvec)
@limiter.limit(limits.AS_YOU_TYPE, key_func=limits.account)
def hub_buildings():
    """The autocomplete's lookup on the hub form: buildings that are not a hub yet (or this
    hub's own, named by ?hub=)."""
    hub = db.session.get(Hub, record_id(request.args.get("hub")) or 0)
    found = lookup.matches(request.args.get("q", ""), exclude=hubs.taken(hub))
    return jsonify({"results": [{"id": m.id, "label": m.label} for m in found]})


def _fill(hub: Hub, form: HubForm) -> None:
    hub.location = db.get_or_404(Location, form.location.data)
    hub.organisation_id = form.organisation.data or None
    hub.kinds = list(form.kinds.data or [])
    hub.day_capacity = form.day_capacity.data
    hub.night_capacity = form.night_capacity.data
    hub.facilities = list(form.facilities.data or [])
    hub.offer = form.offer.data or ""
    hub.keyholders = form.keyholders.data or ""


@bp.get("/emergency/hubs/<int:hub_id>")
@login_required
def hub(hub_id: int):
    record = _hub_for_manager(hub_id)
    under_way = incidents.active()
    state = hub_states.states_in(under_way[0], [record])[record.id] if under_way else None
    now = state or record
    form = StatusForm(status=now.status, occupancy=now.occupancy, needs=now.needs)
    return _hub_page(record, form, under_way=under_way)


def _hub_page(record: Hub, form: StatusForm, status: int = 200, under_way=None):
    """The hub's page: its status in each incident under way (or its own, with none), a
    button for each status in each, and the fuller form."""
    under_way = incidents.active() if under_way is None else under_way
    form.incident.choices = [(i.id, i.name) for i in under_way]
    states = [(i, hub_states.states_in(i, [record])[record.id]) for i in under_way]
    page = render_template(
        "emergency/hub.html",
        hub=record,
        form=form,
        states=states,
        quick=QuickStatusForm(formdata=None),
        labels=HUB_STATUS_LABELS,
        colours=HUB_STATUS_COLOURS,
        kinds=HUB_KIND_LABELS,
        facilities=HUB_FACILITIES,
        cvec=current_user.has_role(Role.cvec),
        history=record.history[:50],
        names={i.id: i.name for i in under_way} | _incident_names(record),
        help_requests=help_requests.for_hub(record),
    )
    return page, status


def _incident_names(record: Hub) -> dict[int, str]:
    """The names of the incidents the hub's history names (ended ones too)."""
    ids = {update.incident_id for update in record.history[:50] if update.incident_id}
    return {i.id: i.name for i in db.session.scalars(select(Incident).where(Incident.id.in_(ids)))}


def _incident_for(chosen: int | None) -> tuple[Incident | None, str]:
    """The incident under way a status change is for: the one chosen, or the only one; None
    with none under way. An error message when it cannot be told."""
    under_way = incidents.active()
    if not under_way:
        return None, ""
    if chosen is None and len(under_way) == 1:
        return under_way[0], ""
    found = next((i for i in under_way if i.id == chosen), None)
    return found, "" if found else "Select the incident this is for"


@bp.post("/emergency/hubs/<int:hub_id>/status")
@login_required
def hub_status(hub_id: int):
    record = _hub_for_manager(hub_id)
    form = StatusForm()
    form.incident.choices = [(i.id, i.name) for i in incidents.active()]
    valid = form.validate_on_submit()
    chosen, problem = _incident_for(form.incident.data)
    if problem:
        form.incident.errors = [*form.incident.errors, problem]
    if not valid or problem:
        return _hub_page(record, form, 400)
    hubs.set_status(
        record,
        form.status.data,
        form.occupancy.data,
        form.needs.data or "",
        current_user.id,
        chosen,
    )
    flash(_changed(record, chosen, form.status.data))
    return redirect(url_for("emergency.hub", hub_id=record.id))


@bp.post("/emergency/hubs/<int:hub_id>/quick")
@login_required
def hub_quick(hub_id: int):
    """The second tap: a status button on the hub's page."""
    record = _hub_for_manager(hub_id)
    form = QuickStatusForm()
    chosen, problem = _incident_for(form.incident.data)
    if not form.validate_on_submit() or problem:
        return _hub_page(record, StatusForm(formdata=None, status=record.status), 400)
    hubs.set_status(record, form.status.data, None, None, current_user.id, chosen)
    flash(_changed(record, chosen, form.status.data))
    return redirect(url_for("emergency.hub", hub_id=record.id))


def _changed(record: Hub, chosen: Incident | None, status: str) -> str:
    label = HUB_STATUS_LABELS[HubStatus(status)].lower()
    where = f" for {chosen.name}" if chosen else ""
    return f"{record.location.name} is now {label}{where}."
