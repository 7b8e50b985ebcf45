"""The words of a search: common misspellings fixed, near misses matched to the words in the
index (a vocabulary kept per process). The match itself is fulltext.py's."""

from __future__ import annotations

import bisect
import difflib
import re
import time
from dataclasses import dataclass, field

from sqlalchemy import select

from accord.extensions import db
from directory.models import ServiceSearch

MAX_WORDS = 8
# Misspellings seen in searches, and words people use for the same thing.
COMMON = {
    "foodbank": "food bank",
    "foodbanks": "food bank",
    "councelling": "counselling",
    "counciling": "counselling",
    "counseling": "counselling",
    "benifits": "benefits",
    "benefit": "benefits",
    "dementure": "dementia",
    "demensia": "dementia",
    "carer": "carers",
    "lonely": "loneliness",
    "bereavment": "bereavement",
    "beravement": "bereavement",
    "accomodation": "accommodation",
    "homeless": "homelessness",
    "alchohol": "alcohol",
    "alcahol": "alcohol",
    "depresion": "depression",
    "anxeity": "anxiety",
    "disabilty": "disability",
    "transprot": "transport",
    "volunteer": "volunteering",
    "wifi": "wi-fi",
}
WORD = re.compile(r"[a-z0-9]+")


# --- the vocabulary -------------------------------------------------------------------------

VOCABULARY_TTL_S = 600
# Endings taken off a word the index does not know before it is corrected, longest first:
# "walking" finds "walk…" rather than being "corrected" to "talking".
STEM_ENDINGS = ("ings", "ing", "ers", "ies", "es", "ed", "er", "s")


@dataclass
class _Vocabulary:
    """The index's words, and the same grouped for near misses: by length, and apart when
    all digits (house numbers, years), which can never be like a word without any."""

    built: float = 0.0
    words: set[str] = field(default_factory=set)
    groups: dict[tuple[int, bool], list[str]] = field(default_factory=dict)
    ordered: list[str] = field(default_factory=list)  # sorted, for prefixes; [] when stale

    def add(self, new: set[str]) -> None:
        for word in new - self.words:
            self.groups.setdefault((len(word), word.isdigit()), []).append(word)
        if new - self.words:
            self.ordered = []
        self.words |= new

    def starts(self, prefix: str) -> bool:
        """Whether some word in the index begins with `prefix` (the engines match a search
        word as a prefix, so "befriend" finds "befriending")."""
        if not self.ordered:
            self.ordered = sorted(self.words)
        at = bisect.bisect_left(self.ordered, prefix)
        return at < len(self.ordered) and self.ordered[at].startswith(prefix)

    def known(self, word: str) -> str | None:
        """`word` as the index knows it: itself, or its stem ("walking" → "walk") when only
        the stem's words are there; None when neither is."""
        if self.starts(word):
            return word
        for ending in STEM_ENDINGS:
            stem = word.removesuffix(ending)
            if stem != word and len(stem) >= 3 and self.starts(stem):
                return stem
        return None

    def split(self, word: str) -> list[str] | None:
        """A joined word ("mentalhealth", "lunchclub") as the two words it is made of, when
        the index has both; the split with the longer first word wins."""
        for cut in range(len(word) - 3, 2, -1):
            first, second = word[:cut], word[cut:]
            if first in self.words and second in self.words:
                return [first, second]
        return None

    def near(self, word: str) -> list[str]:
        """The only words that can be 80% like `word`, so get_close_matches gives the same
        answer from these as from the whole vocabulary: its ratio is 2·matching characters
        / both lengths, so a match is 2/3 to 3/2 as long, and shares some characters."""
        size, kinds = len(word), (False, True) if any(c.isdigit() for c in word) else (False,)
        return [
            candidate
            for n in range(size * 2 // 3, size * 3 // 2 + 1)
            for kind in kinds
            for candidate in self.groups.get((n, kind), ())
        ]


_vocabulary = _Vocabulary()


def clear_vocabulary() -> None:
    global _vocabulary
    _vocabulary = _Vocabulary()


def _words_of(text: str) -> set[str]:
    return set(WORD.findall(text.lower()))


def _current_vocabulary() -> _Vocabulary:
    global _vocabulary
    if time.monotonic() - _vocabulary.built > VOCABULARY_TTL_S or not _vocabulary.words:
        fresh = _Vocabulary(built=time.monotonic())
        text = select(ServiceSearch.title + " " + ServiceSearch.document)
        fresh.add(_words_of("\n".join(db.session.scalars(text))))
        _vocabulary = fresh
    return _vocabulary


def learn(document: str) -> None:
    """A search document was written: its words can be suggested from now on, without
    rebuilding the vocabulary (a vocabulary not built yet will read it from the table)."""
    if _vocabulary.words:
        _vocabulary.add(_words_of(document))


def correct(words: str) -> list[str]:
    """Lower-case words with common misspellings fixed and near-misses matched to the index."""
    found = []
    known = None
    for word in WORD.findall(words.lower())[:MAX_WORDS]:
        word = COMMON.get(word, word)
        for part in word.split():
            if len(part) < 4:
                found.append(part)
                continue
            known = known if known is not None else _current_vocabulary()
            found.extend(_as_indexed(part, known))
    return found


def _as_indexed(word: str, vocabulary: _Vocabulary) -> list[str]:
    """A word of four letters or more as the index can find it: as it is or by its stem when
    the index knows it; split when it is two known words run together; else the nearest
    word (a spelling mistake); else as typed."""
    indexed = vocabulary.known(word)
    if indexed is not None:
        return [indexed]
    parts = vocabulary.split(word)
    if parts is not None:
        return parts
    close = difflib.get_close_matches(word, vocabulary.near(word), n=1, cutoff=0.8)
    return [close[0] if close else word]
