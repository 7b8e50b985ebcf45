"""The words of a search: common misspellings fixed, a word the index does not know matched
to a near one it does, two known words run together split. The index's words are read from
the index itself (vocabulary.py): once per worker, then only what was written since. The
match itself is fulltext.py's."""

from __future__ import annotations

import bisect
import re
import threading
import time
from dataclasses import dataclass, field
from typing import NamedTuple

from rapidfuzz import fuzz

from directory.search import vocabulary
from directory.search.stopwords import stop_words
from directory.text import folded

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
# How like a typed word (its stem) an indexed term must be to replace it: rapidfuzz's ratio,
# 2·matching characters / both lengths, as difflib's was.
LIKENESS = 80
# How often a worker looks for documents written since it last did (one indexed query);
# the process that writes one looks at its next search.
LOOK_EVERY_S = 5.0
# Endings a corrected term is given back, to show and search a word rather than a stem
# ("therapi" → "therapies"): of the SPELLINGS likest what was typed, the first that stems
# back to the term.
SPELLINGS = 8
# A search word matches every term it begins ("walk" finds "walk" and "walker"). PostgreSQL's
# GIN index reads each prefix's postings whole, every term's, into a bitmap before it can AND
# them; terms named one by one it reads skipping, led by the rarest. So a word that begins
# up to this many terms is searched as those terms ("lunch club older people" at 50,000
# services: 11 -> 1.8 ms for the index's candidates); beyond, as a prefix.
NAMED = 8
ENDINGS = (
    *("", "s", "es", "e", "ed", "ing", "ings", "er", "ers", "y", "ies", "ied", "ion", "ions"),
    *("al", "ly", "ment", "ments", "ness", "ity", "ive", "ate", "ation"),
)


def _deletes(term: str) -> set[str]:
    return {term[:i] + term[i + 1 :] for i in range(len(term))} | {term}


@dataclass
class _Vocabulary:
    """The index's terms (stems: "therapi", "walk"), in the forms each question needs: how
    many services have each (a known whole word, a tie between near terms), sorted (a known
    prefix: the engines match a search word as one), and SymSpell's deletes (near misses)."""

    services: dict[str, int] = field(default_factory=dict)
    ordered: list[str] = field(default_factory=list)
    near_index: dict[str, list[str]] | None = None  # made at the first unknown word
    since: vocabulary.Since = vocabulary.Since(0)
    due: float = 0.0
    stemmed: dict[str, str | None] = field(default_factory=dict)  # per worker, bounded
    documents: int = 0  # how many services the index held when it was read whole

    def add(self, counts: dict[str, int]) -> None:
        for term, count in counts.items():
            if term in self.services:
                continue
            self.services[term] = count
            bisect.insort(self.ordered, term)
            if self.near_index is not None and _correctable(term):
                for key in _deletes(term):
                    self.near_index.setdefault(key, []).append(term)

    def begun(self, prefix: str, most: int | None = None) -> list[str]:
        """The terms that begin with `prefix`, in order (no more than `most`)."""
        at = bisect.bisect_left(self.ordered, prefix)
        found: list[str] = []
        while at < len(self.ordered) and self.ordered[at].startswith(prefix):
            if most is not None and len(found) == most:
                break
            found.append(self.ordered[at])
            at += 1
        return found

    def starts(self, prefix: str) -> bool:
        """Whether some term begins with `prefix`."""
        return bool(self.begun(prefix, 1))

    def near(self, stem: str) -> str | None:
        """The term nearest `stem`: one edit apart either way (SymSpell's deletes: a letter
        left out, added, changed or two swapped), at least LIKENESS alike; the likest, then
        the one more services have."""
        if self.near_index is None:
            index: dict[str, list[str]] = {}
            for term in self.services:
                if _correctable(term):
                    for key in _deletes(term):
                        index.setdefault(key, []).append(term)
            self.near_index = index
        found = {term for key in _deletes(stem) for term in self.near_index.get(key, ())}
        scored = [(fuzz.ratio(stem, term), self.services[term], term) for term in found]
        best = max((s for s in scored if s[0] >= LIKENESS), default=None)
        return best[2] if best else None

    def stems(self, words: set[str]) -> dict[str, str | None]:
        missing = words - self.stemmed.keys()
        if missing:
            if len(self.stemmed) > 50_000:
                self.stemmed.clear()
            self.stemmed.update(vocabulary.stems(missing))
        return {word: self.stemmed[word] for word in words}


def _correctable(term: str) -> bool:
    """A term a word can be corrected to: letters only (never a house number or postcode)."""
    return len(term) >= 3 and term.isalpha()


_vocabulary: _Vocabulary | None = None
_reading = threading.Lock()


def clear_vocabulary() -> None:
    global _vocabulary
    _vocabulary = None


def learn(document: str) -> None:
    """A search document was written: this process looks for it at its next search (other
    processes within LOOK_EVERY_S), by the revision the database gave it (migration 0020)."""
    if _vocabulary is not None:
        _vocabulary.due = 0.0


def _whole() -> _Vocabulary:
    """Every term of the index: a worker's first read, or after a big import."""
    read = vocabulary.read_all()
    fresh = _Vocabulary(since=read.since, due=time.monotonic() + LOOK_EVERY_S)
    fresh.services = read.counts
    fresh.ordered = sorted(read.counts)
    fresh.documents = vocabulary.documents()
    return fresh


