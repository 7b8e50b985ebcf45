"""GOV.UK error pages for every HTTP error, with a plain fallback if the template itself fails."""

import logging

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

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
    429: (
        "Too many attempts",
        "You have tried this too many times in a short period. Wait a few minutes and try again.",
    ),
    500: (
        "Sorry, there is a problem with the service",
        "Try again later. What you entered has not been saved.",
    ),
    503: ("Sorry, the service is unavailable", "Try again later."),
}


def render_error(code: int, title: str | None = None, message: str | None = None):
    default_title, default_message = MESSAGES.get(code, (f"Error {code}", "Try again later."))
    title, message = title or default_title, message or default_message
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        return {"error": title, "message": message, "status": code}, code
    try:
        return render_template("errors/error.html", title=title, message=message, code=code), code
    except Exception:  # the error page must never fail: fall back to plain text
        log.exception("error page template failed")
        return f"{title}\n\n{message}\n", code, {"Content-Type": "text/plain; charset=utf-8"}


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(
            400,
            "Your form has expired",
            "For your security, forms expire. Go back, reload the page and try again.",
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return render_error(error.code or 500)

    @app.errorhandler(InternalServerError)
    def server_error(error):
        return render_error(500)
