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
    Boolean,
    Integer,
    Select,
    SQLColumnExpression,
    String,
    Text,
    and_,
    bindparam,
    case,
    column,
    func,
    literal,
    literal_column,
    select,
    table,
)
from sqlalchemy import cast as cast_as
from sqlalchemy import text as sql_text
from sqlalchemy.dialects.postgresql import ARRAY, TSQUERY
from sqlalchemy.sql.expression import ColumnElement, FromClause, TableClause, TextClause

from accord.extensions import db
from directory.models import ServiceSearch
from directory.search import cells, ranker
from directory.search.stopwords import without_stop_words
from directory.search.words import Form, forms, written
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


# A word that begins up to this many of the index's terms is read as those terms, each a
# term's list as stored, not as a prefix FTS5 gathers into memory first. Two words near each
# other are read as every pair of their terms (at most ALTERNATIVES² NEARs).
ALTERNATIVES = 4


def _fts_words(words: list[str]) -> list[list[str]]:
    """The words (already terms) as FTS5 operands, each a list of alternatives: the word as a
    prefix (["counsel"*] finds "counselling"), or, when the index's terms that begin with its
    stem are few (ALTERNATIVES), those terms ("carers" is ["carers"], which FTS5 stems to
    `carer`, the one term that begins "carer"; "walking" is ["walk", "walker"]). Both find
    the same services; a term's list FTS5 reads as stored, where a prefix's it gathers into
    memory first, positions and all, from the whole index, each time it is read: filling the
    matches for the 19 kinds of words of bench/queries.py at 50,000 services took 32 ms, not
    43, with the one-term words alone read as terms. The index's terms are this worker's
    vocabulary's (words.forms), which knows every term written up to words.LOOK_EVERY_S ago:
    a service whose word begins the stem with a term no service had before waits that long
    to be found by it, as on PostgreSQL. A term is written as itself only when FTS5's
    tokenizer leaves it so (words.written)."""
    named = forms(words)
    if named is None:
        return [[f'"{word}"*'] for word in words]
    found = []
    for word, form in zip(words, named, strict=True):
        if form.terms == (form.stem,):
            found.append([f'"{word}"'])
        elif 1 < len(form.terms) <= ALTERNATIVES and written(form.terms):
            found.append([f'"{term}"' for term in form.terms])
        else:
            found.append([f'"{word}"*'])
    return found


def named(operands: list[list[str]]) -> bool:
    """Whether every word is read as the index's terms, none as a prefix: the place-ordered
    index can then be read a run at a time (matches.Words) without a prefix gathered from
    the whole index for each run."""
    return all(not phrase.endswith("*") for word in operands for phrase in word)


def _either(phrases: list[str]) -> str:
    return phrases[0] if len(phrases) == 1 else "(" + " OR ".join(phrases) + ")"


def _fts_pair(a: list[str], b: list[str], gap: int) -> str:
    """a and b with at most `gap` words between them: any of a's terms with any of b's (FTS5's
    NEAR takes phrases, not ORs)."""
    return _either([f"NEAR({x} {y}, {gap})" for x in a for y in b])


def _fts_near(words: list[list[str]], gap: int) -> str:
    return " AND ".join(_fts_pair(a, b, gap) for a, b in combinations(words, 2))


def _fts_phrase(words: list[list[str]]) -> str:
    return " AND ".join(_fts_pair(a, b, PHRASE) for a, b in pairwise(words))


def _fts_title(words: list[list[str]]) -> str:
    return "{title} : (" + " AND ".join(_either(word) for word in words) + ")"


def _fts_query(operands: list[list[str]]) -> str:
    """The FTS5 MATCH expression for the words (as _fts_words gives them)."""
    if len(operands) == 1:
        return _either(operands[0])
    return f"{_fts_title(operands)} OR ({_fts_near(operands, NEAR)})"


def _fts_source(runs: int, filtered: bool = False, rated: bool = False) -> str:
    """The ids FTS5 matches for :q: the county's index's, or (`runs` > 0) the place-ordered
    index's in runs :a0-:b0 … (each run read on its own, FTS5 seeking each term's list to
    it; `filtered`: the lists read whole, once, and the rows outside the runs left out as
    they are read, FTS5 being given no bound on the rowid), a service once a cell it stands
    in. `rated`: each with `r`, its relevance by the rule or -1 (ranker.c), the phrases of :q
    being those of the words :m numbers."""
    index = "search_site_fts" if runs else "service_search_fts"
    rating = f", {ranker.NAME}({index}, :m, {NEAR}, {PHRASE}) AS r" if rated else ""
    if not runs:
        return f"SELECT rowid AS sid{rating} FROM service_search_fts(:q)"  # noqa: S608
    picked = f"SELECT rowid & {cells.ID_MASK} AS sid{rating} FROM search_site_fts(:q)"  # noqa: S608
    if filtered:
        within = " OR ".join(f"rowid BETWEEN :a{n} AND :b{n}" for n in range(runs))
        return f"{picked} WHERE {within}"
    return " UNION ALL ".join(f"{picked} WHERE rowid BETWEEN :a{n} AND :b{n}" for n in range(runs))


class Fill(NamedTuple):
    """How SQLite fills a search's matches (fts_relevance_steps)."""

    steps: list[tuple[str, dict[str, str]]]  # (statement, its values: :q the MATCH expression)
    runs: list[tuple[int, int]]  # the place-ordered index's runs read, bound as :a0, :b0 …
    named: str | None  # the whole MATCH expression when every word is named(), else None


