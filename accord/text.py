"""Small text helpers shared by every job."""

import re
import unicodedata

from markupsafe import Markup, escape


def slugify(text: str, max_length: int = 100) -> str:
    """'Age UK Shropshire, Telford & Wrekin' → 'age-uk-shropshire-telford-wrekin'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "item"


# The escape character of every LIKE pattern made from what someone typed (like_escaped).
LIKE_ESCAPE = "\\"


def like_escaped(text: str) -> str:
    """Text to stand for itself inside a LIKE pattern (with escape=LIKE_ESCAPE): its `%` and
    `_` are no wildcards. '50%_off' → '50\\%\\_off'."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# Characters that make a spreadsheet treat a cell as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """A value for a CSV cell that a spreadsheet will show, never run."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def tel_href(number: str) -> str:
    """'01743 123 456' → 'tel:01743123456'; '+44 (0)1743 123456' → 'tel:+441743123456'."""
    digits = re.sub(r"[^0-9+]", "", number.replace("(0)", ""))
    return "tel:" + digits


TEL_LINK = Markup('<a class="govuk-link" href="%s">%s</a>')


def phone_link(number: str | None, empty: str = "Not given") -> Markup:
    """A phone number people can tap on a phone: a GOV.UK link to tel:, or `empty`."""
    if not number or not re.search(r"\d{3}", number):
        return escape(number or empty)
    # `%` escapes both as .format() would, at half the cost (a results page has 20 numbers).
    return TEL_LINK % (tel_href(number), number)


# A run of digits, spaces, brackets and dashes that is not part of a word or a web address;
# it is a phone number when it holds 10 to 15 digits (UK numbers have 10 or 11, +44 12).
PHONE_RUN = re.compile(r"(?<![\w/.=?&#%+-])\+?\d[\d ()-]{7,}\d(?![\w/]|\.\w)")
PHONE_DIGITS = range(10, 16)


def phones_linked(text: str | None) -> Markup:
    """Free text ("Sam, 07700 900123, or our Facebook group"; a hub's key-holders), escaped,
    with each phone number in it a GOV.UK tel: link, so someone on a phone can tap to call."""
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
