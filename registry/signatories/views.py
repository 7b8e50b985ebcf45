"""Signing the Accord, the published list of signatories and its open data (on the `registry`
blueprint, which registry/views.py defines)."""

import json

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from accord import limits
from accord.extensions import db, limiter
from accord.ids import page_number
from accord.models import ORG_TYPE_LABELS, SECTOR_LABELS, Organisation, Role
from registry.models import AccordVersion
from registry.pages import published_accord
from registry.publish import current_version
from registry.signatories import changes, drafts, listing, registers, renewals, signup
from registry.signatories import record as accord_record
from registry.signatories.forms import (
    STATEMENTS,
    AddressForm,
    AgreementForm,
    EditOrganisationForm,
    LeadEmailForm,
    OrganisationForm,
    PeopleForm,
    ReaffirmForm,
    SubmitForm,
    WithdrawForm,
)
from registry.signatories.identifiers import numbers_from, org_id
from registry.signatories.models import (
    Signatory,
    SignatoryStatus,
    SignUp,
    SignUpDraft,
    SignUpStatus,
)
from registry.views import bp

PER_PAGE = 20
SESSION_KEY = "signup"
# The sign-up's steps in order: (step name, form, the answers it fills).
STEPS: dict[str, tuple[type[FlaskForm], tuple[str, ...]]] = {
    "organisation": (
        OrganisationForm,
        ("name", "sector", "org_type", "charity_number", "company_number", "website"),
    ),
    "address": (AddressForm, ("address", "town", "postcode")),
    "people": (PeopleForm, signup.PEOPLE_FIELDS),
    "agreement": (AgreementForm, ("statements",)),
}


# --- signing up -----------------------------------------------------------------------------


def _draft() -> SignUpDraft | None:
    """This browser's sign-up in progress: its session holds the draft's key, nothing more."""
    state = session.get(SESSION_KEY)
    return drafts.find(state.get("draft")) if isinstance(state, dict) else None


def _keep(answers: dict, draft: SignUpDraft | None, amend_id: int | None = None) -> None:
    draft = drafts.save(draft, answers, amend_id)
    db.session.commit()
    session[SESSION_KEY] = {"draft": draft.key}


def _first_missing(answers: dict) -> str | None:
    for step, (_, fields) in STEPS.items():
        if any(f not in answers for f in fields):
            return step
    return None


def _invalid_link():
    """Forged, expired, spent or for another page: the same answer, never which."""
    return render_template("registry/signatories/link_invalid.html"), 404


@bp.get("/accord/sign")
def sign_start():
    return render_template(
        "registry/signatories/sign_start.html", version=published_accord(), statements=STATEMENTS
    )


@bp.route("/accord/sign/<step>", methods=["GET", "POST"])
@limiter.limit(limits.FORM_STEP, methods=["POST"])
def sign_step(step: str):
    if step not in STEPS:
        abort(404)
    form_class, fields = STEPS[step]
    draft = _draft()
    answers = dict(draft.answers) if draft else {}
    form = form_class(data={f: answers.get(f) for f in fields if f in answers})
    if form.validate_on_submit():
        for field in fields:
            answers[field] = getattr(form, field).data
        if step == "organisation":
            answers["identifier"] = org_id(answers["charity_number"], answers["company_number"])
        _keep(answers, draft)
        following = _first_missing(answers)
        if request.args.get("change") or following is None:
            return redirect(url_for("registry.sign_check"))
        return redirect(url_for("registry.sign_step", step=following))
    names = list(STEPS)
    back = (
        url_for("registry.sign_start")
        if names.index(step) == 0
        else url_for("registry.sign_step", step=names[names.index(step) - 1])
    )
    return render_template(f"registry/signatories/sign_{step}.html", form=form, back=back)


