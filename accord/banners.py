"""Site-wide banners (e.g. an active incident) that jobs provide through a hook."""

from collections.abc import Callable

# Each provider returns a list of {"title", "html_safe_text", "href", "link_text"} dicts or [].
PROVIDERS: list[Callable[[], list[dict]]] = []


def register(provider: Callable[[], list[dict]]) -> None:
    if provider not in PROVIDERS:
        PROVIDERS.append(provider)


def active() -> list[dict]:
    found: list[dict] = []
    for provider in PROVIDERS:
        found.extend(provider())
    return found
