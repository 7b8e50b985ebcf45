"""GOV.UK error pages for every HTTP error, with a plain fallback if the template itself fails."""

import logging

from flask import Flask, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import (
    HTTPException,
    InternalServerError,
    RequestHeaderFieldsTooLarge,
    RequestURITooLarge,
)

from accord.extensions import db

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("There is a problem with your request", "Check what you entered and try again."),
    403: (
        "You do not have permission to see this page",
        "Your account does not have the role this page needs. "
        "Ask your organisation's administrator if you think it should.",
    ),
    404: (
        "Page not found",
        "If you typed the web address, check it is correct. "
        "If you pasted the web address, check you copied the entire address.",
    ),
    405: ("This page cannot be used in that way", "Go back and try again from the page before."),
    413: (
        "What you sent is too large",
        "Make the text or file smaller and try again.",
    ),
    414: (
        "The web address is too long",
        "Check the address, or go back and search again with fewer words or filters.",
    ),
    429: (
        "Too many attempts",
        "You have tried this too many times in a short period. Wait a few minutes and try again.",
    ),
    431: (
        "Your browser sent too much information",
        "Clear this site's cookies in your browser, then try again.",
    ),
    500: (
        "Sorry, there is a problem with the service",
        "Try again later. What you entered has not been saved.",
    ),
    503: ("Sorry, the service is unavailable", "Try again later."),
}

# The database cannot be reached or cannot write (PostgreSQL restarting, SQLite read-only or
# its disk full): a 503 that says so, never a 500 with a traceback.
DATABASE_DOWN = (OperationalError, InterfaceError, PoolTimeout)
SAVE_FAILED = (
    "Sorry, we cannot save what you entered right now",
    "Nothing has been saved. Try again in a few minutes.",
)
READ_FAILED = (
    "Sorry, the service is unavailable",
    "We cannot reach the information this page needs right now. Try again in a few minutes.",
)
RETRY_AFTER_S = 30

# The longest web address (path and query) and header line the app takes. gunicorn.conf.py lets
# longer ones through to it (up to gunicorn's own maximum), so people get these GOV.UK pages
# with the service's header and links rather than gunicorn's bare text.
MAX_URL_LENGTH = 8100
MAX_HEADER_FIELD_SIZE = 8000

# The error page without the database (base.html asks it for banners and the user): GOV.UK
# styles, our own words only.
PLAIN_PAGE = """<!DOCTYPE html>
<html lang="en-GB" class="govuk-template">
<head><meta charset="utf-8"><title>{title} – Shropshire Accord Hub</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/vendor/govuk/govuk-frontend.min.css"></head>
<body class="govuk-template__body"><div class="govuk-width-container">
<main class="govuk-main-wrapper" id="main-content">
<h1 class="govuk-heading-l">{title}</h1><p class="govuk-body">{message}</p>
<p class="govuk-body"><a class="govuk-link" href="/">Go to the home page</a></p>
</main></div></body></html>
"""


def render_error(code: int, title: str | None = None, message: str | None = None):
    default_title, default_message = MESSAGES.get(code, (f"Error {code}", "Try again later."))
    title, message = title or default_title, message or default_message
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        return {"error": title, "message": message, "status": code}, code
    try:
        return render_template("errors/error.html", title=title, message=message, code=code), code
    except DATABASE_DOWN as exc:  # base.html asks the database (banners, the user): expected
        log.warning("error page without the database: %s", type(exc).__name__)
    except Exception:  # the error page must never fail: fall back to a page with no database
        log.exception("error page template failed")
    _rollback()
    page = PLAIN_PAGE.format(title=escape(title), message=escape(message))
    return page, code, {"Content-Type": "text/html; charset=utf-8"}


def _rollback() -> None:
    """Leave the session usable for the error page (and the next request on this worker)."""
    try:
        db.session.rollback()
    except Exception:  # a dead connection may fail even this; the pool replaces it
        log.warning("rollback after a database error failed", exc_info=True)


def refuse_oversized() -> None:
    """414 for a web address, 431 for a header, longer than the app takes."""
    environ = request.environ
    if len(environ.get("PATH_INFO", "")) + len(environ.get("QUERY_STRING", "")) > MAX_URL_LENGTH:
        raise RequestURITooLarge()
    if any(len(name) + len(value) + 2 > MAX_HEADER_FIELD_SIZE for name, value in request.headers):
        raise RequestHeaderFieldsTooLarge()


def init_app(app: Flask) -> None:
    # Before anything else looks at the request (rate limits, sign-in, the jobs' hooks).
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_oversized)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(
            400,
            "Your form has expired",
            "For your security, forms expire. Go back, reload the page and try again.",
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.response is not None:
            # A page the raiser made itself: a rate limit's on_breach shows the refused form
            # again with what was typed (volunteering, networks, signing in).
            return error.response
        response = make_response(render_error(error.code or 500))
        # Keep what the error says beyond its body: a 405's Allow (RFC 9110 requires it), a
        # 429's Retry-After, a 401's WWW-Authenticate.
        for name, value in error.get_headers():
            if name.lower() not in ("content-type", "content-length"):
                response.headers[name] = value
        return response

    def database_down(error):
        # SQLAlchemy's text holds the statement and its values (personal data): log only the
        # driver's own message, which names the fault ("database or disk is full" …).
        cause = getattr(error, "orig", None) or error
        log.error("database unavailable: %s: %s", type(cause).__name__, str(cause)[:300])
        _rollback()
        writing = request.method not in ("GET", "HEAD", "OPTIONS")
        title, message = SAVE_FAILED if writing else READ_FAILED
        response = make_response(render_error(503, title, message))
        response.headers["Retry-After"] = str(RETRY_AFTER_S)
        return response

    for kind in DATABASE_DOWN:
        app.register_error_handler(kind, database_down)

    @app.teardown_appcontext
    def close_session(error: BaseException | None) -> None:
        # PostgreSQL dropping the connection after a page's last query makes the session's
        # closing rollback raise after the page is made, and gunicorn would answer a bare 500
        # instead. The page stands; the pool has already dropped the dead connection. This
        # runs before Flask-SQLAlchemy's own removal (teardowns run last-registered first),
        # which then finds nothing left to do.
        try:
            db.session.remove()
        except DATABASE_DOWN as exc:
            log.warning("session closed on a lost connection: %s", type(exc).__name__)
            db.session.registry.clear()

    @app.errorhandler(InternalServerError)
    def server_error(error):
        return render_error(500)
