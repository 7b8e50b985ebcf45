"""`flask demo load`: each part of the app registers a loader; they run in order, idempotently."""

from collections.abc import Callable

# (order, name, loader) — loaders look records up by natural keys before creating them,
# so running `flask demo load` twice changes nothing the second time.
LOADERS: list[tuple[int, str, Callable[[], list[str]]]] = []


def register(order: int, name: str, loader: Callable[[], list[str]]) -> None:
    if all(existing != name for _, existing, _ in LOADERS):
        LOADERS.append((order, name, loader))


def load_all() -> list[str]:
    """Run every loader; returns the lines to print (what was created, passwords to use)."""
    lines: list[str] = []
    for _, name, loader in sorted(LOADERS, key=lambda item: item[0]):
        lines.append(f"== {name}")
        lines.extend(loader())
    return lines
