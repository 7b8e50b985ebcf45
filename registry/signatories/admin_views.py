"""/admin/registry/signups: the coordinator's sign-up queue and decisions (on the
`registry_admin` blueprint, which registry/admin_views.py defines)."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select
from wtforms.fields.choices import SelectChoice

from accord.accounts import role_required
from accord.extensions import db
from accord.membership import Added, Outcome
from accord.models import ORG_TYPE_LABELS, SECTOR_LABELS, Organisation, Role
from registry.admin_views import bp
from registry.signatories import moderation, registers
from registry.signatories.forms import STATEMENTS, DecisionForm
from registry.signatories.models import SignUp, SignUpStatus


@bp.get("/signups")
@role_required(Role.coordinator)
def signups():
    counts = dict(
        db.session.execute(
            select(SignUp.status, func.count(SignUp.id)).group_by(SignUp.status)
        ).all()
    )
    return render_template(
        "registry/signatories/admin/signups.html", queue=moderation.queue(), counts=counts
    )


@bp.route("/signups/<int:signup_id>", methods=["GET", "POST"])
@role_required(Role.coordinator)
def decide(signup_id: int):
    record = db.get_or_404(SignUp, signup_id)
    duplicates = moderation.possible_duplicates(record)
    form = DecisionForm()
    form.link_to.choices = [SelectChoice("", "Create a new organisation record")] + [
        SelectChoice(str(d.organisation.id), f"Link to {d.organisation.name}")
        for d in duplicates
        if d.organisation is not None
    ]
    waiting = record.status == SignUpStatus.pending
    if waiting and form.validate_on_submit():
        flash(_decide(record, form))
        db.session.commit()
        return redirect(url_for("registry_admin.signups"))
    return render_template(
        "registry/signatories/admin/decide.html",
        signup=record,
        duplicates=duplicates,
        verdict=registers.check(record.identifier, record.name),
        form=form if waiting else None,
        sectors=SECTOR_LABELS,
        org_types=ORG_TYPE_LABELS,
        statements=STATEMENTS,
    )


def _decide(record: SignUp, form: DecisionForm) -> str:
    """Make the coordinator's decision; what to tell them."""
    note = form.note.data or ""
    if form.decision.data == "reject":
        moderation.reject(record, note)
        return f"{record.name} is rejected. The organisation has been told why."
    if form.decision.data == "changes":
        moderation.request_changes(record, note)
        return f"Changes asked for. {record.name} has been sent a link to make them."
    link_to = None
    if form.link_to.data:
        # Only a record the page offered (a forged value is no number, or another's).
        offered = {choice.value for choice in form.link_to.choices}
        if form.link_to.data not in offered:
            abort(400)
        link_to = db.session.get(Organisation, int(form.link_to.data))
        if link_to is None:
            abort(400)
    moderation.approve(record, link_to)
    given = moderation.give_accounts(record, current_user)
    return " ".join([f"{record.name} is approved and published.", *_accounts_words(given)])


# What the coordinator is told of each person's account (see moderation.give_accounts).
GIVEN_WORDS = {
    Outcome.invited: "Invited to set a password as a member",
    Outcome.added: "Added as a member (they had an account already)",
    Outcome.already: "A member already",
    Outcome.yourself: "Not added, as that is you: ask another coordinator or an administrator "
    "to add you as a member",
}


def _accounts_words(given: list[Added]) -> list[str]:
    return [f"{GIVEN_WORDS[person.outcome]}: {person.email}." for person in given]
