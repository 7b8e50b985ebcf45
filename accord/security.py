"""Response headers (a Content-Security-Policy with no third-party host, no caching of
personal data) and the session's absolute lifetime."""

import secrets
from urllib.parse import urlsplit

from flask import (
    Flask,
    Request,
    Response,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    request,
    session,
    url_for,
)
from flask_login import current_user, logout_user

from accord import clock, ids
from accord.maps.tiles import tiles_of

# Blueprints whose every page is about people (referrals, moderation, volunteers), and public
# pages that show what someone typed about themselves (the sign-up's check-answers step):
# never stored by a browser or a proxy, whoever asks.
PRIVATE_BLUEPRINTS = {
    "admin",
    "registry_admin",
    "directory_admin",
    "referrals",
    "self_assessment",
    "volunteers",
}
PRIVATE_ENDPOINTS = {"registry.sign_step"}
# Where the time of signing in is kept in the session (seconds since the epoch, UTC).
SIGNED_IN_AT = "signed_in_at"


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def policy(nonce: str | None, tile_url: str) -> str:
    # Map tiles are the only images allowed from elsewhere, and only from the configured host.
    img = ["'self'", "data:"]
    if tile_url := tiles_of({"TILE_URL": tile_url}).url:
        parts = urlsplit(tile_url.replace("{s}", "a"))
        host = parts.netloc.replace("a.", "*.", 1) if "{s}" in tile_url else parts.netloc
        img.append(f"{parts.scheme}://{host}")
    script = ["'self'"] + ([f"'nonce-{nonce}'"] if nonce else [])
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {' '.join(script)}",
            f"style-src {' '.join(script)}",
            f"img-src {' '.join(img)}",
            "font-src 'self'",
            "connect-src 'self'",
            "frame-ancestors 'none'",
            "form-action 'self'",
            "base-uri 'self'",
            "object-src 'none'",
        ]
    )


def map_document(body: str) -> Response:
    """A map's whole HTML document, for an <iframe> on our own pages (and only ours)."""
    response = current_app.response_class(body, mimetype="text/html")
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Content-Security-Policy"] = policy(
        csp_nonce(), current_app.config["TILE_URL"]
    ).replace("frame-ancestors 'none'", "frame-ancestors 'self'")
    return response


def token_page(body: str, status: int = 200) -> Response:
    """A page opened by an emailed link: its address holds the link's token (a volunteer's
    key, a listing's check), so it is kept out of caches and out of Referer headers."""
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def safe_next(target: str | None) -> str | None:
    """Only same-site paths are followed after sign-in (no open redirects)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


def private(req: Request) -> bool:
    """Whether a response may hold personal data: anything a signed-in person sees, the
    private blueprints and endpoints, answers to a form (which may repeat what was typed), and
    pages opened by an emailed link (their token names someone)."""
    if req.endpoint in (None, "static"):
        return False
    if req.blueprint in PRIVATE_BLUEPRINTS or req.endpoint in PRIVATE_ENDPOINTS:
        return True
    if req.method not in ("GET", "HEAD") or "token" in (req.view_args or {}):
        return True
    return bool(current_user.is_authenticated)


def mark_signed_in() -> None:
    """Called when a session starts: it ends SESSION_ABSOLUTE_HOURS later, however busy."""
    session[SIGNED_IN_AT] = int(clock.utcnow().timestamp())


def session_expired() -> bool:
    started = session.get(SIGNED_IN_AT)
    if not isinstance(started, int):
        return True  # a session from before the limit existed, or a forged one
    # (A start "in the future" is a clock set back, not a forgery: the cookie is signed.)
    age_s = clock.utcnow().timestamp() - started
    return age_s > current_app.config["SESSION_ABSOLUTE_HOURS"] * 3600


def end_old_session():
    """Before every request: a session older than its absolute lifetime is signed out, however
    recently it was used (the idle limit is the cookie's own, PERMANENT_SESSION_LIFETIME)."""
    if request.endpoint in (None, "static") or not current_user.is_authenticated:
        return None
    if not session_expired():
        return None
    logout_user()
    session.clear()
    flash("You have been signed out because you signed in a long time ago. Sign in again.")
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("core.sign_in", next=target))


def init_app(app: Flask) -> None:
    ids.init_app(app)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.before_request(end_old_session)

    @app.after_request
    def headers(response):
        nonce = g.get("csp_nonce")
        response.headers.setdefault(
            "Content-Security-Policy", policy(nonce, current_app.config["TILE_URL"])
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault(
            "Permissions-Policy", "geolocation=(self), camera=(), microphone=()"
        )
        if private(request):
            response.headers["Cache-Control"] = "no-store"
        if current_app.config["SESSION_COOKIE_SECURE"]:
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        return response
