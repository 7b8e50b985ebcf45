"""Emergency volunteers' pages: the public sign-up (and leaving), and CVEC's search, volunteer
record and deployments. Thin: parse, call the feature's plain functions (signup, changes,
leaving, finding, deployments, retention), render."""

from __future__ import annotations

import hashlib
import hmac

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter import RequestLimit
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from accord import limits
from accord.accounts import normalise_email, role_required
from accord.extensions import db, limiter
from accord.models import Role
from accord.security import token_page
from emergency import incidents
from emergency.callouts import actions
from emergency.models import Hub, Incident
from emergency.volunteers import (
    changes,
    deployments,
    details,
    finding,
    leaving,
    retention,
    signup,
)
from emergency.volunteers.forms import (
    ChangeForm,
    ConfirmForm,
    DeleteForm,
    DeployForm,
    EmailConfirmForm,
    FindForm,
    LeaveForm,
    SearchForm,
    VolunteerForm,
)
from emergency.volunteers.models import MAX_ID, Deployment, Volunteer

bp = Blueprint("volunteers", __name__)

# The thank-you page greets the person by the first name they typed, once.
FIRST_NAME_KEY = "volunteer_first_name"
MAX_PAGE_DIGITS = 6
NO_INCIDENT = "There is no active incident. Declare an incident before deploying volunteers."


@bp.context_processor
def helpers() -> dict:
    return {
        "skill_labels": details.SKILLS,
        "availability_labels": details.AVAILABILITY,
        "number": deployments.number,
        "where": deployments.where,
        "retention": details.retention_words(current_app.config["VOLUNTEER_RETENTION_DAYS"]),
    }


def _volunteer(volunteer_id: int) -> Volunteer:
    if volunteer_id > MAX_ID:
        abort(404)
    return db.get_or_404(Volunteer, volunteer_id)


def _by_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None


# --- public: signing up ----------------------------------------------------------------------


def _email_key() -> str:
    """The sign-up's per-address limit is keyed by a keyed hash of the address typed, so the
    limiter's store holds no email addresses."""
    email = normalise_email(request.form.get("email", ""))
    key = str(current_app.config["SECRET_KEY"]).encode()
    return "volunteer-email:" + hmac.new(key, email.encode(), hashlib.sha256).hexdigest()[:32]


def _too_many(limit: RequestLimit, *, per_email: bool):
    """The form again, with the person's answers and an error summary saying why and how long
    to wait: a limit never throws away what was typed."""
    consent = details.consent_text(current_app.config["VOLUNTEER_RETENTION_DAYS"])
    form = VolunteerForm(consent=consent)
    wait = limits.wait_words(limit.limit)
    if per_email:
        form.email.errors = [
            "This email address has been signed up too many times recently. Your answers are "
            f"kept below: wait {wait}, then press “Sign up to volunteer” again"
        ]
    else:
        form.submit.errors = [
            "Too many sign-ups have come from your connection recently. Your answers are kept "
            f"below: wait {wait}, then press “Sign up to volunteer” again"
        ]
    page = render_template("emergency/volunteers/sign_up.html", form=form)
    return make_response(page, 429)


def _per_connection(limit: RequestLimit):
    return _too_many(limit, per_email=False)


def _per_email(limit: RequestLimit):
    return _too_many(limit, per_email=True)


# Only accepted sign-ups count (a form with mistakes costs nothing), per connection and per
# email address; any submission at all counts towards a limit only a machine reaches.
@bp.route("/volunteer", methods=["GET", "POST"])
@limiter.limit(limits.SIGN_UP_ANY, methods=["POST"], on_breach=_per_connection)
@limiter.limit(
    limits.SIGN_UP_ACCEPTED,
    methods=["POST"],
    deduct_when=limits.accepted,
    on_breach=_per_connection,
)
@limiter.limit(
    limits.SIGN_UP_PER_EMAIL,
    key_func=_email_key,
    methods=["POST"],
    deduct_when=limits.accepted,
    on_breach=_per_email,
)
def sign_up():
    consent = details.consent_text(current_app.config["VOLUNTEER_RETENTION_DAYS"])
    form = VolunteerForm(consent=consent)
    if form.validate_on_submit():
        # A known address is emailed a link instead of being changed; the same page follows
        # either way, named with what was typed, so nobody learns who is listed.
        given = form.details()
        signup.sign_up(given, consent)
        db.session.commit()
        session[FIRST_NAME_KEY] = signup.first_name(given.name)
        return redirect(url_for("volunteers.thanks"))
    return render_template("emergency/volunteers/sign_up.html", form=form)


@bp.get("/volunteer/thanks")
def thanks():
    return render_template(
        "emergency/volunteers/thanks.html", first_name=session.pop(FIRST_NAME_KEY, "")
    )


