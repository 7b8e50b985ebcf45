"""Spelling corrections at county scale: an index of 20,000 words, SQLite and PostgreSQL.

    python -m bench.vocabulary [SERVICES]           # SQLite (a file in a temporary folder)
    BENCH_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1/DB python -m bench.vocabulary
                                                    # and PostgreSQL (DB is wiped)

The index: SERVICES documents of 30-80 words drawn (Zipf-like: a few words everywhere, most
rare) from WORDS distinct words, the real words of the project's own texts topped up with
made-up ones. The database wiped, migrated and filled; then, per engine:

- the whole vocabulary read from the index (fts5vocab / the trigger-kept term table), once a
  worker; and the near-miss index (SymSpell's deletes) made at the first unknown word;
- a look for documents written since: none, and ten;
- per unknown word (one letter left out, added, changed or two swapped, in a word of five
  letters or more, not a word the index knows): the near-miss lookup alone, and the whole of
  `correct()` (with the engine's stemming of the word, the split and the spelling back);
- per known word: `correct()` (the path of nearly every search);
- how many of the mistakes came back as the word they were made from (or another word with
  the same stem).

CPU time (this process) beside wall time, and the load average; PASS/FAIL against the target:
under 1 ms per unknown word at a 20,000-word vocabulary (the lookup, CPU p95).
"""

from __future__ import annotations

import os
import random
import re
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import create_engine, insert, select, text

from accord import create_app
from accord.extensions import db
from accord.models import Organisation
from directory.models import Service, ServiceSearch
from directory.search import words

WORDS = 20_000
SERVICES = 20_000
MISTAKES = 400
TARGET_MS = 1.0
ROOT = Path(__file__).resolve().parent.parent
SYLLABLES = "ba be bi bo ca ce ci co da de di do fa fe ga ge la le li lo ma me mi mo na ne ni no"
SYLLABLES += " pa pe pi po ra re ri ro sa se si so ta te ti to ver ment ness al er str th ch sh"


def vocabulary_words(size: int, rng: random.Random) -> list[str]:
    """`size` distinct words: the project's own (README, docs, templates, seeds) first."""
    found: dict[str, None] = {}
    for pattern in ("*.md", "docs/**/*.md", "templates/**/*.html", "accord/data/**/*.md"):
        for path in sorted(ROOT.glob(pattern)):
            for word in re.findall(r"[a-z]{3,16}", path.read_text(encoding="utf-8").lower()):
                found.setdefault(word)
    real = list(found)[:size]
    syllables = SYLLABLES.split()
    made: set[str] = set(real)
    while len(made) < size:
        made.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return real + sorted(made - set(real))


def fill(count: int, pool: list[str], rng: random.Random) -> None:
    weights = [1 / (rank + 10) for rank in range(len(pool))]
    db.session.execute(insert(Organisation), [{"slug": "bench", "name": "Bench", "sector": "vcs"}])
    org = db.session.scalars(select(Organisation.id)).one()
    rows = [{"organisation_id": org, "name": f"Bench service {i}"} for i in range(count)]
    for start in range(0, count, 5000):
        db.session.execute(insert(Service), rows[start : start + 5000])
    ids = list(db.session.scalars(select(Service.id)))
    documents = [
        {"service_id": sid, "document": " ".join(rng.choices(pool, weights, k=rng.randint(30, 80)))}
        for sid in ids
    ]
    for start in range(0, count, 5000):
        db.session.execute(insert(ServiceSearch), documents[start : start + 5000])
    db.session.commit()


def mistake(word: str, rng: random.Random) -> str:
    at = rng.randrange(len(word))
    letter = rng.choice("abcdefghijklmnopqrstuvwxyz")
    kind = rng.randrange(4)
    if kind == 0:
        return word[:at] + word[at + 1 :]
    if kind == 1:
        return word[:at] + letter + word[at:]
    if kind == 2:
        return word[:at] + letter + word[at + 1 :]
    at = min(at, len(word) - 2)
    return word[:at] + word[at + 1] + word[at] + word[at + 2 :]


