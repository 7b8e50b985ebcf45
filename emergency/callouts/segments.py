"""How many text messages (segments) a body costs, as phone networks count them.

GSM-7 (the default alphabet): one message holds 160 characters; a longer one is sent in parts
of 153 (each part carries a header). Characters of the GSM extension table (€ [ ] { } ^ ~ | \\
and the form feed) take two places. One character outside both tables and the whole message
is sent as UCS-2: 70 in one message, 67 a part."""

from __future__ import annotations

from dataclasses import dataclass

GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = "\f^{}\\[~]|€"
_BASIC = frozenset(GSM_BASIC)
_EXTENSION = frozenset(GSM_EXTENSION)


@dataclass(frozen=True)
class Segments:
    characters: int  # as the person reading it counts them
    count: int  # messages the network sends (and Notify charges)
    unicode: bool  # True when a character outside GSM-7 makes it UCS-2
    per_message: int  # how many characters one message holds in this encoding


def count(body: str) -> Segments:
    if all(c in _BASIC or c in _EXTENSION for c in body):
        units = len(body) + sum(1 for c in body if c in _EXTENSION)
        return Segments(len(body), _parts(units, 160, 153), False, 160)
    # UCS-2 counts UTF-16 code units: an emoji takes two.
    units = len(body.encode("utf-16-le")) // 2
    return Segments(len(body), _parts(units, 70, 67), True, 70)


def _parts(units: int, single: int, part: int) -> int:
    if units <= single:
        return 1
    return -(-units // part)
