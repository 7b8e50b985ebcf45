"""The one outgoing HTTP client: JSON from outside services (postcodes.io, the Environment
Agency's flood feed, Open Referral UK feeds), with timeouts, polite retries and one error type.

    with http.Client(user_agent="…", retries=4) as client:
        body = client.get_json(url, params={...}, timeout=5)

or `http.get_json(url, timeout=5)` for a single question. Everything that can go wrong (no
connection, too slow, an HTTP error, an answer too big, not JSON, JSON of the wrong shape) is a
`ServiceError`: `Unreachable` (and its `TimedOut`) when no answer came, `BadAnswer` when one
came that cannot be used.

`str(error)` is a short reason with no URL in it ("timed out", "HTTP 503", "not JSON"): safe to
log and to show, since a URL can carry personal data (a postcode). `error.sentence` names the
URL too, for an operator running a command ("https://… answered HTTP 404").

Retries: only for the answers that mean "ask again shortly" (429 Too Many Requests, 502, 503,
504), waiting what the server's `Retry-After` says (at most `RETRY_AFTER_MAX_S`) or a growing
pause (0, 2, 4, 8 s). Timeouts and refused connections are never retried: the timeout already
bounds how long a dead service can hold a page or a command up.
"""

from __future__ import annotations

import json
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import InvalidHeader, MaxRetryError, ReadTimeoutError
from urllib3.response import BaseHTTPResponse
from urllib3.util import Retry

USER_AGENT = "shropshire-accord-hub"
RETRY_STATUSES = (429, 502, 503, 504)
RETRY_AFTER_MAX_S = 60
CHUNK_BYTES = 64 * 1024


# --- errors ---------------------------------------------------------------------------------


