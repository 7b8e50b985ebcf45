"""Emergency pages: CVEC's coordination (incidents, hubs), hub managers' status page, and the
public "get help now" page and hub data. Thin: parse, call emergency.incidents/hubs, render."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from accord import geo, geocoding, limits, maps
from accord.accounts import role_required
from accord.extensions import db, limiter
from accord.models import Role
from emergency import (
    get_help,
    hours,
    hubs,
    incidents,
    layers,
    sitrep,
    standing_down,
)
from emergency.callouts import progress
from emergency.forms import (
    HelpForm,
    IncidentForm,
    MessageForm,
    NoteForm,
    split_towns,
    stand_down_form,
)
from emergency.models import (
    HUB_STATUS_LABELS,
    INCIDENT_KIND_LABELS,
    Incident,
    IncidentKind,
)
from emergency.networks import networks
from emergency.requests import requests as help_requests

bp = Blueprint("emergency", __name__)


def incident_or_404(incident_id: int) -> Incident:
    return db.get_or_404(Incident, incident_id)


# --- CVEC: the coordination page and incidents ---------------------------------------------


@bp.get("/emergency")
@role_required(Role.cvec)
def index():
    every = hubs.all_hubs()
    return render_template(
        "emergency/index.html",
        active=incidents.active(),
        past=incidents.past(20),
        hubs=every,
        counts=hubs.counts_by_status(every),
        labels=HUB_STATUS_LABELS,
    )


# The answers to "Declare an incident", kept in the session between the form and the check
# page: small (validated towns, 600 characters of message) and gone once declared.
DRAFT_KEY = "incident_draft"
ANSWERS = ("name", "kind", "exercise", "place", "radius", "towns", "public_message")


@bp.route("/emergency/incidents/new", methods=["GET", "POST"])
@role_required(Role.cvec)
def declare():
    draft = session.get(DRAFT_KEY)
    if request.method == "GET" and draft:  # "Change" from the check page: answers kept
        form = IncidentForm(formdata=MultiDict(draft["answers"]))
    else:
        form = IncidentForm()
    if form.validate_on_submit():
        point, note = geocoding.place_point(form.place.data or "")
        if form.place.data and point is None:
            form.place.errors = [*form.place.errors, note]
        else:
            area = incidents.Area(
                place=form.place.data or "",
                point=point,
                radius_miles=float(form.radius.data) if form.radius.data is not None else None,
                towns=[p.name for t in split_towns(form.towns.data) if (p := geo.place_named(t))],
            )
            answers = {name: form[name].data for name in ANSWERS}
            session[DRAFT_KEY] = {
                "answers": {k: "" if v is None else str(v) for k, v in answers.items()},
                "area": area.as_dict(),
            }
            return redirect(url_for("emergency.declare_check"))
    return render_template("emergency/declare.html", form=form)


@bp.route("/emergency/incidents/new/check", methods=["GET", "POST"])
@role_required(Role.cvec)
def declare_check():
    """Check your answers, then "Declare incident": the banner goes on every public page."""
    draft = session.get(DRAFT_KEY)
    if not draft:
        return redirect(url_for("emergency.declare"))
    answers, area = draft["answers"], incidents.Area.from_dict(draft["area"])
    exercise = answers.get("exercise") == "yes"
    if request.method == "POST":
        incident = incidents.declare(
            answers["name"],
            answers["kind"],
            area,
            answers["public_message"],
            current_user.id,
            exercise=exercise,
        )
        session.pop(DRAFT_KEY, None)
        if exercise:
            flash(f"Exercise declared: {incident.name}. Its banner shows to people signed in.")
        else:
            flash(f"Incident declared: {incident.name}. The banner now shows on every page.")
        return redirect(url_for("emergency.incident", incident_id=incident.id))
    kind = INCIDENT_KIND_LABELS.get(IncidentKind(answers["kind"]), answers["kind"])
    return render_template(
        "emergency/declare_check.html", answers=answers, kind=kind, area=area, exercise=exercise
    )


@bp.get("/emergency/incidents/<int:incident_id>")
@role_required(Role.cvec)
def incident(incident_id: int):
    return _incident_page(incident_or_404(incident_id))


def _incident_page(record: Incident, status: int = 200, **forms):
    """The incident page; with a form that failed, its errors in the summary (status 400)."""
    page = render_template(
        "emergency/incident.html",
        incident=record,
        area=incidents.describe_area(record),
        note_form=forms.get("note_form", NoteForm(formdata=None)),
        message_form=forms.get(
            "message_form", MessageForm(formdata=None, public_message=record.public_message)
        ),
        hubs=hubs.by_area(record),
        every=_every_hub(),
        labels=HUB_STATUS_LABELS,
        form=next(iter(forms.values()), None),
        key=maps.legend_html(layers.INCIDENT_KEY, title="Key to the map"),
        symbols=layers.HUB_SYMBOLS,
        helping=networks.active_in(record),
        callouts=progress.of_incident(record),
        waiting=help_requests.waiting(record),
    )
    return page, status


@bp.post("/emergency/incidents/<int:incident_id>/log")
@role_required(Role.cvec)
def add_note(incident_id: int):
    record = incident_or_404(incident_id)
    form = NoteForm()
    if not form.validate_on_submit():
        return _incident_page(record, 400, note_form=form)
    incidents.add_note(record, form.text.data, current_user.id)
    flash("Added to the incident log.")
    return redirect(url_for("emergency.incident", incident_id=record.id, _anchor="log"))


@bp.post("/emergency/incidents/<int:incident_id>/message")
@role_required(Role.cvec)
def update_message(incident_id: int):
    record = incident_or_404(incident_id)
    form = MessageForm()
    if not record.active:
        abort(409)
    if not form.validate_on_submit():
        return _incident_page(record, 400, message_form=form)
    incidents.update_message(record, form.public_message.data, current_user.id)
    flash("The public message is updated on every page.")
    return redirect(url_for("emergency.incident", incident_id=record.id))


@bp.route("/emergency/incidents/<int:incident_id>/stand-down", methods=["GET", "POST"])
@role_required(Role.cvec)
def stand_down(incident_id: int):
    """Confirm standing down: what happens to each open hub, the volunteers still out, the
    debrief (required); then one POST does it all."""
    record = incident_or_404(incident_id)
    if not record.active:
        return redirect(url_for("emergency.incident", incident_id=record.id))
    plan = standing_down.plan(record)
    form = stand_down_form(plan.hubs)
    if form.validate_on_submit():
        standing_down.stand_down(
            record, form.debrief.data, form.choices(), current_user.id, form.to_change.data or ""
        )
        return redirect(url_for("emergency.stood_down", incident_id=record.id))
    page = render_template(
        "emergency/stand_down.html",
        incident=record,
        area=incidents.describe_area(record),
        plan=plan,
        form=form,
        labels=HUB_STATUS_LABELS,
    )
    return page, 400 if form.errors else 200


@bp.get("/emergency/incidents/<int:incident_id>/stood-down")
@role_required(Role.cvec)
def stood_down(incident_id: int):
    record = incident_or_404(incident_id)
    if record.active:
        return redirect(url_for("emergency.stand_down", incident_id=record.id))
    return render_template(
        "emergency/stood_down.html", incident=record, done=standing_down.outcome(record)
    )


# --- public: get help now, hub data -----------------------------------------------------------


@bp.get("/help")
@limiter.limit(limits.LOOKUP)
def help_page():
    form = HelpForm(request.args)
    searched = "where" in request.args
    # Residents are told of real incidents only; someone signed in (taking part) also sees
    # each exercise's message, marked EXERCISE. The cached results never depend on who asks.
    results, active = None, incidents.real_active()
    if current_user.is_authenticated:
        exercises = [incident for incident in incidents.active() if incident.exercise]
    else:
        exercises = []
    if searched and form.validate():
        origin, note = geocoding.place_point(form.where.data)
        if origin is not None:
            results = get_help.results(origin, form.where.data, active)
        else:
            form.where.errors = [*form.where.errors, note]
    return render_template(
        "emergency/help.html",
        form=form if searched and form.errors else None,
        search=form,
        searched=searched and not form.errors,
        active=active,
        exercises=exercises,
        results=results,
        asks=help_requests.public_asks(active),
    )


@bp.get("/emergency/hubs.geojson")
@limiter.limit(limits.LOOKUP)
def hubs_geojson():
    """Public hub data (no key-holders, no people): open and full hubs, or every hub with
    ?status=all for partners' maps; none open or full while no incident is active."""
    chosen = hubs.published(every=request.args.get("status") == "all")
    response = jsonify(hubs.geojson(chosen))
    response.mimetype = "application/geo+json"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "public, max-age=60"
    return response


