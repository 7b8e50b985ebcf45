"""A real HTTP server on loopback for the fakes of outside services, one per test."""

from __future__ import annotations

import threading

from werkzeug.serving import WSGIRequestHandler, make_server


class QuietHandler(WSGIRequestHandler):
    # HTTP/1.0: one request per connection, so no handler thread waits on a kept-alive socket
    # and shutdown never blocks (werkzeug would otherwise switch threaded servers to 1.1).
    protocol_version = "HTTP/1.0"

    def log_request(self, *args) -> None:
        pass


class LocalServer:
    """`with Subclass() as fake:` serves `fake._wsgi` at `fake.url` until the block ends.
    Slow answers wait on `self._stopping`, so leaving the block cuts them short."""

    url = ""

    def __init__(self) -> None:
        self._stopping = threading.Event()

    def _wsgi(self, environ, start_response):
        raise NotImplementedError

    def __enter__(self):
        self._server = make_server(
            "127.0.0.1", 0, self._wsgi, threaded=True, request_handler=QuietHandler
        )
        # Join request threads on close so none outlives the test.
        self._server.daemon_threads = False
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._server.socket.getsockname()[1]}"
        return self

    def __exit__(self, *exc) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._thread.join()
        self._server.server_close()
