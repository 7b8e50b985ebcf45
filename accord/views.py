"""The shell's pages: home, health, sign in/out, account, invitations, cookies, accessibility."""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import text

from accord import accounts, audit, home, limits
from accord.extensions import db, limiter
from accord.forms import ChangePasswordForm, SetPasswordForm, SignInForm
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


def work_queue(user) -> str:
    """Where someone lands after signing in: the coordinator's work queues, CVEC's
    coordination page, otherwise their account (members and frontline workers start there)."""
    if user.has_role(Role.coordinator):
        return url_for("admin.dashboard")
    if user.has_role(Role.cvec):
        return url_for("emergency.index")
    return url_for("core.account")


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(limits.SIGN_IN, methods=["POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(work_queue(current_user))
    form = SignInForm()
    if form.validate_on_submit():
        result = accounts.authenticate(form.email.data, form.password.data)
        if result.user is not None:
            target = safe_next(request.args.get("next"))
            # New session on sign-in: nothing from before survives (session fixation).
            session.clear()
            login_user(result.user)
            session.permanent = True
            return redirect(target or work_queue(result.user))
        message = (
            "Your account is locked for a short while after too many failed attempts. "
            "Try again later."
            if result.locked
            else "Enter a correct email address and password"
        )
        form.email.errors = [*form.email.errors, message]
    return render_template("core/sign_in.html", form=form)


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
def account():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not accounts.password_matches(current_user.password_hash, form.current.data):
            form.current.errors = [*form.current.errors, "Your current password is not correct"]
        else:
            return _new_password(
                current_user, form.password.data, "Your password has been changed."
            )
    return render_template("core/account.html", form=form)


@bp.route("/account/invite/<token>", methods=["GET", "POST"])
@limiter.limit(limits.INVITE, methods=["POST"])
def accept_invite(token: str):
    user = accounts.user_for_invite(token)
    if user is None:
        return render_template("core/invite_invalid.html"), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        return _new_password(
            user, form.password.data, "Your password has been set and you are signed in."
        )
    return render_template("core/accept_invite.html", form=form, user=user)


def _new_password(user: User, password: str, message: str) -> ResponseReturnValue:
    """Set the password and start a new session: every older one has ended with it."""
    accounts.set_password(user, password)
    db.session.commit()
    session.clear()
    login_user(user)
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
    return render_template("core/privacy.html")
