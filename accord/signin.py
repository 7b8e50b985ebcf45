"""Signing in without telling who has an account and without locking the owner out.

Every address gets the same answer and the same work: one password check (a dummy hash for
an address with no account, or an account that cannot sign in). Failures are counted per
address, whether or not it has an account, in the rate-limit storage. After
LOGIN_MAX_FAILURES of them within LOGIN_FAILURE_MINUTES the address is throttled: the right
password still works, but only with a six-digit code emailed to the address. While an address
is throttled, right and wrong passwords get the same "check your email" page, so guessing
there tells nothing; only the right one sends a code.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from limits import RateLimitItem, parse

from accord import audit, emails
from accord.accounts import find_user, hash_password, hasher, normalise_email, password_matches
from accord.clock import utcnow
from accord.extensions import db, limiter
from accord.models import User

CODE_DIGITS = 6
# Wrong codes allowed before a code stops working (a new sign-in sends a new one).
CODE_TRIES = 5


class Outcome(enum.Enum):
    signed_in = "signed_in"
    wrong = "wrong"  # the one message for every address: "Enter a correct email address…"
    code = "code"  # throttled: "if the details are right, we have emailed you a code"


@dataclass
class Attempt:
    outcome: Outcome
    user: User | None = None


def _failures() -> RateLimitItem:
    cfg = current_app.config
    return parse(f"{cfg['LOGIN_MAX_FAILURES']} per {cfg['LOGIN_FAILURE_MINUTES']} minutes")


def _address_key(email: str) -> str:
    # The address itself is not kept in the limit storage (Redis in production), only a hash.
    return hashlib.sha256(normalise_email(email).encode()).hexdigest()


def _counting() -> bool:
    # The app's own setting, not the shared limiter's flag (one app per process in service).
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def throttled(email: str) -> bool:
    if not _counting():
        return False
    return not limiter.limiter.test(_failures(), "sign-in-failures", _address_key(email))


def _note_failure(email: str) -> None:
    if _counting():
        limiter.limiter.hit(_failures(), "sign-in-failures", _address_key(email))


def _forget_failures(email: str) -> None:
    if _counting():
        limiter.limiter.clear(_failures(), "sign-in-failures", _address_key(email))


def attempt(email: str, password: str) -> Attempt:
    """Check an email address and password; the caller starts the session on `signed_in`."""
    user = find_user(email)
    usable = user is not None and user.active
    # Exactly one hash check whatever the address: "" checks a dummy hash and is never right.
    right = password_matches(user.password_hash if user and usable else "", password)
    held = throttled(email)
    if not right or user is None:
        _note_failure(email)
        return Attempt(Outcome.code if held else Outcome.wrong)
    if held:
        send_code(user)
        db.session.commit()
        return Attempt(Outcome.code)
    _signed_in(user, email, password)
    return Attempt(Outcome.signed_in, user)


def _signed_in(user: User, email: str, password: str | None = None) -> None:
    if password is not None and hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    _forget_failures(email)
    user.last_login_at = utcnow()
    audit.record("user.signed_in", "user", user.id, actor_id=user.id)
    db.session.commit()


def _code_hash(user: User, code: str) -> str:
    # Keyed, so the hashes of a million possible codes cannot be tabulated from the database.
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"sign-in-code:{user.id}:{code}".encode(), hashlib.sha256).hexdigest()


def send_code(user: User) -> None:
    """A new single-use code for this user, emailed to them; an older one stops working."""
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    minutes = current_app.config["LOGIN_CODE_MINUTES"]
    user.sign_in_code_hash = _code_hash(user, code)
    user.sign_in_code_expires_at = utcnow() + timedelta(minutes=minutes)
    user.sign_in_code_tries = 0
    emails.queue(user.email, "accord/sign_in_code", kind="sign-in-code", code=code, minutes=minutes)
    audit.record("user.sign_in_code_sent", "user", user.id, actor_id=user.id)


def check_code(email: str, code: str) -> User | None:
    """The user whose emailed code this is, signed in (the code is used up), or None."""
    user = find_user(email)
    code = "".join(code.split())
    if user is None or not user.active or not user.sign_in_code_hash:
        return None
    expires = user.sign_in_code_expires_at
    if expires is None or expires < utcnow() or user.sign_in_code_tries >= CODE_TRIES:
        return None
    if not hmac.compare_digest(user.sign_in_code_hash, _code_hash(user, code)):
        user.sign_in_code_tries += 1
        db.session.commit()
        return None
    user.sign_in_code_hash = ""
    user.sign_in_code_expires_at = None
    _signed_in(user, email)
    return user
