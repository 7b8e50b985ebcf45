"""The directory's pages: search, services, community buildings and the signposting list."""

from __future__ import annotations

from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from sqlalchemy import func, select
from wtforms.fields.choices import SelectChoice

from accord import limits, maps
from accord.accounts import role_required
from accord.clock import now_uk, today_uk
from accord.extensions import db, limiter
from accord.geo import ACCESSIBILITY, ATTRIBUTION, FACILITIES, Point
from accord.links import absolute_url
from accord.models import Location, Organisation, Review, Role
from accord.security import csp_nonce, map_document
from directory import hours, schedules, taxonomy, upkeep
from directory.forms import CapacityForm, ReportForm, ServiceForm
from directory.models import ACCESS_ROUTES, CAPACITY_LABELS, Service, ServiceAtLocation
from directory.search import query as query_form
from directory.search import search, signposting

bp = Blueprint("directory", __name__, url_prefix="/directory")

LIST_KEY = "signposting"
STALE_AFTER = timedelta(days=365)


def service_count() -> int:
    query = select(func.count(Service.id)).where(Service.review == Review.published)
    return db.session.scalar(query) or 0


def building_count() -> int:
    return db.session.scalar(select(func.count(Location.id))) or 0


def _list() -> list[str]:
    return list(session.get(LIST_KEY, []))


def _common() -> dict:
    return {
        "capacity_labels": CAPACITY_LABELS,
        "routes": ACCESS_ROUTES,
        "stale_before": today_uk() - STALE_AFTER,
        "in_list": set(_list()),
        "attribution": ATTRIBUTION,
    }


