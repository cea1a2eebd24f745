"""A page server that misbehaves on request, the way real servers and networks do."""

from __future__ import annotations

import gzip
import socket
import struct
import time
from collections.abc import Callable

from errata.scraper.localserver import Handler, PageServer

Fault = Callable[[Handler], None]


class FaultServer(PageServer):
    """``server.faults[path] = fault`` makes that path misbehave instead of serving its page."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        super().__init__(host=host)
        self.faults: dict[str, Fault] = {}
        self._httpd.handle_error = lambda *_: None  # type: ignore[method-assign]  # faults raise on purpose

    def respond(self, handler: Handler) -> None:
        target = (
            handler.path if handler.path.startswith("/") else "/" + handler.path.split("/", 3)[-1]
        )
        fault = self.faults.get(target)
        if fault is None:
            handler.path = target
            super().respond(handler)
        else:
            fault(handler)


def status(code: int, body: bytes = b"error", headers: dict[str, str] | None = None) -> Fault:
    def answer(handler: Handler) -> None:
        handler.send_page(code, body, {"Content-Type": "text/html", **(headers or {})})

    return answer


def _half_body(handler: Handler, body: bytes) -> None:
    """Announce the whole body with Content-Length, then send only its first half."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body[: len(body) // 2])
    handler.wfile.flush()
    handler.close_connection = True


def reset_mid_body(body: bytes) -> Fault:
    """Send half the body, then reset the connection (RST)."""

    def answer(handler: Handler) -> None:
        _half_body(handler, body)
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.connection.close()

    return answer


def truncated(body: bytes) -> Fault:
    """Send half the body, then close the connection cleanly."""

    def answer(handler: Handler) -> None:
        _half_body(handler, body)
        handler.connection.shutdown(socket.SHUT_RDWR)

    return answer


def stall(seconds: float) -> Fault:
    """Send the headers, then nothing for ``seconds``."""

    def answer(handler: Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        handler.wfile.flush()
        time.sleep(seconds)
        handler.close_connection = True

    return answer


def redirect(location: str) -> Fault:
    def answer(handler: Handler) -> None:
        handler.send_page(302, b"", {"Location": location, "Content-Length": "0"})

    return answer


def gzip_bomb(decompressed: int) -> Fault:
    """A small gzip body that inflates to ``decompressed`` bytes of zeros."""
    compressed = gzip.compress(b"\0" * decompressed, compresslevel=9)

    def answer(handler: Handler) -> None:
        headers = {"Content-Type": "text/html", "Content-Encoding": "gzip"}
        handler.send_page(200, compressed, headers)

    return answer
