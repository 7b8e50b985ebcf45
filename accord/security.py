"""Response headers: a Content-Security-Policy with no third-party host, and friends."""

import secrets
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g

from accord import ids


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def policy(nonce: str | None, tile_url: str) -> str:
    # Map tiles are the only images allowed from elsewhere, and only from the configured host.
    img = ["'self'", "data:"]
    if tile_url:
        parts = urlsplit(tile_url.replace("{s}", "a"))
        if parts.scheme and parts.netloc:
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


def init_app(app: Flask) -> None:
    ids.init_app(app)
    app.jinja_env.globals["csp_nonce"] = csp_nonce

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
        if current_app.config["SESSION_COOKIE_SECURE"]:
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        return response
