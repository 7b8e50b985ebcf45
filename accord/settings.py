"""Settings from the environment, with the names DESIGN.md fixes."""

import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from accord.maps import tiles

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"

# Environments in which an insecure default SECRET_KEY is acceptable.
RELAXED_ENVS = {"development", "testing"}

Number = TypeVar("Number", int, float)


class SettingsError(RuntimeError):
    """Start-up refused: a required setting is missing or wrong."""


def _number(env: dict, name: str, default: Number, kind: Callable[[str], Number]) -> Number:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        return kind(raw)
    except ValueError as exc:
        what = "a whole number" if kind is int else "a number"
        raise SettingsError(f"{name} must be {what}, got {raw!r}") from exc


def _int(env: dict, name: str, default: int) -> int:
    return _number(env, name, default, int)


def _float(env: dict, name: str, default: float) -> float:
    return _number(env, name, default, float)


def _check_sealing(keys: str, index_key: str) -> None:
    """Any key given must be a Fernet key (32 url-safe base64 bytes), or nothing sealed with
    it could be opened again. Without keys, both are derived from SECRET_KEY (accord.sealing)."""
    from cryptography.fernet import Fernet

    for key in (k.strip() for k in keys.split(",")):
        if not key:
            continue
        try:
            Fernet(key)
        except (ValueError, TypeError) as exc:
            raise SettingsError(
                "SEALING_KEYS holds a key that is not a Fernet key. Make one with `python -c "
                "'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`."
            ) from exc
    if index_key and len(index_key) < 32:
        raise SettingsError("SEALING_INDEX_KEY must be at least 32 characters (a random value).")


def database_url(raw: str | None) -> str:
    """Default SQLite in instance/; plain postgres:// URLs use the psycopg 3 driver."""
    if not raw:
        return f"sqlite:///{INSTANCE / 'accord.db'}"
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    return raw


def load(env: dict | None = None, overrides: dict | None = None) -> dict:
    """Build the Flask config from environment variables plus explicit overrides (tests)."""
    env = dict(os.environ if env is None else env)
    overrides = dict(overrides or {})
    testing = bool(overrides.get("TESTING"))
    app_env = overrides.get("APP_ENV") or env.get("APP_ENV") or ("testing" if testing else "")
    app_env = app_env or _checkout_env(env) or "production"
    production = app_env not in RELAXED_ENVS

    def given(name: str) -> str:
        return overrides.get(name) or env.get(name) or ""

    config = {
        "APP_ENV": app_env,
        **_required(app_env, given),
        **_from_environment(env),
        **_messaging(env),
        **_cookies(production),
        "SQLALCHEMY_TRACK_MODIFICATIONS": False,
    }
    config.update(overrides)
    if testing:
        config.setdefault("TESTING", True)
    return config


def _messaging(env: dict) -> dict:
    """GOV.UK Notify (unset: email by SMTP, no text messages) and the Redis that RQ's
    workers take delivery jobs from (unset: the cron sender alone)."""
    rate_limits = env.get("RATELIMIT_STORAGE_URI") or ""
    return {
        "NOTIFY_API_KEY": env.get("NOTIFY_API_KEY") or "",
        "NOTIFY_API_URL": env.get("NOTIFY_API_URL") or "https://api.notifications.service.gov.uk",
        "NOTIFY_EMAIL_TEMPLATE_ID": env.get("NOTIFY_EMAIL_TEMPLATE_ID") or "",
        "NOTIFY_SMS_TEMPLATE_ID": env.get("NOTIFY_SMS_TEMPLATE_ID") or "",
        "NOTIFY_CALLBACK_TOKEN": env.get("NOTIFY_CALLBACK_TOKEN") or "",
        # The most volunteers one call-out goes to (each a text or an email: spend and rate).
        "CALLOUT_MAX_RECIPIENTS": _int(env, "CALLOUT_MAX_RECIPIENTS", 200),
        # A standby hub whose readiness check is older than this is on CVEC's list to chase.
        "HUB_READINESS_DAYS": _int(env, "HUB_READINESS_DAYS", 180),
        # Signatories re-affirm the Accord this many months after signing or re-affirming.
        "ACCORD_RENEWAL_MONTHS": _int(env, "ACCORD_RENEWAL_MONTHS", 12),
        # The rate limits' Redis serves the queue too unless another is named.
        "REDIS_URL": env.get("REDIS_URL")
        or (rate_limits if rate_limits.startswith(("redis://", "rediss://")) else ""),
    }


