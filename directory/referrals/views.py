"""Referral pages: make one (safeguarding → consent → details → check → send), answer one,
follow the ones you sent, and the coordinator's anonymous figures.

Every page that names a referral asks `referrals.find`, which gives None to anyone who is
neither the referrer nor a member of the receiving organisation: they get a 404, so a
guessed address does not even say the referral exists.
"""

from __future__ import annotations

import calendar
import secrets
from collections.abc import Callable
from datetime import datetime, time

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from accord import limits
from accord.accounts import role_required
from accord.clock import date_text, today_uk, utcnow
from accord.extensions import db, limiter
from accord.geo import normalise_postcode, outcode_of
from accord.models import Role, User
from directory import listings, taxonomy
from directory.handoff import handoff
from directory.models import REFERRAL_FIELDS
from directory.referrals import figures, referrals
from directory.referrals.forms import (
    ActionForm,
    ConsentForm,
    DeclineForm,
    DetailsForm,
    SafeguardingForm,
    SendForm,
)
from directory.referrals.models import DECLINE_REASONS, STATUS_LABELS, Referral, ReferralStatus

bp = Blueprint("referrals", __name__, url_prefix="/referrals")

# Who can open a referral at all; `referrals.find` then decides which ones.
PARTIES = (Role.frontline, Role.member)


def _common() -> dict:
    return {
        "status_labels": STATUS_LABELS,
        "decline_reasons": DECLINE_REASONS,
        "consent_by": referrals.CONSENT_BY,
        "consent_how": referrals.CONSENT_HOW,
        "consent_scope": referrals.CONSENT_SCOPE,
        "field_labels": REFERRAL_FIELDS,
    }


def _page(name: str, referral: Referral, **context) -> str:
    """A page about one referral: templates/directory/referrals/<name>.html."""
    template = f"directory/referrals/{name}.html"
    return render_template(template, referral=referral, **_common(), **context)


def _found(uuid: str) -> Referral:
    referral = referrals.find(current_user, uuid)
    if referral is None:
        abort(404)
    return referral


def _draft(uuid: str, step: str) -> Referral:
    """The referrer's own draft, at a step whose earlier steps are done. Otherwise the answer
    is a redirect: to the referral once it is sent (a second click or a replayed POST lands
    there), or to the step still to do."""
    referral = _found(uuid)
    if not referrals.is_referrer(current_user, referral):
        abort(404)
    if referral.status != ReferralStatus.draft:
        abort(redirect(url_for("referrals.show", uuid=uuid)))
    if step != "consent" and not referral.consent_at:
        abort(redirect(url_for("referrals.consent", uuid=uuid)))
    if step == "check" and not referral.subject_key:
        abort(redirect(url_for("referrals.details", uuid=uuid)))
    return referral


def _opened(referral: Referral) -> dict:
    """The resident's details for this user; the viewing is audited at once."""
    answers = referrals.details(current_user, referral)
    db.session.commit()
    return answers


def _asked(referral: Referral) -> list[str]:
    """The details to ask for: what the service wants and the person agreed to share."""
    wanted = referrals.asked_for(referral.service) if referral.service else ["name", "reason"]
    return [key for key in wanted if key in referrals.ALWAYS or key in referral.consent_scope]


# --- lists ----------------------------------------------------------------------------------


@bp.get("/")
@role_required(*PARTIES)
def index():
    received = referrals.inbox(current_user)
    status = request.args.get("status", "")
    shown = [r for r in received if r.status == status] if status in STATUS_LABELS else received
    return render_template(
        "directory/referrals/index.html",
        received=shown,
        counts=referrals.counts(received),
        status=status if status in STATUS_LABELS else "",
        is_member=bool(current_user.organisation_ids(Role.member)),
        sent=referrals.sent_by(current_user),
        drafts=referrals.drafts_of(current_user),
        need_names={term.code: term.name for term in taxonomy.needs()},
        form=ActionForm(),
        overdue={r.id for r in referrals.overdue()},
        **_common(),
    )


@bp.get("/statistics")
@role_required(Role.coordinator)
def statistics():
    counted = figures.statistics()
    unmet, unmet_small = figures.unmet_shown(counted["unmet"])
    return render_template(
        "directory/referrals/statistics.html",
        figures=counted,
        unmet=unmet,
        unmet_small=unmet_small,
        small_count=figures.SMALL_COUNT,
        need_names={term.code: term.name for term in taxonomy.needs()},
        lists_sent={channel: handoff.total(channel) for channel in ("email", "sms")},
        **_common(),
    )