@bp.get("")
def index():
    needs = taxonomy.needs()
    query, errors, page = query_form.parse(request.args, {t.code for t in needs})
    searched = any(
        request.args.get(key) for key in ("q", "need", "where", "when", "free", "age", "access")
    )
    results = search.run(query, page=page, per_page=search.PER_PAGE) if searched else None
    total = results.total if results else 0
    pages = max(1, -(-total // search.PER_PAGE))
    if results and page > pages:
        errors.setdefault("page", "That page does not exist; showing the first page")
        page = 1
        results = search.run(query, page=1, per_page=search.PER_PAGE)
    shown = results.hits if results else []
    # Never url_for's own keywords (_external, _scheme …): a crafted link must not steer ours.
    args = {
        key: request.args.getlist(key)
        for key in request.args
        if key != "page" and not key.startswith("_")
    }
    return render_template(
        "directory/index.html",
        query=query,
        errors=errors,
        needs=needs,
        radii=search.RADII,
        days=schedules.DAYS,
        access_features=ACCESSIBILITY,
        results=results,
        shown=shown,
        page=page,
        pages=pages,
        args=args,
        buildings=None if searched else _buildings(),
        **_common(),
    )


def _buildings() -> list[Location]:
    return list(
        db.session.scalars(
            select(Location)
            .where(Location.review == "published")
            .order_by(Location.town, Location.name)
        )
    )


@bp.get("/services/<int:service_id>")
def service(service_id: int):
    record = db.session.get(Service, service_id)
    if record is None or record.review != Review.published:
        abort(404)
    return render_template(
        "directory/service.html",
        service=record,
        # Schedules are on UK clocks; the server's clock is UTC, an hour behind all summer.
        hours=hours.of(record, now_uk()),
        access=ACCESSIBILITY,
        **_common(),
    )


@bp.get("/places/<int:place_id>")
def place(place_id: int):
    building = db.session.get(Location, place_id)
    if building is None:
        abort(404)
    delivered = db.session.scalars(
        select(Service)
        .join(ServiceAtLocation)
        .where(ServiceAtLocation.location_id == building.id, Service.review == Review.published)
        .order_by(Service.name)
    ).all()
    return render_template(
        "directory/place.html",
        place=building,
        services=delivered,
        access=[ACCESSIBILITY.get(key, key) for key in building.accessibility],
        facilities=[FACILITIES.get(key, key) for key in building.facilities],
        **_common(),
    )


# --- the signposting list -------------------------------------------------------------------


@bp.get("/list")
def signposting_list():
    items = signposting.services(_list())
    share = absolute_url("directory.shared_list", token=signposting.share_token(_list()))
    return render_template(
        "directory/list.html",
        items=items,
        share=share if items else None,
        qr=signposting.qr_data_uri(share) if items else None,
        **_common(),
    )


@bp.post("/list")
@limiter.limit(limits.LIST_CHANGE)
def change_list():
    action, item = request.form.get("action", ""), request.form.get("service", "")
    items = _list()
    if action == "add":
        if not signposting.services([item]):
            abort(404)
        if len(items) >= signposting.MAX_ITEMS:
            flash(f"A list can hold {signposting.MAX_ITEMS} services. Remove one to add another.")
        items = signposting.add(items, item)
    elif action == "remove":
        items = signposting.remove(items, item)
    elif action in ("up", "down"):
        items = signposting.move(items, item, -1 if action == "up" else 1)
    elif action == "clear":
        items = []
    else:
        abort(400)
    session[LIST_KEY] = items
    target = request.form.get("back") or ""
    if target.startswith("/directory") and "//" not in target:
        return redirect(target)
    return redirect(url_for("directory.signposting_list"))


@bp.get("/list/print")
def print_list():
    return render_template(
        "directory/list_print.html", items=signposting.services(_list()), **_common()
    )


@bp.get("/list/shared/<token>")
def shared_list(token: str):
    items = signposting.from_token(token)
    if items is None:
        abort(404)
    return render_template(
        "directory/list_print.html", items=signposting.services(items), shared=True, **_common()
    )


# --- providers ------------------------------------------------------------------------------


def _may_manage(org) -> bool:
    if not current_user.is_authenticated:
        return False
    return current_user.has_role(Role.coordinator) or org.id in current_user.organisation_ids()


def _trusted() -> bool:
    return current_user.has_role(Role.coordinator)


def _service_form(org, service: Service | None = None) -> ServiceForm:
    form = ServiceForm(obj=service) if service is not None else ServiceForm()
    form.needs.choices = [SelectChoice(t.code, t.name) for t in taxonomy.needs()]
    places = db.session.scalars(select(Location).order_by(Location.town, Location.name)).all()
    form.location.choices = [SelectChoice("", "No building: online, by phone or at home")] + [
        SelectChoice(str(p.id), f"{p.name}, {p.town}") for p in places
    ]
    if service is not None and request.method == "GET":
        form.needs.data = [t.code for t in service.terms]
        form.location.data = str(service.locations[0].id) if service.locations else ""
        form.cost.data = "free" if service.is_free else "charge"
        form.description.data = service.description
        weekly = [s for s in service.schedules if s.freq == "WEEKLY"]
        if len(weekly) == 1:
            form.days.data = weekly[0].byday.split(",")
            form.opens_at.data, form.closes_at.data = weekly[0].opens_at, weekly[0].closes_at
    return form


@bp.get("/manage")
@role_required(Role.member)
def manage():
    org_ids = current_user.organisation_ids()
    services = db.session.scalars(
        select(Service).where(Service.organisation_id.in_(org_ids)).order_by(Service.name)
    ).all()
    orgs = db.session.scalars(select(Organisation).where(Organisation.id.in_(org_ids))).all()
    return render_template("directory/manage.html", services=services, orgs=orgs, **_common())


@bp.route("/services/new/<slug>", methods=["GET", "POST"])
@role_required(Role.member)
def new_service(slug: str):
    org = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
    if org is None:
        abort(404)
    if not _may_manage(org):
        abort(403)
    form = _service_form(org)
    if form.validate_on_submit():
        service = upkeep.save_service(Service(organisation=org), form.data, trusted=_trusted())
        db.session.commit()
        flash(
            "Your listing is saved. The VCS Assembly coordinator will check it before it shows."
            if service.review == Review.pending
            else "Your listing is saved and published."
        )
        return redirect(url_for("directory.manage"))
    return render_template("directory/edit_service.html", form=form, org=org, service=None)


def _managed(service_id: int) -> Service:
    service = db.session.get(Service, service_id)
    if service is None:
        abort(404)
    if not _may_manage(service.organisation):
        abort(403)
    return service


@bp.route("/services/<int:service_id>/edit", methods=["GET", "POST"])
@role_required(Role.member, Role.coordinator)
def edit_service(service_id: int):
    service = _managed(service_id)
    form = _service_form(service.organisation, service)
    if form.validate_on_submit():
        upkeep.save_service(service, form.data, trusted=_trusted())
        db.session.commit()
        flash("Your changes are saved.")
        if current_user.organisation_ids():
            return redirect(url_for("directory.manage"))
        return redirect(url_for("directory.service", service_id=service.id))
    return render_template(
        "directory/edit_service.html", form=form, org=service.organisation, service=service
    )


@bp.post("/services/<int:service_id>/capacity")
@role_required(Role.member, Role.coordinator)
def set_capacity(service_id: int):
    service = _managed(service_id)
    form = CapacityForm()
    if not form.validate_on_submit():
        abort(400)
    upkeep.set_capacity(service, form.capacity.data)
    db.session.commit()
    flash(f"{service.name}: {CAPACITY_LABELS[service.capacity]}.")
    return redirect(url_for("directory.manage"))


@bp.post("/services/<int:service_id>/still-correct")
@role_required(Role.member, Role.coordinator)
def still_correct(service_id: int):
    service = _managed(service_id)
    upkeep.still_correct(service)
    db.session.commit()
    flash(f"Thank you. {service.name} is marked as checked today.")
    return redirect(url_for("directory.manage"))


@bp.route("/services/<int:service_id>/report", methods=["GET", "POST"])
@limiter.limit(limits.ANONYMOUS, methods=["POST"])
def report(service_id: int):
    service = db.session.get(Service, service_id)
    if service is None or service.review != Review.published:
        abort(404)
    form = ReportForm()
    if form.validate_on_submit():
        upkeep.report(service, form.what.data)
        db.session.commit()
        flash("Thank you. We have told the provider.")
        return redirect(url_for("directory.service", service_id=service.id))
    return render_template("directory/report.html", form=form, service=service)


# --- maps -----------------------------------------------------------------------------------


def map_response(pins: list[maps.Pin]):
    """A map document for an <iframe> on our own pages (and only ours)."""
    body = maps.render(
        pins,
        current_app.config["TILE_URL"],
        csp_nonce(),
        "Map data © OpenStreetMap contributors",
    )
    return map_document(body)


@bp.get("/map")
def results_map():
    needs = taxonomy.needs()
    query, _, _ = query_form.parse(request.args, {t.code for t in needs})
    pins = []
    for hit in search.run(query, per_page=500).hits:
        location = hit.location or (hit.service.locations[0] if hit.service.locations else None)
        if location is None or location.latitude is None:
            continue
        pins.append(
            maps.Pin(
                Point(location.latitude, location.longitude),
                f"{hit.service.name} – {location.name}",
            )
        )
    return map_response(pins)


@bp.get("/places/<int:place_id>/map")
def place_map(place_id: int):
    building = db.session.get(Location, place_id)
    if building is None or building.latitude is None:
        abort(404)
    point = Point(building.latitude, building.longitude)
    return map_response([maps.Pin(point, building.name)])
