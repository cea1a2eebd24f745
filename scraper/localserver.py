"""A real HTTP server on a loopback address, serving pages from memory.

The demo serves its bundled pages with it, and the tests use it as the
"exchange": pages can be swapped between runs, and it answers conditional
requests with 304 the way real docs sites do. Tests subclass it and override
``respond`` to misbehave.
"""

from __future__ import annotations

import hashlib
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any


@dataclass(frozen=True, slots=True)
class Post:
    """A request a web hook receiver got: what Slack or a webhook consumer would see."""

    path: str
    headers: Mapping[str, str]
    body: bytes
    answered: int


@dataclass(frozen=True, slots=True)
class Page:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    conditional: bool = True  # send an ETag and answer If-None-Match with 304
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'


class Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        owner = self.server.owner
        owner.record(self)
        with owner.active():
            owner.respond(self)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        self.server.owner.receive(self, body)

    def send_page(self, status: int, body: bytes, headers: Mapping[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if "Content-Length" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        return  # quiet: the demo and the tests print what matters


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: PageServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up mid-answer (a fetch timing out, by design) is no server error."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class PageServer:
    """``with PageServer(pages) as server: server.url("/path")``; ``server.pages`` may be replaced."""

    def __init__(self, pages: Mapping[str, Page] | None = None, host: str = "127.0.0.1") -> None:
        self.host = host
        self.pages: dict[str, Page] = dict(pages or {})
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.posts: list[Post] = []  # every POST, answered or refused
        self.post_statuses: list[int] = []  # answers for the next POSTs, then 200 "ok"
        self.request_times: list[float] = []
        self.concurrent = 0
        self.most_concurrent = 0
        self._lock = threading.Lock()
        self._httpd = _Server((host, 0), Handler)
        self._httpd.owner = self
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},  # so shutdown() returns promptly
            name="errata-pages",
            daemon=True,
        )

    def record(self, handler: Handler) -> None:
        with self._lock:
            self.requests.append((handler.path, dict(handler.headers.items())))
            self.request_times.append(time.monotonic())

    def receive(self, handler: Handler, body: bytes) -> None:
        """Record a POST and answer with the next queued status (a receiver that fails on cue)."""
        with self._lock:
            status = self.post_statuses.pop(0) if self.post_statuses else 200
            headers = {k.lower(): v for k, v in handler.headers.items()}
            self.posts.append(Post(handler.path, headers, body, status))
        reply = b"ok" if status == 200 else b"unavailable"
        handler.send_page(status, reply, {"Content-Type": "text/plain"})

    @property
    def accepted(self) -> list[Post]:
        return [post for post in self.posts if post.answered < 300]

    def active(self) -> _Active:
        return _Active(self)

    def respond(self, handler: Handler) -> None:
        """Serve ``self.pages``: 404 for unknown paths, 304 for a matching If-None-Match."""
        page = self.pages.get(handler.path)
        if page is None:
            handler.send_page(404, b"not found", {"Content-Type": "text/plain"})
            return
        if page.delay:
            time.sleep(page.delay)
        headers = {"Content-Type": page.content_type, **page.headers}
        if page.conditional:
            headers["ETag"] = page.etag
            if page.status == 200 and handler.headers.get("If-None-Match") == page.etag:
                handler.send_page(304, b"", {"ETag": page.etag, "Content-Length": "0"})
                return
        handler.send_page(page.status, page.body, headers)

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def __enter__(self) -> PageServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


class _Active:
    """Counts requests being answered at once (tests check the per-host limit with it)."""

    def __init__(self, server: PageServer) -> None:
        self.server = server

    def __enter__(self) -> None:
        with self.server._lock:
            self.server.concurrent += 1
            self.server.most_concurrent = max(self.server.most_concurrent, self.server.concurrent)

    def __exit__(self, *_: object) -> None:
        with self.server._lock:
            self.server.concurrent -= 1
