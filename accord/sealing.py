"""Personal details sealed at rest: Fernet (AES-128-CBC + HMAC-SHA256, from `cryptography`)
with keys from the environment, so a copy of the database alone reveals no one.

`SEALING_KEYS` is a comma-separated list of Fernet keys, newest first: new data is sealed
with the first, and data sealed with any of them opens (MultiFernet), so a key is rotated
by putting a new one first, running `flask referrals rotate-keys` (which re-seals every row
with it) and then dropping the old one. `SEALING_INDEX_KEY` keys the blind index: a hash
that finds one person's rows for a subject access request or erasure without opening every
row; it is not rotated with the Fernet keys (the index would have to be rebuilt).

Without SEALING_KEYS the key is derived from SECRET_KEY (also from the environment, never in
the database). That derived key always stays last in the list, so data sealed before
SEALING_KEYS was set still opens, and `rotate-keys` moves it onto the new key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import unicodedata

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app


class SealingError(RuntimeError):
    """Sealed data cannot be opened with any configured key."""


def _derived(purpose: str) -> bytes:
    secret = current_app.config["SECRET_KEY"].encode()
    return hashlib.sha256(purpose.encode() + b"\0" + secret).digest()


def _fernet() -> MultiFernet:
    keys = [key.strip() for key in current_app.config.get("SEALING_KEYS", "").split(",")]
    keys = [key for key in keys if key]
    keys.append(base64.urlsafe_b64encode(_derived("sealing")).decode())
    return MultiFernet([Fernet(key) for key in keys])


def seal(data: dict) -> str:
    """The data as one token: JSON, encrypted and authenticated with the newest key."""
    plain = json.dumps(data, ensure_ascii=False, sort_keys=True).encode()
    return _fernet().encrypt(plain).decode()


def unseal(token: str) -> dict:
    if not token:
        return {}
    try:
        return json.loads(_fernet().decrypt(token.encode()))
    except InvalidToken as exc:
        raise SealingError("sealed data does not open with any SEALING_KEYS key") from exc


def reseal(token: str) -> str:
    """The same data sealed with the newest key (for key rotation)."""
    if not token:
        return token
    try:
        return _fernet().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise SealingError("sealed data does not open with any SEALING_KEYS key") from exc


def normalised(text: str) -> str:
    """Text as the blind index sees it: case, accents, spaces and punctuation ignored."""
    folded = unicodedata.normalize("NFKD", text or "").casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def blind_index(*parts: str) -> str:
    """A keyed hash of the parts (normalised): equal for the same person's details, and
    useless to anyone without SEALING_INDEX_KEY."""
    raw = current_app.config.get("SEALING_INDEX_KEY", "")
    key = raw.encode() if raw else _derived("blind-index")
    message = "\x1f".join(normalised(part) for part in parts).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()
