"""/admin/registry: the coordinator's sign-up queue, decisions and Accord revisions."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from sqlalchemy import func, select
from wtforms.fields.choices import SelectChoice

from accord.accounts import role_required
from accord.extensions import db
from accord.models import SECTOR_LABELS, Organisation, Role
from accord.security import link_base
from registry import signup
from registry.content import ContentError
from registry.forms import STATEMENTS, DecisionForm, PublishAccordForm
from registry.models import SignUp, SignUpStatus
from registry.publish import all_versions, current_version, publish, version_named

bp = Blueprint("registry_admin", __name__, url_prefix="/admin/registry")


@bp.get("/signups")
@role_required(Role.coordinator)
def signups():
    counts = dict(
        db.session.execute(
            select(SignUp.status, func.count(SignUp.id)).group_by(SignUp.status)
        ).all()
    )
    return render_template("registry/admin/signups.html", queue=signup.queue(), counts=counts)


@bp.route("/signups/<int:signup_id>", methods=["GET", "POST"])
@role_required(Role.coordinator)
def decide(signup_id: int):
    record = db.get_or_404(SignUp, signup_id)
    duplicates = signup.possible_duplicates(record)
    form = DecisionForm()
    form.link_to.choices = [SelectChoice("", "Create a new organisation record")] + [
        SelectChoice(str(d.organisation.id), f"Link to {d.organisation.name}")
        for d in duplicates
        if d.organisation is not None
    ]
    if record.status != SignUpStatus.pending:
        form = None
    elif form.validate_on_submit():
        if form.decision.data == "approve":
            link_to = None
            if form.link_to.data:
                # Only a record the page offered (a forged value is no number, or another's).
                offered = {choice.value for choice in form.link_to.choices}
                if form.link_to.data not in offered:
                    abort(400)
                link_to = db.session.get(Organisation, int(form.link_to.data))
                if link_to is None:
                    abort(400)
            signup.approve(record, link_to)
            flash(f"{record.name} is approved and published.")
        elif form.decision.data == "reject":
            signup.reject(record, form.note.data)
            flash(f"{record.name} is rejected. The organisation has been told why.")
        else:
            signup.request_changes(record, form.note.data, link_base())
            flash(f"Changes asked for. {record.name} has been sent a link to make them.")
        db.session.commit()
        return redirect(url_for("registry_admin.signups"))
    return render_template(
        "registry/admin/decide.html",
        signup=record,
        duplicates=duplicates,
        form=form,
        sectors=SECTOR_LABELS,
        statements=STATEMENTS,
    )


@bp.route("/accord", methods=["GET", "POST"])
@role_required(Role.coordinator)
def accord_versions():
    form = PublishAccordForm()
    if form.validate_on_submit():
        if version_named(form.version.data):
            form.version.errors = [*form.version.errors, "That version is already published"]
        else:
            try:
                record = publish(form.text.data, form.version.data)
            except ContentError as exc:
                form.text.errors = [
                    *form.text.errors,
                    f"The text is not in the Accord format: {exc}",
                ]
            else:
                db.session.commit()
                flash(f"Version {record.version} is published. Now ask signatories to re-affirm.")
                return redirect(url_for("registry_admin.accord_versions"))
    return render_template(
        "registry/admin/accord.html", form=form, versions=all_versions(), current=current_version()
    )


@bp.post("/accord/<version>/reaffirm")
@role_required(Role.coordinator)
def ask_reaffirm(version: str):
    record = version_named(version)
    latest = current_version()
    if record is None or latest is None or record.id != latest.id:
        abort(404)
    count = signup.request_reaffirmation(record, link_base())
    db.session.commit()
    flash(f"{count} signatories have been asked to re-affirm version {record.version}.")
    return redirect(url_for("registry_admin.accord_versions"))
