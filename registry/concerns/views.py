"""Accord concern pages: raise one, follow and resolve a case, the coordinator's list and
mediators, and the public "What we have learned".

Every page that names a case asks `access.find`, which gives None to anyone who is not a
party, the coordinator or the appointed mediator: they get a 404, so a guessed address does
not even say the case exists.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, time

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from accord import audit, limits
from accord.accounts import role_required
from accord.clock import today_uk, utcnow
from accord.extensions import db, limiter
from accord.models import Organisation, Role
from registry.concerns import access, concerns, figures, mediation, open_letters, overdue, stages
from registry.concerns.forms import (
    ActionForm,
    ConcernForm,
    MediatorForm,
    NewMediatorForm,
    OpenLetterForm,
    OutcomeForm,
    StageForm,
    StatementForm,
)
from registry.concerns.models import (
    OUTCOME_LABELS,
    PERMISSION_LABELS,
    STAGE_LABELS,
    Concern,
    Mediator,
    Party,
    Permission,
    Stage,
)
from registry.pages import signed_in

bp = Blueprint("concerns", __name__)


def _found(uuid: str) -> Concern:
    concern = access.find(current_user, uuid)
    if concern is None:
        abort(404)
    return concern


def _when(day: date) -> datetime:
    """A step on today's date is recorded now; an earlier day, at its midday."""
    return utcnow() if day == today_uk() else datetime.combine(day, time(12))


def _common() -> dict:
    return {
        "stage_labels": STAGE_LABELS,
        "outcome_labels": OUTCOME_LABELS,
        "permission_labels": PERMISSION_LABELS,
        "is_overdue": overdue.is_overdue,
        "due_by": overdue.due_by,
    }


# --- raising one --------------------------------------------------------------------------


@bp.route("/concerns/new", methods=["GET", "POST"])
@role_required(Role.member)
@limiter.limit(limits.CONCERN, methods=["POST"])
def new():
    mine = access.signatory_organisations(current_user)
    form = ConcernForm()
    others = access.concernable_organisations({org.id for org in mine}) if mine else []
    form.raiser.choices = [SelectChoice(str(org.id), org.name) for org in mine]
    form.concerned.choices = [SelectChoice("", "Choose an organisation")] + [
        SelectChoice(str(org.id), org.name) for org in others
    ]
    themes = concerns.accord_themes()
    form.themes.choices = [SelectChoice(str(n), f"{n}. {title}") for n, title in themes]
    if mine and form.validate_on_submit() and form.token.data:
        orgs = {str(org.id): org for org in [*mine, *others]}
        raised = concerns.raise_concern(
            current_user,
            concerns.Raised(
                raiser_organisation=orgs[form.raiser.data],
                concerned_organisation=orgs[form.concerned.data],
                themes=[int(n) for n in form.themes.data or []],
                commitments=form.commitments.data or "",
                what_happened=form.what_happened.data,
                tried=form.tried.data,
                good_outcome=form.good_outcome.data,
                permission=form.permission.data,
            ),
            form.token.data[:64],
        )
        db.session.commit()
        flash(f"Concern {raised.reference} raised. The coordinator will acknowledge it.")
        return redirect(url_for("concerns.show", uuid=raised.uuid))
    if not form.token.data:
        form.token.data = secrets.token_urlsafe(32)
    return render_template("registry/concerns/new.html", form=form, mine=mine)


# --- lists --------------------------------------------------------------------------------


@bp.get("/concerns/")
@signed_in
def index():
    coordinator = access.is_coordinator(current_user)
    cases = access.all_concerns() if coordinator else access.concerns_of(current_user)
    return render_template(
        "registry/concerns/index.html",
        cases=cases,
        coordinator=coordinator,
        can_raise=bool(access.signatory_organisations(current_user)),
        overdue=[c for c in cases if overdue.is_overdue(c)] if coordinator else [],
        repeated=open_letters.repeated_breaches() if coordinator else [],
        letters=open_letters.open_letters() if coordinator else [],
        **_common(),
    )


# --- one case -----------------------------------------------------------------------------


def _forms(concern: Concern) -> dict:
    stage_form = StageForm(prefix="stage")
    if not access.is_coordinator(current_user):
        # The mediator (who may chair the meeting) records statements and the meeting.
        stage_form.stage.choices = [
            c for c in stage_form.stage.choices if c.value != Stage.acknowledged
        ]
    mediator_form = MediatorForm(prefix="mediator")
    mediator_form.mediator.choices = [SelectChoice("", "Choose a mediator")] + [
        SelectChoice(str(m.id), m.name) for m in mediation.mediators_for(concern)
    ]
    statement_form = StatementForm(prefix="statement")
    if not statement_form.token.data:
        statement_form.token.data = secrets.token_urlsafe(32)
    return {
        "stage_form": stage_form,
        "mediator_form": mediator_form,
        "statement_form": statement_form,
        "outcome_form": OutcomeForm(prefix="outcome"),
        "action_form": ActionForm(),
    }


def _show(concern: Concern, forms: dict, failed=None, status: int = 200):
    return (
        render_template(
            "registry/concerns/show.html",
            concern=concern,
            side=access.side(current_user, concern),
            coordinator=access.is_coordinator(current_user),
            mediator=access.is_mediator(current_user, concern),
            themes=dict(concerns.accord_themes()),
            form=failed,
            Stage=Stage,
            Party=Party,
            Permission=Permission,
            **forms,
            **_common(),
        ),
        status,
    )


@bp.get("/concerns/<uuid>")
@signed_in
def show(uuid: str):
    concern = _found(uuid)
    audit.record("concern.viewed", "concern", concern.id)
    db.session.commit()
    return _show(concern, _forms(concern))


