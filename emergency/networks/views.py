"""Mutual-aid networks: the public list and registration, CVEC's review and activation pages."""

from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_limiter import RequestLimit
from flask_login import current_user

from accord import admin, geo, geocoding, limits
from accord.accounts import role_required
from accord.extensions import db, limiter
from accord.ids import page_number
from accord.models import Role
from emergency import incidents
from emergency.models import Incident
from emergency.networks import networks
from emergency.networks.forms import DecisionForm, EditForm, RegisterForm, SearchForm
from emergency.networks.models import MutualAidNetwork
from emergency.networks.networks import ActivationError, UnknownPlace

bp = Blueprint("networks", __name__)

PER_PAGE = 20


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    admin.register_queue("Mutual-aid networks to review", "networks.queue", Role.cvec)


# --- public ---------------------------------------------------------------------------------


def _search(q: str) -> tuple[list[MutualAidNetwork], str]:
    """Networks covering a town, village, postcode or district; a message when we cannot tell."""
    if geo.normalise_postcode(q):
        try:
            found = geocoding.lookup_postcode(q)
        except geocoding.GeocoderUnavailable:
            return networks.covering(None, outcode=geo.outcode_of(q)), ""
        if found is None:
            return [], "We could not find that postcode. Check it, or enter a town or village"
        return networks.covering(found.point, outcode=found.outcode), ""
    if place := networks.place_named(q):
        return networks.covering(place.point, outcode=place.outcode, town=place.name), ""
    if outcode := networks.shropshire_outcode(q):
        return networks.covering(None, outcode=outcode), ""
    return [], "Enter a Shropshire town or village, or a postcode, like SY4 5AA"


@bp.get("/mutual-aid")
def index():
    form = SearchForm(request.args)
    q = (form.q.data or "").strip()
    searched = bool(q) and form.validate()
    page = None
    if searched:
        found, message = _search(q)
        if message:
            form.q.errors = [*form.q.errors, message]
    else:
        page = db.paginate(
            networks.published_statement(),
            page=page_number(request.args.get("page")),
            per_page=PER_PAGE,
            error_out=False,
        )
        found = list(page.items)
    shown = [networks.public_view(n) for n in found]
    return render_template(
        "emergency/networks/index.html",
        form=form,
        q=q,
        searched=searched,
        shown=shown,
        page=page,
        active=_active_everywhere(),
        offers=networks.OFFERS,
        attribution=geo.ATTRIBUTION,
    )


def _active_everywhere() -> set[int]:
    """Networks active in any real incident now, so residents see who is helping at the
    moment (never in an exercise: residents are not told of one)."""
    return {i for incident in incidents.real_active() for i in networks.active_ids(incident)}


@bp.get("/mutual-aid/<int:network_id>")
def detail(network_id: int):
    network = networks.published_network(network_id)
    if network is None:
        abort(404)
    return render_template(
        "emergency/networks/detail.html",
        network=networks.public_view(network),
        active=network.id in _active_everywhere(),
        attribution=geo.ATTRIBUTION,
    )


def _too_many(limit: RequestLimit):
    """The form again, with what was typed and an error summary: a limit never throws away a
    network's answers."""
    form = RegisterForm()
    form.submit.errors = [
        "Too many networks have been registered from your connection recently. Your answers "
        f"are kept below: wait {limits.wait_words(limit.limit)}, then press “Register the "
        "network” again"
    ]
    page = render_template(
        "emergency/networks/register.html", form=form, attribution=geo.ATTRIBUTION
    )
    return make_response(page, 429)


