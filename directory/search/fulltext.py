"""The full-text match on each engine, with the same rules on both: SQLite's FTS5 table (columns
title and document) or PostgreSQL's stored tsvector (title weighed 'A', the rest 'B'), for
the words words.py has settled on.

The rules (the README's "How search ranks services"):
- Stop words are left out on both engines ("help for carers" is "carers help"), and so is
  "help" when other words remain (a carers' group's text need not say "help").
- Each word matches as a prefix ("counsel" finds "counselling").
- One word: found anywhere. Several: either all of them in the title (name, organisation,
  needs), or each two of them within NEAR words of each other (so "closed on bank holidays …
  hot food" is not a "food bank").
- Relevance, an integer so both engines order alike: 2 for all the words in the title, plus 1
  when the words stand together as a phrase (at most one word between each two next to each
  other in the search; always so for one word).
"""

from __future__ import annotations

import re
from itertools import combinations, pairwise
from typing import Any, NamedTuple, cast

from sqlalchemy import (
    BigInteger,
    Integer,
    Select,
    SQLColumnExpression,
    String,
    and_,
    bindparam,
    case,
    column,
    func,
    literal_column,
    select,
    table,
)
from sqlalchemy import cast as cast_as
from sqlalchemy import text as sql_text
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.sql.expression import ColumnElement, FromClause, TableClause, TextClause

from accord.extensions import db
from directory.models import ServiceSearch
from directory.search.stopwords import without_stop_words
from directory.search.words import Form, forms
from directory.text import folded

# Words between two search words that still count as "near": "food bank", "food and bank",
# "free … food" in one sentence match; words apart in different sentences do not ("hot
# food … closed on bank holidays" has nine between).
NEAR = 6
# Words between two search words that still make a phrase ("help for carers").
PHRASE = 1
MAX_TERMS = 8
# Words that say someone wants help, not which help: left out when other words remain, so
# "help for carers" finds carers' groups whose text never says "help".
FILLER = frozenset({"help"})
TERM = re.compile(r"[a-z0-9]+")

# The full-text index per engine, made by migrations outside the models (0019): PostgreSQL's
# stored tsvector column with its GIN index, SQLite's FTS5 table.
_FTS5 = table("service_search_fts", column("rowid", Integer))


class Match(NamedTuple):
    source: FromClause  # the index, to select from
    service_id: SQLColumnExpression[Any]
    condition: ColumnElement[bool] | TextClause | None  # None: the source matches already
    relevance: SQLColumnExpression[Any]  # 0-3, higher is better, the same on both engines


def terms(words: list[str]) -> list[str]:
    """The words as the index sees them: letters and digits only, stop words left out, each
    once."""
    found: list[str] = []
    for word in words:
        for part in TERM.findall(folded(word.lower())):
            if part not in found:
                found.append(part)
    found = without_stop_words(found)
    return ([word for word in found if word not in FILLER] or found)[:MAX_TERMS]


def match(words: list[str]) -> Match:
    """The services whose text matches `words` by the rules above, with their relevance."""
    words = terms(words) or ["\u2205"]  # nothing to search for: a term no document has
    if db.engine.dialect.name == "postgresql":
        return _postgresql(words)
    return _sqlite(words)


# --- SQLite: FTS5 ---------------------------------------------------------------------------


def _fts_words(words: list[str]) -> list[str]:
    """The words (already terms) as FTS5 operands: each a prefix ("counsel"* finds
    "counselling"), or, when its stem is the one term of the index that begins with it, that
    term alone ("carers" is "carer", and no other term begins "carer"), which finds the same
    services: FTS5 gathers every term of a prefix into one list in memory, positions and
    all, before it can read it, where a term's list it reads as stored. Filling the matches
    for the 19 kinds of words of bench/queries.py at 50,000 services took 32 ms, not 43
    ("lunch club older people" 8.7 -> 3.6 ms), each search's matches the same. The index's
    terms are this worker's vocabulary's (words.forms), which knows every term written up to
    words.LOOK_EVERY_S ago: a service whose word begins the stem with a term no service had
    before waits that long to be found by it, as on PostgreSQL."""
    named = forms(words)
    if named is None:
        return [f'"{word}"*' for word in words]
    return [
        f'"{word}"' if form.terms == (form.stem,) else f'"{word}"*'
        for word, form in zip(words, named, strict=True)
    ]


