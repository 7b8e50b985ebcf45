"""Feed values to typed values: feed values are untrusted and often the wrong type.

Every function here takes what a feed gave (any JSON value) and returns a value of one type,
or an empty one ("", None, []) when the value cannot be read (`day` and `schedule_rule` raise
ValueError instead, saying why). None of them touches the database or notes anything:
`directory.oruk.draft` says what was left out.
"""

from __future__ import annotations

import html
import re
import uuid
from datetime import date, datetime, time
from typing import Any
from urllib.parse import urlsplit

from accord import geo
from accord.models import Sector
from directory import schedules
from directory.text import to_text

ROUTES = {
    "drop-in": "drop_in",
    "drop in": "drop_in",
    "self referral": "self_referral",
    "self-referral": "self_referral",
    "referral": "professional_referral",
    "professional referral": "professional_referral",
}
# Words in a location's accessibility text → accord.geo.ACCESSIBILITY keys.
ACCESS_WORDS = [
    ("hearing_loop", re.compile(r"\b(induction|hearing)\s+loops?\b", re.I)),
    ("step_free", re.compile(r"\b(wheelchair|step[- ]free|level access|ramp)", re.I)),
    ("accessible_toilet", re.compile(r"\b(accessible|disabled) (toilet|wc|loo)", re.I)),
    ("blue_badge_parking", re.compile(r"\b(blue badge|disabled parking)", re.I)),
    ("parking", re.compile(r"\bparking\b", re.I)),
    ("guide_dog_friendly", re.compile(r"\b(guide|assistance)[- ]dogs?\b", re.I)),
    ("dementia_friendly", re.compile(r"\bdementia\b", re.I)),
    ("changing_places", re.compile(r"\bchanging places\b", re.I)),
]
LABELS = {label.lower(): key for key, label in geo.ACCESSIBILITY.items()}
ACCESS_ORDER = list(dict.fromkeys([key for key, _ in ACCESS_WORDS] + list(geo.ACCESSIBILITY)))
SECTOR_WORDS = [
    (Sector.parish, re.compile(r"\b(parish|town council)\b", re.I)),
    (Sector.public, re.compile(r"\b(public|statutory|nhs|local authority|council)\b", re.I)),
    (Sector.private, re.compile(r"\b(private|business|commercial|company)\b", re.I)),
    (Sector.vcs, re.compile(r"\b(vcse?|voluntary|charity|community|social enterprise)\b", re.I)),
]
FREE = re.compile(r"\b(free|no charge|no cost)\b", re.I)
NOT_FREE = re.compile(r"\b(not|non)[\s-]+free\b", re.I)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # not tab, \n or \r
TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>|<!--")
BARE_HOST = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}(/\S*)?$", re.I)
EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")
WEEKLY_OR_MONTHLY = ("", "1")


# --- text -----------------------------------------------------------------------------------


def text(value: Any) -> str:
    """A one-line string, or "" for anything that is not a string or number."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int | float):
        return str(value)
    return " ".join(value.split()) if isinstance(value, str) else ""


def plain(value: Any) -> str:
    """Feed text that may carry HTML or entities → one line of plain text (entities decoded
    once, so "Tea &amp; Chat" and "Tea & Chat" both read "Tea & Chat")."""
    return to_text(value) if isinstance(value, str) else text(value)


def typed(value: Any) -> str:
    """Feed text that may run over lines (a description, eligibility): plain text as typed,
    line breaks kept and entities decoded once, as this site keeps a provider's words (so our
    own feed reads back the same); HTML as one line of plain text."""
    if isinstance(value, str) and not TAG.search(value):
        return CONTROL.sub("", html.unescape(value)).strip()
    return plain(value)


def is_html(value: Any) -> bool:
    return isinstance(value, str) and bool(TAG.search(value))


def dicts(value: Any) -> list[dict]:
    """The objects in a list (anything else in it, or a value that is no list, is ignored)."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def dict_or_empty(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


# --- numbers, dates and ids -----------------------------------------------------------------