def _checkout_env(env: dict) -> str:
    """The environment a checkout's `.flaskenv` names (CHECKOUT_APP_ENV), for its own SQLite
    file only. A cron line run in a deployment's directory with DATABASE_URL but no APP_ENV
    would otherwise read live data with development keys (and find nobody's sealed details):
    it is refused instead."""
    named = env.get("CHECKOUT_APP_ENV") or ""
    if not named or database_url(env.get("DATABASE_URL")) == database_url(None):
        return named
    raise SettingsError(
        "DATABASE_URL is set but APP_ENV is not. Set APP_ENV=production (with this "
        "deployment's SECRET_KEY and other settings) before running against that database, "
        "or APP_ENV=development if it is a development database. The checkout's .flaskenv "
        "only chooses development for the default SQLite file."
    )


def _required(app_env: str, given: Callable[[str], str]) -> dict:
    """What production refuses to start without: SECRET_KEY, PUBLIC_BASE_URL, and sealing
    keys that are Fernet keys if any are given. Development and tests get stand-ins."""
    production = app_env not in RELAXED_ENVS
    secret = given("SECRET_KEY")
    if not secret:
        if production:
            raise SettingsError(
                "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
                "value (e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`), or set "
                "APP_ENV=development for a local checkout."
            )
        secret = f"insecure-{app_env}-key"  # noqa: S105 - only in development/testing
    public_base = given("PUBLIC_BASE_URL").strip()
    if production and not public_base:
        raise SettingsError(
            "PUBLIC_BASE_URL is not set. Set it to the address people use for this site, e.g. "
            "https://accord.example.org: links in emails and open data are built from it, "
            "never from a request's Host header (which anyone can forge)."
        )
    sealing_keys, index_key = given("SEALING_KEYS"), given("SEALING_INDEX_KEY")
    _check_sealing(sealing_keys, index_key)
    return {
        "SECRET_KEY": secret,
        "PUBLIC_BASE_URL": public_base,
        "SERVER_NAME_FOR_LINKS": public_base or "http://127.0.0.1:5000",
        # Residents' details are encrypted with these (accord.sealing); newest key first.
        "SEALING_KEYS": sealing_keys,
        "SEALING_INDEX_KEY": index_key,
    }


# pre_ping: a restarted PostgreSQL is reconnected to without restarting the app.
# hide_parameters: SQL that is logged, or quoted in an error, never carries the values bound to
# it, which can be personal (the address a signposting list is sent to).
ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}