@bp.route("/volunteer/email/<token>", methods=["GET", "POST"])
@limiter.limit(limits.EMAILED_LINK)
def confirm_email(token: str):
    # Confirming takes a button press: a mail scanner opening the link confirms nothing.
    volunteer = signup.volunteer_to_confirm(token)
    if volunteer is None:
        return token_page(render_template("emergency/volunteers/email_link_invalid.html"), 404)
    form = EmailConfirmForm()
    if form.validate_on_submit():
        signup.confirm_email(volunteer)
        db.session.commit()
        return token_page(render_template("emergency/volunteers/email_confirmed.html"))
    page = render_template("emergency/volunteers/email_confirm.html", form=form, token=token)
    return token_page(page)


@bp.get("/volunteer/privacy")
def privacy():
    return render_template("emergency/volunteers/privacy.html")


@bp.route("/volunteer/leave", methods=["GET", "POST"])
@limiter.limit(limits.ANONYMOUS, methods=["POST"])
def leave():
    form = LeaveForm()
    if form.validate_on_submit():
        leaving.request_leave(form.email.data)
        db.session.commit()
        return redirect(url_for("volunteers.leave_sent"))
    return render_template("emergency/volunteers/leave.html", form=form)


@bp.get("/volunteer/leave/sent")
def leave_sent():
    return render_template("emergency/volunteers/leave_sent.html")


@bp.route("/volunteer/leave/<token>", methods=["GET", "POST"])
@limiter.limit(limits.EMAILED_LINK)
def leave_confirm(token: str):
    # Deleting takes a button press: mail scanners open links, and must not delete anyone.
    volunteer = leaving.volunteer_for_leave_token(token)
    if volunteer is None:
        return render_template("emergency/volunteers/link_invalid.html"), 404
    form = ConfirmForm()
    if form.validate_on_submit():
        retention.delete(volunteer, by_volunteer=True)
        db.session.commit()
        return render_template("emergency/volunteers/left.html")
    return render_template("emergency/volunteers/leave_confirm.html", form=form)


@bp.route("/volunteer/confirm/<token>", methods=["GET", "POST"])
@limiter.limit(limits.EMAILED_LINK)
def confirm_change(token: str):
    # Opening the link only shows the change: mail scanners open links, and must change nothing.
    change = changes.change_for_token(token, lock=request.method == "POST")
    if change is None:
        return token_page(render_template("emergency/volunteers/change_invalid.html"), 404)
    volunteer, given = change
    consent = details.consent_text(current_app.config["VOLUNTEER_RETENTION_DAYS"])
    form = ChangeForm()
    if form.validate_on_submit():
        changes.apply_change(volunteer, given, consent)
        db.session.commit()
        return token_page(render_template("emergency/volunteers/changed.html"))
    page = render_template(
        "emergency/volunteers/change_confirm.html", form=form, details=given, consent=consent
    )
    return token_page(page)


# --- CVEC: finding volunteers ----------------------------------------------------------------


def _page_number(raw: str | None) -> int | None:
    """The page asked for, or None when it is not a sensible page number."""
    raw = raw or "1"
    if not (raw.isascii() and raw.isdigit()) or len(raw) > MAX_PAGE_DIGITS or int(raw) < 1:
        return None
    return int(raw)


@bp.get("/emergency/volunteers")
@role_required(Role.cvec)
def search():
    form = SearchForm(formdata=request.args)
    form.validate()
    filters = form.filters()
    page = _page_number(request.args.get("page"))
    page_problem = page is None
    found = finding.search(filters, page or 1)
    if found.page > found.pages:
        page_problem = True
        found = finding.search(filters, 1)
    # Only the form's own fields: url_for treats keys like _external and _scheme as orders.
    args = {key: request.args.getlist(key) for key in form.data if key in request.args}
    return _search_page(form, filters, found, args=args, page_problem=page_problem)


@bp.post("/emergency/volunteers/find")
@role_required(Role.cvec)
def find():
    find = FindForm()
    if not find.validate_on_submit():
        form = SearchForm(formdata=None)
        return _search_page(form, form.filters(), finding.search(form.filters()), find=find)
    filters = finding.Filters(words=find.who.data, include_inactive=True)
    return _search_page(SearchForm(formdata=None), filters, finding.search(filters), find=find)


def _search_page(form, filters, found, *, find=None, args=None, page_problem=False):
    return render_template(
        "emergency/volunteers/search.html",
        form=form,
        find=find or FindForm(formdata=None),
        filters=filters,
        found=found,
        args=args or {},
        page_problem=page_problem,
        on_duty=[(incident, deployments.on_duty(incident)) for incident in incidents.active()],
    )


# --- CVEC: one volunteer ---------------------------------------------------------------------


