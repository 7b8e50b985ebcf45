"""Claim pages: "This is our service" (choose the organisation, confirm, a panel), and the
coordinator's queue, decision page and switch for automatic approval."""

from __future__ import annotations

from uuid import UUID

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from accord.accounts import role_required
from accord.extensions import db
from accord.models import Role
from directory import listings
from directory.claims import claims
from directory.claims.forms import AutomaticForm, ClaimForm, DecisionForm
from directory.claims.models import ListingClaim

bp = Blueprint("claims", __name__)


@bp.route("/directory/services/<int:service_id>/claim", methods=["GET", "POST"])
@role_required(Role.member)
def new(service_id: int):
    service = listings.published_or_404(service_id)
    orgs = claims.claimable_for(current_user, service)
    if not orgs:
        abort(404)  # theirs already, or no organisation of theirs could claim it
    form = ClaimForm()
    form.organisation.choices = [SelectChoice(str(org.id), org.name) for org in orgs]
    if len(orgs) == 1 and not form.is_submitted():
        form.organisation.data = str(orgs[0].id)
    if form.validate_on_submit():
        org = next(org for org in orgs if str(org.id) == form.organisation.data)
        claim = claims.make_claim(service, org, current_user)
        db.session.commit()
        return redirect(url_for("claims.sent", claim_uuid=claim.uuid))
    waiting = [org.name for org in orgs if claims.pending(service, org.id)]
    return render_template(
        "directory/claims/new.html", form=form, service=service, orgs=orgs, waiting=waiting
    )


@bp.get("/directory/claims/<uuid:claim_uuid>")
@role_required(Role.member)
def sent(claim_uuid: UUID):
    claim = claims.find(str(claim_uuid))
    if claim is None or claim.organisation_id not in current_user.organisation_ids():
        abort(404)
    return render_template("directory/claims/sent.html", claim=claim)


# --- the coordinator ------------------------------------------------------------------------


@bp.get("/admin/directory/claims")
@role_required(Role.coordinator)
def queue():
    return _queue_page(AutomaticForm(automatic="on" if claims.automatic() else "off"))


def _queue_page(form: AutomaticForm) -> str:
    return render_template(
        "directory/claims/queue.html", queue=claims.queue(), form=form, days=claims.CLAIM_DAYS
    )


def _open(claim_uuid: UUID) -> ListingClaim:
    """A claim still waiting: a decided or lapsed one's page is gone (single use)."""
    claim = claims.find(str(claim_uuid))
    if claim is None or not claims.is_open(claim):
        abort(404)
    return claim


@bp.route("/admin/directory/claims/<uuid:claim_uuid>", methods=["GET", "POST"])
@role_required(Role.coordinator)
def decide(claim_uuid: UUID):
    claim = _open(claim_uuid)
    form = DecisionForm()
    if form.validate_on_submit():
        claims.decide(claim, form.decision.data == "approve", current_user)
        db.session.commit()
        flash(f"{claim.service.name}: claim by {claim.organisation.name} {claim.status}.")
        return redirect(url_for("claims.queue"))
    return render_template("directory/claims/decide.html", claim=claim, form=form)


@bp.post("/admin/directory/claims/automatic")
@role_required(Role.coordinator)
def automatic():
    form = AutomaticForm()
    if not form.validate_on_submit():
        return _queue_page(form), 400
    claims.set_automatic(form.automatic.data == "on", current_user)
    db.session.commit()
    flash(
        "Claims are approved automatically when the email domains match."
        if form.automatic.data == "on"
        else "You decide every claim."
    )
    return redirect(url_for("claims.queue"))
