"""Networks' contacts are free text ("Sam, 07700 900123, or our Facebook group"): the phone
numbers in them become tel: links, so a coordinator or resident on a phone can tap to call."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from accord.text import phone_link

# A run of digits, spaces, brackets and dashes that is not part of a word or a web address;
# it is a phone number when it holds 10 to 15 digits (UK numbers have 10 or 11, +44 12).
PHONE_RUN = re.compile(r"(?<![\w/.=?&#%+-])\+?\d[\d ()-]{7,}\d(?![\w/]|\.\w)")
PHONE_DIGITS = range(10, 16)


def phones_linked(text: str | None) -> Markup:
    """The text, escaped, with each phone number in it a GOV.UK tel: link."""
    text = text or ""
    out = []
    last = 0
    for found in PHONE_RUN.finditer(text):
        if sum(c.isdigit() for c in found.group()) not in PHONE_DIGITS:
            continue
        out.append(escape(text[last : found.start()]))
        out.append(phone_link(found.group()))
        last = found.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)
