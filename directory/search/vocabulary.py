"""The full-text index's own words, as spelling corrections need them: all of them once per
worker, then the words of the documents written since (migration 0020); and a search word
stemmed the way the index stems it, so "known" means what the match will find.

SQLite: the terms of the fts5vocab table `service_search_fts_vocab`; words stemmed by FTS5's
own tokenizer with the index's settings (read from its CREATE statement) in a private
in-memory database. PostgreSQL: a snapshot of the lexemes (ts_stat, kept in
`service_search_fts_terms`) and the documents written since it was taken; ts_stat reads every
tsvector (1.7 s at 50,000 services), so it is taken again only after a big change (by one
worker) or daily (`flask directory vocabulary`); words stemmed by to_tsvector."""

from __future__ import annotations

import functools
import re
import sqlite3
import threading
from collections import Counter
from typing import NamedTuple

from sqlalchemy import bindparam, text

from accord.extensions import db

# A worker that finds more documents than this written since it last looked reads the whole
# vocabulary again (after a big import that is quicker than reading every document).
MOST_CHANGES = 2000
# PostgreSQL: every transaction from xmax on is still to come; those listed as running may
# still commit. All the others have ended, and a look has seen what they wrote.
_SNAPSHOT = (
    "SELECT pg_snapshot_xmax(s)::text::bigint, "
    "ARRAY(SELECT x::text::bigint FROM pg_snapshot_xip(s) AS x) FROM pg_current_snapshot() AS s"
)
_NEXT = "SELECT coalesce(max(rev), 0) + 1, NULL FROM service_search_fts_changes"
_TOKENIZE = re.compile(r"""tokenize\s*=\s*('(?:[^']|'')*'|"(?:[^"]|"")*"|\w+)""", re.I)


class Since(NamedTuple):
    """Where the next look for documents written starts: revisions from `rev` on, and those
    of the transactions that were still running (PostgreSQL). A transaction running long
    elsewhere in the cluster does not make every look read everything again."""

    rev: int
    running: tuple[int, ...] = ()


class Read(NamedTuple):
    counts: dict[str, int]  # term → how many services have it
    since: Since


def _postgresql() -> bool:
    return db.engine.dialect.name == "postgresql"


def _since() -> Since:
    """Every document written from here on is at or after this."""
    rev, running = db.session.execute(text(_SNAPSHOT if _postgresql() else _NEXT)).one()
    return Since(int(rev), tuple(running or ()))


def read_all() -> Read:
    """Every term of the index with its number of services."""
    since = _since()  # before the terms: a document written meanwhile is read again later
    if not _postgresql():
        rows = db.session.execute(text("SELECT term, doc FROM service_search_fts_vocab")).all()
        return Read({term: count for term, count in rows}, since)
    taken = _snapshot_since()
    changed = _changed(taken)
    if len(changed) > MOST_CHANGES:
        refresh(taken.rev)
        taken = _snapshot_since()
        changed = _changed(taken)
    rows = db.session.execute(text("SELECT term, services FROM service_search_fts_terms")).all()
    counts = {term: count for term, count in rows if count > 0}
    for term, count in terms_of(changed).items():
        counts.setdefault(term, count)
    return Read(counts, since)


def documents() -> int:
    """How many documents the index holds."""
    return db.session.execute(text("SELECT count(*) FROM service_search")).scalar() or 0


def refresh(stale: int | None = None) -> None:
    """PostgreSQL: take the snapshot of the index's terms again, in a transaction of its own,
    one process at a time; not when another has done it since the snapshot `stale` was seen.
    (SQLite's fts5vocab is always the index's own.) After a big import, or daily."""
    if not _postgresql():
        return
    with db.engine.begin() as connection:
        connection.execute(text("SELECT pg_advisory_xact_lock(hashtext('service_search_fts'))"))
        taken = connection.execute(text("SELECT since FROM service_search_fts_snapshot"))
        if stale is not None and taken.scalar_one() != stale:
            return
        rev, running = connection.execute(text(_SNAPSHOT)).one()
        connection.execute(text("DELETE FROM service_search_fts_terms"))
        connection.execute(
            text(
                "INSERT INTO service_search_fts_terms (term, services) "
                "SELECT word, ndoc FROM ts_stat('SELECT search_vector FROM service_search')"
            )
        )
        connection.execute(
            text("UPDATE service_search_fts_snapshot SET since = :rev, running = :running"),
            {"rev": rev, "running": running},
        )


