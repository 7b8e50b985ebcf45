"""The services a search's words (or, with no words, its need) match, found once a search
into a temporary table (`search_match`) that the search's queries (candidates.py) join by
key."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Engine,
    Integer,
    bindparam,
    column,
    event,
    func,
    literal,
    or_,
    select,
    table,
)
from sqlalchemy import text as text_clause
from sqlalchemy.dialects.postgresql import ARRAY

from accord import geo
from accord.extensions import db
from directory.models import ServiceSearch, TaxonomyTerm, service_term
from directory.search import cells, opening, ranker, shapes
from directory.search.fulltext import (
    SITES,
    fts_relevance_steps,
    in_online_run,
    listed_terms,
    near_terms,
    one_site,
    shaped,
    shaped_match,
)
from directory.search.query import Query
from directory.search.words import forms, how_many, listed

# `online` (PostgreSQL, words): whether the match is an online-only service (Words.flagged).
# `site` (PostgreSQL, words read round the place: Words.sited): the key of the one row of the
# place-ordered index the match was read from (its building's cell: cells.py), NULL when it
# was read from several (a service with buildings in several cells); a ring reads only the
# matches whose cell is within its box, or may be (candidates._from_matches).
MATCHES = table(
    "search_match",
    column("sid", Integer),
    column("relevance", Integer),
    column("online", Boolean),
    column("site", BigInteger),
)
# Up to this many matches, a search reads them and their buildings by key instead of every
# building near the place: a 20-mile search for "befriending" (1,850 matches among 50,000
# services) reads 2,000 links, not 20,000 buildings and 55,000 links. Measured on the bench
# county's 30-search mix (bench/search_mix.py): neither engine gains above 1,500 matches
# since totals are counted from the matches (candidates.READS); before, PostgreSQL's count
# read so many links near the place that starting from up to 6,000 matches paid.
FEW = {"sqlite": 1500, "postgresql": 1500}
# Matches that say their cell (Words.sited) are few up to this many: past it a ring looks up
# those in its cells alone, and the total stops at the cap (about CAP + 1 lookups), where one
# statement over them all looks up every one. "mentalhealth" near Telford at 50,000 services
# (1,451 matches): 24.7 -> 21.7 ms of CPU a search on PostgreSQL with the bound at 400 against
# 1,500, in turns in one process, request by request; searches of 400-500 matches (debt
# advice, warm space) moved within the noise, so the bound leaves them one statement.
SITED_FEW = 1000
# A search reads its words from the place-ordered index (migrations 0044, 0047) within this
# many miles of the place (SQLite: when RUN_COST says so); further, from the county's index.
# A wider box holds most of the county's matches, and reading them from the place-ordered
# rows (a service once a cell of its buildings, each row visited for its tsvector) cost more
# than reading the county's on PostgreSQL: at 50,000 services, "carers" within 10 miles
# 13.9 -> 16.5 ms, "befriending" within 20 miles 4.7 -> 7.5; within 5 miles they cost less
# ("food" within 3 miles of TF3 4NB 19.2 -> 15.9 ms, "food bank" within 5 miles of SY1 1UJ
# 15.6 -> 11.7). On SQLite, runs within 10 miles were no faster on the mix (7.3 -> 7.4 ms).
NEAR_MILES = 5.0
# SQLite reads one word round the place within this many miles (a run at a time, or the
# place-ordered index narrowed to the runs: Words.filtered), as PostgreSQL reads one word at
# any radius: a wider box holds most of the county. At 50,000 services "befriend" within 10
# miles of Ludlow wrote every match in the county for each ring to look up: 8.0 -> 5.2 ms a
# search in turns, the mix's other searches within the noise at 5,000 and 50,000.
ONE_WORD_MILES = 10.0
# A search whose words match at least MANY services in the county (about: words.how_many)
# reads the matches round the place within fewer miles than its radius first, when its page
# is read a ring at a time (search._nearest_page): within NEAR_MILES, or within the first
# band's mile for a radius up to NEAR_MILES (search._matched). Its first rings and its total,
# counted to the cap, mostly lie within them. A ring or a total that needs more reads the whole
# radius's then (Words.widen), as it does at once when fewer than SETTLES (the cap's worth,
# candidates.CAP) are round the place. Reading a county's 7,000 matches cost 10 ms of server
# CPU at 50,000 services ("carers" within 10 miles), its 800 round the place 3.
MANY = 2000
SETTLES = 200
# SQLite reads a search's words run by run from its place-ordered index (migration 0047)
# when their entries in the county's index, listed(), are at least this many for each run
# read, by the number of words: FTS5 opens every word's list once for each run and each
# step of the fill (fts_relevance_steps), so a run costs what reading about 200 entries of
# one word's list does (0.03-0.04 ms), and about 800 for two words' three steps. Measured
# on the 25 searches with words of bench/queries.py at 50,000 services: "carers" within 5
# miles 2.5 -> 0.5 ms, "food bank" 3.9 -> 2.1; "benefits advice" (10 runs, a rare pair)
# 0.5 -> 1.8 had it been read by runs. Three words or more are always read county-wide:
# their NEARs for each run cost more than their lists ("lunch club older people" 3.3 -> 6.2).
# Measured with the fill's reads for each part of the rule; read once with the ranker's
# function (ranker.py), a run and the county's lists each cost one read, not two or three.
RUN_COST = {1: 200, 2: 800}
# Up to this many matches read round the place (within NEAR_MILES), a search's rings read
# them and their buildings by key (Words.by_key), as it does when they are few, not every
# building within the ring from the spatial index: a town's first mile holds thousands of
# links at 50,000 services (5,360 within a mile of Shrewsbury's centre), its 5 miles a few
# hundred to a couple of thousand matches of a word. At 50,000 services (a slow machine),
# SQLite's first ring replayed: "help for carers" near SY2 5AA (1,819 matches) 8.7 -> 4.6
# ms, "dementia" near Oswestry 2.1 -> 0.7. PostgreSQL's CPU on the mix, by key and not in
# turns: the same, but "food" near TF3 4NB (3,445 matches) 40 -> 45 ms a search, which this
# bound keeps on the spatial index.
NEAR_BY_KEY = 2500
_MADE = (
    "CREATE TEMP TABLE IF NOT EXISTS search_match "
    "(sid INTEGER PRIMARY KEY, relevance INTEGER NOT NULL)"
)
# PostgreSQL's is made once for each connection, when it opens (keep_table), kept with it and
# emptied by each commit (ON COMMIT DELETE ROWS): a search is a GET, and a GET that changed
# nothing ends in a commit (accord/reads.py). Made per transaction and dropped at its end
# instead, it cost a search 0.3-0.4 ms of catalog writes, and PostgreSQL never vacuums a
# temporary table, so a kept one emptied by rollbacks alone would grow by the dead rows of
# every search (7 MB each 100 searches of 2,000 matches). With psycopg's prepared statements
# kept too, the mix at 50,000 services cost about a twentieth less CPU a search in turns
# (bench/results.md, stop 38). Each fill empties it first in the same statement (a DELETE in
# its WITH: Words._fill), for a search in the same transaction before it: made and emptied
# by a statement of their own for each search, they cost it a round trip (CPU a search at
# 50,000 services in turns: bench/results.md, stop 46). No primary key: its one INSERT adds
# each service once, and the queries read it whole into a hash; keeping a key's index up
# cost more than the rest of the INSERT (11,000 matches for "food" at 50,000 services: 23 ms
# with it, 10 without). Each match of words says whether it is online only (Words.flagged).
_MADE_PG = (
    "CREATE TEMP TABLE IF NOT EXISTS search_match (sid INTEGER NOT NULL, "
    "relevance INTEGER NOT NULL, online BOOLEAN NOT NULL DEFAULT false, site BIGINT) "
    "ON COMMIT DELETE ROWS"
)


def keep_table(engine: Engine) -> None:
    """PostgreSQL: each connection's table of matches made when the connection opens."""
    if engine.dialect.name != "postgresql":
        return

    def made(connection: Any, record: Any) -> None:
        with connection.cursor() as cursor:
            cursor.execute(_MADE_PG)
        connection.commit()

    event.listen(engine, "connect", made)


