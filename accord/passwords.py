"""What a new password must be: long, not a common one, not the person's own email address.

Used wherever a password is chosen: accepting an invitation, changing it, `flask users
create`. The common list is accord/data/common_passwords.txt (folded: lower case, letters and
digits only); a password is folded the same way and also checked with the digits and symbols
around it trimmed, so "Password2026!" counts as "password".
"""

from __future__ import annotations

import functools
import re
import string
from pathlib import Path

MIN_LENGTH = 12
MAX_LENGTH = 200
COMMON_FILE = Path(__file__).resolve().parent / "data" / "common_passwords.txt"
# Runs along the keyboard or the alphabet ("123456789012", "qwertyuiopas"), either way round.
_ROWS = ["0123456789", string.ascii_lowercase, "qwertyuiop", "asdfghjkl", "zxcvbnm"]
RUNS = [row * 4 for row in _ROWS] + [row[::-1] * 4 for row in _ROWS]

TOO_SHORT = f"Password must be at least {MIN_LENGTH} characters"
TOO_COMMON = (
    "Password is too easy to guess. Choose one that is not a common password, for example "
    "three or four unrelated words"
)
OWN_EMAIL = "Password must not be your email address"


@functools.cache
def common() -> frozenset[str]:
    lines = COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def fold(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.casefold())


def _core(folded: str) -> str:
    return folded.strip(string.digits)


def problem(password: str, email: str = "") -> str | None:
    """Why this password will not do, in words for the person choosing it, or None."""
    if len(password) < MIN_LENGTH:
        return TOO_SHORT
    folded = fold(password)
    core = _core(folded)
    if email:
        local, _, domain = email.casefold().partition("@")
        own = {fold(email), fold(local), fold(local + domain.split(".")[0])} - {""}
        if folded in own or core in own or email.casefold() in password.casefold():
            return OWN_EMAIL
    if folded in common() or core in common() or len(set(folded)) < 4:
        return TOO_COMMON
    if any(folded in run for run in RUNS):
        return TOO_COMMON
    return None
