"""Descriptions: typed text shown safely, imported HTML kept but sanitised (nh3); words folded
for the search index."""

import html
import re
import unicodedata

import nh3

ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "strong", "b", "em", "i", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}


def sanitise(raw_html: str) -> str:
    """Feed HTML → safe HTML: formatting kept, scripts, styles and handlers gone."""
    cleaned = nh3.clean(
        raw_html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener nofollow",
    )
    return cleaned.strip()


def from_text(text: str) -> str:
    """Typed text → HTML paragraphs, everything escaped."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    return "".join("<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs)


def to_text(raw_html: str) -> str:
    """Sanitised HTML → plain text for search and summaries (entities decoded once)."""
    # Tags become spaces so "<p>a</p><p>b</p>" reads "a b", not "ab".
    without_tags = re.sub(r"<[^>]*>", " ", sanitise(raw_html))
    return " ".join(html.unescape(without_tags).split())


def folded(text: str) -> str:
    """`text` without accents ("Café" → "Cafe"): the search index holds and is asked for
    folded words on both engines, so "cafe" finds a café on PostgreSQL as FTS5 finds it."""
    parts = unicodedata.normalize("NFKD", text)
    return "".join(c for c in parts if not unicodedata.combining(c))
