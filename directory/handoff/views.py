"""Sending the signposting list to a resident (on the `directory` blueprint): the form, then
a panel that says how it went, never to whom. Open to everyone, as the list itself is."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app, make_response, redirect, render_template, request, session, url_for
from flask_limiter import RequestLimit

from accord import limits
from accord.extensions import db, limiter
from accord.phones import uk_mobile
from directory.handoff import handoff
from directory.handoff.forms import SendListForm
from directory.search import signposting
from directory.views import bp, listed, page_context

# How the last list went ("email" or "sms"), for the confirmation page: never the recipient.
SENT_KEY = "list_sent_by"
NO_TEXTS = "Text messages cannot be sent from this site at the moment. Send the list by email"


def texts_possible() -> bool:
    cfg = current_app.config
    return bool(cfg.get("NOTIFY_API_KEY") and cfg.get("NOTIFY_SMS_TEMPLATE_ID"))


def _recipient_key() -> str:
    """The per-recipient limit's key: a keyed hash of the address or number typed, so the
    limiter's store (and its log line on a breach) holds neither."""
    if request.form.get("channel") == "sms":
        typed = request.form.get("mobile", "")
        given = uk_mobile(typed[:40]) or typed
    else:
        given = request.form.get("email", "").strip().lower()
    key = str(current_app.config["SECRET_KEY"]).encode()
    return "list-to:" + hmac.new(key, given.encode(), hashlib.sha256).hexdigest()[:32]


def _page(form: SendListForm, status: int = 200):
    page = render_template(
        "directory/handoff/send.html",
        form=form,
        items=signposting.services(listed()),
        texts=texts_possible(),
        **page_context(),
    )
    return make_response(page, status)


def _too_many(limit: RequestLimit, *, per_recipient: bool):
    """The form again with what was typed and why it was refused: a limit loses nothing."""
    form = SendListForm()
    form.validate()
    wait = limits.wait_words(limit.limit)
    if per_recipient:
        field = form.mobile if form.channel.data == "sms" else form.email
        why = "This list has been sent there too many times recently"
    else:
        field, why = form.submit, "Too many lists have been sent from your connection recently"
    field.errors = [f"{why}: wait {wait}, then press “Send the list” again"]
    return _page(form, 429)


def _per_connection(limit: RequestLimit):
    return _too_many(limit, per_recipient=False)


def _per_recipient(limit: RequestLimit):
    return _too_many(limit, per_recipient=True)


@bp.route("/list/send", methods=["GET", "POST"])
@limiter.limit(limits.LIST_SEND_ANY, methods=["POST"], on_breach=_per_connection)
@limiter.limit(
    limits.LIST_SEND_TO,
    key_func=_recipient_key,
    methods=["POST"],
    deduct_when=limits.accepted,
    on_breach=_per_recipient,
)
def send_list():
    items = listed()
    if not signposting.services(items):
        return redirect(url_for("directory.signposting_list"))
    form = SendListForm()
    if form.validate_on_submit():
        if form.channel.data == "sms" and not texts_possible():
            form.channel.errors = [NO_TEXTS]
            return _page(form)
        handoff.send(items, form.channel.data or "email", form.recipient)
        db.session.commit()
        session[SENT_KEY] = form.channel.data
        return redirect(url_for("directory.list_sent"))
    return _page(form)


@bp.get("/list/sent")
def list_sent():
    # Once: a page opened again later must not say a list was just sent.
    channel = session.pop(SENT_KEY, None)
    if channel not in ("email", "sms"):
        return redirect(url_for("directory.signposting_list"))
    return render_template("directory/handoff/sent.html", channel=channel, **page_context())
