"""The Accord in action: public-sector signatories log consultations and funding-change
notices; the public sees whether they kept the commitments; the coordinator keeps the
Accord Ambassadors; the annual review, on a page and as CSV."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from accord import limits
from accord.accounts import role_required
from accord.clock import today_uk
from accord.extensions import db, limiter
from accord.ids import page_number
from accord.models import Role
from registry.notices import affected, notices, review
from registry.notices import consultations as consultations_now
from registry.notices.forms import AmbassadorForm, ConsultationForm, NoticeForm, ResponseForm
from registry.notices.models import Ambassador, Consultation

bp = Blueprint("notices", __name__)


def _can_log() -> bool:
    return current_user.is_authenticated and bool(notices.loggable_organisations(current_user))


def _with_organisations(form):
    """The form's organisation choices: the user's signed public-sector organisations
    (403 when there are none: only they make these commitments)."""
    orgs = notices.loggable_organisations(current_user)
    if not orgs:
        abort(403)
    form.organisation.choices = [SelectChoice(str(org.id), org.name) for org in orgs]
    if len(orgs) == 1 and not form.organisation.data:
        form.organisation.data = str(orgs[0].id)
    return {str(org.id): org for org in orgs}


# --- consultations and notices --------------------------------------------------------------


@bp.get("/accord/consultations")
def consultations():
    return render_template(
        "registry/notices/consultations.html",
        consultations=consultations_now.open_now(),
        days_left=consultations_now.days_left,
        notices=notices.notices(),
        meets_weeks=notices.meets_consultation_weeks,
        verdict=notices.notice_verdict,
        can_log=_can_log(),
    )


@bp.get("/accord/consultations/closed")
def closed_consultations():
    page = consultations_now.closed(page_number(request.args.get("page")))
    if page.page > 1 and not page.items:
        abort(404)
    return render_template(
        "registry/notices/consultations_closed.html",
        page=page,
        meets_weeks=notices.meets_consultation_weeks,
        response_days=consultations_now.response_days,
        may_respond=lambda c: (
            current_user.is_authenticated and consultations_now.may_respond(current_user, c)
        ),
    )


@bp.get("/accord/consultations.atom")
def consultations_atom():
    return Response(consultations_now.atom(), mimetype="application/atom+xml")


@bp.get("/accord/consultations.csv")
def consultations_csv():
    return Response(
        consultations_now.to_csv(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=shropshire-consultations.csv"},
    )


@bp.route("/accord/consultations/<int:consultation_id>/response", methods=["GET", "POST"])
@role_required(Role.member, Role.coordinator, Role.admin)
@limiter.limit(limits.SIGNED_IN_SEND, methods=["POST"])
def consultation_response(consultation_id: int):
    record = db.get_or_404(Consultation, consultation_id)
    if not consultations_now.may_respond(current_user, record):
        abort(403)
    form = ResponseForm(
        data={"link": record.response_link, "summary": record.response_summary}
        if record.response_date
        else None
    )
    if form.validate_on_submit() and form.published.data:
        consultations_now.respond(
            current_user, record, form.link.data, form.summary.data, form.published.data
        )
        db.session.commit()
        return render_template("registry/notices/response_recorded.html", consultation=record)
    return render_template(
        "registry/notices/consultation_response.html", form=form, consultation=record
    )


@bp.route("/accord/consultations/new", methods=["GET", "POST"])
@role_required(Role.member)
@limiter.limit(limits.SIGNED_IN_SEND, methods=["POST"])
def new_consultation():
    form = ConsultationForm()
    orgs = _with_organisations(form)
    # The date checks fail the form without its dates: a valid form has both.
    if form.validate_on_submit() and form.start.data and form.end.data:
        record = notices.log_consultation(
            current_user,
            orgs[form.organisation.data],
            form.title.data,
            form.start.data,
            form.end.data,
            form.link.data or "",
            form.short_reason.data or "",
        )
        db.session.commit()
        met = notices.meets_consultation_weeks(record.start_date, record.end_date)
        flash(
            "Consultation logged: it "
            + ("meets the 12-week commitment." if met else "was shorter than 12 weeks.")
        )
        return redirect(url_for("notices.consultations"))
    return render_template("registry/notices/consultation_new.html", form=form)


@bp.route("/accord/notices/new", methods=["GET", "POST"])
@role_required(Role.member)
@limiter.limit(limits.SIGNED_IN_SEND, methods=["POST"])
def new_notice():
    form = NoticeForm()
    orgs = _with_organisations(form)
    # The date checks fail the form without its dates: a valid form has both.
    if form.validate_on_submit() and form.notice_date.data and form.change_date.data:
        record = notices.log_notice(
            current_user,
            orgs[form.organisation.data],
            form.change.data,
            form.notice_date.data,
            form.change_date.data,
            funding_stream=form.funding_stream.data,
            end_date=form.end_date.data,
            decision_date=form.decision_date.data,
            reason=form.reason.data,
            impact_link=form.impact_link.data or "",
            affected=form.found,
        )
        db.session.commit()
        verdict = notices.notice_verdict(record.notice_date, record.change_date)
        if verdict.six_months:
            said = "it meets the 6-month notice commitment."
        elif verdict.three_months:
            said = "it was shorter than 6 months but met the 3-month minimum."
        else:
            said = "it was shorter than 3 months."
        flash("Notice logged: " + said)
        return redirect(url_for("notices.consultations", _anchor="notices"))
    return render_template("registry/notices/notice_new.html", form=form)


@bp.get("/accord/notices/ours")
@role_required(Role.member)
def our_notices():
    """Theme 11: the organisations affected see what they were told and when."""
    return render_template(
        "registry/notices/ours.html",
        notices=affected.told(current_user),
        verdict=notices.notice_verdict,
    )


# --- ambassadors ----------------------------------------------------------------------------


@bp.get("/accord/ambassadors")
def ambassadors():
    return render_template("registry/notices/ambassadors.html", ambassadors=notices.ambassadors())


@bp.get("/admin/ambassadors")
@role_required(Role.coordinator)
def admin_ambassadors():
    return render_template(
        "registry/notices/admin_ambassadors.html",
        ambassadors=notices.ambassadors(include_retired=True),
    )


def _ambassador_form(ambassador: Ambassador | None):
    form = AmbassadorForm(obj=ambassador)
    if ambassador is not None and not form.is_submitted():
        form.theme_number.data = str(ambassador.theme_number or "")
    if form.validate_on_submit():
        notices.save_ambassador(
            ambassador,
            name=form.name.data,
            sector=form.sector.data,
            theme_number=form.theme,
            organisation=form.organisation.data or "",
            contact=form.contact.data,
        )
        db.session.commit()
        flash("Ambassador saved.")
        return redirect(url_for("notices.admin_ambassadors"))
    return render_template(
        "registry/notices/ambassador_form.html", form=form, ambassador=ambassador
    )


@bp.route("/admin/ambassadors/new", methods=["GET", "POST"])
@role_required(Role.coordinator)
def add_ambassador():
    return _ambassador_form(None)


@bp.route("/admin/ambassadors/<int:ambassador_id>/edit", methods=["GET", "POST"])
@role_required(Role.coordinator)
def edit_ambassador(ambassador_id: int):
    ambassador = db.get_or_404(Ambassador, ambassador_id)
    if ambassador.retired_at is not None:
        abort(404)
    return _ambassador_form(ambassador)


@bp.post("/admin/ambassadors/<int:ambassador_id>/retire")
@role_required(Role.coordinator)
def retire_ambassador(ambassador_id: int):
    ambassador = db.get_or_404(Ambassador, ambassador_id)
    notices.retire_ambassador(ambassador)
    db.session.commit()
    flash(f"{ambassador.name} is no longer listed as an ambassador.")
    return redirect(url_for("notices.admin_ambassadors"))


# --- the annual review ----------------------------------------------------------------------


def _year(year: int) -> int:
    if not review.valid_year(year):
        abort(404)
    return year


@bp.get("/accord/review")
def review_latest():
    return redirect(url_for("notices.annual_review", year=today_uk().year - 1))


@bp.get("/accord/review/how")
def review_how():
    """How each figure in the annual review is counted (each figure links here)."""
    return render_template("registry/notices/review_how.html")


@bp.get("/accord/review/<int:year>")
def annual_review(year: int):
    year = _year(year)
    return render_template(
        "registry/notices/review.html",
        year=year,
        sections=review.build(year),
        this_year=today_uk().year,
        first_year=review.FIRST_YEAR,
    )


@bp.get("/accord/review/<int:year>.csv")
def annual_review_csv(year: int):
    year = _year(year)
    return Response(
        review.to_csv(year, review.build(year)),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f"attachment; filename=shropshire-accord-review-{year}.csv"
        },
    )