def timed(run: Callable[[], object]) -> tuple[float, float]:
    """CPU and wall milliseconds of one call."""
    cpu, wall = time.process_time(), time.perf_counter()
    run()
    return (time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def measure(url: str, label: str, services: int = SERVICES) -> list[str]:
    """The lines of one engine's results."""
    lines = [""]

    def say(text: str, end: str = "\n") -> None:
        lines[-1] += text
        if end:
            lines.append("")

    rng = random.Random(17)  # noqa: S311 - benchmark data
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "POSTCODES_API_URL": "http://127.0.0.1:9",
        }
    )
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        pool = vocabulary_words(WORDS, rng)
        cpu, wall = timed(lambda: fill(services, pool, rng))
        say(f"{label}: {services:,} documents written in {wall / 1000:.1f} s (with triggers)")
        words.clear_vocabulary()
        cpu, wall = timed(words._current)  # noqa: SLF001 - the worker's first read
        known = words._current()  # noqa: SLF001
        say(f"  index terms {len(known.services):,}; whole read {cpu:.1f} ms CPU, {wall:.1f} wall")
        cpu, wall = timed(lambda: known.near("zzzzz"))
        say(f"  near-miss index made once: {cpu:.0f} ms CPU, {wall:.0f} wall; ", end="")
        tracemalloc.start()  # the same again, for its memory (tracemalloc slows it down)
        again = words._whole()  # noqa: SLF001
        again.near("zzzzz")
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        del again
        say(f"memory of the vocabulary and its index, peak {peak / 2**20:.0f} MiB")
        looks = []
        for _ in range(21):
            known.due = 0.0
            looks.append(timed(words._current))  # noqa: SLF001
        cpu, wall = statistics.median(c for c, _ in looks), statistics.median(w for _, w in looks)
        say(f"  look for changes, none: p50 {cpu:.2f} ms CPU, {wall:.2f} wall")
        ids = list(db.session.scalars(select(ServiceSearch.service_id).limit(10)))
        for sid in ids:
            db.session.get(ServiceSearch, sid).document += " newlyaddedword"  # type: ignore[union-attr]
        db.session.commit()
        known.due = 0.0
        cpu, wall = timed(words._current)  # noqa: SLF001
        say(f"  look for changes, ten documents: {cpu:.2f} ms CPU, {wall:.2f} wall; ", end="")
        say(f"new word known: {known.starts('newlyaddedword')}")

        typed = [w for w in pool if len(w) >= 5]
        mistakes: list[tuple[str, str]] = []
        while len(mistakes) < MISTAKES:
            word = rng.choice(typed)
            wrong = mistake(word, rng)
            stem = known.stems({wrong})[wrong]
            if stem and not known.starts(stem) and wrong.isalpha():
                mistakes.append((word, wrong))
        stems = known.stems({wrong for _, wrong in mistakes})
        lookup = [timed(lambda w=wrong: known.near(stems[w] or w))[0] for _, wrong in mistakes]
        known.stemmed.clear()  # each correction pays for its own stemming
        whole_cpu, whole_wall, back = [], [], 0
        for word, wrong in mistakes:
            cpu0, wall0 = time.process_time(), time.perf_counter()
            fixed = words.correct(wrong)
            whole_cpu.append((time.process_time() - cpu0) * 1000)
            whole_wall.append((time.perf_counter() - wall0) * 1000)
            back += known.stems(set(fixed[:1]) | {word})[fixed[0]] == known.stems({word})[word]
        known.stemmed.clear()
        sample = rng.sample(typed, 300)
        known_cpu = [timed(lambda w=word: words.correct(w))[0] for word in sample]
        p95 = pct(lookup, 95)
        say(
            f"  unknown word, lookup: p50 {pct(lookup, 50):.3f} p95 {p95:.3f} ms CPU "
            f"{'PASS' if p95 < TARGET_MS else 'FAIL'} (target < {TARGET_MS:.0f} ms)"
        )
        say(
            f"  unknown word, correct(): p50 {pct(whole_cpu, 50):.3f} p95 {pct(whole_cpu, 95):.3f} "
            f"ms CPU; wall p50 {pct(whole_wall, 50):.3f} p95 {pct(whole_wall, 95):.3f}"
        )
        say(
            f"  known word, correct(): p50 {pct(known_cpu, 50):.3f} p95 {pct(known_cpu, 95):.3f} "
            f"ms CPU (stems not cached)"
        )
        say(f"  mistakes put back to their word's stem: {back}/{len(mistakes)}")
        db.session.remove()
        db.engine.dispose()
    return [line for line in lines if line]


def wipe_postgresql(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def run(services: int | None = None) -> str:
    """The whole bench as a section of `make bench`'s results: SQLite, then PostgreSQL at
    BENCH_POSTGRES_URL (wiped) when it is set."""
    services = services or SERVICES
    lines = [f"load average at the start {os.getloadavg()[0]:.2f}"]
    with tempfile.TemporaryDirectory() as folder:
        lines += measure(f"sqlite:///{folder}/vocabulary.db", "SQLite", services)
    if url := os.environ.get("BENCH_POSTGRES_URL"):
        wipe_postgresql(url)
        lines += measure(url, "PostgreSQL", services)
    lines.append(f"load average at the end {os.getloadavg()[0]:.2f}")
    body = "\n".join(f"    {line}" for line in lines)
    return (
        "\n### Spelling corrections at 20,000 words (bench/vocabulary.py)\n\n"
        f"{services:,} documents drawn from a vocabulary of {WORDS:,} words; CPU time of this "
        "process (PostgreSQL's own is in wall time).\n\n" + body + "\n"
    )


def main() -> None:
    print(run(int(sys.argv[1]) if len(sys.argv) > 1 else None))


if __name__ == "__main__":
    main()