class ServiceError(Exception):
    """An outside service gave no usable answer. `str()` is the short reason (no URL)."""

    def __init__(self, reason: str, *, url: str, sentence: str = "", status: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.url = url
        self.status = status
        # One line naming the URL, for operators; never logged (the URL may be personal).
        self.sentence = sentence or f"{url}: {reason}"


class Unreachable(ServiceError):
    """No answer came: the connection was refused, the name unknown, or the service too slow."""


class TimedOut(Unreachable):
    """The service did not answer (or finish answering) in time."""


class BadAnswer(ServiceError):
    """An answer came that cannot be used: an HTTP error, too large, not JSON, a wrong shape."""

    @property
    def busy(self) -> bool:
        """The service asked us to come back later (429) or was briefly unavailable."""
        return self.status in RETRY_STATUSES


def unexpected(url: str, reason: str = "unexpected JSON") -> BadAnswer:
    """The error for JSON that is not in the shape the caller knows."""
    return BadAnswer(reason, url=url, sentence=f"{url} gave {reason}")


# --- retries --------------------------------------------------------------------------------


class _Retry(Retry):
    def get_retry_after(self, response: BaseHTTPResponse) -> float | None:
        # A Retry-After that is neither seconds nor a date means the usual pause, not a failure.
        try:
            found = super().get_retry_after(response)
        except InvalidHeader:
            return None
        return None if found is None else max(found, 0.0)


def retry_policy(retries: int, *, backoff_s: float = 1.0) -> Retry:
    """Ask again up to `retries` times after a 429, 502, 503 or 504 (GET only)."""
    return _Retry(
        total=retries,
        connect=0,
        read=0,
        status=retries,
        status_forcelist=RETRY_STATUSES,
        allowed_methods={"GET"},
        backoff_factor=backoff_s,
        respect_retry_after_header=True,
        retry_after_max=RETRY_AFTER_MAX_S,
        raise_on_status=False,
    )


# --- the client -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any


class Client:
    """A connection pool for one outside service; use it in a `with` block."""

    def __init__(self, *, user_agent: str = USER_AGENT, retries: int | Retry = 0):
        policy = retry_policy(retries) if isinstance(retries, int) else retries
        self.session = requests.Session()
        self.session.headers.update({"Accept": "application/json", "User-Agent": user_agent})
        adapter = HTTPAdapter(max_retries=policy)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self.session.close()

    def get_json(
        self,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        timeout: float,
        total_s: float | None = None,
        max_bytes: int | None = None,
    ) -> Any:
        """The JSON body of a 2xx answer; ServiceError for anything else.

        `timeout` bounds connecting and each read; `total_s` the whole answer (a server that
        drips its answer would otherwise outlast the read timeout); `max_bytes` its size."""
        return self.get(
            url, params=params, timeout=timeout, total_s=total_s, max_bytes=max_bytes
        ).body

    def get(
        self,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        timeout: float,
        accept: Collection[int] = (),
        total_s: float | None = None,
        max_bytes: int | None = None,
    ) -> Answer:
        """The status and JSON body of a 2xx answer, or of one whose status is in `accept`
        (postcodes.io says "no such postcode" as a 404 with a JSON body)."""
        deadline = None if total_s is None else time.monotonic() + total_s
        try:
            with self.session.get(url, params=params, timeout=timeout, stream=True) as response:
                status = response.status_code
                if not (200 <= status < 300 or status in accept):
                    raise _status_error(url, response)
                data = _read(url, response, deadline, max_bytes, timeout)
        except requests.RequestException as exc:
            raise _request_error(url, exc, timeout) from exc
        return Answer(status, parse_json(data, url))


def get_json(
    url: str,
    *,
    params: Mapping[str, Any] | None = None,
    timeout: float,
    retries: int | Retry = 0,
    user_agent: str = USER_AGENT,
    total_s: float | None = None,
    max_bytes: int | None = None,
) -> Any:
    """One question to a service: `Client(...).get_json(...)` (see there)."""
    with Client(user_agent=user_agent, retries=retries) as client:
        return client.get_json(
            url, params=params, timeout=timeout, total_s=total_s, max_bytes=max_bytes
        )


def parse_json(data: bytes, where: str) -> Any:
    """JSON text (from a service, or a file at `where`) → values; BadAnswer when it is not."""
    try:
        return json.loads(data)
    except UnicodeDecodeError as exc:
        detail = "it is not UTF-8 text"
        raise BadAnswer("not JSON", url=where, sentence=f"{where} is not JSON ({detail})") from exc
    except (ValueError, RecursionError) as exc:  # RecursionError: absurdly deep nesting
        detail = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
        raise BadAnswer("not JSON", url=where, sentence=f"{where} is not JSON ({detail})") from exc


def _read(
    url: str,
    response: requests.Response,
    deadline: float | None,
    max_bytes: int | None,
    timeout: float,
) -> bytes:
    chunks, size = [], 0
    for chunk in response.iter_content(CHUNK_BYTES):
        size += len(chunk)
        if max_bytes is not None and size > max_bytes:
            raise BadAnswer(
                "answer too large",
                url=url,
                sentence=f"{url} answered with more than {max_bytes} bytes",
                status=response.status_code,
            )
        if deadline is not None and time.monotonic() > deadline:
            raise _timed_out(url, timeout)
        chunks.append(chunk)
    return b"".join(chunks)


def _status_error(url: str, response: requests.Response) -> BadAnswer:
    status = response.status_code
    sentence = f"{url} answered HTTP {status}"
    if status in RETRY_STATUSES:
        history = getattr(response.raw, "retries", None)
        tries = len(history.history) + 1 if isinstance(history, Retry) else 1
        sentence = f"{sentence} {response.reason or ''}".rstrip()
        sentence += f" after {tries} tries" if tries > 1 else ""
    return BadAnswer(f"HTTP {status}", url=url, sentence=sentence, status=status)


def _timed_out(url: str, timeout: float) -> TimedOut:
    return TimedOut(
        "timed out", url=url, sentence=f"{url} did not answer within {timeout:g} seconds"
    )


def _request_error(url: str, exc: requests.RequestException, timeout: float) -> ServiceError:
    # The exception's own text holds the URL (and so perhaps a postcode): only its kind is kept.
    if isinstance(exc, requests.Timeout):
        return _timed_out(url, timeout)
    if isinstance(exc, requests.ConnectionError):
        # requests reports a read timeout in the middle of a body, or one under a retry
        # policy (urllib3's "max retries exceeded"), as a ConnectionError.
        cause = exc.args[0] if exc.args else None
        if isinstance(cause, MaxRetryError):
            cause = cause.reason
        if isinstance(cause, ReadTimeoutError):
            return _timed_out(url, timeout)
        return Unreachable("could not connect", url=url, sentence=f"could not connect to {url}")
    name = exc.__class__.__name__
    return ServiceError(name, url=url, sentence=f"could not fetch {url} ({name})")