def _added(statement: Any, parameters: dict | None = None) -> int:
    """Run an INSERT (or UPDATE): the rows it changed. SQLAlchemy keeps an INSERT's count only
    when asked to (psycopg's would otherwise read -1)."""
    result: Any = shapes.execute(statement, parameters, preserve_rowcount=True)
    return result.rowcount


def run_list(box: geo.Box, outcode: str = "") -> list[tuple[int, int]]:
    """The runs of the place-ordered index a search reads, (first, last) keys: those round
    the box, the online-only services', and the area-wide services' of the place's district
    (when it has one); unused runs empty, (1, 0)."""
    found = [*cells.ranges(box), cells.run_of(cells.ONLINE)]
    found.append(cells.district_run(outcode) if outcode else (1, 0))
    return found + [(1, 0)] * (cells.RUNS + 2 - len(found))


def bound(found: list[tuple[int, int]], starts: str = "a", ends: str = "b") -> dict[str, int]:
    """Runs as the statements bind them: :a0, :b0 … (or under other names)."""
    values = {}
    for n, (first, last) in enumerate(found):
        values[f"{starts}{n}"], values[f"{ends}{n}"] = first, last
    return values


# A match read round the place whose one row there (its `site`) is in none of the runs of
# cells round a ring (bound as :ka0, :kb0 …: ring_runs) has no building within the ring.
IN_RING = or_(
    MATCHES.c.site.is_(None),
    *(
        MATCHES.c.site.between(
            bindparam(f"ka{n}", type_=BigInteger), bindparam(f"kb{n}", type_=BigInteger)
        )
        for n in range(cells.RUNS)
    ),
)


