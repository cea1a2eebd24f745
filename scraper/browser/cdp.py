"""The Chrome DevTools Protocol over ``--remote-debugging-pipe``: JSON messages ended by NUL.

A pipe instead of a WebSocket port: no port for another local process to
connect to, no WebSocket dependency, and Chromium exits when errata's end of
the pipe closes. Only stable protocol methods are used (Target, Page,
Network, Runtime), which is why the Debian browser of the day works without
a matching driver version.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
from collections import defaultdict
from collections.abc import Callable
from typing import Any

Event = Callable[[dict[str, Any]], None]


class CdpError(Exception):
    """The browser answered a command with an error, or the connection is gone."""


class Connection:
    """Commands with futures for their answers; events to callbacks by (session, method)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit  # the largest message accepted (a rendered page travels as one)
        self._ids = itertools.count(1)
        self._waiting: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._listeners: dict[tuple[str | None, str], list[Event]] = defaultdict(list)
        self._writer: asyncio.WriteTransport | None = None
        self._reading: asyncio.Task[None] | None = None
        self.closed = False

    async def open(self, to_browser: int, from_browser: int) -> None:
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader(limit=self.limit)
        await loop.connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(from_browser, "rb", 0)
        )
        transport, _ = await loop.connect_write_pipe(
            asyncio.BaseProtocol, os.fdopen(to_browser, "wb", 0)
        )
        self._writer = transport
        self._reading = asyncio.create_task(self._read(reader))

    async def call(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> dict[str, Any]:
        """Send one command and wait for its answer; raises ``CdpError``."""
        if self.closed or self._writer is None or self._writer.is_closing():
            raise CdpError("the browser is gone")
        message: dict[str, Any] = {"id": next(self._ids), "method": method}
        message["params"] = params or {}
        if session is not None:
            message["sessionId"] = session
        answer: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiting[message["id"]] = answer
        self._writer.write(json.dumps(message).encode() + b"\0")
        try:
            reply = await answer
        finally:
            self._waiting.pop(message["id"], None)
        if "error" in reply:
            raise CdpError(str(reply["error"].get("message", reply["error"])))
        result: dict[str, Any] = reply.get("result", {})
        return result

    def on(self, session: str | None, method: str, callback: Event) -> None:
        self._listeners[(session, method)].append(callback)

    def forget(self, session: str) -> None:
        for key in [k for k in self._listeners if k[0] == session]:
            del self._listeners[key]

    async def close(self) -> None:
        self.closed = True
        if self._writer is not None:
            self._writer.close()
        if self._reading is not None:
            self._reading.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reading
        self._fail_waiting("the browser connection was closed")

    async def _read(self, reader: asyncio.StreamReader) -> None:
        why = "the browser closed the connection (it exited or was killed)"
        try:
            while True:
                raw = await reader.readuntil(b"\0")
                self._dispatch(json.loads(raw[:-1]))
        except asyncio.IncompleteReadError:
            pass
        except asyncio.LimitOverrunError:
            why = f"the browser sent a message larger than {self.limit} bytes"
        except (OSError, ValueError) as error:
            why = f"the browser connection failed: {error}"
        finally:
            self.closed = True
            self._fail_waiting(why)

    def _dispatch(self, message: dict[str, Any]) -> None:
        if "id" in message:
            waiting = self._waiting.get(message["id"])
            if waiting is not None and not waiting.done():
                waiting.set_result(message)
            return
        key = (message.get("sessionId"), str(message.get("method")))
        for callback in self._listeners.get(key, ()):
            callback(message.get("params", {}))

    def _fail_waiting(self, why: str) -> None:
        for waiting in self._waiting.values():
            if not waiting.done():
                waiting.set_exception(CdpError(why))
