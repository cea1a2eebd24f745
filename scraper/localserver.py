"""A real HTTP server on 127.0.0.1 serving pages from memory.

The demo serves its bundled pages with it, and the tests use it as the
"exchange": pages can be swapped between runs, and it answers conditional
requests with 304 the way real docs sites do.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType


@dataclass(frozen=True, slots=True)
class Page:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    conditional: bool = True  # send an ETag and answer If-None-Match with 304

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'


class PageServer:
    """``with PageServer(pages) as server: server.url("/path")``; ``server.pages`` may be replaced."""

    def __init__(self, pages: Mapping[str, Page] | None = None, host: str = "127.0.0.1") -> None:
        self.host = host
        self.pages: dict[str, Page] = dict(pages or {})
        self.requests: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append((self.path, dict(self.headers.items())))
                page = server.pages.get(self.path)
                if page is None:
                    self._send(404, b"not found", "text/plain")
                    return
                if (
                    page.conditional
                    and page.status == 200
                    and self.headers.get("If-None-Match") == page.etag
                ):
                    self.send_response(304)
                    self.send_header("ETag", page.etag)
                    self.end_headers()
                    return
                self._send(
                    page.status,
                    page.body,
                    page.content_type,
                    page.etag if page.conditional else None,
                )

            def _send(
                self, status: int, body: bytes, content_type: str, etag: str | None = None
            ) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                if etag:
                    self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_: object) -> None:
                return  # quiet: the demo and the tests print what matters

        self._httpd = ThreadingHTTPServer((host, 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name="errata-pages", daemon=True
        )

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
