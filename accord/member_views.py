"""/account/organisations/<slug>/members: an organisation's members see who else is one,
invite colleagues and leave (accord/membership.py does the work).

Only the organisation's own members reach these pages: the `member` role gets past
`role_required`, and membership of this organisation is checked on every request (anyone
else, an administrator included, gets a 403: names and addresses are for its members only).
"""

from flask import Blueprint, abort, render_template
from flask_login import current_user

from accord import accounts, limits, membership
from accord.accounts import AccountError, role_required
from accord.extensions import db, limiter
from accord.forms import ColleagueForm, LeaveForm
from accord.models import Organisation, Role

bp = Blueprint("members", __name__, url_prefix="/account/organisations")


def _own(slug: str) -> Organisation:
    org = accounts.organisation_by_slug(slug)
    if org is None:
        abort(404)
    if not membership.is_member(current_user, org):
        abort(403)
    return org


@bp.get("/<slug>/members")
@role_required(Role.member)
def index(slug: str):
    org = _own(slug)
    people = membership.members(org)
    return render_template(
        "core/members/index.html",
        org=org,
        people=people,
        can_leave=bool(membership.replacements(current_user, org)),
    )


@bp.route("/<slug>/members/invite", methods=["GET", "POST"])
@role_required(Role.member)
@limiter.limit(limits.SIGNED_IN_SEND, key_func=limits.account, methods=["POST"])
def invite(slug: str):
    org = _own(slug)
    form = ColleagueForm()
    if form.validate_on_submit():
        try:
            added = membership.invite_colleague(form.email.data, org, current_user)
        except AccountError as exc:
            form.email.errors = [*form.email.errors, str(exc)]
        else:
            db.session.commit()
            return render_template("core/members/invited.html", org=org, added=added)
    return render_template("core/members/invite.html", org=org, form=form)


@bp.route("/<slug>/members/leave", methods=["GET", "POST"])
@role_required(Role.member)
@limiter.limit(limits.ACCOUNT_CHANGE, key_func=limits.account, methods=["POST"])
def leave(slug: str):
    org = _own(slug)
    form = LeaveForm()
    can_leave = bool(membership.replacements(current_user, org))
    if can_leave and form.validate_on_submit():
        membership.leave(current_user, org)
        db.session.commit()
        # A page of its own, not a redirect: the members' pages are no longer theirs to see.
        return render_template("core/members/left.html", org=org)
    return render_template("core/members/leave.html", org=org, form=form, can_leave=can_leave)
