"""Small text helpers shared by every job."""

import re
import unicodedata


def slugify(text: str, max_length: int = 100) -> str:
    """'Age UK Shropshire, Telford & Wrekin' → 'age-uk-shropshire-telford-wrekin'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "item"