@bp.route("/accord/sign/check", methods=["GET", "POST"])
@limiter.limit(limits.SUBMIT, methods=["POST"])
def sign_check():
    draft = _draft()
    answers = dict(draft.answers) if draft else {}
    missing = _first_missing(answers)
    if draft is None or missing:
        return redirect(url_for("registry.sign_step", step=missing or next(iter(STEPS))))
    amending = db.session.get(SignUp, draft.amend_id) if draft.amend_id else None
    if amending is not None and amending.status != SignUpStatus.changes_requested:
        amending = None
    version = published_accord()
    form = SubmitForm()
    if form.validate_on_submit():
        if amending is not None:
            record = signup.amend(amending, answers)
        else:
            record = signup.submit(answers, version)
        drafts.discard(draft)
        db.session.commit()
        # The next page says where the confirmation link went ("" when none was needed).
        emailed = record.status == SignUpStatus.unconfirmed
        session[SESSION_KEY] = {
            "sent_to": record.signer_email if emailed else "",
            "amended": amending is not None,
        }
        return redirect(url_for("registry.sign_sent"))
    return render_template(
        "registry/signatories/sign_check.html",
        form=form,
        answers=answers,
        amending=amending,
        version=version,
        sectors=SECTOR_LABELS,
        org_types=ORG_TYPE_LABELS,
        statements=STATEMENTS,
        verdict=registers.check(answers.get("identifier"), answers.get("name") or ""),
    )


@bp.get("/accord/sign/sent")
def sign_sent():
    state = session.get(SESSION_KEY)
    state = state if isinstance(state, dict) else {}
    return render_template(
        "registry/signatories/sign_sent.html",
        sent_to=state.get("sent_to"),
        amended=bool(state.get("amended")),
    )


@bp.get("/accord/sign/confirm/<token>")
@limiter.limit(limits.EMAILED_LINK)
def sign_confirm(token: str):
    record = signup.confirm(token)
    if record is None:
        return _invalid_link()
    db.session.commit()
    return render_template("registry/signatories/sign_confirmed.html", signup=record)


@bp.get("/accord/sign/amend/<token>")
@limiter.limit(limits.EMAILED_LINK)
def sign_amend(token: str):
    record = signup.signup_from_token(token, "amend", signup.AMEND_MAX_AGE_S)
    if record is None or record.status != SignUpStatus.changes_requested:
        return _invalid_link()
    answers = signup.answers_of(record)
    answers["charity_number"], answers["company_number"] = numbers_from(record.identifier)
    _keep(answers, None, amend_id=record.id)  # check-answers shows the changes asked for
    return redirect(url_for("registry.sign_check"))


# --- the published list ---------------------------------------------------------------------


@bp.get("/signatories")
def signatories():
    filters = listing.Filters.from_args(request.args)
    page = db.paginate(
        listing.published(filters),
        page=page_number(request.args.get("page")),
        per_page=PER_PAGE,
        error_out=False,
    )
    return render_template(
        "registry/signatories/signatories.html",
        page=page,
        filters=filters,
        sectors=SECTOR_LABELS,
        areas=listing.areas(),
        letters=listing.LETTERS,
        versions=listing.version_counts(),
        # Still listed, marked, until they re-affirm or withdraw.
        lapsed={
            s.id for s in page.items if renewals.renewal(s).standing == renewals.Standing.lapsed
        },
    )


@bp.get("/signatories.json")
def signatories_json():
    response = Response(_json(listing.export()), mimetype="application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/signatories.csv")
def signatories_csv():
    body = listing.export_csv(listing.export())
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=shropshire-accord-signatories.csv"},
    )


def _json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def _signatory(slug: str, *, published_only: bool = True) -> Signatory:
    query = select(Signatory).join(Signatory.organisation).where(Organisation.slug == slug)
    if published_only:
        query = query.where(Signatory.status == SignatoryStatus.published)
    record = db.session.scalar(query)
    if record is None:
        abort(404)
    return record


def _manages(org: Organisation) -> bool:
    if not current_user.is_authenticated:
        return False
    return current_user.has_role(Role.admin) or org.id in current_user.organisation_ids()


@bp.get("/signatories/<slug>")
def signatory(slug: str):
    record = _signatory(slug)
    return render_template(
        "registry/signatories/signatory.html",
        signatory=record,
        manages=_manages(record.organisation),
        latest=current_version(),
        renewal=renewals.renewal(record),
        accord_record=accord_record.of(record.organisation),
    )


