"""The instructions each of the 30 searches of bench/queries.py costs on SQLite at two sizes
of county, counted by valgrind's callgrind: whatever else the machine is doing, the same
count for the same code and data to within a few per cent (the hash seed and the garbage
collector's moments differ from run to run), where CPU time moves by a fifth within minutes
and with each process's own luck (bench/results.md, section 1, stop 55). Issue 17's growth
(the p50 at 50,000 services over the p50 at 5,000) read without the machine's noise, and
where it is: Python's instructions beside SQLite's, search by search.

    PYTHONPATH=. .venv/bin/python -m bench.instructions      # about 8 minutes; needs valgrind

Each size's county is built by a process of its own (bench/search_mix.py), then searched by
another under callgrind: each search warmed twice, then each once, the profile dumped between
searches (`--dump-before=time_sleep`, a `time.sleep(0)` before each). Callgrind slows a
process about fifty times, so postcodes.io's fake is given two minutes to answer where the
app's setting gives it seconds. Not part of `make bench`: it answers "where", not "how fast".
`INSTRUCTION_SIZES=5000,50000` (the default) sets the two sizes.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench import queries
from bench.search_mix import ROOT, make_app
from bench.sizes import built_apart

SIZES = [int(n) for n in os.environ.get("INSTRUCTION_SIZES", "5000,50000").split(",")]
# What callgrind names a library (its "ob=" lines), as the table shows it.
SHARES = {"python": "libpython", "sqlite": "libsqlite3"}
_NAMED = re.compile(r"^\((\d+)\)(?: (.*))?$")


def serve(url: str, postcodes_url: str) -> None:
    """The searches, as callgrind's child: each warmed twice, then each once after a
    `time.sleep(0)`, which dumps the profile so far (one file a search)."""
    app = make_app(url, postcodes_url)
    app.config["GEOCODER_TIMEOUT_S"] = 120.0  # the fake answers fifty times slower here
    client = app.test_client()
    for path in queries.paths():
        client.get(path)
        client.get(path)
    for path in queries.paths():
        time.sleep(0)
        client.get(path)
    time.sleep(0)


def counted(text: str, names: dict[str, str] | None = None) -> Counter:
    """A callgrind profile's own instructions by library (exclusive: a call's cost, given on
    the line after its `calls=`, belongs to the callee, counted where it is listed). `names`:
    the libraries' numbers, which callgrind names once (on an `ob=` or `cob=` line) and may
    refer to in a later dump of the same run."""
    spent: Counter = Counter()
    names = {} if names is None else names
    library = ""
    after_call = False
    for line in text.splitlines():
        if line.startswith(("ob=", "cob=")):
            value = line.split("=", 1)[1]
            found = _NAMED.match(value)
            if found is not None and found.group(2):
                names[found.group(1)] = found.group(2)
            if line.startswith("ob="):
                library = value if found is None else names.get(found.group(1), "")
        elif line.startswith("calls="):
            after_call = True
            continue
        elif (line[:1].isdigit() or line[:1] in "+-*") and not after_call:
            parts = line.split()
            if len(parts) >= 2:
                spent[library] += int(parts[1])
        after_call = False
    return spent


def shares(spent: Counter) -> dict[str, int]:
    """Instructions in all, and in Python's and SQLite's libraries."""
    found = {"all": sum(spent.values())}
    for name, library in SHARES.items():
        found[name] = sum(n for lib, n in spent.items() if library in lib)
    return found


def profiled(url: str, postcodes_url: str, folder: Path, services: int) -> subprocess.Popen:
    """callgrind running serve() on a county, its dumps under `folder`."""
    command = [
        "valgrind",
        "--tool=callgrind",
        "--dump-before=time_sleep",
        f"--callgrind-out-file={folder / f'cg-{services}.out'}",
        sys.executable,
        "-m",
        "bench.instructions",
        "serve",
        url,
        postcodes_url,
    ]
    return subprocess.Popen(  # noqa: S603 - our own command line
        command,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def searches(folder: Path, services: int) -> list[dict[str, int]]:
    """Each search's instructions, in the mix's order: the dumps after the warm-up's, one a
    search (callgrind numbers its dumps from 1; the first is the warm-up)."""
    dumps = sorted(
        folder.glob(f"cg-{services}.out.*"), key=lambda path: int(path.suffix.lstrip("."))
    )
    names: dict[str, str] = {}
    each = [shares(counted(path.read_text(), names)) for path in dumps]
    return each[1 : 1 + len(queries.MIX)]


def table(found: dict[int, list[dict[str, int]]]) -> str:
    small, large = min(found), max(found)
    out = (
        f"\n### Instructions a search, SQLite, {small:,} and {large:,} services (millions)\n\n"
        "| search | all | Python | SQLite | growth |\n|---|---:|---:|---:|---:|\n"
    )
    for path, a, b in zip(queries.paths(), found[small], found[large], strict=True):
        out += (
            f"| `{path}` | {a['all'] / 1e6:.1f} → {b['all'] / 1e6:.1f} "
            f"| {a['python'] / 1e6:.1f} → {b['python'] / 1e6:.1f} "
            f"| {a['sqlite'] / 1e6:.1f} → {b['sqlite'] / 1e6:.1f} "
            f"| {b['all'] / max(a['all'], 1):.2f} |\n"
        )
    p50 = {n: statistics.median(s["all"] for s in found[n]) for n in (small, large)}
    out += (
        f"\nMedian search: {p50[small] / 1e6:.1f} million instructions at {small:,} services, "
        f"{p50[large] / 1e6:.1f} million at {large:,}: {p50[large] / p50[small]:.2f}.\n"
    )
    return out


def main() -> int:
    if sys.argv[1:2] == ["serve"]:
        serve(*sys.argv[2:4])
        return 0
    from tests.fakes.postcodes import FakePostcodes

    with FakePostcodes() as postcodes, tempfile.TemporaryDirectory() as folder:
        place = Path(folder)
        urls = {n: f"sqlite:///{place / f'search-{n}.db'}" for n in SIZES}
        for n, url in urls.items():
            built_apart(url, n, postcodes.url)
        running = [profiled(url, postcodes.url, place, n) for n, url in urls.items()]
        if any(process.wait() != 0 for process in running):
            raise SystemExit("callgrind did not finish: is valgrind installed?")
        print(table({n: searches(place, n) for n in urls}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
