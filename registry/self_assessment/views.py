"""/self-assessment: a signatory organisation's members complete the year's checklist theme by
theme, and coordinators see the county's anonymous results.

Every page naming an organisation asks `self_assessment.organisation_for`, which gives None to
anyone who is not one of its members (coordinators and administrators included): they get a
404, so a guessed address does not even say the organisation has an assessment.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from accord.accounts import role_required
from accord.extensions import db
from accord.models import Organisation, Role
from registry.commitments import GROUP_LABELS
from registry.pages import signed_in
from registry.self_assessment import self_assessment as work
from registry.self_assessment.forms import SendForm, theme_form
from registry.self_assessment.models import ANSWER_LABELS

bp = Blueprint("self_assessment", __name__, url_prefix="/self-assessment")


def _organisation(slug: str) -> Organisation:
    organisation = work.organisation_for(current_user, slug)
    if organisation is None:
        abort(404)
    return organisation


def _common() -> dict:
    return {"answer_labels": ANSWER_LABELS, "group_labels": GROUP_LABELS}


@bp.get("/")
@role_required(Role.member)
def index():
    organisations = work.organisations_of(current_user)
    year = work.current_year()
    return render_template(
        "registry/self_assessment/index.html",
        year=year,
        rows=[(org, work.find(org, year), work.years_of(org)) for org in organisations],
        open=work.current_version() is not None,
        **_common(),
    )


@bp.get("/<slug>/<int:year>")
@signed_in
def summary(slug: str, year: int):
    organisation = _organisation(slug)
    assessment = work.find(organisation, year)
    this_year = year == work.current_year()
    if assessment is None and not this_year:
        abort(404)
    version = work.version_for(organisation, year)
    if version is None:
        abort(404)
    themes = work.themes_for(version, organisation.sector)
    answers = work.answers_of(assessment)
    previous = work.previous_answers(organisation, year, themes)
    rows = work.progress(themes, answers, previous)
    return render_template(
        "registry/self_assessment/summary.html",
        organisation=organisation,
        year=year,
        this_year=this_year,
        assessment=assessment,
        version=version,
        rows=rows,
        has_last_year=bool(previous),
        ready=bool(rows) and all(row.done for row in rows),
        actions=work.actions(assessment),
        send_form=SendForm(),
        **_common(),
    )


@bp.route("/<slug>/<int:year>/themes/<int:number>", methods=["GET", "POST"])
@signed_in
def theme(slug: str, year: int, number: int):
    organisation = _organisation(slug)
    if year != work.current_year():
        # Only this year's checklist can be changed; earlier years are read on their summary.
        if work.find(organisation, year) is None:
            abort(404)
        return redirect(url_for("self_assessment.summary", slug=slug, year=year))
    version = work.version_for(organisation, year)
    if version is None:
        abort(404)
    themes = work.themes_for(version, organisation.sector)
    position = next((i for i, t in enumerate(themes) if t.number == number), None)
    if position is None:
        abort(404)
    chosen = themes[position]
    assessment = work.find(organisation, year)
    previous = work.previous_answers(organisation, year, [chosen])
    form = theme_form(
        chosen.commitments,
        year,
        {key: ANSWER_LABELS[a.answer] for key, a in previous.items() if a.answer in ANSWER_LABELS},
    )
    if request.method == "GET":
        form.fill(work.answers_of(assessment))
    if form.validate_on_submit():
        assessment = work.start(organisation, year, version)
        work.save_theme(assessment, chosen, form.replies())
        db.session.commit()
        following = themes[position + 1] if position + 1 < len(themes) else None
        if form.later.data or following is None:
            flash(f"Your answers on theme {chosen.number} are saved.")
            return redirect(url_for("self_assessment.summary", slug=slug, year=year))
        return redirect(
            url_for("self_assessment.theme", slug=slug, year=year, number=following.number)
        )
    return render_template(
        "registry/self_assessment/theme.html",
        form=form,
        organisation=organisation,
        year=year,
        theme=chosen,
        position=position + 1,
        count=len(themes),
        groups=work.grouped(chosen),
        numbers={c.key: n for n, c in form.commitments},
        **_common(),
    )


@bp.post("/<slug>/<int:year>/send")
@signed_in
def send(slug: str, year: int):
    organisation = _organisation(slug)
    assessment = work.find(organisation, year)
    if not SendForm().validate_on_submit():
        abort(400)
    if assessment is None or year != work.current_year():
        return redirect(url_for("self_assessment.summary", slug=slug, year=year))
    themes = work.themes_for(assessment.accord_version, organisation.sector)
    already = assessment.completed_at is not None
    missing = work.complete(assessment, themes)
    db.session.commit()
    if missing:
        flash(
            "Nothing sent yet: answer every commitment first (themes "
            + ", ".join(str(n) for n in missing)
            + ")."
        )
    elif already:
        flash(f"Your {year} self-assessment was already sent. Your changes are saved.")
    else:
        flash(f"Your {year} self-assessment is sent. Thank you.")
    return redirect(url_for("self_assessment.summary", slug=slug, year=year))


@bp.get("/results")
@role_required(Role.coordinator)
def results():
    years = work.result_years()
    current = work.current_year()
    try:
        year = int(request.args.get("year", current))
    except ValueError:
        year = current
    if year not in years and year != current:
        abort(404)
    return render_template(
        "registry/self_assessment/results.html",
        year=year,
        years=sorted(set(years) | {current}, reverse=True),
        themes=work.results_by_theme(year),
        counts=work.assessment_counts(year),
        min_answers=work.MIN_ANSWERS,
        **_common(),
    )
