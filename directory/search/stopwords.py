"""The words a search leaves out on both engines: PostgreSQL's English stop words
(data/stopwords.txt). PostgreSQL drops them itself; SQLite's FTS5 indexes them, so a query
that kept them would find fewer services there ("help for carers" would need "for")."""

from __future__ import annotations

import functools
from pathlib import Path

FILE = Path(__file__).resolve().parent / "data" / "stopwords.txt"


@functools.cache
def stop_words() -> frozenset[str]:
    lines = FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def without_stop_words(words: list[str]) -> list[str]:
    """`words` less the stop words; all of them when every one is a stop word (a search for
    "who" still searches)."""
    kept = [word for word in words if word not in stop_words()]
    return kept or words
