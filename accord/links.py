"""Links we send people: signed, expiring tokens and absolute addresses built from the routes.

Every emailed link is built here, so there is one way to sign a token, one way to check it and
one base address (PUBLIC_BASE_URL, never a request's Host header, which anyone can forge to
phish with our own emails).
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any
from urllib.parse import urlsplit

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app, has_request_context, request
from itsdangerous import BadSignature, TimestampSigner, URLSafeSerializer, URLSafeTimedSerializer

from accord import clock

DAY_S = 24 * 3600


def base_url() -> str:
    """PUBLIC_BASE_URL (required in production). Development and tests without it use the
    request's own address, or SERVER_NAME_FOR_LINKS outside a request (cron, CLI)."""
    config = current_app.config
    if config["PUBLIC_BASE_URL"]:
        return config["PUBLIC_BASE_URL"].rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return config["SERVER_NAME_FOR_LINKS"].rstrip("/")


def absolute_url(endpoint: str, **values: Any) -> str:
    """The full address of a route on the public base, in or outside a request:
    absolute_url("referrals.show", uuid=…) → "https://accord.example.org/referrals/…"."""
    parts = urlsplit(base_url())
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


class _UKClockSigner(TimestampSigner):
    """Tokens are dated, and their age read, by the app's one clock (accord/clock.py), so a
    test that sets the time sets it for links too."""

    def get_timestamp(self) -> int:
        return int(clock.system_time().timestamp())


def _timed(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"], salt=purpose, signer=_UKClockSigner
    )


def sign(purpose: str, data: Any) -> str:
    """A token carrying `data` for one purpose; `read` with the same purpose gets it back.
    The purpose is the signing salt, so a token made for one link never opens another."""
    return _timed(purpose).dumps(data)


def read(purpose: str, token: str, max_age_s: int) -> Any | None:
    """What `sign` put in the token, or None if it is forged, for another purpose, or older
    than max_age_s (an expired signature is a BadSignature too)."""
    try:
        return _timed(purpose).loads(token, max_age=max_age_s)
    except BadSignature:
        return None


def _lasting(purpose: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=purpose)


def sign_lasting(purpose: str, data: Any) -> str:
    """A token that never expires, for a link meant to be kept (a shared signposting list
    holds no personal data)."""
    return _lasting(purpose).dumps(data)


def read_lasting(purpose: str, token: str) -> Any | None:
    try:
        return _lasting(purpose).loads(token)
    except BadSignature:
        return None


def _sealer(purpose: str) -> Fernet:
    secret = current_app.config["SECRET_KEY"].encode()
    key = hashlib.sha256(b"opaque-link\0" + purpose.encode() + b"\0" + secret).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def sign_opaque(purpose: str, data: Any) -> str:
    """Like `sign`, but the token is encrypted too (Fernet: AES and HMAC), so the address says
    nothing of what it is for (a listing's id, say) to whoever sees it in a log or a browser's
    history. Longer than `sign`'s (about 140 characters)."""
    plain = json.dumps(data, separators=(",", ":")).encode()
    return _sealer(purpose).encrypt_at_time(plain, int(clock.system_time().timestamp())).decode()


def read_opaque(purpose: str, token: str, max_age_s: int) -> Any | None:
    """What `sign_opaque` put in the token, or None if it is forged, for another purpose, or
    older than max_age_s."""
    now = int(clock.system_time().timestamp())
    try:
        return json.loads(_sealer(purpose).decrypt_at_time(token.encode(), max_age_s, now))
    except (InvalidToken, ValueError, UnicodeError):
        return None
