"""The sizes of a county searched in turns (bench/search_mix.py): each size's county built
by a process of its own and served by others (`python -m bench.sizes serve …`, a Searcher
answering a round of the 30 searches at a time on its stdin and stdout), the sizes asked for
each round in turn by the process that runs the bench, each size's rounds shared between its
searching processes."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from dataclasses import asdict
from typing import Any

from accord.extensions import db
from bench import queries
from bench.search_mix import (
    PROCESSES,
    ROOT,
    DatabaseCpu,
    Row,
    Timed,
    captured,
    hello,
    make_app,
    replay,
    timed,
)


class Searcher:
    """One county's searches, in the process that serves it (`serve`): the app on a county
    built already by another process, warmed (each search twice, its statements captured
    for the bare replay), then the mix's rounds asked for one at a time."""

    def __init__(self, url: str, engine: str, services: int, postcodes_url: str) -> None:
        app = make_app(url, postcodes_url)
        with app.app_context():
            self.sql = db.engine
        # No app context held around the requests: each request has its own, as in a server,
        # and its session ends with it.
        self.client = app.test_client()
        self.replays: dict[str, list[tuple[str, Any]]] = {}
        for path in queries.paths():
            response = self.client.get(path)  # warm: templates, the vocabulary, the planner
            if response.status_code != 200:
                raise SystemExit(f"{engine} {services:,}: {path} answered {response.status_code}")
            with captured(self.sql) as statements:
                self.client.get(path)
            self.replays[path] = statements
            replay(self.sql, statements)  # and the replay warm too
        self.clock = DatabaseCpu(self.sql)
        self.quick = hello()

    def round(self) -> dict[str, Any]:
        """The 30 searches in a row, as a worker answers one after another, each timed beside
        its replay and followed by three requests of the hello app."""
        found: dict[str, Any] = {"paths": {}, "hello": []}
        for path in queries.paths():
            search, bare = Timed(), Timed()
            timed(search, self.clock, lambda p=path: self.client.get(p))  # type: ignore[misc]
            timed(bare, self.clock, lambda p=path: replay(self.sql, self.replays[p]))  # type: ignore[misc]
            found["paths"][path] = {"search": asdict(search), "bare": asdict(bare)}
            found["hello"] += [self.quick() for _ in range(3)]
        return found

    def summary(self) -> dict[str, Any]:
        self.sql.dispose()
        statements = statistics.median(len(s) for s in self.replays.values())
        return {"statements": statements, "load": os.getloadavg()}


def serve(url: str, engine: str, services: int, postcodes_url: str) -> None:
    """A Searcher answering on stdout, a line of JSON for each "round" read from stdin,
    until "end" (then its summary)."""
    searcher = Searcher(url, engine, services, postcodes_url)
    print("ready", flush=True)
    for asked in sys.stdin:
        if asked.strip() == "end":
            print(json.dumps(searcher.summary()), flush=True)
            return
        print(json.dumps(searcher.round()), flush=True)


class Served:
    """A county's Searcher in a process of its own, asked one round at a time."""

    def __init__(self, url: str, engine: str, services: int, postcodes_url: str) -> None:
        command = [sys.executable, "-m", "bench.sizes", "serve", url, engine]
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            [*command, str(services), postcodes_url],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        if self._said() != "ready":
            raise SystemExit(f"{engine} {services:,}: the searching process did not start")

    def _said(self) -> str:
        assert self.process.stdout is not None
        return self.process.stdout.readline().strip()

    def ask(self, line: str) -> Any:
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        return json.loads(self._said())

    def end(self) -> dict[str, Any]:
        summary = self.ask("end")
        self.process.communicate()  # its pipes closed, and the process gone
        return summary


def in_turns(
    urls: dict[int, str],
    engine: str,
    rounds: int,
    postcodes_url: str,
    processes: int = PROCESSES,
) -> list[Row]:
    """One engine's sizes (services → database URL), each county built by a process of its
    own and searched by `processes` others, the sizes taking turns round by round (a round:
    the 30 searches one after another, as a worker answers them), the order of the sizes
    reversed each round, and each round of a size answered by the next of its processes.
    These machines' speed moves by a fifth within minutes and by half within an hour
    (results.md, section 1), and rows measured one after another, minutes of building apart,
    read the drift between them as growth (the same code's PostgreSQL growth read 1.28 and
    1.92 on two runs); in turns, every size meets the same minutes. Search by search in
    turns, every search would follow another process's and find the processor's caches cold,
    which costs a small county relatively more (SQLite's p50 at 5,000 services 3.7 -> 5.6 ms)
    and would flatter the growth. A process that built or searched other counties carries
    their memory (the same code and county at 50,000 services on PostgreSQL cost CPU p50 15.9
    ms a search after SQLite's rows and the smaller PostgreSQL ones, 13.3 in a process of its
    own): each size has its own. And a process has its own luck: the same code on the same
    two counties, each searched by a process of its own, read SQLite's growth 1.38-1.54 in
    five pairs of processes side by side (results.md, stop 55), each process's p50 4-6% from
    the others' however long it ran. Several processes a size, their samples pooled, measure
    the code rather than one process's luck."""
    vocabulary = {n: built_apart(url, n, postcodes_url) for n, url in urls.items()}
    served = {
        n: [Served(url, engine, n, postcodes_url) for _ in range(max(1, processes))]
        for n, url in urls.items()
    }
    paths = queries.paths()
    found = {n: (Timed(), Timed(), {p: Timed() for p in paths}, []) for n in urls}
    mine = {n: [Timed() for _ in served[n]] for n in urls}  # each process's own samples
    order = list(urls)
    for turn in range(rounds):
        for n in order if turn % 2 == 0 else reversed(order):
            search, bare, by_path, quick = found[n]
            which = turn % len(served[n])
            answered = served[n][which].ask("round")
            for path in paths:
                step = answered["paths"][path]
                for sink in (search, by_path[path], mine[n][which]):
                    for key, samples in step["search"].items():
                        getattr(sink, key).extend(samples)
                for key, samples in step["bare"].items():
                    getattr(bare, key).extend(samples)
            quick.extend(answered["hello"])
    rows = []
    for n, (search, bare, by_path, quick) in found.items():
        summaries = [process.end() for process in served[n]]
        rows.append(
            Row(
                engine,
                n,
                vocabulary[n],
                search,
                bare,
                statistics.median(quick),
                statistics.median(summary["statements"] for summary in summaries),
                tuple(summaries[-1]["load"]),
                by_path,
                by_process=[samples for samples in mine[n] if samples.cpu],
            )
        )
    return rows


def built_apart(url: str, services: int, postcodes_url: str) -> Any:
    """A county of `services` services built at `url` by a process of its own (`python -m
    bench.search_mix build …`): its vocabulary's figures, as that process printed them."""
    done = subprocess.run(  # noqa: S603 - our own command line
        [sys.executable, "-m", "bench.search_mix", "build", url, str(services), postcodes_url],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    url, engine, services, postcodes_url = sys.argv[2:6]
    serve(url, engine, int(services), postcodes_url)