# --- maps and the situation report -----------------------------------------------------------


@bp.get("/emergency/incidents/<int:incident_id>/sitrep")
@role_required(Role.cvec)
def sitrep_page(incident_id: int):
    report = sitrep.build(incident_or_404(incident_id), every=_every_hub())
    return render_template(
        "emergency/sitrep.html", report=report, labels=HUB_STATUS_LABELS, pounds=hours.pounds
    )


@bp.get("/emergency/incidents/<int:incident_id>/sitrep.csv")
@role_required(Role.cvec)
def sitrep_csv(incident_id: int):
    record = incident_or_404(incident_id)
    report = sitrep.build(record, every=_every_hub())
    name = f"sitrep-incident-{record.id}-{report.at:%Y%m%d-%H%M}.csv"
    return Response(
        sitrep.to_csv(report),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _every_hub() -> bool:
    """?hubs=all: every hub in the county, in its state in the incident, not just its own."""
    return request.args.get("hubs") == "all"


# Links other emergency pages add to the coordination and incident pages.
EMERGENCY_LINKS = [
    ("emergency.coordination_map", "Map of hubs, networks, volunteers and flood warnings"),
    ("networks.queue", "Mutual-aid networks: review sign-ups, mark active in an incident"),
    ("volunteers.search", "Volunteers: find by skill and distance, deploy, check in and out"),
]
INCIDENT_LINKS = [
    ("emergency.sitrep_page", "Situation report (print or CSV)"),
    ("networks.incident", "Mutual-aid networks in this incident"),
]


# Endpoints, not addresses: this runs for every render_template (each GOV.UK form field is one),
# and only the two pages that show the links build them.
EMERGENCY_LINK_LIST = [{"endpoint": e, "text": t} for e, t in EMERGENCY_LINKS]
INCIDENT_LINK_LIST = [{"endpoint": e, "text": t} for e, t in INCIDENT_LINKS]


@bp.app_context_processor
def emergency_links():
    return {"emergency_links": EMERGENCY_LINK_LIST, "incident_links": INCIDENT_LINK_LIST}


# Phone numbers in free text (key-holders, a network's contact) as tel: links.
