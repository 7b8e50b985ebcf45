"""/admin/directory/buildings: the coordinator publishes new community buildings or not, and
sees recent edits to published ones, any of which can be reverted."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from accord import maps
from accord.accounts import role_required
from accord.extensions import db
from accord.geo import ACCESSIBILITY, FACILITIES, Point
from accord.models import OWNER_LABELS, Location, Review, Role
from accord.security import csp_nonce, map_document
from directory.places import buildings, review
from directory.places.forms import DecisionForm
from directory.places.models import LocationRevision

bp = Blueprint("buildings_admin", __name__, url_prefix="/admin/directory/buildings")

LABELS = {
    "name": "Name",
    "description": "About the building",
    "address": "Address",
    "town": "Town or village",
    "postcode": "Postcode",
    "accessibility": "Accessibility",
    "facilities": "Facilities",
    "capacity": "How many people it holds",
    "opening_hours": "Opening or booking hours",
    "bookable": "Can be booked",
    "booking": "How to book or hire it",
    "booking_contact": "Booking contact",
    "booking_contact_public": "Booking contact shown to the public",
    "owner": "Owner",
    "hub_ready": "Could serve as an emergency hub",
    "latitude": "Place on the map",
    "longitude": "Place on the map",
}


@bp.get("")
@role_required(Role.coordinator)
def queue():
    return render_template(
        "directory/places/admin/queue.html",
        waiting=review.waiting(),
        edits=review.recent_edits(),
        labels=LABELS,
    )


@bp.route("/<int:place_id>", methods=["GET", "POST"])
@role_required(Role.coordinator)
def decide(place_id: int):
    location = db.get_or_404(Location, place_id)
    if location.review != Review.pending:
        abort(404)
    form = DecisionForm()
    if form.validate_on_submit():
        publish = form.decision.data == "publish"
        review.decide(location, publish)
        db.session.commit()
        flash(f"{location.name}: {'published' if publish else 'not published'}.")
        return redirect(url_for("buildings_admin.queue"))
    page = render_template(
        "directory/places/admin/decide.html",
        building=location,
        form=form,
        access=ACCESSIBILITY,
        facilities=FACILITIES,
        owners=OWNER_LABELS,
    )
    return page, 400 if form.is_submitted() else 200


@bp.get("/<int:place_id>/map")
@role_required(Role.coordinator)
def place_map(place_id: int):
    """Where a building waiting to be checked is (the public map is for published ones)."""
    location = db.get_or_404(Location, place_id)
    if location.latitude is None or location.longitude is None:
        abort(404)
    point = Point(location.latitude, location.longitude)
    tiles = maps.tiles_of(current_app.config)
    body = maps.render(
        [maps.Pin(point, location.name)],
        tiles.url,
        csp_nonce(),
        tiles.attribution,
        f"Map of {location.name}",
    )
    return map_document(body)


@bp.post("/revisions/<int:revision_id>/revert")
@role_required(Role.coordinator)
def revert(revision_id: int):
    revision = db.get_or_404(LocationRevision, revision_id)
    try:
        buildings.revert(revision, current_user.id)
    except buildings.RevertRefused:
        flash(
            "That edit cannot be reverted: it was reverted already, or the building is no "
            "longer published."
        )
        return redirect(url_for("buildings_admin.queue"))
    db.session.commit()
    flash(f"{revision.location.name}: the edit is reverted.")
    return redirect(url_for("buildings_admin.queue"))
