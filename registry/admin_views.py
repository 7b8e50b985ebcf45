"""/admin/registry: Accord revisions (publish a version, ask signatories to re-affirm it).

The `registry_admin` blueprint is defined here; registry/signatories/admin_views.py adds the
sign-up queue to it."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from accord.accounts import role_required
from accord.extensions import db
from accord.models import Role
from registry.content import ContentError
from registry.forms import PublishAccordForm
from registry.publish import all_versions, current_version, publish, version_named
from registry.signatories import changes

bp = Blueprint("registry_admin", __name__, url_prefix="/admin/registry")


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
    count = changes.request_reaffirmation(record)
    db.session.commit()
    flash(f"{count} signatories have been asked to re-affirm version {record.version}.")
    return redirect(url_for("registry_admin.accord_versions"))