# --- making one -----------------------------------------------------------------------------


@bp.route("/new/<int:service_id>", methods=["GET", "POST"])
@role_required(Role.frontline)
@limiter.limit(limits.SIGNED_IN_SEND, methods=["POST"])
def new(service_id: int):
    service = listings.published_or_404(service_id)
    form = SafeguardingForm()
    refusal = referrals.why_not_accepting(service)
    if refusal is None and form.validate_on_submit() and form.token.data:
        try:
            referral = referrals.start(service, current_user, form.token.data[:64])
        except referrals.NotAccepting as problem:
            refusal = str(problem)
        else:
            if referral.status != ReferralStatus.draft:
                return redirect(url_for("referrals.show", uuid=referral.uuid))
            referrals.check_safeguarding(referral)
            db.session.commit()
            return redirect(url_for("referrals.consent", uuid=referral.uuid))
    if not form.token.data:
        form.token.data = secrets.token_urlsafe(32)
    return render_template(
        "directory/referrals/new.html", form=form, service=service, refusal=refusal
    )


@bp.route("/<uuid>/consent", methods=["GET", "POST"])
@role_required(*PARTIES)
def consent(uuid: str):
    referral = _draft(uuid, "consent")
    form = ConsentForm()
    if request.method == "GET" and referral.consent_at:
        form.by.data, form.how.data = referral.consent_by, referral.consent_how
        form.given_on.data = referral.consent_at.date()
        form.scope.data = list(referral.consent_scope)
        who = form.who(referral.consent_by)
        if who is not None:
            who.data = _opened(referral).get("consent_note", "")
        form.agreed.data = True
    # validate_given_on refuses a missing date; the second test tells the type checker.
    if form.validate_on_submit() and form.given_on.data is not None:
        # Consent given today is recorded now; an earlier day, at its midday.
        given = (
            utcnow()
            if form.given_on.data == today_uk()
            else datetime.combine(form.given_on.data, time(12))
        )
        referrals.record_consent(
            referral,
            referrals.Consent(
                by=form.by.data,
                how=form.how.data,
                at=given,
                scope=list(form.scope.data or []),
                note=form.note,
            ),
            safeguarding_checked=referral.safeguarding_checked,
        )
        db.session.commit()
        return redirect(url_for("referrals.details", uuid=uuid))
    return _page("consent", referral, form=form)


@bp.route("/<uuid>/details", methods=["GET", "POST"])
@role_required(*PARTIES)
def details(uuid: str):
    referral = _draft(uuid, "details")
    asked = _asked(referral)
    form = DetailsForm()
    for key in REFERRAL_FIELDS:
        if key not in asked:
            delattr(form, key)
    if request.method == "GET":
        saved = _opened(referral)
        for key in ("name", "reason", *REFERRAL_FIELDS):
            if key in asked and saved.get(key):
                form[key].data = saved[key]
        form.postcode.data = saved.get("contact_postcode", "")
    if form.validate_on_submit():
        answers = {key: form[key].data for key in asked}
        answers["contact_postcode"] = normalise_postcode(form.postcode.data) or ""
        referrals.record_details(referral, answers, outcode_of(form.postcode.data) or "")
        db.session.commit()
        return redirect(url_for("referrals.check", uuid=uuid))
    return _page("details", referral, form=form)


@bp.route("/<uuid>/check", methods=["GET", "POST"])
@role_required(*PARTIES)
@limiter.limit(limits.SIGNED_IN_SEND, methods=["POST"])
def check(uuid: str):
    referral = _draft(uuid, "check")
    form = SendForm()
    if form.validate_on_submit():
        if referrals.send(referral):
            db.session.commit()
            return redirect(url_for("referrals.sent", uuid=uuid))
        return redirect(url_for("referrals.show", uuid=uuid))
    return _page(
        "check",
        referral,
        form=form,
        answers=_opened(referral),
        asked=_asked(referral),
        wanted=referrals.asked_for(referral.service) if referral.service else [],
    )


