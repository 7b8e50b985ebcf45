"""bench/instructions.py's reading of callgrind's profiles: each library's own instructions,
a call's cost left to its callee, the libraries' names carried from one dump to the next, and
one dump a search after the warm-up's. Instruction counts are never asserted of the app."""

from __future__ import annotations

from pathlib import Path

from bench import instructions, queries

# Two dumps of one run, as callgrind writes them (names compressed: given once, then by number).
FIRST = """# callgrind format
events: Ir
ob=(1) /usr/lib/libpython3.11.so.1.0
fl=(1) ceval.c
fn=(1) eval
10 500
cob=(2) /usr/lib/x86_64-linux-gnu/libsqlite3.so.0.8.6
cfi=(2) ???
cfn=(2) sqlite3_step
calls=3 0
12 900
+2 40
ob=(2)
fl=(2)
fn=(2)
0 900
totals: 1440
"""
SECOND = """# callgrind format
events: Ir
ob=(2)
fl=(2)
fn=(2)
0 70
* 5
ob=(1)
fl=(1)
fn=(1)
-3 25
summary: 100
"""


def test_each_library_is_given_its_own_instructions_not_its_calls():
    names: dict[str, str] = {}
    first = instructions.shares(instructions.counted(FIRST, names))
    # eval's own 500 + 40; sqlite3_step's 900 once, in its own entry, not again as the call's.
    assert first == {"all": 1440, "python": 540, "sqlite": 900}
    second = instructions.shares(instructions.counted(SECOND, names))
    assert second == {"all": 100, "python": 25, "sqlite": 75}  # names from the first dump


def test_one_dump_a_search_after_the_warm_up(tmp_path: Path):
    searches = len(queries.MIX)
    for n in range(1, searches + 3):  # the warm-up's, one a search, the exit's
        body = FIRST if n == 1 else SECOND.replace("0 70", f"0 {n}")
        (tmp_path / f"cg-5000.out.{n}").write_text(body)
    found = instructions.searches(tmp_path, 5000)
    assert [each["sqlite"] for each in found] == [n + 5 for n in range(2, searches + 2)]
    doubled = [{key: 2 * value for key, value in each.items()} for each in found]
    said = instructions.table({5000: found, 50000: doubled})
    assert f"| `{queries.paths()[0]}` | 0.0 → 0.0 |" in said
    assert said.rstrip().endswith(": 2.00.")