@bp.route("/signatories/<slug>/edit", methods=["GET", "POST"])
def edit_signatory(slug: str):
    if not current_user.is_authenticated:
        return redirect(url_for("core.sign_in", next=request.path))
    record = _signatory(slug)
    org = record.organisation
    if not _manages(org):
        abort(403)
    charity, company = numbers_from(org.identifier)
    form = EditOrganisationForm(
        obj=org, data={"charity_number": charity, "company_number": company}
    )
    if form.validate_on_submit():
        answers = {
            key: getattr(form, key).data
            for key in (
                "name",
                "sector",
                "org_type",
                "website",
                "address",
                "town",
                "postcode",
                "description",
            )
        }
        answers["identifier"] = org_id(form.charity_number.data, form.company_number.data)
        change = changes.edit_organisation(org, answers)
        db.session.commit()
        flash(
            "Your changes are saved. A new name, number or sector will show once the VCS "
            "Assembly coordinator has checked it."
            if change
            else "Your changes are saved."
        )
        return redirect(url_for("registry.signatory", slug=org.slug))
    return render_template("registry/signatories/edit.html", form=form, signatory=record)


@bp.route("/signatories/<slug>/withdraw", methods=["GET", "POST"])
@limiter.limit(limits.SUBMIT, methods=["POST"])
def withdraw(slug: str):
    record = _signatory(slug)
    if _manages(record.organisation):
        form = WithdrawForm()
        if form.validate_on_submit():
            changes.withdraw(record, form.reason.data)
            db.session.commit()
            flash(f"{record.organisation.name} has withdrawn from the Accord.")
            return redirect(url_for("registry.signatories"))
        return render_template("registry/signatories/withdraw.html", form=form, signatory=record)
    form = LeadEmailForm()
    if form.validate_on_submit():
        changes.send_withdraw_link(record, form.email.data)
        db.session.commit()
        return render_template("registry/signatories/withdraw_sent.html", signatory=record)
    return render_template(
        "registry/signatories/withdraw_request.html", form=form, signatory=record
    )


def _linked(slug: str, token: str, purpose: str, max_age: int) -> tuple[Signatory, int] | None:
    """The signatory an emailed link was made for, if the link is good and for this page."""
    found = signup.signatory_from_token(token, purpose, max_age)
    if found is None or found[0].organisation.slug != slug:
        return None
    return found


@bp.route("/signatories/<slug>/withdraw/<token>", methods=["GET", "POST"])
@limiter.limit(limits.EMAILED_LINK_ACTION, methods=["POST"])
def withdraw_confirm(slug: str, token: str):
    found = _linked(slug, token, "withdraw", signup.WITHDRAW_MAX_AGE_S)
    if found is None:
        return _invalid_link()
    record = found[0]
    if record.status == SignatoryStatus.withdrawn:
        return render_template("registry/signatories/withdrawn.html", signatory=record)
    form = WithdrawForm()
    if form.validate_on_submit():
        changes.withdraw(record, form.reason.data)
        db.session.commit()
        return render_template("registry/signatories/withdrawn.html", signatory=record)
    return render_template("registry/signatories/withdraw.html", form=form, signatory=record)


@bp.route("/signatories/<slug>/reaffirm/<token>", methods=["GET", "POST"])
@limiter.limit(limits.EMAILED_LINK_ACTION, methods=["POST"])
def reaffirm(slug: str, token: str):
    found = _linked(slug, token, "reaffirm", signup.REAFFIRM_MAX_AGE_S)
    if found is None:
        return _invalid_link()
    record, version_id = found
    version = db.session.get(AccordVersion, version_id)
    if version is None or record.status != SignatoryStatus.published:
        return _invalid_link()
    form = ReaffirmForm()
    # A revised Accord, or the same one again once a year (renewals.py).
    open_to = record.accord_version_id != version.id or renewals.may_reaffirm(record)
    if open_to and form.validate_on_submit():
        changes.reaffirm(record, version)
        db.session.commit()
        flash(f"Thank you. {record.organisation.name} now holds version {version.version}.")
        return redirect(url_for("registry.signatory", slug=slug))
    return render_template(
        "registry/signatories/reaffirm.html",
        form=form,
        signatory=record,
        version=version,
        renewing=open_to and record.accord_version_id == version.id,
    )