def _from_environment(env: dict) -> dict:
    """The database, mail, outside services, retention periods and limits, with defaults."""
    return {
        "SQLALCHEMY_DATABASE_URI": database_url(env.get("DATABASE_URL")),
        "SQLALCHEMY_ENGINE_OPTIONS": {**ENGINE_OPTIONS},
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI") or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "RATELIMIT_STRATEGY": "fixed-window",
        "MAIL_SERVER": env.get("MAIL_SERVER") or "",
        "MAIL_PORT": _int(env, "MAIL_PORT", 25),
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or "",
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or "",
        "MAIL_USE_TLS": env.get("MAIL_USE_TLS", "").lower() in ("1", "true", "yes"),
        "MAIL_FROM": env.get("MAIL_FROM")
        or "Shropshire Accord Hub <no-reply@shropshire-accord.example>",
        "MAIL_TIMEOUT_S": _float(env, "MAIL_TIMEOUT_S", 10.0),
        **tiles.from_environment(env),
        "FLOOD_API_URL": env.get("FLOOD_API_URL")
        or "https://environment.data.gov.uk/flood-monitoring",
        "POSTCODES_API_URL": env.get("POSTCODES_API_URL") or "https://api.postcodes.io",
        "GEOCODER_TIMEOUT_S": _float(env, "GEOCODER_TIMEOUT_S", 3.0),
        # Pages never wait longer than this for the Environment Agency; they show the cache.
        "FLOOD_TIMEOUT_S": _float(env, "FLOOD_TIMEOUT_S", 5.0),
        # Flood warnings older than this are fetched again when a page needs them.
        "FLOOD_MAX_AGE_MINUTES": _int(env, "FLOOD_MAX_AGE_MINUTES", 15),
        # Free-text address geocoding (geopy's Nominatim client); empty turns it off.
        "NOMINATIM_URL": env.get("NOMINATIM_URL") or "https://nominatim.openstreetmap.org",
        "GEOCODER_USER_AGENT": env.get("GEOCODER_USER_AGENT") or "shropshire-accord-hub",
        "REFERRAL_RETENTION_DAYS": _int(env, "REFERRAL_RETENTION_DAYS", 365),
        # Referrals sent but never accepted lose their personal details after this.
        "REFERRAL_UNACCEPTED_DAYS": _int(env, "REFERRAL_UNACCEPTED_DAYS", 90),
        # Emergency volunteers' details are kept this long after sign-up (or last renewal).
        "VOLUNTEER_RETENTION_DAYS": _int(env, "VOLUNTEER_RETENTION_DAYS", 730),
        # Named on /privacy: who is responsible for the personal data, and where people ask
        # to see it or have it erased.
        "DATA_CONTROLLER": env.get("DATA_CONTROLLER") or "the Shropshire VCS Assembly",
        "PRIVACY_CONTACT": env.get("PRIVACY_CONTACT") or "privacy@shropshire-accord.example",
        # Sent (or given-up) emails are deleted after this (`flask privacy purge`).
        "OUTBOX_RETENTION_DAYS": _int(env, "OUTBOX_RETENTION_DAYS", 30),
        # A closed Accord concern's details (what happened, statements, who raised it) are
        # kept this long after closing: six years, the limitation period for a claim.
        "CONCERN_RETENTION_DAYS": _int(env, "CONCERN_RETENTION_DAYS", 6 * 365),
        # Contact details of sign-ups rejected or never confirmed, and of signatories who
        # withdrew, are kept this long after that (questions, a fresh sign-up).
        "SIGNUP_RETENTION_DAYS": _int(env, "SIGNUP_RETENTION_DAYS", 365),
        # Request bodies above this are refused with a GOV.UK 413 page.
        "MAX_CONTENT_LENGTH": _int(env, "MAX_CONTENT_LENGTH", 1024 * 1024),
        "MAX_FORM_MEMORY_SIZE": _int(env, "MAX_CONTENT_LENGTH", 1024 * 1024),
        # How many reverse proxies sit in front (their X-Forwarded-* headers are trusted).
        "TRUSTED_PROXY_COUNT": _int(env, "TRUSTED_PROXY_COUNT", 0),
        # After this many failed sign-ins to one address within LOGIN_FAILURE_MINUTES, the
        # right password also needs a code emailed to the address (valid LOGIN_CODE_MINUTES).
        "LOGIN_MAX_FAILURES": _int(env, "LOGIN_MAX_FAILURES", 5),
        "LOGIN_FAILURE_MINUTES": _int(env, "LOGIN_FAILURE_MINUTES", 60),
        "LOGIN_CODE_MINUTES": _int(env, "LOGIN_CODE_MINUTES", 10),
        "INVITE_MAX_AGE_S": 7 * 24 * 3600,
        # A session ends this long after signing in, however busy (the idle limit is below).
        "SESSION_ABSOLUTE_HOURS": _int(env, "SESSION_ABSOLUTE_HOURS", 12),
    }


def _cookies(production: bool) -> dict:
    """Session and remember-me cookies: HTTPS-only in production, never read by scripts."""
    return {
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_NAME": "accord_session",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": 8 * 3600,
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
    }