def _snapshot_since() -> Since:
    rev, running = db.session.execute(
        text("SELECT since, running FROM service_search_fts_snapshot")
    ).one()
    return Since(int(rev), tuple(running))


def _changed(since: Since) -> list[int]:
    if _postgresql():
        query = (
            "SELECT service_id FROM service_search_fts_changes "
            "WHERE rev >= :rev OR rev = ANY(:running)"
        )
        values = {"rev": since.rev, "running": list(since.running)}
    else:
        query = "SELECT service_id FROM service_search_fts_changes WHERE rev >= :rev"
        values = {"rev": since.rev}
    return list(db.session.execute(text(query), values).scalars())


def changed_since(since: Since) -> tuple[list[int], Since]:
    """The services whose documents were written since the look that gave `since`, and where
    the next look starts. A document written meanwhile may be read twice (adding a word twice
    changes nothing); one written by a transaction still running is read once it has ended."""
    following = _since()
    return _changed(since), following


def terms_of(service_ids: list[int]) -> dict[str, int]:
    """The terms of these services' documents, with how many of them have each."""
    if not service_ids:
        return {}
    if _postgresql():
        statement = text(
            "SELECT u.lexeme, count(*) FROM service_search AS s, unnest(s.search_vector) AS u "
            "WHERE s.service_id = ANY(:ids) GROUP BY u.lexeme"
        )
        return {term: count for term, count in db.session.execute(statement, {"ids": service_ids})}
    # The FTS5 table's own columns, whatever they are (it reads them from its content table).
    statement = text("SELECT * FROM service_search_fts WHERE rowid IN :ids").bindparams(
        bindparam("ids", expanding=True)
    )
    texts = [
        " ".join(value for value in row if isinstance(value, str))
        for row in db.session.execute(statement, {"ids": service_ids})
    ]
    counts: Counter[str] = Counter()
    for found in _tokenizer(_tokenize_setting()).terms(texts):
        counts.update(found)
    return dict(counts)


def stems(words: set[str]) -> dict[str, str | None]:
    """Each word as the index would hold it ("walking" → "walk"); None when the engine leaves
    it out (PostgreSQL's stop words)."""
    if not words:
        return {}
    if _postgresql():
        statement = text(
            "SELECT w, (SELECT min(lexeme) FROM unnest(to_tsvector('english'::regconfig, w))) "
            "FROM unnest(CAST(:words AS text[])) AS w"
        )
        return {
            word: stem for word, stem in db.session.execute(statement, {"words": sorted(words)})
        }
    ordered = sorted(words)
    found = _tokenizer(_tokenize_setting()).terms(ordered)
    return {word: min(terms) if terms else None for word, terms in zip(ordered, found, strict=True)}


# --- SQLite: FTS5's own tokenizer ------------------------------------------------------------


_settings: dict[str, str] = {}  # database file → the index's tokenize option


def _tokenize_setting() -> str:
    """The `tokenize` option of service_search_fts as written in its CREATE statement (read
    once a process: it changes only with a migration, and a deploy restarts the workers)."""
    database = db.engine.url.database or ""
    if database not in _settings:
        sql = db.session.execute(
            text("SELECT sql FROM sqlite_master WHERE name = 'service_search_fts'")
        ).scalar_one()
        found = _TOKENIZE.search(sql)
        _settings[database] = found.group(1) if found else "unicode61"
    return _settings[database]


class _Tokenizer:
    """An FTS5 table in a private in-memory database with the index's tokenizer: the terms a
    text is indexed as, read back through fts5vocab. Shared by a worker's threads."""

    def __init__(self, setting: str):
        self.lock = threading.Lock()
        self.connection = sqlite3.connect(":memory:", check_same_thread=False)
        # Contentless, so 'delete-all' empties its index entirely after each use.
        self.connection.execute(
            f"CREATE VIRTUAL TABLE t USING fts5(x, content='', tokenize={setting})"
        )
        self.connection.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")

    def terms(self, texts: list[str]) -> list[set[str]]:
        found: list[set[str]] = [set() for _ in texts]
        with self.lock:
            self.connection.executemany("INSERT INTO t (rowid, x) VALUES (?, ?)", enumerate(texts))
            for term, doc in self.connection.execute("SELECT term, doc FROM v"):
                found[doc].add(term)
            self.connection.execute("INSERT INTO t (t) VALUES ('delete-all')")
        return found


@functools.cache
def _tokenizer(setting: str) -> _Tokenizer:
    return _Tokenizer(setting)