def whole(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        found = float(value)
    except (TypeError, ValueError):
        return None
    return found if found == found and abs(found) != float("inf") else None


def day(value: Any) -> date | None:
    """An ISO date or date-time → a date; ValueError for anything else that is not empty."""
    found = text(value)
    if not found:
        return None
    try:
        return date.fromisoformat(found[:10])
    except ValueError:
        return datetime.fromisoformat(found).date()


def canonical_uuid(value: str) -> str | None:
    try:
        return str(uuid.UUID(value))
    except (ValueError, AttributeError, TypeError):
        return None


def clock(value: time | None) -> str:
    if value is None:
        return ""
    return value.strftime("%H:%M" if value.second == 0 else "%H:%M:%S")


# --- addresses ------------------------------------------------------------------------------


def web_address(value: Any) -> str | None:
    """An http(s) address, "" when none is given, None when what is given is not one.

    A bare host ("www.example.org/page", as feeds often give) gets "https://" in front."""
    found = text(value)
    if not found:
        return ""
    if BARE_HOST.match(found):
        found = f"https://{found}"
    parts = urlsplit(found)
    if parts.scheme.lower() in ("http", "https") and parts.netloc and " " not in found:
        return found if len(found) <= 500 else None
    return None


def email(value: Any) -> str | None:
    """An email address, "" when none is given, None when what is given is not one."""
    found = text(value)
    if found.lower().startswith("mailto:"):
        found = found[7:]
    if not found:
        return ""
    return found if EMAIL.match(found) and len(found) <= 254 else None


def outcodes(value: str) -> list[str]:
    """ "SY1, SY2 and SY3" → ["SY1", "SY2", "SY3"]; [] unless every word is a district."""
    words = [w for w in re.split(r"[\s,;/]+|\band\b", value.upper()) if w and w != "AND"]
    if words and all(geo.OUTCODE.fullmatch(w) for w in words):
        return words
    return []


# --- what a service offers ------------------------------------------------------------------


def eligibility(item: dict) -> str:
    parts = [typed(item.get("eligibility_description"))]
    parts += [plain(e.get("eligibility")) for e in dicts(item.get("eligibilitys"))]
    return "; ".join(p for p in parts if p)


def money(amount: float, currency: str) -> str:
    shown = f"{amount:.0f}" if amount.is_integer() else f"{amount:.2f}"
    return f"£{shown}" if currency.upper() in ("", "GBP") else f"{currency} {shown}"


def cost(item: dict) -> dict:
    """fees (text) and is_free: free when the feed says free or every cost given is 0."""
    words = plain(item.get("fees_description")) or plain(item.get("fees"))
    parts = [words] if words else []
    amounts = []
    for option in dicts(item.get("cost_options")):
        amount = number(option.get("amount"))
        price = money(amount, text(option.get("currency"))) if amount is not None else ""
        what = " ".join(p for p in (price, plain(option.get("amount_description"))) if p)
        described = plain(option.get("option"))
        line = f"{described}: {what}" if described and what else described or what
        if line:
            parts.append(line)
        if amount is not None:
            amounts.append(amount)
    said = " ".join(parts)
    if amounts:
        free = all(amount == 0 for amount in amounts)
    else:
        free = bool(FREE.search(said)) and not NOT_FREE.search(said)
    return {"fees": "; ".join(parts), "is_free": free}


def routes(item: dict) -> list[str]:
    found: list[str] = []
    for word in re.split(r"[,;/]", text(item.get("attending_access")).lower()):
        route = ROUTES.get(word.strip())
        if route and route not in found:
            found.append(route)
    return found


def languages(item: dict) -> list[str]:
    found: list[str] = []
    given = item.get("languages")
    for language in given if isinstance(given, list) else []:
        if isinstance(language, dict):
            language = language.get("name") or language.get("language") or language.get("code")
        name = text(language)[:60]
        if name and name not in found:
            found.append(name)
    return found


def areas(item: dict) -> list[str]:
    found: list[str] = []
    for area in dicts(item.get("service_areas")):
        for key in ("service_area", "name"):
            for code in outcodes(text(area.get(key))):
                if code not in found:
                    found.append(code)
    return found


def accessibility(entries: list[dict]) -> list[str]:
    """accord.geo.ACCESSIBILITY keys of a location's accessibility entries, each read alone.

    An entry saying just one of our labels (as our own feed does) is that feature and no
    other ("Blue Badge parking" is not also "Parking"); other entries are read for words."""
    found = set()
    for entry in entries:
        said = [plain(entry.get(k)) for k in ("accessibility", "description", "details")]
        named = {LABELS[s.lower()] for s in said if s.lower() in LABELS}
        joined = " ".join(said)
        found |= named or {key for key, words in ACCESS_WORDS if words.search(joined)}
    return [key for key in ACCESS_ORDER if key in found]


# --- organisations --------------------------------------------------------------------------


def org_identifier(raw: dict) -> str | None:
    """Org-id style ("GB-COH-1234567") from ORUK 3.0 organization_identifiers."""
    for found in dicts(raw.get("organization_identifiers")):
        scheme, value = text(found.get("identifier_scheme")), text(found.get("identifier"))
        if value:
            joined = (
                value
                if not scheme or value.upper().startswith(scheme.upper())
                else f"{scheme}-{value}"
            )
            if len(joined) <= 60:
                return joined
    return None


def sector(raw: dict) -> str:
    """vcs unless the feed says otherwise (a sector or organisation type field)."""
    said = " ".join(
        text(raw.get(key))
        for key in ("sector", "organisation_type", "organization_type", "org_type", "type")
    )
    for known in Sector:
        if said.strip().lower() == known.value:
            return known.value
    for known, words in SECTOR_WORDS:
        if words.search(said):
            return known.value
    return Sector.vcs.value


# --- schedules ------------------------------------------------------------------------------


def schedule_rule(raw: dict, description: str) -> dict:
    """An ORUK schedule → Schedule columns; ValueError when it is no rule this site keeps."""
    interval = text(raw.get("interval"))
    if interval not in WEEKLY_OR_MONTHLY:
        raise ValueError(f"interval {interval} (every {interval} weeks or months) is not supported")
    byday = raw.get("byday")
    if isinstance(byday, list):
        byday = ",".join(text(one) for one in byday)
    rule = schedules.parse_rule(
        text(raw.get("freq")) or None,
        text(byday) or None,
        text(raw.get("opens_at")) or None,
        text(raw.get("closes_at")) or None,
        text(raw.get("bymonthday")) or None,
        text(raw.get("valid_from")) or None,
        text(raw.get("valid_to")) or None,
        description,
    )
    days = ",".join(rule.byday)
    month_days = ",".join(str(n) for n in rule.bymonthday)
    if len(days) > 60 or len(month_days) > 60:
        raise ValueError("it lists more days than a schedule row can hold")
    return {
        "freq": rule.freq,
        "byday": days,
        "bymonthday": month_days,
        "opens_at": clock(rule.opens_at),
        "closes_at": clock(rule.closes_at),
        "valid_from": rule.valid_from,
        "valid_to": rule.valid_to,
        "description": rule.description,
    }
