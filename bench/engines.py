"""A bench on both engines: SQLite in a temporary folder, then PostgreSQL (wiped first) when
BENCH_POSTGRES_URL names one."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def on_both(measure: Callable[[str, str], list], filename: str) -> list:
    """`measure(url, label)`'s rows for SQLite, then for PostgreSQL when there is one."""
    with tempfile.TemporaryDirectory() as folder:
        rows = list(measure(f"sqlite:///{Path(folder) / filename}", "SQLite"))
    if url := os.environ.get("BENCH_POSTGRES_URL"):
        from tests.conftest import reset_postgresql

        reset_postgresql(url)
        rows += measure(url, "PostgreSQL")
    return rows