def fts_relevance_steps(
    words: list[str],
    runs: list[tuple[int, int]] | None = None,
    filtered: bool = False,
    rated: bool = False,
) -> Fill:
    """How SQLite fills a search's `search_match` table (sid, relevance), as (statement,
    values) pairs. `rated` (ranker.ready()): one read of the rows holding every word, the rule
    and the relevance told for each row by the ranker's function. Otherwise one read per part
    of the rule: the title matches (2), then the other matches (0), then 1 more for a phrase.
    Either way the same relevance as match() gives. Given `runs` (first, last keys) and words
    all read as the index's terms (named()), from the place-ordered index's runs, those not
    empty (none: from the county's), where a service may be found in several (so each INSERT
    skips one added); `filtered`: the same rows, the place-ordered index's lists read once and
    narrowed to the runs, for words read as prefixes too. With the whole MATCH expression of
    named words, for the online section to read the online run with (online.section)."""
    operands = _fts_words(terms(words) or ["\u2205"])
    whole = _fts_query(operands) if named(operands) else None
    used = [run for run in runs or [] if run[0] <= run[1]] if whole or filtered else []
    # Made of constants and run numbers alone, never of what was typed (bound as :q).
    source = _fts_source(len(used), filtered, rated)
    verb = "INSERT OR IGNORE " if used else "INSERT "
    if rated:
        # Each phrase of the expression numbered by its word, in order ("0011": two words of
        # two terms each).
        numbers = "".join(str(n) * len(word) for n, word in enumerate(operands))
        every = " AND ".join(_either(word) for word in operands)
        rule = f"INTO search_match (sid, relevance) SELECT sid, r FROM ({source}) WHERE r >= 0"  # noqa: S608
        return Fill([(verb + rule, {"q": every, "m": numbers})], used, whole)
    into = f"INTO search_match (sid, relevance) SELECT sid, {{}} FROM ({source})"  # noqa: S608
    first, others = verb + into, "INSERT OR IGNORE " + into
    title = {"q": _fts_title(operands)}
    if len(operands) == 1:
        rest = {"q": _either(operands[0])}
        return Fill([(first.format(3), title), (others.format(1), rest)], used, whole)
    steps = [
        (first.format(2), title),
        (others.format(0), {"q": _fts_near(operands, NEAR)}),
        (
            f"UPDATE search_match SET relevance = relevance + 1 WHERE sid IN ({source})",  # noqa: S608
            {"q": _fts_phrase(operands)},
        ),
    ]
    return Fill(steps, used, whole)


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
SITES = table(
    "search_site",
    column("key", BigInteger),
    column("service_id", Integer),
    column("squares", ARRAY(BigInteger)),
)


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


# PostgreSQL's words of the place-ordered index, each with its row's key and whether it is a
# title word, in order of word then key (migration 0048).
TERMS = table(
    "search_term", column("term", String), column("key", BigInteger), column("title", Boolean)
)


def listed_terms(words: list[str]) -> list[str] | None:
    """PostgreSQL: the index's terms a search of one word (as match() reads it) begins, for
    reading them from `search_term` (near_terms); None for several words, and for a word read
    as a prefix or stemmed by the engine (shaped()'s other shapes). Several words are read
    from `search_site`'s full-text index: every row holding them all is read for the
    nearness rule either way, and the index finds those rows in fewer reads than their words'
    ranges of `search_term` hold ("lunch club older people" within 20 miles: 2 ms one way,
    13 the other)."""
    named = forms(terms(words) or ["\u2205"])
    if named is None or len(named) != 1 or not named[0].terms:
        return None
    return list(named[0].terms)


def near_terms() -> Select:
    """PostgreSQL, one word's terms (:word, listed_terms()): the services that hold them in
    the runs round the place (bound as two arrays, :firsts and :lasts), as (sid, relevance,
    online), read from `search_term` alone, a range of its index for each run; relevance 3
    for a title word, else 1 (as match())."""
    runs = (
        func.unnest(
            bindparam("firsts", type_=ARRAY(BigInteger)),
            bindparam("lasts", type_=ARRAY(BigInteger)),
        )
        .table_valued(column("a", BigInteger), column("b", BigInteger))
        .render_derived(name="runs")
    )
    held = TERMS.c
    found = held.term == func.any(bindparam("word", type_=ARRAY(Text)))
    joined = runs.join(TERMS, and_(found, held.key.between(runs.c.a, runs.c.b)))
    # A service once, however many of its cells hold the word.
    sid = held.key.op("&")(literal(cells.ID_MASK, BigInteger))
    relevance = func.max(case((held.title, 3), else_=1))
    online = func.bool_or(in_online_run(held.key)).label("online")
    read = select(sid.label("sid"), relevance.label("relevance"), online, one_site(held.key))
    return read.select_from(joined).group_by(sid)


def one_site(key: ColumnElement[int]) -> ColumnElement[Any]:
    """Of a service's rows of the place-ordered index read (grouped by service): their key
    when they are all one row's, else NULL (its `site` among the matches: matches.MATCHES)."""
    return case((func.min(key) == func.max(key), func.min(key))).label("site")


def in_online_run(key: ColumnElement[int]) -> ColumnElement[bool]:
    """Whether a key of the place-ordered index is in its online run: an online-only
    service's text is there alone (cells.py), so it says whether the service is online only."""
    first, last = cells.run_of(cells.ONLINE)
    return key.between(literal(first, BigInteger), literal(last, BigInteger))


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
