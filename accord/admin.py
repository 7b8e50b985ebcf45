"""/admin: the coordinators' and administrators' pages kept by the shell (users, outbox)."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from accord import accounts, audit, outbox
from accord.accounts import AccountError, role_required
from accord.extensions import db
from accord.forms import InviteForm
from accord.models import Organisation, OutboxMessage, OutboxStatus, Role, User

bp = Blueprint("admin", __name__, url_prefix="/admin")

# Jobs add their queues here (label, endpoint, roles) so the dashboard links to them.
QUEUES: list[tuple[str, str, tuple[str, ...]]] = []


def register_queue(label: str, endpoint: str, *roles: str) -> None:
    if (label, endpoint, roles) not in QUEUES:
        QUEUES.append((label, endpoint, roles))


def mask_email(email: str) -> str:
    """Enough to tell messages apart, not enough to read an address (or a mobile number, its
    last three digits shown) off the screen."""
    local, _, domain = email.partition("@")
    if domain:
        return f"{local[:1]}•••@{domain}"
    return f"•••{email[-3:]}" if email[-3:].isdigit() else "•••"


@bp.get("/")
@role_required(Role.coordinator)
def dashboard():
    return render_template("admin/dashboard.html", queues=QUEUES)


@bp.route("/users", methods=["GET", "POST"])
@role_required(Role.admin)
def users():
    form = InviteForm()
    orgs = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
    form.organisation.choices = [SelectChoice("", "No organisation")] + [
        SelectChoice(org.slug, org.name) for org in orgs
    ]
    if form.validate_on_submit():
        org = accounts.organisation_by_slug(form.organisation.data or "")
        try:
            accounts.invite(form.email.data, form.role.data, org, by=current_user)
        except AccountError as exc:
            field = form.organisation if "organisation" in str(exc) else form.email
            field.errors = [*field.errors, str(exc)]
        else:
            db.session.commit()
            flash("Invitation sent.")
            return redirect(url_for("admin.users"))
    people = db.session.scalars(select(User).order_by(User.email)).all()
    return render_template("admin/users.html", form=form, people=people)


@bp.get("/outbox")
@role_required(Role.admin)
def outbox_list():
    messages = db.session.scalars(
        select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(200)
    ).all()
    return render_template("admin/outbox.html", messages=messages, mask=mask_email)


@bp.post("/outbox/<int:message_id>/retry")
@role_required(Role.admin)
def outbox_retry(message_id: int):
    message = db.get_or_404(OutboxMessage, message_id)
    # A transient message (a list sent to a resident) was blanked when it failed: no retry.
    if message.status not in (OutboxStatus.failed, OutboxStatus.held) or message.transient:
        abort(404)
    outbox.retry(message)
    audit.record("outbox.retried", "outbox_message", message.id)
    db.session.commit()
    flash("The message will be sent again.")
    return redirect(url_for("admin.outbox_list"))
