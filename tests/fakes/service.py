"""A real HTTP JSON service on loopback that answers from a script, for accord.http's tests.

`answers` is a list of what to send, one per request, the last repeated: a `Response`, or a
callable taking the fake and the request and returning one (or an iterable of byte chunks,
sent as they come). `requests` records each request, `asked_at` when it came.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.wrappers import Request, Response

from tests.fakes.server import LocalServer

Answer = Response | Callable[["FakeService", Request], Response | Iterable[bytes]]


def json_answer(body: Any, status: int = 200, **headers: str) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json", headers=headers)


class FakeService(LocalServer):
    def __init__(self, *answers: Answer):
        super().__init__()
        self.answers: list[Answer] = list(answers) or [json_answer({})]
        self.requests: list[Request] = []
        self.asked_at: list[float] = []

    def wait(self, seconds: float) -> None:
        """Hold the answer back (cut short when the test's `with` block ends)."""
        self._stopping.wait(seconds)

    def _wsgi(self, environ, start_response):
        request = Request(environ)
        self.requests.append(request)
        self.asked_at.append(time.monotonic())
        answer = self.answers[min(len(self.requests), len(self.answers)) - 1]
        found = answer if isinstance(answer, Response) else answer(self, request)
        if isinstance(found, Response):
            return found(environ, start_response)
        start_response("200 OK", [("Content-Type", "application/json")])
        return found
