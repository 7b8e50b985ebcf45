"""Call-out pages: CVEC starts one from an incident (form, check, send) and follows it (counts,
answers, deploy, follow up, close); a volunteer answers by their personal link, no account.
Thin: parse, call the feature's plain functions, render."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from wtforms.fields.choices import SelectChoice

from accord import limits
from accord.accounts import role_required
from accord.extensions import db, limiter
from accord.models import Role
from accord.security import token_page
from emergency import hubs, incidents
from emergency.callouts import actions, callouts, drafts, progress, segments
from emergency.callouts.forms import AnswerForm, ButtonForm, CalloutForm, SendForm
from emergency.callouts.models import Callout
from emergency.models import Incident
from emergency.volunteers.details import AVAILABILITY, SKILLS
from emergency.volunteers.models import MAX_ID

bp = Blueprint("callouts", __name__)

DRAFT_KEY = "callout_draft"
FORM_FIELDS = ("need", "hub", "place", "starts", "ends", "people", "radius")
STATUS_WORDS = {
    "coming": "Coming",
    "cannot": "Can't come",
    "no_answer": "No answer",
    "failed": "Message failed",
}


def _incident(incident_id: int) -> Incident:
    if incident_id > MAX_ID:
        abort(404)
    return db.get_or_404(Incident, incident_id)


def _callout(incident: Incident, callout_id: int) -> Callout:
    callout = db.session.get(Callout, callout_id) if callout_id <= MAX_ID else None
    if callout is None or callout.incident_id != incident.id:
        abort(404)
    return callout


# --- CVEC: starting a call-out ---------------------------------------------------------------


def _form(incident: Incident, formdata=None) -> CalloutForm:
    form = CalloutForm(formdata=formdata) if formdata is not None else CalloutForm()
    found = hubs.by_area(incident)
    listed = [n.hub for n in found.near] + list(found.elsewhere)
    form.hub.choices = [SelectChoice("", "No hub: a place instead")] + [
        SelectChoice(str(h.id), f"{callouts.hub_name(h)} ({h.status_label})") for h in listed
    ]
    form.hub_points = {
        str(h.id): (h.location.latitude, h.location.longitude)
        if h.location.latitude is not None and h.location.longitude is not None
        else None
        for h in listed
    }
    return form


def _raw(form: CalloutForm) -> dict:
    """What was typed, to fill the form again from the check page's "Change"."""
    raw = {name: form[name].raw_data[0] if form[name].raw_data else "" for name in FORM_FIELDS}
    raw["day"] = list(form.day.raw_data or ["", "", ""])
    raw["skills"] = list(form.skills.data or [])
    raw["availability"] = list(form.availability.data or [])
    raw["dbs"] = "y" if form.dbs.data else ""
    return raw


def _plan(form: CalloutForm) -> callouts.Plan:
    starts_at, ends_at = form.times()
    return callouts.Plan(
        need=form.need.data,
        hub_id=int(form.hub.data) if form.hub.data else None,
        place="" if form.hub.data else form.place.data or "",
        starts_at=starts_at,
        ends_at=ends_at,
        people_wanted=int(form.people.data),
        skills=list(form.skills.data or []),
        availability=list(form.availability.data or []),
        dbs=bool(form.dbs.data),
        radius=float(form.radius.data) if form.radius.data else None,
        origin=form.origin,
    )


def _draft(incident: Incident):
    return drafts.find(session.get(DRAFT_KEY), incident.id, current_user.id)


@bp.route("/emergency/incidents/<int:incident_id>/callouts/new", methods=["GET", "POST"])
@role_required(Role.cvec)
def new(incident_id: int):
    incident = _incident(incident_id)
    if not incident.active:
        return redirect(url_for("emergency.incident", incident_id=incident.id))
    draft = _draft(incident)
    if request.method == "GET" and draft:  # "Change" from the check page: answers kept
        form = _form(incident, MultiDict(_multi(draft.answers["form"])))
    else:
        form = _form(incident)
    if form.validate_on_submit():
        answers = {"form": _raw(form), "plan": _plan(form).as_dict()}
        draft = drafts.save(draft, incident.id, current_user.id, answers)
        db.session.commit()
        session[DRAFT_KEY] = draft.key
        return redirect(url_for("callouts.check", incident_id=incident.id))
    page = render_template("emergency/callouts/new.html", incident=incident, form=form)
    return page, 400 if form.errors else 200


def _multi(raw: dict) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for name, value in raw.items():
        values = value if isinstance(value, list) else [value]
        pairs.extend((name, v) for v in values if name != "dbs" or v)
    return pairs


