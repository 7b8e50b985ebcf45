"""SQLite's relevance rule as an FTS5 auxiliary function (ranker.c), so that a search reads its
words' lists once: the function tells, for each row the words match, whether the rule holds
and the relevance (fulltext.fts_relevance_steps). Without it, the lists are read once for each
part of the rule (the title, the words near each other, the phrase): at 50,000 services up
to two thirds of what a search of two words spent in SQLite ("walking group" within 5 miles
of TF12 5AA: 1.31 ms of 1.85; read once, 0.43).

`make install` compiles ranker.c with the machine's C compiler (`build/ranker.so`, needing
SQLite's headers: Debian's libsqlite3-dev). Python's `sqlite3` can neither register an FTS5
function nor load an extension in this build, so the library is handed to SQLite itself as
an automatic extension (`sqlite3_auto_extension`), which runs it for every connection opened
after: the libsqlite3 Python's module is linked to, found by its name. Where any of that
fails (no compiler or headers, a Python with SQLite built in), ready() says so and searches
read the lists a part at a time, with the same results.
"""

from __future__ import annotations

import ctypes
import logging
import sqlite3
from functools import cache

from accord import settings

LIBRARY = settings.ROOT / "build" / "ranker.so"
SQLITE = "libsqlite3.so.0"  # the library the standard `sqlite3` module is linked to
NAME = "search_relevance"
log = logging.getLogger(__name__)


@cache
def ready() -> bool:
    """Whether every SQLite connection opened from now on has the function: registered once a
    process, then checked on a connection of its own."""
    if not LIBRARY.exists():
        log.warning("%s is not built (make install): searches read words a part at a time", LIBRARY)
        return False
    try:
        ranker = ctypes.CDLL(str(LIBRARY))
        sqlite = ctypes.CDLL(SQLITE)
        entry = ctypes.cast(ranker.search_relevance_init, ctypes.c_void_p)
        sqlite.sqlite3_auto_extension.argtypes = [ctypes.c_void_p]
        if sqlite.sqlite3_auto_extension(entry) != 0:
            return False
    except (OSError, AttributeError) as error:
        log.warning("the search's relevance function could not be loaded: %s", error)
        return False
    return works()


def works() -> bool:
    """Whether a new connection has the function (it would not where Python's `sqlite3` has an
    SQLite of its own, not the one registered with)."""
    check = sqlite3.connect(":memory:")
    try:
        check.execute("CREATE VIRTUAL TABLE t USING fts5(title, document)")
        check.execute("INSERT INTO t VALUES ('food bank', 'hot food')")
        found = check.execute(
            f"SELECT {NAME}(t, '01', 6, 1) FROM t('food AND bank')"  # noqa: S608 - constants
        ).fetchone()
    except sqlite3.OperationalError:
        return False
    finally:
        check.close()
    return found == (3,)
