"""Reading an Open Referral UK feed: a JSON file, or a URL (every page of it, and with
`details` each service's full record), through accord.http.

`load(path_or_url)` gives a `Feed`: the service objects found (as the feed has them) and
notes to show. It raises FeedError, one line saying why, when there is nothing to import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from accord import http
from directory.oruk import coerce
from directory.oruk.shapes import FeedError, find_services, is_api_root, looks_like_service

MAX_PAGES = 1000
USER_AGENT = "shropshire-accord-hub ORUK importer"
# A feed that asks us to slow down (429), or is briefly unavailable (502–504), is asked again
# after the Retry-After it gives (at most a minute) or a growing pause (0, 2, 4, 8 s), up to
# four times, before the import gives up. Timeouts and refused connections are not retried:
# `--timeout` already bounds how long a dead feed can hold an import up.
RETRIES = http.retry_policy(4)


@dataclass
class Feed:
    source: str  # Service.source, e.g. "oruk:north-lincolnshire-oruk1-services.json"
    services: list = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def is_url(where: str) -> bool:
    return bool(re.match(r"^https?://", where.strip(), re.I))


def load(where: str, *, timeout: float = 30.0, details: bool = False) -> Feed:
    """The services in a JSON file or at a URL; FeedError when there are none to read."""
    if is_url(where):
        return _load_url(where.strip(), timeout, details)
    if details:
        raise FeedError("--details needs the feed's URL, not a file")
    return _load_file(where)


# --- a file ---------------------------------------------------------------------------------


def _load_file(where: str) -> Feed:
    path = Path(where)
    if not path.exists():
        raise FeedError(f"{where}: no such file")
    if path.is_dir():
        raise FeedError(f"{where} is a folder, not a JSON file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FeedError(f"{where}: cannot read it ({exc.strerror or exc})") from exc
    try:
        document = http.parse_json(data, where)
    except http.BadAnswer as exc:
        raise FeedError(exc.sentence) from exc
    if is_api_root(document):
        raise FeedError(
            f"{where} describes an ORUK API ({document.get('version')}), not services: "
            "give the API's URL instead"
        )
    services, total_pages = find_services(document, where)
    feed = Feed(source=f"oruk:{path.name}"[:200], services=services)
    if total_pages and total_pages > 1:
        feed.notes.append(
            f"{path.name} is one page of {total_pages}: only its services were imported "
            "(give the feed's URL to import every page)"
        )
    return feed


# --- a URL ----------------------------------------------------------------------------------


def _load_url(url: str, timeout: float, details: bool) -> Feed:
    with http.Client(user_agent=USER_AGENT, retries=RETRIES) as client:
        document = _get_json(client, url, timeout)
        if is_api_root(document):
            # The API's base: its services are at /services, a page at a time.
            parts = urlsplit(url)
            url = urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/services", query=""))
            document = _get_json(client, url, timeout)
        services, total_pages = find_services(document, url)
        first = _page_of(url)
        for number in range(first + 1, (total_pages or 0) + 1):
            if number - first >= MAX_PAGES:
                raise FeedError(f"{url} has more than {MAX_PAGES} pages; import it in parts")
            more, _ = find_services(_get_json(client, _with_page(url, number), timeout), url)
            if not more:
                break
            services.extend(more)
        feed = Feed(source=f"oruk:{urlsplit(url).hostname or url}"[:200], services=services)
        if details and total_pages is None:
            feed.notes.append("--details is for list pages: this document was imported as it is")
        elif details:
            feed.services = [_details(client, url, item, timeout, feed) for item in services]
    return feed


def _details(client: http.Client, list_url: str, item: Any, timeout: float, feed: Feed) -> Any:
    """The full service at {list}/{id}; the list's summary (and a note) when it fails."""
    if not isinstance(item, dict) or not coerce.text(item.get("id")):
        return item
    parts = urlsplit(list_url)
    url = urlunsplit(parts._replace(path=f"{parts.path.rstrip('/')}/{item['id']}", query=""))
    try:
        found = _get_json(client, url, timeout)
    except FeedError as exc:
        feed.notes.append(f"service {item['id']}: {exc}; imported the list's summary")
        return item
    if not looks_like_service(found):
        feed.notes.append(f"service {item['id']}: {url} is not a service; imported the summary")
        return item
    return found


def _get_json(client: http.Client, url: str, timeout: float) -> Any:
    try:
        return client.get_json(url, timeout=timeout)
    except http.ServiceError as exc:
        busy = isinstance(exc, http.BadAnswer) and exc.busy
        later = "; try the import again later" if busy else ""
        raise FeedError(exc.sentence + later) from exc


def _page_of(url: str) -> int:
    value = dict(parse_qsl(urlsplit(url).query)).get("page", "1")
    return int(value) if value.isdigit() and int(value) > 0 else 1


def _with_page(url: str, number: int) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "page"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("page", str(number))])))
