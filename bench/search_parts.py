"""Where a directory search's time goes, for issue 17's remaining targets: the 30 searches of
bench/queries.py on a county (50,000 services unless SEARCH_PARTS_SIZE says otherwise), each
search's CPU split into `search.run` (words, matches, the SQL and its rows), rendering the
page, and the rest (Flask, the form); then each kind of SQL statement the searches send,
replayed on the raw connection with its rows fetched, by its share of the time.

    PYTHONPATH=. .venv/bin/python -m bench.search_parts                     # SQLite
    BENCH_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1/bench_db \\
        PYTHONPATH=. .venv/bin/python -m bench.search_parts                 # and PostgreSQL

On PostgreSQL the SQL times are wall time (the server's CPU is in them; the split's are this
process's CPU only). BENCH_POSTGRES_URL's database is wiped.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from accord.extensions import db
from bench import queries
from bench.search_mix import captured, directory, make_app, replay_times

SIZE = int(os.environ.get("SEARCH_PARTS_SIZE", "50000"))
ROUNDS = int(os.environ.get("SEARCH_PARTS_ROUNDS", "5"))


class Split:
    """CPU ms spent inside two functions the view calls, summed over the searches."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)

    def wrap(self, name: str, function: Callable) -> Callable:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                self.spent[name] += (time.process_time() - start) * 1000

        return timed


def split(client, paths: list[str]) -> dict[str, float]:
    """Mean CPU ms a search: in search.run, in rendering, and the rest."""
    from directory.search import search as search_module
    from directory.search import views

    parts = Split()
    run, render = search_module.run, views.render_template
    search_module.run = parts.wrap("search.run", run)  # type: ignore[assignment]
    views.render_template = parts.wrap("render", render)  # type: ignore[assignment]
    total = 0.0
    try:
        for _ in range(ROUNDS):
            for path in paths:
                start = time.process_time()
                client.get(path)
                total += (time.process_time() - start) * 1000
    finally:
        search_module.run, views.render_template = run, render  # type: ignore[assignment]
    n = ROUNDS * len(paths)
    found = {name: spent / n for name, spent in parts.spent.items()}
    found["the rest (Flask, the form)"] = total / n - sum(found.values())
    found["in all"] = total / n
    return found


def statements(client, engine, paths: list[str]) -> dict[str, float]:
    """Mean ms a search for each kind of statement (its first 90 characters), replayed."""
    spent: dict[str, float] = defaultdict(float)
    for path in paths:
        with captured(engine) as sent:
            client.get(path)
        # Committed after each replay, as the search is (see search_mix.replay).
        for (text, _), ms in zip(sent, replay_times(engine, sent, ROUNDS), strict=True):
            spent[" ".join(text.split())[:90]] += ms
    return {kind: ms / len(paths) for kind, ms in spent.items()}


def one(url: str, postcodes_url: str, engine_name: str) -> str:
    app = make_app(url, postcodes_url)
    with app.app_context():
        directory(SIZE)
        db.session.remove()
        engine = db.engine
    client = app.test_client()
    paths = queries.paths()
    for path in paths:
        client.get(path)  # warm: templates, the vocabulary, the planner
    parts = split(client, paths)
    sql = statements(client, engine, paths)
    engine.dispose()
    out = f"\n### {engine_name}, {SIZE:,} services: a search's CPU ms (mean of the mix)\n\n"
    out += "| part | ms |\n|---|---:|\n"
    out += "".join(f"| {name} | {ms:.1f} |\n" for name, ms in parts.items())
    out += f"\n{engine_name}: SQL by statement, ms a search (replayed, rows fetched)\n\n"
    out += "| statement | ms |\n|---|---:|\n"
    for kind, ms in sorted(sql.items(), key=lambda item: -item[1])[:10]:
        out += f"| `{kind}` | {ms:.2f} |\n"
    out += f"| all statements | {sum(sql.values()):.2f} |\n"
    return out


def main() -> None:
    from tests.conftest import reset_postgresql
    from tests.fakes.postcodes import FakePostcodes

    with FakePostcodes() as postcodes, tempfile.TemporaryDirectory() as folder:
        print(one(f"sqlite:///{Path(folder) / 'parts.db'}", postcodes.url, "SQLite"))
        if url := os.environ.get("BENCH_POSTGRES_URL"):
            reset_postgresql(url)
            print(one(url, postcodes.url, "PostgreSQL"))
    print(f"load average {'/'.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
