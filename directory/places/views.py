"""/directory/manage/buildings: members list, add and edit their organisation's community
buildings; each change is checked on a page with the postcode on a small map, then saved."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from accord import maps
from accord.accounts import role_required
from accord.extensions import db
from accord.geo import ACCESSIBILITY, FACILITIES, Point
from accord.models import OWNER_LABELS, Location, Organisation, Review, Role
from accord.security import csp_nonce, map_document
from directory.places import buildings, drafts
from directory.places.forms import BuildingForm
from directory.places.models import LocationDraft

bp = Blueprint("buildings", __name__, url_prefix="/directory/manage/buildings")


def _may_manage(org_id: int | None) -> bool:
    return current_user.has_role(Role.coordinator) or org_id in current_user.organisation_ids()


def _trusted() -> bool:
    return current_user.has_role(Role.coordinator)


def _managed(place_id: int) -> Location:
    location = db.session.get(Location, place_id)
    if location is None or location.operator_id is None:
        abort(404)
    if not _may_manage(location.operator_id):
        abort(403)
    return location


@bp.get("")
@role_required(Role.member)
def index():
    org_ids = current_user.organisation_ids()
    orgs = db.session.scalars(
        select(Organisation).where(Organisation.id.in_(org_ids)).order_by(Organisation.name)
    ).all()
    places = db.session.scalars(
        select(Location).where(Location.operator_id.in_(org_ids)).order_by(Location.name)
    ).all()
    return render_template("directory/places/index.html", orgs=orgs, places=places)


@bp.route("/new/<slug>", methods=["GET", "POST"])
@role_required(Role.member)
def new(slug: str):
    org = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
    if org is None:
        abort(404)
    if not _may_manage(org.id):
        abort(403)
    return _details(org, None)


@bp.route("/<int:place_id>/edit", methods=["GET", "POST"])
@role_required(Role.member, Role.coordinator)
def edit(place_id: int):
    location = _managed(place_id)
    return _details(db.get_or_404(Organisation, location.operator_id), location)


def _details(org: Organisation, location: Location | None):
    """The building's form: empty, or its current details, or (from "Change" on the check
    page, ?change=draft) the answers given; valid answers go to a draft and its check page."""
    draft = drafts.find(request.args.get("change", type=int), current_user.id)
    location_id = location.id if location else None
    if draft and (draft.organisation_id, draft.location_id) != (org.id, location_id):
        draft = None
    if request.method == "GET":
        values = draft.answers if draft else (buildings.values_of(location) if location else {})
        form = BuildingForm(formdata=buildings.form_data(values) if values else None)
    else:
        form = BuildingForm()
    if form.validate_on_submit():
        point, problem = buildings.place(form.postcode.data)
        if point is None:
            form.postcode.errors = [*form.postcode.errors, problem]
        else:
            values = buildings.values_from(form.data, point)
            draft = drafts.save(
                draft,
                user_id=current_user.id,
                organisation_id=org.id,
                location_id=location_id,
                values=values,
            )
            db.session.commit()
            return redirect(url_for("buildings.check", draft_id=draft.id))
    page = render_template("directory/places/form.html", form=form, org=org, building=location)
    return page, 400 if request.method == "POST" else 200


def _draft(draft_id: int) -> tuple[LocationDraft, Organisation, Location | None]:
    draft = drafts.find(draft_id, current_user.id)
    if draft is None:
        abort(404)
    if not _may_manage(draft.organisation_id):
        abort(403)
    org = db.get_or_404(Organisation, draft.organisation_id)
    location = db.session.get(Location, draft.location_id) if draft.location_id else None
    if location is not None and location.operator_id != org.id:
        abort(404)
    return draft, org, location


@bp.route("/drafts/<int:draft_id>/check", methods=["GET", "POST"])
@role_required(Role.member, Role.coordinator)
def check(draft_id: int):
    """Check your answers (with the postcode on a map), then save: a new building goes to the
    coordinator; an edit to a published one is live at once."""
    draft, org, location = _draft(draft_id)
    if request.method == "POST":
        if location is None:
            location = buildings.add(org, draft.answers, trusted=_trusted())
        else:
            buildings.edit(location, draft.answers, trusted=_trusted(), by_id=current_user.id)
        drafts.discard(draft)
        db.session.commit()
        return redirect(url_for("buildings.saved", place_id=location.id))
    if location is None:
        change = url_for("buildings.new", slug=org.slug, change=draft.id)
    else:
        change = url_for("buildings.edit", place_id=location.id, change=draft.id)
    return render_template(
        "directory/places/check.html",
        draft=draft,
        answers=draft.answers,
        org=org,
        building=location,
        change=change,
        access=ACCESSIBILITY,
        facilities=FACILITIES,
        owners=OWNER_LABELS,
    )


@bp.get("/drafts/<int:draft_id>/map")
@role_required(Role.member, Role.coordinator)
def draft_map(draft_id: int):
    draft, _, _ = _draft(draft_id)
    answers = draft.answers
    point = Point(answers["latitude"], answers["longitude"])
    tiles = maps.tiles_of(current_app.config)
    title = f"Map of the postcode {answers['postcode']}"
    pin = maps.Pin(point, answers["name"])
    return map_document(maps.render([pin], tiles.url, csp_nonce(), tiles.attribution, title))


@bp.get("/<int:place_id>/saved")
@role_required(Role.member, Role.coordinator)
def saved(place_id: int):
    location = _managed(place_id)
    return render_template(
        "directory/places/saved.html",
        building=location,
        waiting=location.review == Review.pending,
    )