# Only accepted registrations count (a form with mistakes costs nothing); any submission at
# all counts towards a limit only a machine reaches.
@bp.route("/mutual-aid/register", methods=["GET", "POST"])
@limiter.limit(limits.SIGN_UP_ANY, methods=["POST"], on_breach=_too_many)
@limiter.limit(
    limits.SIGN_UP_ACCEPTED, methods=["POST"], deduct_when=limits.accepted, on_breach=_too_many
)
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            network = networks.register(form.details())
        except UnknownPlace as exc:
            form.place.errors = [*form.place.errors, str(exc)]
        else:
            db.session.commit()
            later = "later" if networks.circle_pending(network) else None
            return redirect(url_for("networks.registered", circle=later))
    return render_template(
        "emergency/networks/register.html", form=form, attribution=geo.ATTRIBUTION
    )


@bp.get("/mutual-aid/register/done")
def registered():
    return render_template(
        "emergency/networks/registered.html", circle_later=request.args.get("circle") == "later"
    )


# --- CVEC -----------------------------------------------------------------------------------


@bp.get("/emergency/networks")
@role_required(Role.cvec)
def queue():
    return render_template(
        "emergency/networks/queue.html",
        groups=networks.by_review(),
        incidents=incidents.active(),
    )


@bp.route("/emergency/networks/<int:network_id>", methods=["GET", "POST"])
@role_required(Role.cvec)
def review(network_id: int):
    network = db.get_or_404(MutualAidNetwork, network_id)
    form = DecisionForm()
    if form.validate_on_submit():
        if form.decision.data == "approve":
            networks.approve(network)
            flash(f"{network.name} is published.")
        else:
            networks.reject(network, form.note.data)
            flash(f"{network.name} is rejected.")
        db.session.commit()
        return redirect(url_for("networks.queue"))
    active = incidents.active()
    return render_template(
        "emergency/networks/review.html",
        network=network,
        form=form,
        incidents=active,
        active_in={i.id for i in active if network.id in networks.active_ids(i)},
        circle_pending=networks.circle_pending(network),
    )


@bp.route("/emergency/networks/<int:network_id>/edit", methods=["GET", "POST"])
@role_required(Role.cvec)
def edit(network_id: int):
    network = db.get_or_404(MutualAidNetwork, network_id)
    form = EditForm() if request.method == "POST" else EditForm.of(network)
    if form.validate_on_submit():
        try:
            changed = networks.update(network, form.details())
        except UnknownPlace as exc:
            form.place.errors = [*form.place.errors, str(exc)]
        else:
            db.session.commit()
            flash("Changes saved." if changed else "Nothing was changed.")
            return redirect(url_for("networks.review", network_id=network.id))
    return render_template("emergency/networks/edit.html", network=network, form=form)


@bp.post("/emergency/networks/<int:network_id>/circle")
@role_required(Role.cvec)
def circle(network_id: int):
    network = db.get_or_404(MutualAidNetwork, network_id)
    if networks.draw_circle(network):
        db.session.commit()
        flash("The area is now drawn on the map.")
    else:
        flash("We still cannot find that place. Try again later, or edit the place.")
    return redirect(url_for("networks.review", network_id=network.id))


@bp.get("/emergency/networks/incidents/<int:incident_id>")
@role_required(Role.cvec)
def incident(incident_id: int):
    record = db.get_or_404(Incident, incident_id)
    inside, outside = networks.near_incident(record)
    return render_template(
        "emergency/networks/incident.html",
        incident=record,
        inside=inside,
        outside=outside,
        active=networks.active_ids(record),
    )


@bp.post("/emergency/networks/incidents/<int:incident_id>/<int:network_id>")
@role_required(Role.cvec)
def activate(incident_id: int, network_id: int):
    record = db.get_or_404(Incident, incident_id)
    network = db.get_or_404(MutualAidNetwork, network_id)
    state = request.form.get("active")
    if state not in ("yes", "no"):
        abort(400)
    try:
        changed = networks.set_active(network, record, state == "yes", current_user.id)
    except ActivationError as exc:
        flash(str(exc) + ".")
    else:
        db.session.commit()
        if changed:
            said = "active" if state == "yes" else "not active"
            flash(f"{network.name} is marked {said} in {record.name}.")
    return redirect(url_for("networks.incident", incident_id=record.id))