def _deploy_form(active: list[Incident], hubs: list[Hub]) -> DeployForm:
    form = DeployForm()
    form.incident.choices = [SelectChoice(str(i.id), i.name) for i in active]
    if len(active) == 1 and not form.incident.data:
        form.incident.data = str(active[0].id)
    form.hub.choices = [SelectChoice("", "No hub: a task elsewhere")] + [
        SelectChoice(str(h.id), f"{h.location.name}, {h.location.town} ({h.status_label})")
        for h in hubs
    ]
    return form


def _detail(volunteer: Volunteer, form: DeployForm | None = None, problem: str = ""):
    active = incidents.active()
    hubs = deployments.hubs()
    return render_template(
        "emergency/volunteers/detail.html",
        volunteer=volunteer,
        current=deployments.current(volunteer),
        history=deployments.history(volunteer),
        active=active,
        form=form or _deploy_form(active, hubs),
        problem=problem,
    )


@bp.get("/emergency/volunteers/<int:volunteer_id>")
@role_required(Role.cvec)
def detail(volunteer_id: int):
    return _detail(_volunteer(volunteer_id))


@bp.post("/emergency/volunteers/<int:volunteer_id>/deploy")
@role_required(Role.cvec)
def deploy(volunteer_id: int):
    volunteer = _volunteer(volunteer_id)
    active = incidents.active()
    if not active:
        return _detail(volunteer, problem=NO_INCIDENT)
    form = _deploy_form(active, deployments.hubs())
    if not form.validate_on_submit():
        return _detail(volunteer, form)
    incident = db.session.get(Incident, int(form.incident.data))
    if incident is None:
        abort(404)
    hub = db.session.get(Hub, int(form.hub.data)) if form.hub.data else None
    try:
        deployments.deploy(volunteer, incident, hub=hub, task=form.task.data or "", by_id=_by_id())
    except deployments.Refused as exc:
        db.session.rollback()
        return _detail(volunteer, form, str(exc))
    actions.tell_deployed(volunteer, incident, hub, form.task.data or "")
    db.session.commit()
    flash(f"{deployments.number(volunteer)} deployed.")
    return redirect(url_for("volunteers.detail", volunteer_id=volunteer.id))


def _deployment(volunteer_id: int, deployment_id: int) -> Deployment:
    deployment = db.session.get(Deployment, deployment_id) if deployment_id <= MAX_ID else None
    if deployment is None or deployment.volunteer_id != volunteer_id:
        abort(404)
    return deployment


@bp.post("/emergency/volunteers/<int:volunteer_id>/deployments/<int:deployment_id>/check-in")
@role_required(Role.cvec)
def check_in(volunteer_id: int, deployment_id: int):
    return _change(volunteer_id, deployment_id, deployments.check_in, "checked in")


@bp.post("/emergency/volunteers/<int:volunteer_id>/deployments/<int:deployment_id>/check-out")
@role_required(Role.cvec)
def check_out(volunteer_id: int, deployment_id: int):
    return _change(volunteer_id, deployment_id, deployments.check_out, "checked out")


def _change(volunteer_id: int, deployment_id: int, change, said: str):
    deployment = _deployment(volunteer_id, deployment_id)
    try:
        change(deployment, by_id=_by_id())
    except deployments.Refused as exc:
        db.session.rollback()
        return _detail(deployment.volunteer, problem=str(exc))
    db.session.commit()
    flash(f"{deployments.number(volunteer_id)} {said}.")
    return redirect(url_for("volunteers.detail", volunteer_id=volunteer_id))


@bp.post("/emergency/volunteers/<int:volunteer_id>/active")
@role_required(Role.cvec)
def set_active(volunteer_id: int):
    volunteer = _volunteer(volunteer_id)
    active = request.form.get("active") == "yes"
    deployments.set_active(volunteer, active, by_id=_by_id())
    db.session.commit()
    flash(f"{deployments.number(volunteer)} marked {'active' if active else 'inactive'}.")
    return redirect(url_for("volunteers.detail", volunteer_id=volunteer.id))


@bp.post("/emergency/volunteers/<int:volunteer_id>/send-confirmation")
@role_required(Role.cvec)
def send_confirmation(volunteer_id: int):
    volunteer = _volunteer(volunteer_id)
    if volunteer.email_confirmed_at is None:
        signup.send_confirmation(volunteer)
        db.session.commit()
        flash(f"{deployments.number(volunteer)} has been emailed a link to confirm their address.")
    return redirect(url_for("volunteers.detail", volunteer_id=volunteer.id))


@bp.route("/emergency/volunteers/<int:volunteer_id>/delete", methods=["GET", "POST"])
@role_required(Role.cvec)
def delete(volunteer_id: int):
    volunteer = _volunteer(volunteer_id)
    form = DeleteForm()
    if form.validate_on_submit():
        said = deployments.number(volunteer)
        retention.delete(volunteer, by_id=_by_id())
        db.session.commit()
        flash(f"{said}'s details have been deleted.")
        return redirect(url_for("volunteers.search"))
    return render_template("emergency/volunteers/delete.html", volunteer=volunteer, form=form)