def _step(uuid: str, form_name: str, change, allowed=None):
    """Check who is asking, validate one of the case page's forms and make its change; a
    repeat says so, no 500; bad input shows the case page again with the error summary.
    `allowed(concern)` says whether this user may take the step (a 403 if not)."""
    concern = _found(uuid)
    if not (allowed(concern) if allowed else access.is_coordinator(current_user)):
        abort(403)
    forms = _forms(concern)
    form = forms[form_name]
    if not form.validate_on_submit():
        return _show(concern, forms, failed=form)
    try:
        done = change(concern, form)
    except concerns.WrongState:
        db.session.rollback()
        flash(f"Nothing changed: this case is at “{concern.stage_label.lower()}”.")
    except concerns.Conflict as problem:
        db.session.rollback()
        form.mediator.errors = [str(problem)]
        return _show(concern, forms, failed=form)
    else:
        db.session.commit()
        flash(done)
    return redirect(url_for("concerns.show", uuid=uuid))


@bp.post("/concerns/<uuid>/stage")
@signed_in
def stage(uuid: str):
    def change(concern, form):
        coordinator = access.is_coordinator(current_user)
        on = _when(form.on.data)
        if form.stage.data == Stage.acknowledged:
            stages.acknowledge(concern, current_user, on)
        else:
            stages.record_stage(
                concern,
                form.stage.data,
                current_user,
                on,
                party=Party.coordinator if coordinator else Party.mediator,
            )
        return f"Recorded: {STAGE_LABELS[form.stage.data].lower()}. Both parties have been told."

    return _step(
        uuid,
        "stage_form",
        change,
        lambda c: access.is_coordinator(current_user) or access.is_mediator(current_user, c),
    )


@bp.post("/concerns/<uuid>/mediator")
@signed_in
def mediator(uuid: str):
    def change(concern, form):
        chosen = db.session.get(Mediator, int(form.mediator.data))
        if chosen is None:
            raise concerns.Conflict("Select a mediator from the list")
        mediation.appoint(concern, chosen, current_user, _when(form.on.data))
        return f"{chosen.name} is appointed as mediator. Both parties have been told."

    # Only ids from the list are choices, so anything else fails validation, not int().
    return _step(uuid, "mediator_form", change)


@bp.post("/concerns/<uuid>/statement")
@signed_in
def statement(uuid: str):
    def change(concern, form):
        stages.add_statement(
            concern,
            current_user,
            access.side(current_user, concern),
            form.statement.data,
            form.token.data[:64] or secrets.token_urlsafe(32),
        )
        return "Your statement has been added. Everyone on the case has been told."

    return _step(uuid, "statement_form", change, lambda c: access.side(current_user, c) is not None)


@bp.post("/concerns/<uuid>/outcome")
@signed_in
def outcome(uuid: str):
    def change(concern, form):
        stages.record_outcome(
            concern,
            current_user,
            stages.Result(
                outcome=form.outcome.data,
                summary=form.summary.data,
                breach=form.breach.data == "yes",
                lessons=form.lessons.data or "",
                names_agreed=bool(form.names_agreed.data),
                public_statement=form.public_statement.data or "",
            ),
            _when(form.on.data),
        )
        return "The outcome is recorded. Both parties have been told."

    return _step(uuid, "outcome_form", change)


@bp.post("/concerns/<uuid>/close")
@signed_in
def close(uuid: str):
    def change(concern, form):
        stages.close(concern, current_user)
        return f"Concern {concern.reference} is closed."

    return _step(uuid, "action_form", change)


# --- mediators ----------------------------------------------------------------------------


@bp.route("/concerns/mediators", methods=["GET", "POST"])
@role_required(Role.coordinator)
def mediators():
    form = NewMediatorForm()
    orgs = db.session.scalars(db.select(Organisation).order_by(Organisation.name)).all()
    form.organisations.choices = [SelectChoice(str(org.id), org.name) for org in orgs]
    if form.validate_on_submit():
        chosen = {str(org.id): org for org in orgs}
        mediation.add_mediator(
            form.name.data,
            form.contact.data,
            [chosen[i] for i in form.organisations.data or [] if i in chosen],
            current_user,
        )
        db.session.commit()
        flash(f"{form.name.data} is on the list of mediators.")
        return redirect(url_for("concerns.mediators"))
    return render_template(
        "registry/concerns/mediators.html", form=form, mediators=mediation.mediator_list()
    )


# --- the open letter (step 7) ---------------------------------------------------------------


@bp.route("/concerns/open-letters/<int:organisation_id>", methods=["GET", "POST"])
@role_required(Role.coordinator)
def open_letter(organisation_id: int):
    # The VCS Assembly's decision, so the coordinator's alone (not an administrator's, as for
    # the cases); then only a public-sector organisation with repeated breaches, else a 404.
    if not access.is_coordinator(current_user):
        abort(403)
    candidate = open_letters.open_letter_candidate(organisation_id)
    if candidate is None:
        abort(404)
    form = OpenLetterForm()
    # validate_published_on fails the form without a date: a valid form has one.
    if form.validate_on_submit() and form.published_on.data:
        _, created = open_letters.record_open_letter(
            candidate.organisation, form.published_on.data, form.url.data, current_user
        )
        db.session.commit()
        name = candidate.organisation.name
        flash(
            f"The open letter about {name} is recorded."
            if created
            else f"That open letter about {name} was already recorded."
        )
        return redirect(url_for("concerns.index") + "#repeated-breaches")
    return render_template("registry/concerns/open_letter.html", form=form, candidate=candidate)


# --- public learning ----------------------------------------------------------------------


@bp.get("/accord/learning")
def learning():
    return render_template(
        "registry/concerns/learning.html",
        lessons=figures.learning(),
        figures=figures.figures(),
        **_common(),
    )