def _fts_near(words: list[str], gap: int) -> str:
    return " AND ".join(f"NEAR({a} {b}, {gap})" for a, b in combinations(words, 2))


def _fts_phrase(words: list[str]) -> str:
    return " AND ".join(f"NEAR({a} {b}, {PHRASE})" for a, b in pairwise(words))


def _fts_title(words: list[str]) -> str:
    return "{title} : (" + " AND ".join(words) + ")"


def _fts_query(operands: list[str]) -> str:
    """The FTS5 MATCH expression for the words (as _fts_words gives them)."""
    if len(operands) == 1:
        return operands[0]
    return f"{_fts_title(operands)} OR ({_fts_near(operands, NEAR)})"


def fts_relevance_steps(words: list[str]) -> list[tuple[str, str]]:
    """How SQLite fills a search's `search_match` table (sid, relevance) with one FTS5 read
    per part of the rule, as (statement, MATCH expression for :q) pairs: the title matches
    (2), then the other matches (0), then 1 more for a phrase. The same relevance as
    match() gives, without reading the words' lists again for each part."""
    words = _fts_words(terms(words) or ["\u2205"])
    title = _fts_title(words)
    insert = (
        "INSERT INTO search_match (sid, relevance) SELECT rowid, {} FROM service_search_fts(:q)"
    )
    others = insert.replace("INSERT", "INSERT OR IGNORE", 1)
    if len(words) == 1:
        return [(insert.format(3), title), (others.format(1), words[0])]
    return [
        (insert.format(2), title),
        (others.format(0), _fts_near(words, NEAR)),
        (
            "UPDATE search_match SET relevance = relevance + 1 "
            "WHERE sid IN (SELECT rowid FROM service_search_fts(:q))",
            _fts_phrase(words),
        ),
    ]


def _fts_matches(name: str, query: str) -> Select:
    """The ids FTS5 matches for `query`, as a subquery of their own (the table-valued form:
    no name to clash with the outer query's)."""
    source = sql_text(f"service_search_fts(:{name})").bindparams(bindparam(name, query))
    return select(literal_column("rowid")).select_from(source)


def _sqlite(words: list[str]) -> Match:
    operands = _fts_words(words)
    condition = sql_text("service_search_fts MATCH :fts_q").bindparams(fts_q=_fts_query(operands))
    rowid = _FTS5.c.rowid
    title = _fts_title(operands)
    relevance: Any = case((rowid.in_(_fts_matches("fts_title", title)), 2), else_=0)
    if len(words) > 1:
        phrase = rowid.in_(_fts_matches("fts_phrase", _fts_phrase(operands)))
        relevance = relevance + case((phrase, 1), else_=0)
    else:
        relevance = relevance + 1
    # "rowid + 0": joined on the bare rowid, SQLite would run the MATCH once for each row
    # of the other side; this way it reads the matches once and looks the rest up by key.
    return Match(_FTS5, rowid + 0, condition, relevance)


# --- PostgreSQL: tsvector -------------------------------------------------------------------


def _ts_word(word: Form, weight: str = "") -> str:
    """A word as a tsquery operand: the index's terms it begins, named, or its stem as a
    prefix (words.forms)."""
    if not word.terms:
        return f"{word.stem}:*{weight}"
    named = [f"{term}:{weight}" if weight else term for term in word.terms]
    return named[0] if len(named) == 1 else "(" + " | ".join(named) + ")"


def _ts_near(a: Form, b: Form, gap: int) -> str:
    """a and b with at most `gap` words between them, either way round: PostgreSQL's <N> is
    an exact distance, and counts the stop words it leaves out, as FTS5's NEAR does."""
    return (
        "("
        + " | ".join(
            f"{_ts_word(x)} <{d}> {_ts_word(y)}"
            for d in range(1, gap + 2)
            for x, y in ((a, b), (b, a))
        )
        + ")"
    )


def _ts_title(words: list[Form]) -> str:
    return "(" + " & ".join(_ts_word(w, "A") for w in words) + ")"


