"""/admin/directory: the coordinator's queue of listings from new providers."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from accord.accounts import role_required
from accord.extensions import db
from accord.models import Review, Role
from directory import upkeep
from directory.forms import ReviewForm
from directory.models import Service

bp = Blueprint("directory_admin", __name__, url_prefix="/admin/directory")


@bp.get("/reviews")
@role_required(Role.coordinator)
def reviews():
    return render_template("directory/admin/reviews.html", queue=upkeep.review_queue())


@bp.route("/reviews/<int:service_id>", methods=["GET", "POST"])
@role_required(Role.coordinator)
def review(service_id: int):
    service = db.get_or_404(Service, service_id)
    if service.review != Review.pending:
        abort(404)
    form = ReviewForm()
    if form.validate_on_submit():
        upkeep.decide(service, form.decision.data == "publish")
        db.session.commit()
        flash(
            f"{service.name}: {'published' if service.review == 'published' else 'not published'}."
        )
        return redirect(url_for("directory_admin.reviews"))
    return render_template("directory/admin/review.html", service=service, form=form)
