"""The directory's blueprint and its pages for services and community buildings, and for
providers keeping their listings right. Search and the signposting list add their pages to
the same blueprint (directory/search/views.py)."""

from __future__ import annotations

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
from sqlalchemy import and_, func, or_, select
from wtforms.fields.choices import SelectChoice

from accord import limits, maps
from accord.accounts import role_required
from accord.clock import now_uk
from accord.extensions import db, limiter
from accord.geo import ACCESSIBILITY, ATTRIBUTION, FACILITIES, Point
from accord.models import OWNER_LABELS, Location, Organisation, Review, Role
from accord.security import csp_nonce, map_document
from directory import freshness, hours, listings, taxonomy, upkeep
from directory.claims import claims
from directory.forms import CapacityForm, ReportForm, ServiceForm
from directory.models import (
    ACCESS_ROUTES,
    CAPACITY_LABELS,
    Capacity,
    Service,
    ServiceAtLocation,
)
from directory.pickers import lookup
from directory.referrals.figures import usual_reply_days
from directory.search.query import search_args

bp = Blueprint("directory", __name__, url_prefix="/directory")

LIST_KEY = "signposting"


def service_count() -> int:
    query = select(func.count(Service.id)).where(Service.review == Review.published)
    return db.session.scalar(query) or 0


def building_count() -> int:
    # Buildings waiting for the coordinator are not listed anywhere yet: not counted either.
    query = select(func.count(Location.id)).where(Location.review == Review.published)
    return db.session.scalar(query) or 0


def listed() -> list[str]:
    """The signposting list being built: service ids in the session, nothing personal."""
    return list(session.get(LIST_KEY, []))


def page_context() -> dict:
    """What every directory page showing services needs."""
    return {
        "capacity_labels": CAPACITY_LABELS,
        "routes": ACCESS_ROUTES,
        # "May be out of date": the same cut-off search ranks by (directory/freshness).
        "stale_before": freshness.stale_before(),
        "stale_months": freshness.STALE_MONTHS,
        "in_list": set(listed()),
        "attribution": ATTRIBUTION,
        # The search this page was reached from, so its links lead back to the same results.
        "search_args": search_args(request.args),
    }


@bp.get("/services/<int:service_id>")
def service(service_id: int):
    record = listings.published_or_404(service_id)
    return render_template(
        "directory/service.html",
        service=record,
        # Schedules are on UK clocks; the server's clock is UTC, an hour behind all summer.
        hours=hours.of(record, now_uk()),
        access=ACCESSIBILITY,
        claimable=bool(claims.claimable_for(current_user, record)),
        replies=usual_reply_days(record.id),
        **page_context(),
    )


@bp.get("/places/<int:place_id>")
def place(place_id: int):
    building = db.session.get(Location, place_id)
    # A building waiting for review (or withdrawn) is nobody's to see by its address.
    if building is None or building.review != Review.published:
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
        owners=OWNER_LABELS,
        **page_context(),
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
    current = service.locations[0].id if service is not None and service.locations else None
    # Published buildings, and the one it is at already whatever its state.
    form.location.source = lookup.source(keep=current)
    if service is not None and request.method == "GET":
        form.needs.data = [t.code for t in service.terms]
        form.location.data = current
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
    # Its own listings that nobody else manages, and those it manages after a claim.
    mine = or_(
        and_(Service.organisation_id.in_(org_ids), Service.managed_by_id.is_(None)),
        Service.managed_by_id.in_(org_ids),
    )
    services = db.session.scalars(select(Service).where(mine).order_by(Service.name)).all()
    orgs = db.session.scalars(select(Organisation).where(Organisation.id.in_(org_ids))).all()
    return render_template("directory/manage.html", services=services, orgs=orgs, **page_context())


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
    # The organisation managing it after an approved claim, else its own.
    manager = service.managed_by or service.organisation
    if not _may_manage(manager):
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
    manager = service.managed_by or service.organisation
    return render_template("directory/edit_service.html", form=form, org=manager, service=service)


@bp.post("/services/<int:service_id>/capacity")
@role_required(Role.member, Role.coordinator)
def set_capacity(service_id: int):
    service = _managed(service_id)
    form = CapacityForm()
    if not form.validate_on_submit():
        abort(400)
    upkeep.set_capacity(service, form.capacity.data)
    db.session.commit()
    flash(f"{service.name}: {CAPACITY_LABELS[Capacity(service.capacity)]}.")
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
    service = listings.published_or_404(service_id)
    form = ReportForm()
    if form.validate_on_submit():
        upkeep.report(service, form.what.data)
        db.session.commit()
        flash("Thank you. We have told the provider.")
        return redirect(url_for("directory.service", service_id=service.id))
    return render_template("directory/report.html", form=form, service=service)


# --- maps -----------------------------------------------------------------------------------


def map_response(pins: list[maps.Pin], title: str):
    """A map document for an <iframe> on our own pages (and only ours)."""
    tiles = maps.tiles_of(current_app.config)
    body = maps.render(pins, tiles.url, csp_nonce(), tiles.attribution, title)
    return map_document(body)


@bp.get("/places/<int:place_id>/map")
def place_map(place_id: int):
    building = db.session.get(Location, place_id)
    if building is None or building.review != Review.published:
        abort(404)
    if building.latitude is None or building.longitude is None:
        abort(404)
    point = Point(building.latitude, building.longitude)
    return map_response([maps.Pin(point, building.name)], f"Map of {building.name}")
