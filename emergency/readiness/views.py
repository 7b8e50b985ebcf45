"""Readiness pages: a hub's managers confirm its readiness check from a phone; CVEC lists the
standby hubs due a check and emails their organisations; CVEC records a volunteer's training.
Thin: parse, call the feature's plain functions, render."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from accord.accounts import role_required
from accord.clock import today_uk
from accord.extensions import db
from accord.models import Role
from emergency import hubs
from emergency.models import Hub
from emergency.readiness import readiness, training
from emergency.readiness.forms import ReadinessForm, RemindForm, TrainingForm
from emergency.volunteers.models import MAX_ID, Volunteer

bp = Blueprint("readiness", __name__)


@bp.app_template_global()
def hub_readiness(hub: Hub):
    """The hub's latest readiness check, for the hub's page (templates/emergency/hub.html)."""
    return readiness.latest(hub)


@bp.app_template_global()
def volunteer_training(volunteer: Volunteer):
    """The volunteer's training, for their record (templates/emergency/volunteers/detail.html)."""
    return training.listing(volunteer, today_uk())


def _days() -> int:
    return int(current_app.config["HUB_READINESS_DAYS"])


def _hub(hub_id: int) -> Hub:
    hub = db.session.get(Hub, hub_id) if hub_id <= MAX_ID else None
    if hub is None:
        abort(404)
    if not hubs.can_manage(current_user, hub):
        abort(403)
    return hub


def _volunteer(volunteer_id: int) -> Volunteer:
    if volunteer_id > MAX_ID:
        abort(404)
    return db.get_or_404(Volunteer, volunteer_id)


# --- a hub's managers -----------------------------------------------------------------------


@bp.route("/emergency/hubs/<int:hub_id>/readiness", methods=["GET", "POST"])
@login_required
def hub(hub_id: int):
    record = _hub(hub_id)
    form = ReadinessForm()
    if form.validate_on_submit():
        readiness.confirm(
            record, list(form.checks.data or []), form.note.data or "", current_user.id
        )
        db.session.commit()
        flash(f"Readiness check recorded for {record.location.name}.")
        return redirect(url_for("emergency.hub", hub_id=record.id))
    page = render_template(
        "emergency/readiness/hub.html",
        hub=record,
        form=form,
        latest=readiness.latest(record),
        history=readiness.history(record),
        days=_days(),
    )
    return page, 400 if form.errors else 200


# --- CVEC -----------------------------------------------------------------------------------


@bp.get("/emergency/readiness")
@role_required(Role.cvec)
def index():
    found = readiness.due(_days())
    return render_template(
        "emergency/readiness/index.html",
        due=found,
        days=_days(),
        organisations=readiness.by_organisation(found),
        form=RemindForm(formdata=None),
    )


@bp.post("/emergency/readiness/remind")
@role_required(Role.cvec)
def remind():
    form = RemindForm()
    if not form.validate_on_submit():
        abort(400)
    done = readiness.remind(readiness.due(_days()), _days(), current_user.id)
    db.session.commit()
    if done.organisations:
        flash(
            f"Emailed {done.organisations} organisation{'' if done.organisations == 1 else 's'} "
            f"({done.messages} email{'' if done.messages == 1 else 's'}) about "
            f"{len(done.hubs)} hub{'' if len(done.hubs) == 1 else 's'}."
        )
    else:
        flash("No organisation could be emailed: none of these hubs' organisations has a member.")
    return redirect(url_for("readiness.index"))


@bp.route("/emergency/volunteers/<int:volunteer_id>/training", methods=["GET", "POST"])
@role_required(Role.cvec)
def volunteer(volunteer_id: int):
    record = _volunteer(volunteer_id)
    form = TrainingForm()
    if form.validate_on_submit():
        assert form.completed_on.data is not None  # validate_completed_on
        training.record(
            record,
            form.course.data,
            form.detail.data or "",
            form.completed_on.data,
            form.expires_on.data,
            current_user.id,
        )
        db.session.commit()
        flash("Training recorded.")
        return redirect(url_for("volunteers.detail", volunteer_id=record.id) + "#training")
    page = render_template(
        "emergency/readiness/training.html",
        volunteer=record,
        form=form,
        training=training.listing(record, today_uk()),
    )
    return page, 400 if form.errors else 200
