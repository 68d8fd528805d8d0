"""What the Zoom and Graph stand-ins share: a threaded HTTP server on 127.0.0.1, a router of
(method, path pattern) to handler, bearer tokens it issued, a record of the requests, and a
script of failures (``fail``: the next matching requests answer 500, or 429 with Retry-After).

A handler gets a ``Request`` and returns ``(status, body, headers)``; body is JSON-able or None.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

Answer = tuple[int, Any, dict[str, str]]


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    params: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.body or b"{}")

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


@dataclass
class Failure:
    status: int
    match: str  # a substring of "METHOD /path"; "" matches every request
    retry_after: str | None
    body: Any


class StandIn:
    """Subclasses add routes in ``routes()`` and an error body in ``error_body``."""

    token_lifetime = 3600

    def __init__(self, *, port: int = 0, delay: float = 0.0) -> None:
        self.lock = threading.RLock()
        self.requests: list[Request] = []
        self.failures: list[Failure] = []
        self.tokens: set[str] = set()
        self.token_requests = 0
        self.delay = delay
        # Called with (request, status) after a request's answer was decided, before it is
        # sent: a test can kill the caller in the window between the effect and its answer.
        self.after: Callable[[Request, int], None] | None = None
        self._routes: list[tuple[str, re.Pattern[str], Callable[[Request], Answer]]] = []
        self.routes()
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                request = Request(self.command, url.path, query, dict(self.headers.items()), body)
                status, answer, headers = standin.dispatch(request)
                if standin.after is not None:
                    standin.after(request, status)
                payload = b"" if answer is None else json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    if payload:
                        self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:
                    pass

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle  # noqa: N815

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # --- to override ----------------------------------------------------------------------

    def routes(self) -> None:
        raise NotImplementedError

    def error_body(self, status: int, message: str, code: Any = None) -> Any:
        raise NotImplementedError

    # --- machinery ------------------------------------------------------------------------

    def route(self, method: str, pattern: str, handler: Callable[[Request], Answer]) -> None:
        self._routes.append((method, re.compile(f"^{pattern}$"), handler))

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> StandIn:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fail(
        self,
        status: int,
        *,
        times: int = 1,
        match: str = "",
        retry_after: int | str | None = None,
        message: str = "",
    ) -> None:
        """The next ``times`` requests whose "METHOD /path" contains ``match`` answer ``status``."""
        text = message or ("Too many requests" if status == 429 else "Internal server error")
        with self.lock:
            for _ in range(times):
                self.failures.append(
                    Failure(
                        status,
                        match,
                        None if retry_after is None else str(retry_after),
                        self.error_body(status, text, status),
                    )
                )

    def issue_token(self) -> dict[str, Any]:
        token = secrets.token_urlsafe(24)
        with self.lock:
            self.tokens.add(token)
            self.token_requests += 1
        return {"access_token": token, "token_type": "bearer", "expires_in": self.token_lifetime}

    def expire_tokens(self) -> None:
        with self.lock:
            self.tokens.clear()

    def authorised(self, request: Request) -> bool:
        header = request.headers.get("Authorization", "")
        return header.startswith("Bearer ") and header.removeprefix("Bearer ") in self.tokens

    def calls(self, match: str = "") -> list[Request]:
        """The recorded API requests whose "METHOD /path" contains ``match``."""
        with self.lock:
            return [r for r in self.requests if match in f"{r.method} {r.path}"]

    def dispatch(self, request: Request) -> Answer:
        if self.delay:
            time.sleep(self.delay)
        line = f"{request.method} {request.path}"
        with self.lock:
            self.requests.append(request)
            for failure in self.failures:
                if failure.match in line:
                    self.failures.remove(failure)
                    headers = {"Retry-After": failure.retry_after} if failure.retry_after else {}
                    return failure.status, failure.body, headers
        for method, pattern, handler in self._routes:
            found = pattern.match(request.path)
            if found and method == request.method:
                request.params = found.groupdict()
                with self.lock:
                    return handler(request)
        return 404, self.error_body(404, f"No route for {line}"), {}


def serve_forever(standin: StandIn, banner: str) -> None:
    """For ``python -m tests.standins.zoom``: start, print where, serve until Ctrl-C."""
    standin.start()
    print(banner.format(url=standin.url), flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        standin.stop()