@bp.route("/emergency/incidents/<int:incident_id>/callouts/new/check", methods=["GET", "POST"])
@role_required(Role.cvec)
def check(incident_id: int):
    incident = _incident(incident_id)
    draft = _draft(incident)
    if draft is None or not incident.active:
        return redirect(url_for("callouts.new", incident_id=incident.id))
    plan = callouts.Plan.from_dict(draft.answers["plan"])
    audience = callouts.audience(plan)
    form = SendForm()
    if form.validate_on_submit() and audience.volunteers:
        callout = callouts.send(incident, plan, current_user.id)
        drafts.discard(draft)
        db.session.commit()
        session.pop(DRAFT_KEY, None)
        sent = len(callout.recipients)
        return render_template("emergency/callouts/sent.html", callout=callout, sent=sent)
    # What a volunteer will read: an exercise's begins EXERCISE (and costs its characters).
    text = incidents.marked(
        incident, callouts.text_for(plan, callouts.link_for(callouts.new_token()))
    )
    page = render_template(
        "emergency/callouts/check.html",
        incident=incident,
        plan=plan,
        hub=plan.hub,
        audience=audience,
        text=text,
        segments=segments.count(text),
        form=form,
        skills=[SKILLS[s] for s in plan.skills if s in SKILLS],
        availability=[AVAILABILITY[a] for a in plan.availability if a in AVAILABILITY],
        where=callouts.where_words(plan.hub, plan.place),
        when=callouts.when_words(plan.starts_at, plan.ends_at),
    )
    return page, 400 if request.method == "POST" else 200


# --- CVEC: a call-out's answers and actions --------------------------------------------------


def _callout_page(incident: Incident, callout: Callout, problem: str = "", status: int = 200):
    rows = progress.rows(callout)
    page = render_template(
        "emergency/callouts/show.html",
        incident=incident,
        callout=callout,
        rows=rows,
        counts=progress.counts(rows),
        words=STATUS_WORDS,
        where=callouts.where_words(callout.hub, callout.place),
        when=callouts.when_words(callout.starts_at, callout.ends_at),
        form=ButtonForm(),
        problem=problem,
    )
    return page, status


@bp.get("/emergency/incidents/<int:incident_id>/callouts/<int:callout_id>")
@role_required(Role.cvec)
def show(incident_id: int, callout_id: int):
    incident = _incident(incident_id)
    return _callout_page(incident, _callout(incident, callout_id))


def _act(incident_id: int, callout_id: int, action, said) -> object:
    incident = _incident(incident_id)
    callout = _callout(incident, callout_id)
    if not ButtonForm().validate_on_submit():
        return _callout_page(incident, callout, "The form expired: press the button again", 400)
    try:
        done = action(callout, current_user.id)
    except actions.Refused as exc:
        db.session.rollback()
        return _callout_page(incident, callout, str(exc), 409)
    db.session.commit()
    flash(said(done))
    return redirect(url_for("callouts.show", incident_id=incident.id, callout_id=callout.id))


def _people(n: int) -> str:
    return f"{n} volunteer{'' if n == 1 else 's'}"


@bp.post("/emergency/incidents/<int:incident_id>/callouts/<int:callout_id>/deploy")
@role_required(Role.cvec)
def deploy(incident_id: int, callout_id: int):
    def said(done: actions.Done) -> str:
        skipped = f" {_people(done.skipped)} could not be deployed." if done.skipped else ""
        return f"{_people(done.count)} deployed and sent where to go.{skipped}"

    return _act(incident_id, callout_id, actions.deploy_coming, said)


@bp.post("/emergency/incidents/<int:incident_id>/callouts/<int:callout_id>/follow-up")
@role_required(Role.cvec)
def follow_up(incident_id: int, callout_id: int):
    return _act(
        incident_id,
        callout_id,
        actions.follow_up,
        lambda done: f"Follow-up sent to {_people(done.count)}.",
    )


@bp.post("/emergency/incidents/<int:incident_id>/callouts/<int:callout_id>/close")
@role_required(Role.cvec)
def close(incident_id: int, callout_id: int):
    return _act(
        incident_id,
        callout_id,
        actions.close,
        lambda done: f"Call-out closed. {_people(done.count)} told they are not needed.",
    )


# --- the volunteer's personal link -----------------------------------------------------------


def _recipient(token: str):
    recipient = callouts.by_token(token)
    if recipient is None:
        abort(404)
    return recipient


def _answer_page(recipient, form: AnswerForm, status: int = 200):
    callout = recipient.callout
    page = render_template(
        "emergency/callouts/answer.html",
        recipient=recipient,
        callout=callout,
        where=callouts.where_words(callout.hub, callout.place),
        when=callouts.when_words(callout.starts_at, callout.ends_at),
        form=form,
        stop=ButtonForm(),
    )
    return token_page(page, status)


@bp.route("/volunteer/callouts/<token>", methods=["GET", "POST"])
@limiter.limit(limits.EMAILED_LINK)
@limiter.limit(limits.EMAILED_LINK_ACTION, methods=["POST"])
def answer(token: str):
    recipient = _recipient(token)
    form = AnswerForm()
    if request.method == "GET" or not recipient.callout.open:
        return _answer_page(recipient, form)
    if not form.validate_on_submit():
        return _answer_page(recipient, form, 400)
    outcome = callouts.answer(recipient, form.answer.data)
    db.session.commit()
    page = render_template(
        "emergency/callouts/answered.html", outcome=outcome, callout=recipient.callout
    )
    return token_page(page)


@bp.post("/volunteer/callouts/<token>/stop-texts")
@limiter.limit(limits.EMAILED_LINK_ACTION)
def stop_texts(token: str):
    recipient = _recipient(token)
    if not ButtonForm().validate_on_submit():
        return _answer_page(recipient, AnswerForm(formdata=None), 400)
    callouts.stop_texts(recipient)
    db.session.commit()
    return token_page(render_template("emergency/callouts/texts_stopped.html", token=token))