def ts_query(words: list[Form]) -> str:
    if len(words) == 1:
        return _ts_word(words[0])
    near = " & ".join(_ts_near(a, b, NEAR) for a, b in combinations(words, 2))
    return f"{_ts_title(words)} | ({near})"


# PostgreSQL's place-ordered index (migration 0044; directory/search/cells.py): a service's
# words once for each cell of its buildings, keyed in order of place.
SITES = table("search_site", column("key", BigInteger), column("service_id", Integer))


class Shape(NamedTuple):
    """What of PostgreSQL's match changes its SQL: whether the words are the index's terms,
    named (a tsquery as written), or stems to_tsquery reads; and whether there are several."""

    named: bool
    several: bool


def _ts_values(typed: list[str]) -> tuple[Shape, dict[str, str]]:
    """The shape of PostgreSQL's match for the words (already terms) and its tsqueries, bound
    by name: fts_title, fts_q, and for several words fts_phrase and fts_all."""
    named = forms(typed)
    words = named if named is not None else [Form(word, ()) for word in typed]
    texts = {"fts_title": _ts_title(words), "fts_q": ts_query(words)}
    if len(words) > 1:
        texts["fts_phrase"] = " & ".join(_ts_near(a, b, PHRASE) for a, b in pairwise(words))
        texts["fts_all"] = " & ".join(_ts_word(w) for w in words)
    return Shape(named is not None, len(words) > 1), texts


def shaped(words: list[str]) -> tuple[Shape, dict[str, str]]:
    """_ts_values() of the words as match() reads them, for a statement kept per shape
    (shaped_match) and run with these values: building one per search, and working out its
    cache key, cost a PostgreSQL search with words 0.2-0.4 ms of CPU."""
    return _ts_values(terms(words) or ["\u2205"])


def shaped_match(shape: Shape, sites: bool = False) -> Match:
    """match() on PostgreSQL for words of this shape, their tsqueries bound by name at each run
    (shaped()). With `sites`, on the place-ordered index's rows, to be read with the runs of
    keys round a place (matches.Words)."""
    if sites:
        return _ts_match(shape, None, SITES, SITES.c.service_id)
    return _ts_match(shape, None)


def _postgresql(
    typed: list[str],
    source: TableClause | None = None,
    service_id: SQLColumnExpression[Any] = ServiceSearch.service_id,
) -> Match:
    shape, texts = _ts_values(typed)
    return _ts_match(shape, texts, source, service_id)


def _ts_match(
    shape: Shape,
    texts: dict[str, str] | None,
    source: TableClause | None = None,
    service_id: SQLColumnExpression[Any] = ServiceSearch.service_id,
) -> Match:
    """The match of a shape, its tsqueries held (`texts`) or bound by name at each run."""
    source = cast(TableClause, ServiceSearch.__table__) if source is None else source
    vector: ColumnElement[Any] = literal_column(f"{source.name}.search_vector")
    # The words as the index holds them (stemmed, the terms each begins named), read as
    # written; when the engine would leave a word out, all stemmed by it, as typed.
    english: ColumnElement[Any] = literal_column("'english'::regconfig")

    def query(name: str) -> ColumnElement[Any]:
        value = (
            bindparam(name, texts[name], type_=String) if texts else bindparam(name, type_=String)
        )
        if shape.named:
            return cast_as(value, TSQUERY)
        return func.to_tsquery(english, value)

    def matches(name: str) -> ColumnElement[bool]:
        # The function, not the operator: no index is looked for, the row at hand is tested.
        return func.ts_match_vq(vector, query(name)).is_(True)

    relevance: Any = case((matches("fts_title"), 2), else_=0)
    condition: ColumnElement[bool] = vector.bool_op("@@")(query("fts_q"))
    if shape.several:
        relevance = relevance + case((matches("fts_phrase"), 1), else_=0)
        # Every match has all the words: the GIN index finds those alone, and the title and
        # nearness rule is tested on them. Given the whole rule, the index tests its fourteen
        # distances a pair on every candidate, or the planner reads every row: "food bank"
        # 167 -> 34 ms, "lunch club older people" 551 -> 29 ms at 50,000 services.
        condition = and_(vector.bool_op("@@")(query("fts_all")), matches("fts_q"))
    else:
        relevance = relevance + 1
    return Match(source, service_id, condition, relevance)