@bp.get("/<uuid>/sent")
@role_required(*PARTIES)
def sent(uuid: str):
    """The referrer's confirmation: the reference, and by when the service should answer.
    Anyone else, or once the service has answered, goes to the referral itself."""
    referral = _found(uuid)
    due = referrals.answer_due(referral)
    waiting = referral.status == ReferralStatus.sent
    if not (waiting and referrals.is_referrer(current_user, referral)) or due is None:
        return redirect(url_for("referrals.show", uuid=uuid))
    service = referral.service
    return _page(
        "sent",
        referral,
        days=service.referral_response_days if service else referrals.DEFAULT_DAYS,
        due=f"{calendar.day_name[due.weekday()]} {date_text(due)}",
    )


# --- one referral ---------------------------------------------------------------------------


@bp.get("/<uuid>")
@role_required(*PARTIES)
def show(uuid: str):
    referral = _found(uuid)
    answers = _opened(referral)
    return _page(
        "show",
        referral,
        answers=answers,
        is_referrer=referrals.is_referrer(current_user, referral),
        is_receiver=referrals.is_receiver(current_user, referral),
        form=ActionForm(),
        decline_form=DeclineForm(),
    )


def _change(referral: Referral, change: Callable[[], None], done: str) -> Response:
    """Make one change of state and say so; a repeat (a replayed POST) says nothing
    changed, never a 500."""
    try:
        change()
    except referrals.WrongState:
        return _unchanged(referral)
    db.session.commit()
    flash(done.format(reference=referral.reference))
    return redirect(url_for("referrals.show", uuid=referral.uuid))


def _unchanged(referral: Referral) -> Response:
    db.session.rollback()
    status = STATUS_LABELS[ReferralStatus(referral.status)]
    flash(f"Nothing changed: this referral is {status.lower()}.")
    return redirect(url_for("referrals.show", uuid=referral.uuid))


def _answer(uuid: str, change: Callable[[Referral, User], None], done: str, *, by: str):
    """A button's change of state, for the party it belongs to (`by`: "receiver", the
    receiving organisation's members, or "referrer")."""
    referral = _found(uuid)
    if not ActionForm().validate_on_submit():
        abort(400)
    if by == "receiver":
        _receiver(referral)
    elif not referrals.is_referrer(current_user, referral):
        abort(403)
    return _change(referral, lambda: change(referral, current_user), done)


def _receiver(referral: Referral) -> None:
    if not referrals.is_receiver(current_user, referral):
        abort(404 if not referrals.is_referrer(current_user, referral) else 403)


@bp.post("/<uuid>/accept")
@role_required(*PARTIES)
def accept(uuid: str):
    done = "You accepted referral {reference}. We have told the referrer."
    return _answer(uuid, referrals.accept, done, by="receiver")


@bp.post("/<uuid>/complete")
@role_required(*PARTIES)
def complete(uuid: str):
    done = "Referral {reference} is marked as completed."
    return _answer(uuid, referrals.complete, done, by="receiver")


@bp.post("/<uuid>/withdraw")
@role_required(*PARTIES)
def withdraw(uuid: str):
    return _answer(uuid, referrals.withdraw, "You withdrew referral {reference}.", by="referrer")


@bp.post("/<uuid>/delete")
@role_required(*PARTIES)
def delete_draft(uuid: str):
    """The referrer deletes a draft (drafts are theirs alone: anyone else gets a 404)."""
    referral = _found(uuid)
    if not ActionForm().validate_on_submit():
        abort(400)
    if not referrals.is_referrer(current_user, referral):
        abort(403)
    reference = referral.reference
    try:
        referrals.delete_draft(referral, current_user)
    except referrals.WrongState:
        return _unchanged(referral)
    db.session.commit()
    flash(f"You deleted the draft referral {reference}. Nothing about the person is kept.")
    return redirect(url_for("referrals.index", _anchor="drafts"))


@bp.route("/<uuid>/decline", methods=["GET", "POST"])
@role_required(*PARTIES)
def decline(uuid: str):
    referral = _found(uuid)
    _receiver(referral)
    form = DeclineForm()
    if form.validate_on_submit():
        done = "You declined referral {reference}. We have told the referrer."
        return _change(
            referral, lambda: referrals.decline(referral, current_user, form.reason.data), done
        )
    return _page("decline", referral, form=form)
