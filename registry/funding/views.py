"""The funding opportunities board: public list, and posting by members of signatories."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from accord import limits
from accord.accounts import role_required
from accord.extensions import db, limiter
from accord.models import Role
from registry.funding import board
from registry.funding.forms import OpportunityForm

bp = Blueprint("funding", __name__)


@bp.get("/accord/funding")
def opportunities():
    may_post = current_user.is_authenticated and bool(board.posting_organisations(current_user))
    return render_template(
        "registry/funding/board.html",
        opportunities=board.open_now(),
        weeks=board.MAJOR_CHANGE_WEEKS,
        may_post=may_post,
    )


@bp.route("/accord/funding/new", methods=["GET", "POST"])
@role_required(Role.member)
@limiter.limit(limits.SIGNED_IN_SEND, methods=["POST"])
def new_opportunity():
    orgs = {str(org.id): org for org in board.posting_organisations(current_user)}
    if not orgs:
        abort(403)
    form = OpportunityForm()
    form.organisation.choices = [SelectChoice(key, org.name) for key, org in orgs.items()]
    if len(orgs) == 1 and not form.organisation.data:
        form.organisation.data = next(iter(orgs))
    # The closing check fails the form without its date: a valid form has one.
    if form.validate_on_submit() and form.closing.data:
        record = board.post(
            current_user,
            orgs[form.organisation.data],
            title=form.title.data,
            kind=form.kind.data,
            amount_from=form.low,
            amount_to=form.high,
            closing_date=form.closing.data,
            link=form.link.data,
            major_change=bool(form.major_change.data),
        )
        db.session.commit()
        return render_template("registry/funding/posted.html", opportunity=record)
    return render_template("registry/funding/new.html", form=form)
