"""Figures for the home page, collected through hooks each job registers (accord imports no job)."""

from collections.abc import Callable

# name -> (label, function returning a count); jobs add theirs in their init_app.
COUNTERS: dict[str, tuple[str, Callable[[], int]]] = {}


def register_counter(name: str, label: str, count: Callable[[], int]) -> None:
    COUNTERS[name] = (label, count)


def counts() -> list[tuple[str, int]]:
    return [(label, count()) for label, count in COUNTERS.values()]
