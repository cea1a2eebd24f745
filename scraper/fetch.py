"""Fetching pages over HTTP with httpx: concurrent, conditional, retried, bounded.

Every failure becomes a ``FetchError`` of one kind (timeout, connect,
http_status, too_large, blocked, bad_content, redirect) that is stored on the
fetch row; a failed fetch never reaches the parser, so it can never look
like a page that lost its codes.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

import httpx
import stamina

from scraper.config import FetchSettings

ErrorKind = Literal[
    "timeout", "connect", "http_status", "too_large", "blocked", "bad_content", "redirect"
]
MAX_REDIRECTS = 5


class FetchError(Exception):
    def __init__(self, kind: ErrorKind, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.status = status


class _Transient(Exception):
    """A failure worth another attempt (5xx, 429, network trouble)."""

    def __init__(self, error: FetchError) -> None:
        super().__init__(str(error))
        self.error = error


@dataclass(frozen=True, slots=True)
class Validators:
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class FetchResult:
    url: str
    status: int | None = None
    body: bytes | None = None  # None for a failure or a 304
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    elapsed_ms: int = 0
    error: FetchError | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304 and self.error is None


def fetch_all(
    urls: Iterable[str], settings: FetchSettings, validators: Mapping[str, Validators] | None = None
) -> dict[str, FetchResult]:
    """Fetch each distinct URL once, concurrently within the configured limits."""
    return asyncio.run(_fetch_all(list(dict.fromkeys(urls)), settings, validators or {}))


async def _fetch_all(
    urls: list[str], settings: FetchSettings, validators: Mapping[str, Validators]
) -> dict[str, FetchResult]:
    overall = asyncio.Semaphore(settings.concurrency)
    per_host: dict[str, asyncio.Semaphore] = defaultdict(
        lambda: asyncio.Semaphore(settings.per_host)
    )
    timeout = httpx.Timeout(settings.timeout)
    headers = {
        "User-Agent": settings.user_agent,
        "Accept": "text/html, text/markdown;q=0.9, */*;q=0.5",
    }
    async with httpx.AsyncClient(
        timeout=timeout, headers=headers, follow_redirects=True, max_redirects=MAX_REDIRECTS
    ) as client:

        async def one(url: str) -> FetchResult:
            async with overall, per_host[urlsplit(url).netloc]:
                return await _fetch(client, url, settings, validators.get(url, Validators()))

        results = await asyncio.gather(*(one(url) for url in urls))
    return dict(zip(urls, results, strict=True))


async def _fetch(
    client: httpx.AsyncClient, url: str, settings: FetchSettings, validators: Validators
) -> FetchResult:
    started = time.monotonic()
    try:
        async for attempt in stamina.retry_context(
            on=_Transient,
            attempts=settings.retries + 1,
            timeout=None,
            wait_initial=settings.backoff_initial,
            wait_max=settings.backoff_max,
            wait_jitter=settings.backoff_initial,
        ):
            with attempt:
                return await _attempt(client, url, settings, validators, started)
    except _Transient as transient:
        return _failure(url, transient.error, started)
    except FetchError as error:
        return _failure(url, error, started)
    raise AssertionError("unreachable: stamina either returns or raises")  # pragma: no cover


async def _attempt(
    client: httpx.AsyncClient,
    url: str,
    settings: FetchSettings,
    validators: Validators,
    started: float,
) -> FetchResult:
    headers = {}
    if validators.etag:
        headers["If-None-Match"] = validators.etag
    if validators.last_modified:
        headers["If-Modified-Since"] = validators.last_modified
    try:
        async with client.stream("GET", url, headers=headers) as response:
            if response.status_code == 304:
                return _result(url, response, None, started)
            if response.status_code == 429 or response.status_code >= 500:
                raise _Transient(
                    FetchError("http_status", f"HTTP {response.status_code}", response.status_code)
                )
            if response.status_code >= 400:
                raise FetchError(
                    "http_status", f"HTTP {response.status_code}", response.status_code
                )
            body = await _read(response, settings.max_bytes)
            if not body.strip():
                raise FetchError(
                    "bad_content", "the server sent an empty body", response.status_code
                )
            return _result(url, response, body, started)
    except httpx.TooManyRedirects:
        raise FetchError("redirect", f"more than {MAX_REDIRECTS} redirects") from None
    except httpx.UnsupportedProtocol as error:
        raise FetchError("redirect", f"redirected to an unsupported URL: {error}") from None
    except httpx.TimeoutException as error:
        raise _Transient(FetchError("timeout", f"timed out ({type(error).__name__})")) from None
    except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError) as error:
        raise _Transient(FetchError("connect", f"{type(error).__name__}: {error}")) from None
    except httpx.DecodingError as error:
        raise FetchError("bad_content", f"undecodable body: {error}") from None


async def _read(response: httpx.Response, limit: int) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FetchError("too_large", f"Content-Length {declared} exceeds the {limit}-byte limit")
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > limit:
            raise FetchError("too_large", f"the body exceeds the {limit}-byte limit")
        chunks.append(chunk)
    return b"".join(chunks)


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