def ring_runs(origin: geo.Point, miles: float) -> dict[str, int]:
    """The runs of cells round a ring, as IN_RING binds them (unused runs empty: 1, 0)."""
    found = cells.ranges(geo.box(origin, miles))
    return bound(found + [(1, 0)] * (cells.RUNS - len(found)), "ka", "kb")


# A row of the place-ordered index in one of the squares round the place (bound as :squares:
# cells.squares), on PostgreSQL: its squares are in the full-text index beside its words
# (migration 0053), so one scan of it finds the rows that hold the words round the place.
# Read by key instead, the runs round the place and the words' rows in the county were two
# bitmaps to intersect: at 50,000 services "food bank" within a mile of SY1 1UJ read 4,390
# rows of the words and 6,900 round the place for 507 in both (the fill 4.5 -> 3.5 ms).
_IN_SQUARES = SITES.c.squares.op("&&")(bindparam("squares", type_=ARRAY(BigInteger)))


def _need_ids() -> Any:
    """The services of a need (bound as :need), each with relevance 0."""
    found = select(service_term.c.service_id, literal(0)).select_from(
        service_term.join(TaxonomyTerm)
    )
    return found.where(TaxonomyTerm.code == shapes.NEED)


class Words:
    """The services a search's words (or, with no words, its need) match, worked out once per
    search and written to a temporary table of the connection (`search_match`: sid,
    relevance), which every query of the search (a ring or two, the count, the online section)
    joins by key. SQLite fills it from FTS5, each word's list read once; PostgreSQL from the
    GIN index, each match's tsvector read once, not once a query for every row near the place
    (which cost 200–550 ms a search at 50,000 services). Given a place and up to NEAR_MILES,
    the words are read from the place-ordered index (migrations 0044, 0047) in the runs round
    it only, with the online-only services and the area-wide ones of the place's district
    (`outcode`): the matches near the place, not the county's (on SQLite when the runs cost
    less than the county's index: RUN_COST). PostgreSQL reads a search of one word round the
    place at any radius, from its words' own index (migration 0048, fulltext.near_terms).
    Given a query for "open now" or a day (`query.when`), only the services that may be open
    then."""

    def __init__(
        self,
        words: list[str],
        need: str = "",
        query: Query | None = None,
        origin: geo.Point | None = None,
        miles: float = 0.0,
        outcode: str = "",
        first: float = 0.0,
    ):
        self.words = bool(words)  # False: the matches are the need's services
        self.typed, self.need = words, need
        # With "open now" or a day asked for, only the services that may be open then are
        # matches (opening.py): the search reads those few by key, not every service near
        # the place for Python to keep one in twenty (at night).
        self.asked = query if query is not None and query.when else None
        self.size = 0
        self.few = True
        self.origin, self.outcode = origin, outcode
        # The search's radius, and the miles round the place the matches were read within:
        # fewer given `first` (those round the place first; the rest when a ring or the
        # total needs them: widen).
        self.radius = miles
        # The words as the index holds them (None: the engine leaves one out), worked out once.
        self.forms = forms(words) if words else None
        self.miles = first if 0 < first < miles and self._many() else miles
        # SQLite, words: their whole MATCH expression when every one is named (online_run).
        self.named: str | None = None
        # PostgreSQL, one word and the index's terms it begins: those terms, for reading them
        # from their index by word and place (fulltext.near_terms); None otherwise.
        postgres = db.engine.dialect.name == "postgresql"
        self.listed = listed_terms(words) if words and postgres else None
        self.placed = False  # whether the matches are those round the place alone
        # SQLite: whether the place-ordered index is read whole, once, for the rows in the runs
        # round the place (Words._find), not a run at a time.
        self.filtered = False
        self._find()
        if self.partial and self.size < SETTLES:
            self.widen(miles)

    def _many(self) -> bool:
        """Whether the words match at least MANY services in the county."""
        return self.forms is not None and how_many(self.forms) >= MANY

    def _runs_pay(self, near: list[tuple[int, int]]) -> bool:
        """SQLite: whether reading the words from the place-ordered index run by run costs
        less than reading them from the county's (see RUN_COST)."""
        named = self.forms
        if named is None or len(named) > 2:
            return False
        used = sum(first <= last for first, last in near)
        return listed(named) >= used * RUN_COST[len(named)]

    def online_run(self) -> dict[str, Any]:
        """SQLite, with words: the values for reading the words' matches among the online
        services from the online run of the place-ordered index (online.section): the
        words' MATCH expression and the run's keys. Empty otherwise, and for words read as
        prefixes (fulltext.Fill.named)."""
        if self.named is None:
            return {}
        first, last = cells.run_of(cells.ONLINE)
        return {"online_q": self.named, "online_first": first, "online_last": last}

    @property
    def by_key(self) -> bool:
        """Whether a ring reads the matches' buildings by key (candidates.nearest), not every
        building within it from the spatial index: when the matches are few, or read round
        the place and no more than NEAR_BY_KEY."""
        return self.few or (self.placed and self.size <= NEAR_BY_KEY)

    @property
    def sited(self) -> bool:
        """Whether each match says which one row of the place-ordered index round the place it
        was read from, if one (`site`: PostgreSQL, words read round the place), for a ring to
        look up only the matches that may be within it (candidates._from_matches). SQLite's
        fills would have to group each read by service to say so, which cost more than the
        rings it spared (at 50,000 services, "food" within 3 miles of TF3 4NB 9.6 -> 11.2 ms
        a search in turns)."""
        return self.placed and self.words and db.engine.dialect.name == "postgresql"

    @property
    def flagged(self) -> bool:
        """Whether each match says whether it is online only (the `online` column: PostgreSQL,
        words), so that the online section reads those alone (online.section), not every
        online service in the county for each to be looked up in the matches (985 at 50,000
        services)."""
        return self.words and db.engine.dialect.name == "postgresql"

    @property
    def partial(self) -> bool:
        """Whether the matches are those within fewer miles of the place than the search's
        radius: enough for its rings up to `miles`, and for a total that reaches the cap."""
        return self.placed and self.miles < self.radius

    def widen(self, miles: float) -> None:
        """The matches within more miles instead: the whole radius (after the first miles),
        or twice it, to say how many there are when none are within it."""
        if self.placed and miles > self.miles:
            self.miles = miles
            self._find()

    def _find(self) -> None:
        """The matches: round the place (its box, with the area-wide and online-only ones),
        or the county's."""
        postgres = db.engine.dialect.name == "postgresql"
        if not postgres:
            shapes.execute(text_clause(_MADE))
            shapes.execute(MATCHES.delete())
        words = self.typed
        # PostgreSQL reads one word's terms (listed_terms) from their own index by word and
        # place (migration 0048) round the place, whatever its radius; other words, within
        # NEAR_MILES of it from the place-ordered full-text index; SQLite, within NEAR_MILES
        # (one word: ONE_WORD_MILES), a run at a time when that costs less than reading the
        # county's (RUN_COST).
        listed = self.listed
        near: list[tuple[int, int]] = []  # the runs round the place, when read from them
        one = not postgres and len(words) == 1 and self.miles <= ONE_WORD_MILES
        if words and self.origin is not None and (self.miles <= NEAR_MILES or listed or one):
            near = run_list(geo.box(self.origin, self.miles), self.outcode)
        # SQLite, when the runs cost more than reading the county's index (RUN_COST): the
        # place-ordered index read once, as the county's is, and its rows outside the runs
        # left out as they are read, not every match in the county written for each ring
        # and the count to look up its buildings: at 50,000 services, "counselling" within 5
        # miles of TF1 1HF wrote 1,134 matches for a radius holding 248, and its page's
        # statement looked up every one (1.01 ms; 0.72 with the 402 round the place).
        self.filtered = bool(near) and not postgres and not self._runs_pay(near)
        if not words:
            self.size = self._fill(("need",), _need_ids, {"need": self.need})
        elif postgres:
            self.size = self._postgresql(near, listed)
        else:
            self.size = self._sqlite(near)
        # Matches of part of the radius are read a ring at a time, never all at once.
        few = FEW["postgresql" if postgres else "sqlite"]
        few = min(few, SITED_FEW) if self.sited else few
        self.few = self.size <= few and not self.partial

    def _postgresql(self, near: list[tuple[int, int]], listed: list[str] | None) -> int:
        """Fill the matches on PostgreSQL (round the place given `near`, its runs): the rows
        added."""
        self.placed = bool(near)
        if near and listed:
            runs = [run for run in near if run[0] <= run[1]]
            values = {"word": listed, "firsts": [a for a, _ in runs]}
            values["lasts"] = [b for _, b in runs]
            return self._fill(("terms",), near_terms, values)
        shape, texts = shaped(self.typed)
        sites = self.placed

        def found_ids() -> Any:
            found = shaped_match(shape, sites)
            assert found.condition is not None
            if not sites:
                online = ServiceSearch.reach == "online"
                return select(found.service_id, found.relevance, online).where(found.condition)
            # Each row's relevance worked out as it is read, and the rows grouped after: a
            # service in several cells once (its relevance is the same in each). Grouped as
            # read, the rows were sorted by service with their tsvectors for the relevance
            # to be worked out after (600 bytes a row); the OFFSET keeps the read a subquery
            # of its own. "walking group" within 5 miles of TF12 5AA at 50,000 services (533
            # rows read, 225 kept): its SELECT ran in 2.35-3.00 ms, now 2.05-2.26 (EXPLAIN
            # ANALYZE, twice each).
            read = (
                select(
                    found.service_id.label("sid"),
                    SITES.c.key.label("key"),
                    found.relevance.label("relevance"),
                )
                .where(found.condition, _IN_SQUARES)
                .offset(0)
                .subquery("read")
            )
            ids = select(
                read.c.sid,
                func.max(read.c.relevance),
                func.bool_or(in_online_run(read.c.key)),
                one_site(read.c.key),
            )
            return ids.group_by(read.c.sid)

        values = dict(texts)
        if sites and self.origin is not None:
            box = geo.box(self.origin, self.miles)
            values["squares"] = cells.squares(box, self.outcode)
        return self._fill(("words", sites, *shape), found_ids, values)

    def _sqlite(self, near: list[tuple[int, int]]) -> int:
        """Fill the matches on SQLite (round the place given `near`, its runs): one FTS5 read
        rated by the ranker's function, or, without it, one read per part of the rule. How
        many were found: the rows each INSERT added (a service read in several runs, or a
        title match, is not added twice), less those that cannot be open."""
        size = 0
        fill = fts_relevance_steps(self.typed, near, self.filtered, ranker.ready())
        for statement, values in fill.steps:
            # Kept, one for each step and number of runs: made for each search, SQLAlchemy
            # read its two dozen bound values again each time (at 50,000 services, the mix's
            # CPU a search 11.53 -> 11.10 ms in turns, request by request).
            made = shapes.kept(("fts", statement), functools.partial(text_clause, statement))
            added = _added(made, {**values, **bound(fill.runs)})
            size += added if statement.startswith("INSERT") else 0
        self.placed = bool(fill.runs)
        self.named = fill.named
        if (asked := self.asked) is not None:
            closed = shapes.kept(
                ("search_match", "closed", asked.when == "now"),
                lambda: MATCHES.delete().where(~opening.may_open(asked, MATCHES.c.sid)),
            )
            size -= _added(closed, opening.values(asked))
        return size

    def _fill(self, key: tuple, build: Callable[[], Any], values: dict[str, Any]) -> int:
        """Write the matches the statement `build` makes selects (sid, relevance), those that
        may be open only when the query asks: the rows added. The statement is kept per shape
        (`key`, and whether and how the query asks when) and run with `values`."""
        asked = self.asked

        def made() -> Any:
            found = build()
            if asked is not None:
                found = found.where(opening.may_open(asked, found.selected_columns[0]))
            named = ["sid", "relevance", "online", "site"][: len(found.selected_columns)]
            filled = MATCHES.insert().from_select(named, found)
            if db.engine.dialect.name != "postgresql":
                return filled
            # Emptied of an earlier search's (or a narrower read's) matches by the same
            # statement: the DELETE sees none of the rows the INSERT adds.
            return filled.add_cte(MATCHES.delete().cte("emptied"))

        when = None if asked is None else asked.when == "now"
        statement = shapes.kept(("search_match", *key, when), made)
        return _added(statement, {**values, **(opening.values(asked) if asked else {})})

    def join(self, statement: Any, sid: Any) -> tuple[Any, Any]:
        """`statement` narrowed to the matches, and the relevance column."""
        return statement.join(MATCHES, MATCHES.c.sid == sid), MATCHES.c.relevance
