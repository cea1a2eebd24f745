"""Fetching pages: concurrent, polite, conditional, retried, bounded.

A source names its fetch strategy (``STRATEGIES``, keyed by name): ``http``
(httpx, one URL), ``markdown`` (the page's ``.md`` rendition first, then the
page) or ``browser`` (headless Chromium renders the page; see
``errata.scraper.browser``). Every strategy shares the per-host politeness
below; the browser adds its own small concurrency, deadline and memory cap.
The result says which strategy produced the body, for the fetch row.

Every failure becomes a ``FetchError`` of one kind, stored on the fetch row:

- ``timeout``: connect, read or total deadline passed;
- ``connect``: the connection failed, was reset, or the body was cut short;
- ``http_status``: a 4xx or 5xx answer (after retries for 429 and 5xx);
- ``too_large``: the body, or what it decompresses to, exceeds the limit;
- ``blocked``: a bot-protection challenge page instead of the docs;
- ``bad_content``: an empty body, a PDF or image, an unsupported encoding;
- ``redirect``: too many redirects, one to a non-http(s) URL, or one from a
  public host into a private network (``errata.scraper.addresses``);
- ``browser``: Chromium could not start, crashed or is not installed.

A failed fetch never reaches the parser, so it can never look like a page
that lost its codes. Each retry is one log line naming the sources, the URL
(without credentials or query values, which may hold tokens), what went wrong
and the wait.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import random
import re
import threading
import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import httpx
import stamina
from stamina.instrumentation import RetryDetails, set_on_retry_hooks

from errata.errors import FetchError, FetchErrorKind
from errata.parsers.document import binary_kind
from errata.scraper.addresses import InwardRedirect, refuse_inward_redirect
from errata.scraper.browser import Browser, Limits, Wait, find_executable, install_hint, render
from errata.scraper.browser.cdp import CdpError

if TYPE_CHECKING:  # config imports this module, for the names of the strategies
    from errata.scraper.config import BrowserSettings, FetchSettings, Page

ErrorKind = FetchErrorKind
log = logging.getLogger("errata")

MAX_REDIRECTS = 5
_PAGE_TYPES = ("text/", "application/xhtml+xml", "application/xml", "application/octet-stream")
_PEEK = 256 * 1024  # how much of an error page is read
# A challenge page is small and says what it is at once; a docs page may carry a
# bot wall's script near its end. So only the start of a body is searched, lower-
# cased once, with patterns that begin with literals (which re scans for quickly).
_CHALLENGE_HEAD = 32 * 1024
# Phrases only bot walls use; a docs page that merely mentions JavaScript is not one.
_CHALLENGE = re.compile(
    rb"<title>\s*(?:just a moment|attention required|access denied|ddos-guard|checking your browser)"
    rb"|cf-browser-verification|challenge-platform|cf_chl_opt|__cf_chl_|_incapsula_resource"
    rb"|please enable (?:javascript and )?cookies to continue|enable javascript and cookies"
)
_WEAK_CHALLENGE = re.compile(rb"please (?:turn on|enable) javascript|captcha|are you a robot")


class _Transient(Exception):
    """A failure worth another attempt (5xx, 429, network trouble); ``where`` is for the log."""

    def __init__(self, error: FetchError, where: str = "", attempts: int = 0) -> None:
        super().__init__(str(error))
        self.error = error
        self.where = where
        self.attempts = attempts


def shown_url(url: str) -> str:
    """A URL fit for a log line: no user or password, no query values (they may be tokens)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    query = "&".join(f"{key}=…" for key, _ in parse_qsl(parts.query, keep_blank_values=True))
    return urlunsplit((parts.scheme, host + port, parts.path, query, ""))


