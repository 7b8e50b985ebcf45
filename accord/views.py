"""The shell's pages: home, health, sign in/out, account, invitations, cookies, accessibility."""

import hmac

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_limiter import RequestLimit
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import text

from accord import accounts, audit, home, limits, maps, outbox, passwords, security, signin
from accord.extensions import csrf, db, limiter
from accord.forms import ChangePasswordForm, SetPasswordForm, SignInCodeForm, SignInForm
from accord.models import Role, User
from accord.security import safe_next

bp = Blueprint("core", __name__)


@bp.get("/")
def index():
    return render_template("core/index.html", counts=home.counts())


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means "not ready"; the detail goes to the log
        current_app.logger.exception("health check: database unavailable")
        db.session.rollback()
        return {"status": "error", "database": "unavailable"}, 503
    return {"status": "ok", "database": "ok"}


@bp.post("/notify/callback")
@csrf.exempt  # GOV.UK Notify posts here, with its bearer token instead of a session
@limiter.exempt  # one receipt per message sent: a call-out brings hundreds at once
def notify_callback():
    """A delivery receipt from GOV.UK Notify (accord/outbox/receipts.py)."""
    token = current_app.config["NOTIFY_CALLBACK_TOKEN"]
    given = request.headers.get("Authorization", "")
    if not token or not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return {"error": "a bearer token is needed"}, 401
    receipt = request.get_json(silent=True)
    try:
        known = outbox.record(receipt if isinstance(receipt, dict) else {})
    except ValueError:
        return {"error": "not a delivery receipt"}, 400
    db.session.commit()
    # 200 for a message we no longer have (erased): Notify would otherwise retry it for days.
    return {"status": "ok" if known else "unknown message"}


def work_queue(user) -> str:
    """Where someone lands after signing in: the coordinator's work queues, CVEC's
    coordination page, otherwise their account (members and frontline workers start there)."""
    if user.has_role(Role.coordinator):
        return url_for("admin.dashboard")
    if user.has_role(Role.cvec):
        return url_for("emergency.index")
    return url_for("core.account")


# The address waiting for an emailed code, and where to go once it is entered.
CODE_FOR = "sign_in_code_for"
CODE_NEXT = "sign_in_code_next"


def start_session(user: User) -> None:
    """A new session: nothing from before survives (session fixation), and it ends
    SESSION_ABSOLUTE_HOURS from now however busy it is."""
    session.clear()
    login_user(user)
    session.permanent = True
    security.mark_signed_in()


def _sign_in_refused(limit: RequestLimit):
    """The sign-in form again, with the email address kept (never the password) and an error
    summary saying how long to wait: a limit never leaves someone guessing what happened."""
    form = SignInForm()
    form.password.data = ""
    form.submit.errors = [
        f"Too many attempts to sign in. Wait {limits.wait_words(limit.limit)}, then try again"
    ]
    return make_response(render_template("core/sign_in.html", form=form), 429)


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(limits.SIGN_IN, methods=["POST"], on_breach=_sign_in_refused)
@limiter.limit(
    limits.SIGN_IN_ADDRESS,
    key_func=limits.address_and_ip,
    methods=["POST"],
    on_breach=_sign_in_refused,
)
def sign_in():
    if current_user.is_authenticated:
        return redirect(work_queue(current_user))
    form = SignInForm()
    if form.validate_on_submit():
        tried = signin.attempt(form.email.data, form.password.data)
        target = safe_next(request.args.get("next"))
        if tried.user is not None:
            start_session(tried.user)
            return redirect(target or work_queue(tried.user))
        if tried.outcome is signin.Outcome.code:
            session[CODE_FOR] = accounts.normalise_email(form.email.data)
            session[CODE_NEXT] = target
            return redirect(url_for("core.sign_in_code"))
        # One message for every address, whether it has an account or not.
        form.email.errors = [*form.email.errors, "Enter a correct email address and password"]
    return render_template("core/sign_in.html", form=form)


@bp.route("/sign-in/code", methods=["GET", "POST"])
@limiter.limit(limits.SIGN_IN_CODE, methods=["POST"])
def sign_in_code():
    email = session.get(CODE_FOR)
    if current_user.is_authenticated or not isinstance(email, str):
        return redirect(url_for("core.sign_in"))
    form = SignInCodeForm()
    if form.validate_on_submit():
        user = signin.check_code(email, form.code.data)
        if user is not None:
            target = safe_next(session.get(CODE_NEXT))
            start_session(user)
            return redirect(target or work_queue(user))
        form.code.errors = [
            *form.code.errors,
            "Enter the code from the latest email we sent you, or sign in again for a new code",
        ]
    return render_template("core/sign_in_code.html", form=form, email=email)


@bp.post("/sign-out")
@login_required
def sign_out():
    accounts.end_sessions(current_user)
    audit.record("user.signed_out", "user", current_user.id)
    db.session.commit()
    logout_user()
    session.clear()
    flash("You have signed out.")
    return redirect(url_for("core.sign_in"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
@limiter.limit(limits.ACCOUNT_CHANGE, key_func=limits.account, methods=["POST"])
def account():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not accounts.password_matches(current_user.password_hash, form.current.data):
            form.current.errors = [*form.current.errors, "Your current password is not correct"]
        elif problem := passwords.problem(form.password.data, current_user.email):
            form.password.errors = [*form.password.errors, problem]
        else:
            # The user itself, not the current_user proxy: signing in again with the proxy
            # would make it point at itself.
            me = current_user._get_current_object()
            return _new_password(me, form.password.data, "Your password has been changed.")
    return render_template("core/account.html", form=form)


@bp.route("/account/invite/<token>", methods=["GET", "POST"])
@limiter.limit(limits.INVITE, methods=["POST"])
def accept_invite(token: str):
    user = accounts.user_for_invite(token)
    if user is None:
        return render_template("core/invite_invalid.html"), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        problem = passwords.problem(form.password.data, user.email)
        if problem is None:
            return _new_password(
                user, form.password.data, "Your password has been set and you are signed in."
            )
        form.password.errors = [*form.password.errors, problem]
    return render_template("core/accept_invite.html", form=form, user=user)


def _new_password(user: User, password: str, message: str) -> ResponseReturnValue:
    """Set the password and start a new session: every older one has ended with it."""
    accounts.set_password(user, password)
    db.session.commit()
    start_session(user)
    flash(message)
    return redirect(url_for("core.account"))


@bp.get("/cookies")
def cookies():
    return render_template("core/cookies.html")


@bp.get("/accessibility")
def accessibility():
    return render_template("core/accessibility.html")


@bp.get("/privacy")
def privacy():
    return render_template("core/privacy.html", tiles=maps.tiles_of(current_app.config))
