"""One headless Chromium for a run: started when the first page needs it, killed at the end.

Pages are rendered in tabs of the one browser. A watchdog samples the memory
of all the browser's processes; over the cap it kills the browser, and the
page being rendered fails as ``too_large``. A page that fails its deadline
kills the browser too (a renderer stuck in a script would hold the CPU);
the next page starts a fresh one.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from errata.errors import FetchError
from errata.scraper.browser.cdp import CdpError, Connection, Event
from errata.scraper.browser.process import Process

_WATCH_EVERY = 0.5  # seconds between memory samples (one costs ~40 ms of /proc reading)
_MESSAGE_SLACK = 1_000_000


@dataclass(frozen=True, slots=True)
class Limits:
    memory_mb: int
    max_bytes: int  # the largest page accepted; bounds the largest DevTools message


class Browser:
    def __init__(self, executable: str, limits: Limits, proxy: str | None = None) -> None:
        self.executable = executable
        self.limits = limits
        self.proxy = proxy
        self.process: Process | None = None
        self.connection: Connection | None = None
        self.killed_for: str | None = None  # why the watchdog ended it
        self._watching: asyncio.Task[None] | None = None

    @property
    def alive(self) -> bool:
        return (
            self.process is not None and self.connection is not None and not self.connection.closed
        )

    async def start(self) -> None:
        """Start Chromium and wait until it answers on the DevTools pipe."""
        self.process = Process.start(self.executable, self.limits.memory_mb, self.proxy)
        # JSON escapes can make a page's text up to six times longer on the pipe.
        self.connection = Connection(limit=6 * self.limits.max_bytes + _MESSAGE_SLACK)
        self.killed_for = None
        try:
            await self.connection.open(self.process.to_browser, self.process.from_browser)
            await self.connection.call("Browser.getVersion")
        except (CdpError, OSError) as error:
            await self.close()
            raise FetchError("browser", f"{self.executable} did not start: {error}") from None
        self._watching = asyncio.create_task(self._watch())

    @contextlib.asynccontextmanager
    async def tab(self) -> AsyncIterator[Tab]:
        """A new tab for one page, closed afterwards (or gone with the browser)."""
        connection = self._connection()
        target = await connection.call("Target.createTarget", {"url": "about:blank"})
        target_id = str(target["targetId"])
        attached = await connection.call(
            "Target.attachToTarget", {"targetId": target_id, "flatten": True}
        )
        tab = Tab(connection, target_id, str(attached["sessionId"]))
        try:
            yield tab
        finally:
            connection.forget(tab.session)
            if not connection.closed:
                with contextlib.suppress(CdpError):
                    await asyncio.wait_for(
                        connection.call("Target.closeTarget", {"targetId": target_id}), 5
                    )

    async def close(self) -> None:
        """Kill the browser and everything it started; safe to call twice."""
        if self._watching is not None:
            self._watching.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watching
            self._watching = None
        if self.connection is not None:
            await self.connection.close()
        if self.process is not None:
            self.process.kill()

    def memory(self) -> int:
        return self.process.memory() if self.process is not None else 0

    def _connection(self) -> Connection:
        if self.connection is None or self.connection.closed:
            raise CdpError("the browser is not running")
        return self.connection

    async def _watch(self) -> None:
        cap = self.limits.memory_mb * 1024 * 1024
        while self.process is not None:
            used = await asyncio.to_thread(self.process.memory)
            if used > cap:
                self.killed_for = (
                    f"the browser needed more than its {self.limits.memory_mb} MB "
                    f"([browser] memory) for this page"
                )
                self.process.kill()  # the pipe closes: the page's next command fails
                return
            await asyncio.sleep(_WATCH_EVERY)


@dataclass(frozen=True, slots=True)
class Tab:
    connection: Connection
    target: str  # also the id of its main frame
    session: str

    async def call(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return await self.connection.call(method, params, self.session)

    def on(self, method: str, callback: Event) -> None:
        self.connection.on(self.session, method, callback)