def _log_retry(details: RetryDetails) -> None:
    """stamina's retry hook: one line per retry, naming the sources, the URL and the wait."""
    cause = details.caused_by
    if not isinstance(cause, _Transient):
        return
    log.warning(
        "%s: %s; retry %d of %d in %.1f s",
        cause.where, cause.error, details.retry_num, cause.attempts, details.wait_for,
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Validators:
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class Request:
    """One page to fetch: the strategy's name, the URLs it tries in order, what a browser waits for."""

    urls: tuple[str, ...]
    strategy: str = "http"
    wait_for: str | None = None  # browser: a CSS selector


def request_for(page: Page, strategy: str | None = None) -> Request:
    """How ``page`` is fetched: its own strategy, or ``strategy`` (a fallback) instead."""
    name = strategy or page.strategy
    if name == "browser":
        return Request((page.wire_url,), "browser", page.selector())
    return Request(page.chain() if name == page.strategy else (page.wire_url,), name)


class Stopped(Exception):
    """The run's stop event was set: the fetches in flight were abandoned."""


@dataclass(frozen=True, slots=True)
class FetchResult:
    url: str  # the URL that was fetched (the one that answered, for a chain of alternates)
    status: int | None = None
    body: bytes | None = None  # None for a failure or a 304
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    elapsed_ms: int = 0
    error: FetchError | None = None
    strategy: str = "http"  # which strategy produced it: a name in STRATEGIES

    @property
    def not_modified(self) -> bool:
        return self.status == 304 and self.error is None


Arrival = Callable[[tuple[str, ...], "FetchResult"], None]
RequestArrival = Callable[[Request, "FetchResult"], None]


def fetch_all(
    chains: Iterable[Sequence[str]],
    settings: FetchSettings,
    validators: Mapping[str, Validators] | None = None,
    on_result: Arrival | None = None,
    labels: Mapping[str, str] | None = None,
) -> dict[tuple[str, ...], FetchResult]:
    """Fetch each chain of URLs over plain HTTP: the first that answers well wins.

    A chain is usually one URL; ``(page.md, page)`` prefers a page's Markdown
    rendition. Each distinct URL is fetched once per call, however many
    chains name it. ``on_result`` is called as each chain completes;
    ``labels`` names the sources behind a URL in log lines.
    """

    def arrived(request: Request, result: FetchResult) -> None:
        if on_result is not None:
            on_result(request.urls, result)

    requests = [Request(tuple(chain)) for chain in chains]
    results = fetch_requests(requests, settings, validators, arrived, labels=labels)
    return {request.urls: result for request, result in results.items()}


def fetch_requests(
    requests: Iterable[Request],
    settings: FetchSettings,
    validators: Mapping[str, Validators] | None = None,
    on_result: RequestArrival | None = None,
    *,
    browser: BrowserSettings | None = None,
    stop: threading.Event | None = None,
    labels: Mapping[str, str] | None = None,
) -> dict[Request, FetchResult]:
    """Fetch each request with its strategy; ``on_result`` is called as each completes.

    ``on_result`` runs on the fetching loop: keep it short (``errata add``
    prints, tests count), or use ``fetch_in_background``. When ``stop`` is set,
    the fetches in flight are abandoned (a browser among them is killed) and
    ``Stopped`` is raised. ``labels`` names the sources behind a URL in log lines.
    """
    unique = list(dict.fromkeys(requests))
    set_on_retry_hooks([_log_retry])  # instead of stamina's own line, which names nothing
    fetcher = _Fetcher(settings, validators or {}, browser, labels)
    stopped = None if stop is None else stop.is_set
    return asyncio.run(_fetch_requests(fetcher, unique, on_result, stopped))


def fetch_in_background(
    requests: Iterable[Request],
    settings: FetchSettings,
    validators: Mapping[str, Validators] | None = None,
    *,
    browser: BrowserSettings | None = None,
    stop: threading.Event | None = None,
    labels: Mapping[str, str] | None = None,
    ahead: int | None = None,
) -> Iterator[tuple[Request, FetchResult]]:
    """Fetch on a thread of its own and yield each result, as it arrives, in the caller's thread.

    What the caller does with a result (parse, diff, store) never delays a
    fetch: the fetching loop keeps answering servers and keeping deadlines
    while the caller works, so no page times out because of local work. At
    most ``ahead`` results (as many as the concurrency, by default) are fetched
    before the caller is done with them, and a result the caller moved on from
    is held nowhere else: the bodies in memory stay bounded however many pages
    a run has. When ``stop`` is set the fetches in flight are abandoned and
    ``Stopped`` is raised; a caller that leaves early abandons them too.
    """
    unique = list(dict.fromkeys(requests))
    set_on_retry_hooks([_log_retry])
    fetcher = _Fetcher(settings, validators or {}, browser, labels)
    arrivals: queue.SimpleQueue[tuple[Request, FetchResult] | BaseException | None] = (
        queue.SimpleQueue()
    )
    gate = _Gate(ahead or settings.concurrency)
    halt = threading.Event()

    def stopped() -> bool:
        return halt.is_set() or (stop is not None and stop.is_set())

    def work() -> None:
        try:
            handed = _fetch_requests(
                fetcher, unique, lambda r, f: arrivals.put((r, f)), stopped, gate=gate
            )
            asyncio.run(handed)
        except BaseException as error:  # raised again in the caller's thread
            arrivals.put(error)
        else:
            arrivals.put(None)

    fetching = threading.Thread(target=work, name="errata-fetch", daemon=True)
    fetching.start()
    try:
        while (item := _next(arrivals)) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
            del item  # the caller is done with it: its body may go
            gate.release()
    finally:
        halt.set()
        fetching.join()


def _next(
    arrivals: queue.SimpleQueue[tuple[Request, FetchResult] | BaseException | None],
) -> tuple[Request, FetchResult] | BaseException | None:
    """The next arrival; waiting in short steps keeps the caller's thread open to signals."""
    while True:
        with contextlib.suppress(queue.Empty):
            return arrivals.get(timeout=0.5)


class _Gate:
    """How many results may be fetched ahead of the caller; opened again from the caller's thread."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.loop: asyncio.AbstractEventLoop | None = None
        self.slots: asyncio.Semaphore | None = None

    async def enter(self) -> None:
        if self.slots is None:
            self.loop, self.slots = asyncio.get_running_loop(), asyncio.Semaphore(self.size)
        await self.slots.acquire()

    def release(self) -> None:
        loop, slots = self.loop, self.slots
        if loop is not None and slots is not None:
            with contextlib.suppress(RuntimeError):  # the loop has already ended
                loop.call_soon_threadsafe(slots.release)


async def _fetch_requests(
    fetcher: _Fetcher,
    requests: list[Request],
    on_result: RequestArrival | None,
    stopped: Callable[[], bool] | None,
    *,
    gate: _Gate | None = None,
) -> dict[Request, FetchResult]:
    """With a ``gate``, results are handed over and not kept: each body lives with its caller."""
    async with fetcher:
        fetcher.expect(requests)

        async def one(request: Request) -> FetchResult:
            if gate is not None:
                await gate.enter()
            result = await fetcher.request(request)
            fetcher.done_with(request)
            if on_result is not None:
                on_result(request, result)
            return result if gate is None else replace(result, body=None)

        work = asyncio.gather(*(one(request) for request in requests))
        results = await work if stopped is None else await _unless_stopped(work, stopped)
    return dict(zip(requests, results, strict=True))


async def _unless_stopped(
    work: asyncio.Future[list[FetchResult]], is_stopped: Callable[[], bool]
) -> list[FetchResult]:
    async def stopped() -> None:
        while not is_stopped():
            await asyncio.sleep(0.1)

    watcher = asyncio.ensure_future(stopped())
    either: set[asyncio.Future[Any]] = {work, watcher}
    try:
        done, _ = await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
    finally:
        watcher.cancel()
    if work in done:
        return work.result()
    work.cancel()
    with contextlib.suppress(BaseException):
        await work
    raise Stopped


@dataclass
class _Host:
    """Politeness toward one host: how many requests at once, and how far apart."""

    slots: asyncio.Semaphore
    spacing: asyncio.Lock = field(default_factory=asyncio.Lock)
    last_start: float = float("-inf")


class _Fetcher:
    def __init__(
        self,
        settings: FetchSettings,
        validators: Mapping[str, Validators],
        browser: BrowserSettings | None = None,
        labels: Mapping[str, str] | None = None,
    ) -> None:
        from errata.scraper.config import BrowserSettings  # config imports this module

        self.settings = settings
        self.validators = validators
        self.labels = labels or {}
        self.overall = asyncio.Semaphore(settings.concurrency)
        self.hosts: dict[str, _Host] = defaultdict(
            lambda: _Host(asyncio.Semaphore(settings.per_host))
        )
        self.started: dict[str, asyncio.Task[FetchResult]] = {}
        self.requested: dict[Request, asyncio.Task[FetchResult]] = {}
        self.wanted: Counter[str] = Counter()  # requests yet to finish that name each URL
        self.browser_settings = browser or BrowserSettings()
        self.renders = asyncio.Semaphore(self.browser_settings.concurrency)
        self.browser: Browser | None = None
        self.launching = asyncio.Lock()
        self.client = httpx.AsyncClient(
            timeout=httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout),
            headers={
                "User-Agent": settings.user_agent,
                "Accept": "text/html, text/markdown;q=0.9, text/plain;q=0.8, */*;q=0.1",
                "Accept-Encoding": "gzip, deflate",  # decoded here, within limits
            },
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            event_hooks={
                "response": [] if settings.allow_private_redirects else [refuse_inward_redirect]
            },
            proxy=settings.proxy,
            trust_env=True,  # HTTP(S)_PROXY and NO_PROXY from the environment
        )

    async def __aenter__(self) -> _Fetcher:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self._discard_browser()
        await self.client.aclose()

    def expect(self, requests: Iterable[Request]) -> None:
        """Note which URLs each request may fetch, so each fetch is kept only while needed."""
        for request in requests:
            self.wanted.update(set(request.urls))

    def done_with(self, request: Request) -> None:
        """Forget what only this request still needed (its body, once the caller is done)."""
        self.requested.pop(request, None)
        for url in set(request.urls):
            self.wanted[url] -= 1
            if self.wanted[url] <= 0:
                self.started.pop(url, None)

    def request(self, request: Request) -> asyncio.Task[FetchResult]:
        """The fetch of ``request`` in this run, started on first request and shared after."""
        if request not in self.requested:
            strategy = STRATEGIES[request.strategy]
            self.requested[request] = asyncio.ensure_future(strategy(self, request))
        return self.requested[request]

    async def chain(self, urls: Sequence[str]) -> FetchResult:
        result = FetchResult(urls[0])
        for url in urls:
            result = await self.once(url)
            if result.error is None:
                return result
        return result

    def once(self, url: str) -> asyncio.Task[FetchResult]:
        """The fetch of ``url`` in this run, started on first request and shared after."""
        if url not in self.started:
            self.started[url] = asyncio.ensure_future(self._fetch(url))
        return self.started[url]

    async def _fetch(self, url: str) -> FetchResult:
        started = time.monotonic()
        host = self.hosts[urlsplit(url).netloc]
        try:
            async for attempt in stamina.retry_context(
                on=_retry_wait(self.settings.retry_after_max),
                attempts=self.settings.retries + 1,
                timeout=None,
                wait_initial=self.settings.backoff_initial,
                wait_max=self.settings.backoff_max,
                wait_jitter=self.settings.backoff_initial,
            ):
                with attempt:
                    async with self.overall, host.slots:
                        await self._keep_distance(host)
                        try:
                            return await self._attempt(url, started)
                        except _Transient as transient:
                            transient.where = self._where(url)
                            transient.attempts = self.settings.retries
                            raise
        except _Transient as transient:
            return _failure(url, transient.error, started)
        except FetchError as error:
            return _failure(url, error, started)
        raise AssertionError("unreachable: stamina either returns or raises")  # pragma: no cover

    def _where(self, url: str) -> str:
        label = self.labels.get(url)
        return f"{label} ({shown_url(url)})" if label else shown_url(url)

    async def _keep_distance(self, host: _Host) -> None:
        """Space requests to one host by ``host_delay`` seconds, with jitter."""
        delay = self.settings.host_delay
        if delay <= 0:
            return
        async with host.spacing:
            wait = host.last_start + delay * random.uniform(1.0, 1.5) - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            host.last_start = time.monotonic()

    async def _attempt(self, url: str, started: float) -> FetchResult:
        headers: dict[str, str] = {}
        known = self.validators.get(url)
        if known and known.etag:
            headers["If-None-Match"] = known.etag
        if known and known.last_modified:
            headers["If-Modified-Since"] = known.last_modified
        try:
            async with asyncio.timeout(self.settings.timeout):
                async with self.client.stream("GET", url, headers=headers) as response:
                    return await self._answer(url, response, started)
        except TimeoutError:
            raise _Transient(
                FetchError("timeout", f"no complete answer within {self.settings.timeout:g} s")
            ) from None
        except httpx.TooManyRedirects:
            raise FetchError("redirect", f"more than {MAX_REDIRECTS} redirects") from None
        except InwardRedirect as error:
            raise FetchError("redirect", str(error)) from None
        except httpx.UnsupportedProtocol as error:
            raise FetchError(
                "redirect", f"redirected to a URL that is not http(s): {error}"
            ) from None
        except httpx.TimeoutException as error:
            raise _Transient(FetchError("timeout", f"timed out ({type(error).__name__})")) from None
        except (
            httpx.ConnectError,
            httpx.RemoteProtocolError,
            httpx.ReadError,
            httpx.WriteError,
        ) as error:
            raise _Transient(FetchError("connect", f"{type(error).__name__}: {error}")) from None

    async def _answer(self, url: str, response: httpx.Response, started: float) -> FetchResult:
        status = response.status_code
        if status == 304:
            return _result(url, response, None, started)
        if status >= 400:
            peek = await _read(response, _PEEK, self.settings.max_decompressed, keep_partial=True)
            if _is_challenge(response, peek, strong_only=False):
                raise FetchError(
                    "blocked", f"HTTP {status}: a bot-protection challenge page", status
                )
            error = FetchError("http_status", f"HTTP {status}", status, _retry_after(response))
            if status == 429 or status >= 500:
                raise _Transient(error)
            raise error
        kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if kind and not kind.startswith(_PAGE_TYPES):
            raise FetchError(
                "bad_content", f"the server sent {kind}, not an HTML or Markdown page", status
            )
        body = await _read(response, self.settings.max_bytes, self.settings.max_decompressed)
        if not body.strip():
            raise FetchError("bad_content", "the server sent an empty body", status)
        if what := binary_kind(body):
            raise FetchError(
                "bad_content", f"the server sent {what}, not an HTML or Markdown page", status
            )
        if _is_challenge(response, body, strong_only=True):
            raise FetchError(
                "blocked", "a bot-protection challenge page instead of the docs", status
            )
        return _result(url, response, body, started)

    async def render(self, url: str, selector: str | None) -> FetchResult:
        """The page as headless Chromium renders it: one attempt, within the browser's limits."""
        started = time.monotonic()
        host = self.hosts[urlsplit(url).netloc]
        try:
            async with self.renders, self.overall, host.slots:
                await self._keep_distance(host)
                status, html = await self._render(url, selector)
        except FetchError as error:
            return replace(_failure(url, error, started), strategy="browser")
        elapsed = int((time.monotonic() - started) * 1000)
        return FetchResult(
            url, status, html, content_type="text/html; charset=utf-8",
            elapsed_ms=elapsed, strategy="browser",
        )  # fmt: skip

    async def _render(self, url: str, selector: str | None) -> tuple[int | None, bytes]:
        limit = self.browser_settings.timeout
        wait = Wait(
            selector, self.browser_settings.settle, time.monotonic() + limit,
            looks_blocked, self.settings.max_bytes,
        )  # fmt: skip
        browser: Browser | None = None
        try:
            async with asyncio.timeout(
                limit + 10
            ):  # a backstop: the page's own deadline is earlier
                browser = await self._live_browser()
                async with browser.tab() as tab:
                    rendered = await render(tab, url, wait)
        except TimeoutError:
            await self._discard_browser()
            raise FetchError("timeout", f"the browser did not finish within {limit:g} s") from None
        except CdpError as error:
            why = browser.killed_for if browser is not None else None
            await self._discard_browser()
            if why:
                raise FetchError("too_large", why) from None
            raise FetchError("browser", f"the browser failed: {error}") from None
        except FetchError as error:
            if error.kind == "timeout":  # a page stuck in a script keeps its renderer busy
                await self._discard_browser()
            raise
        return rendered.status, rendered.html

    async def _live_browser(self) -> Browser:
        async with self.launching:
            if self.browser is not None and self.browser.alive:
                return self.browser
            await self._discard_browser()
            name = self.browser_settings.executable
            executable = find_executable(name)
            if executable is None:
                raise FetchError("browser", install_hint(name))
            limits = Limits(self.browser_settings.memory, self.settings.max_bytes)
            browser = Browser(executable, limits, self.settings.proxy)
            await browser.start()
            self.browser = browser
            return browser

    async def _discard_browser(self) -> None:
        browser, self.browser = self.browser, None
        if browser is not None:
            await browser.close()


def looks_blocked(body: bytes) -> bool:
    """Whether a page is a bot-protection challenge rather than the docs (its start tells)."""
    return bool(_CHALLENGE.search(body[:_CHALLENGE_HEAD].lower()))


def _retry_wait(cap: float) -> Callable[[Exception], bool | float]:
    """stamina's backoff hook: retry transient failures, after Retry-After when the server gave one."""

    def wait(error: Exception) -> bool | float:
        if not isinstance(error, _Transient):
            return False
        asked = error.error.retry_after
        return True if asked is None else min(max(asked, 0.0), cap)

    return wait


def _retry_after(response: httpx.Response) -> float | None:
    """``Retry-After`` in seconds, from either form the header may take."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())


def _is_challenge(response: httpx.Response, body: bytes, *, strong_only: bool) -> bool:
    """Whether ``body`` is a bot wall's challenge; only its first ``_CHALLENGE_HEAD`` bytes count."""
    if response.headers.get("cf-mitigated", "").lower() == "challenge":
        return True
    if looks_blocked(body):
        return True
    if strong_only:
        return False
    server = response.headers.get("Server", "").lower()
    walled = any(name in server for name in ("cloudflare", "ddos-guard", "akamai", "sucuri"))
    return response.status_code in (403, 429, 503) and (
        walled or bool(_WEAK_CHALLENGE.search(body[:_CHALLENGE_HEAD].lower()))
    )


async def _read(
    response: httpx.Response, limit: int, decoded_limit: int, *, keep_partial: bool = False
) -> bytes:
    """The body, decompressed here so a gzip bomb is stopped at ``decoded_limit``, not after."""
    declared = response.headers.get("Content-Length", "")
    if not keep_partial and declared.isdigit() and int(declared) > limit:
        raise FetchError(
            "too_large",
            f"Content-Length {declared} exceeds the {limit}-byte limit",
            response.status_code,
        )
    decoder = _Decoder(
        response.headers.get("Content-Encoding", ""), decoded_limit, response.status_code
    )
    received = 0
    async for chunk in response.aiter_raw():
        received += len(chunk)
        if received > limit:
            if keep_partial:
                break
            raise FetchError(
                "too_large", f"the body exceeds the {limit}-byte limit", response.status_code
            )
        decoder.feed(chunk)
    return decoder.result()


class _Decoder:
    """gzip/deflate decoding that never produces more than ``limit`` bytes."""

    def __init__(self, encoding: str, limit: int, status: int) -> None:
        self.limit = limit
        self.status = status
        self.parts: list[bytes] = []
        self.size = 0
        encoding = encoding.strip().lower()
        if encoding in ("", "identity"):
            self.inflater = None
        elif encoding in ("gzip", "x-gzip", "deflate"):
            self.inflater = zlib.decompressobj(zlib.MAX_WBITS | 32)  # gzip or zlib, by header
        else:
            raise FetchError("bad_content", f"unsupported Content-Encoding {encoding!r}", status)

    def feed(self, chunk: bytes) -> None:
        if self.inflater is None:
            self._keep(chunk)
            return
        data = chunk
        try:
            while data:
                out = self.inflater.decompress(data, self.limit - self.size + 1)
                self._keep(out)
                data = self.inflater.unconsumed_tail
        except zlib.error as error:
            raise FetchError(
                "bad_content", f"the compressed body is corrupt: {error}", self.status
            ) from None

    def _keep(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.limit:
            raise FetchError(
                "too_large", f"the body decompresses to more than {self.limit} bytes", self.status
            )
        self.parts.append(data)

    def result(self) -> bytes:
        return b"".join(self.parts)


def _result(url: str, response: httpx.Response, body: bytes | None, started: float) -> FetchResult:
    return FetchResult(
        url=url,
        status=response.status_code,
        body=body,
        etag=response.headers.get("ETag"),
        last_modified=response.headers.get("Last-Modified"),
        content_type=response.headers.get("Content-Type"),
        elapsed_ms=int((time.monotonic() - started) * 1000),
    )


def _failure(url: str, error: FetchError, started: float) -> FetchResult:
    elapsed = int((time.monotonic() - started) * 1000)
    return FetchResult(url=url, status=error.status, error=error, elapsed_ms=elapsed)


# --- strategies, by the name a source's ``fetch`` key gives ---------------------------

Strategy = Callable[[_Fetcher, Request], Awaitable[FetchResult]]


async def _http(fetcher: _Fetcher, request: Request) -> FetchResult:
    return replace(await fetcher.chain(request.urls), strategy="http")


async def _markdown(fetcher: _Fetcher, request: Request) -> FetchResult:
    """The Markdown rendition when it answers, else the page itself (recorded as http)."""
    result = await fetcher.chain(request.urls)
    answered = result.error is None and result.url == request.urls[0]
    return replace(result, strategy="markdown" if answered else "http")


async def _browser(fetcher: _Fetcher, request: Request) -> FetchResult:
    return await fetcher.render(request.urls[0], request.wait_for)


STRATEGIES: dict[str, Strategy] = {"http": _http, "markdown": _markdown, "browser": _browser}