def _current() -> _Vocabulary:
    """This worker's vocabulary: read whole the first time; then, every LOOK_EVERY_S, the
    words of the documents written since (read whole again after a big import)."""
    global _vocabulary
    with _reading:
        if _vocabulary is None:
            _vocabulary = _whole()
        elif time.monotonic() >= _vocabulary.due:
            changed, since = vocabulary.changed_since(_vocabulary.since)
            if len(changed) > vocabulary.MOST_CHANGES:
                _vocabulary = _whole()
            else:
                _vocabulary.add(vocabulary.terms_of(changed))
                _vocabulary.since = since
                _vocabulary.due = time.monotonic() + LOOK_EVERY_S
        return _vocabulary


class Form(NamedTuple):
    """A search word as PostgreSQL's index holds it: its stem, and the index's terms that begin
    with the stem (empty: more than NAMED, to be matched as a prefix)."""

    stem: str
    terms: tuple[str, ...]


def forms(words: list[str]) -> list[Form] | None:
    """Each of the search's words (terms: fulltext.terms) as the index holds it, from this
    worker's vocabulary, which knows every term written up to LOOK_EVERY_S ago (at once in the
    process that wrote it); None when the engine leaves a word out (its own stop words), for
    the engine to stem them all as before."""
    known = _current()
    stems = known.stems(set(words))
    found = []
    for word in words:
        stem = stems[word]
        if stem is None or not WORD.fullmatch(stem):
            return None
        begun = known.begun(stem, NAMED + 1)
        # Terms of letters and digits only are named (a tsquery reads them as written); one
        # such as "wi-fi" leaves the word a prefix.
        plain = 0 < len(begun) <= NAMED and all(WORD.fullmatch(term) for term in begun)
        found.append(Form(stem, tuple(begun) if plain else ()))
    return found


def listed(found: list[Form]) -> int:
    """How many services' entries a read of these words from the county's index goes through:
    for each word, the services that have its terms (this worker's vocabulary), summed."""
    known = _current()
    return sum(
        known.services.get(term, 0)
        for form in found
        for term in form.terms or known.begun(form.stem)
    )


def written(terms: tuple[str, ...]) -> bool:
    """Whether the index's terms, written in a search as they are, are read as themselves
    (the engine's stemmer leaves each unchanged: "walker" stays "walker"), so a search can
    name them one by one."""
    stems = _current().stems(set(terms))
    return all(stems[term] == term for term in terms)


def how_many(found: list[Form]) -> int:
    """About how many services in the county match words in these forms: the services that
    have each word's terms, as if the words fell independently (an upper bound for one word),
    from this worker's vocabulary."""
    known = _current()
    share = 1.0
    every = max(known.documents, 1)
    for form in found:
        terms = form.terms or known.begun(form.stem)
        share *= min(1.0, sum(known.services.get(term, 0) for term in terms) / every)
    return round(share * every)


def correct(words: str) -> list[str]:
    """Lower-case words with common misspellings fixed and words the index does not know
    matched to ones it does. A word of three letters or fewer, a stop word or one with a digit
    is never changed, nor is one the index knows, as a prefix or by its stem."""
    typed = [
        part
        for word in WORD.findall(folded(words.lower()))[:MAX_WORDS]
        for part in COMMON.get(word, word).split()
    ]
    questioned = {word for word in typed if _questionable(word)}
    if not questioned:
        return typed
    known = _current()
    stems = known.stems(questioned)
    unknown = {word for word in questioned if not _known(stems[word], known)}
    found: list[str] = []
    for word in typed:
        found.extend(_as_indexed(word, known) if word in unknown else [word])
    return found


def _known(stem: str | None, known: _Vocabulary) -> bool:
    """Whether the index finds a word stemmed so (None: the engine leaves it out, so there is
    nothing to correct)."""
    return stem is None or known.starts(stem)


def _questionable(word: str) -> bool:
    return len(word) >= 4 and word.isalpha() and word not in stop_words()


def _as_indexed(word: str, known: _Vocabulary) -> list[str]:
    """A word the index does not know: split when it is two known words run together; else
    the nearest term, spelled as a word; else as typed. Of the ways to split it, the one whose
    rarer half more services have wins ("warmspace" is "warm space", not "warms pace"), then
    the longer first word."""
    cuts = [(word[:cut], word[cut:]) for cut in range(len(word) - 3, 2, -1)]
    halves = {half for cut in cuts for half in cut if half not in stop_words()}
    stems = known.stems(halves)
    best, split = -1, []  # cuts run longest first word first: a tie keeps the earlier
    for first, second in cuts:
        if first in halves and second in halves:
            one, two = stems[first], stems[second]
            if one in known.services and two in known.services:
                both = min(known.services[one], known.services[two])
                if both > best:
                    best, split = both, [first, second]
    if split:
        return split
    stem = known.stems({word})[word]
    # A mistake can change how a word stems; when its stem is near no term, the word as
    # typed may still be.
    term = (known.near(stem) if stem else None) or known.near(word)
    return [_spelled(term, word, known)] if term else [word]


def _spelled(term: str, typed: str, known: _Vocabulary) -> str:
    """A word the index stems to `term`, the likest to what was typed: "therapi" typed
    "theraphies" is "therapies"; the term itself when no ending fits."""
    bases = {term, term + term[-1]} | ({term[:-1]} if term.endswith("i") else set())
    spellings = {base + ending for base in bases for ending in ENDINGS}
    # The likest few only: stemming is the cost here.
    likest = sorted(spellings, key=lambda s: (-fuzz.ratio(s, typed), len(s), s))[:SPELLINGS]
    stems = known.stems(set(likest))
    return next((spelling for spelling in likest if stems[spelling] == term), term)
