"""One page in a tab: navigate, wait for the watched section, take the DOM.

"Rendered" means: the document has loaded, the watched element (the URL
fragment's, or ``wait_for``) is present, and the DOM has not changed for
``settle`` seconds, so a table a script fills in after the element appears
is taken whole. A bot challenge that reloads itself is simply waited out: the
element appears on the page behind it. A page that never gets there fails at
the deadline, as ``blocked`` when it still shows a challenge, else ``timeout``.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from errata.errors import FetchError, FetchErrorKind
from errata.scraper.browser.cdp import CdpError
from errata.scraper.browser.chromium import Tab

_POLL = 0.1  # seconds between looks at the page
_PATIENCE = 10  # after the element appears, wait at most this many settle periods for quiet
_PROBE = """(() => {
  const w = window;
  if (!w.__errataQuiet) {
    w.__errataQuiet = { at: performance.now() };
    new MutationObserver(() => { w.__errataQuiet.at = performance.now(); }).observe(
      document, { subtree: true, childList: true, characterData: true, attributes: true });
  }
  const selector = SELECTOR;
  return {
    ready: document.readyState === "complete",
    found: selector === null || document.querySelector(selector) !== null,
    quiet: (performance.now() - w.__errataQuiet.at) / 1000,
  };
})()"""
_DOM = (
    "(document.doctype ? new XMLSerializer().serializeToString(document.doctype) + '\\n' : '')"
    " + document.documentElement.outerHTML"
)
_NAVIGATION_ERRORS: dict[str, FetchErrorKind] = {
    "net::ERR_TIMED_OUT": "timeout",
    "net::ERR_CONNECTION_TIMED_OUT": "timeout",
    "net::ERR_TOO_MANY_REDIRECTS": "redirect",
    "net::ERR_UNSAFE_REDIRECT": "redirect",
    "net::ERR_ABORTED": "bad_content",  # a download (a PDF, say) instead of a page
    "net::ERR_HTTP_RESPONSE_CODE_FAILURE": "http_status",
}


@dataclass(frozen=True, slots=True)
class Rendered:
    url: str  # where the page ended up
    status: int | None  # HTTP status of the document that was rendered
    html: bytes  # UTF-8


@dataclass(frozen=True, slots=True)
class Wait:
    selector: str | None
    settle: float
    deadline: float  # time.monotonic() by which the page must be rendered
    is_challenge: Callable[[bytes], bool]
    max_bytes: int


@dataclass(frozen=True, slots=True)
class _State:
    ready: bool
    found: bool
    quiet: float


class _Document:
    """The main frame's latest document response, and whether the page is still loading data.

    A docs app usually fetches its content after the page has loaded; until
    those requests are answered a quiet DOM means nothing.
    """

    def __init__(self, tab: Tab, url: str) -> None:
        self.frame = tab.target
        self.status: int | None = None
        self.url = url
        self.loading: set[str] = set()
        self.last_network = time.monotonic()
        tab.on("Network.responseReceived", self.received)
        tab.on("Network.requestWillBeSent", self.sent)
        tab.on("Network.loadingFinished", self.finished)
        tab.on("Network.loadingFailed", self.finished)

    def received(self, params: dict[str, Any]) -> None:
        if params.get("type") == "Document" and params.get("frameId") == self.frame:
            response = params.get("response", {})
            self.status = int(response.get("status", 0)) or None
            self.url = str(response.get("url", self.url))

    def sent(self, params: dict[str, Any]) -> None:
        self.loading.add(str(params.get("requestId")))
        self.last_network = time.monotonic()

    def finished(self, params: dict[str, Any]) -> None:
        self.loading.discard(str(params.get("requestId")))
        self.last_network = time.monotonic()

    def quiet(self, dom_quiet: float) -> float:
        """Seconds without DOM changes and without network requests in flight."""
        network = 0.0 if self.loading else time.monotonic() - self.last_network
        return min(dom_quiet, network)


async def render(tab: Tab, url: str, wait: Wait) -> Rendered:
    """The page at ``url`` as the browser shows it once rendered; raises ``FetchError``."""
    document = _Document(tab, url)
    await tab.call("Page.enable")
    await tab.call("Network.enable")
    navigation = await tab.call("Page.navigate", {"url": url})
    if error := navigation.get("errorText"):
        kind = _NAVIGATION_ERRORS.get(str(error), "connect")
        raise FetchError(kind, f"the browser could not load the page: {error}")
    html = await _until_rendered(tab, wait, document)
    return Rendered(document.url, document.status, html)


async def _until_rendered(tab: Tab, wait: Wait, document: _Document) -> bytes:
    found_at: float | None = None
    while time.monotonic() < wait.deadline:
        state = await _probe(tab, wait)
        now = time.monotonic()
        if state is None or not state.ready:
            found_at = None
        elif state.found:
            found_at = found_at or now
            quiet = document.quiet(state.quiet)
            if quiet >= wait.settle or now - found_at > max(_PATIENCE * wait.settle, 2.0):
                html = await _dom(tab, wait)
                if wait.selector is not None or not wait.is_challenge(html):
                    _refuse_error_page(document, html, wait)
                    return html
                found_at = None  # a challenge page: it reloads itself when it is done
        elif state.quiet >= wait.settle and (document.status or 0) >= 400:
            html = await _dom(tab, wait)
            _refuse_error_page(document, html, wait)  # an error page will never show the section
        await asyncio.sleep(_POLL)
    raise await _late(tab, wait)


def _refuse_error_page(document: _Document, html: bytes, wait: Wait) -> None:
    """Raise for an HTTP error page; a challenge page is let through to be waited out."""
    status = document.status
    if status is not None and status >= 400 and not wait.is_challenge(html):
        raise FetchError("http_status", f"HTTP {status}", status)


async def _late(tab: Tab, wait: Wait) -> FetchError:
    """The error for a page that missed its deadline: a challenge still showing, or a timeout."""
    try:
        html = await _dom(tab, replace(wait, deadline=time.monotonic() + 5))
    except (CdpError, FetchError, TimeoutError):
        html = b""
    if html and wait.is_challenge(html):
        return FetchError("blocked", "a bot-protection challenge the browser did not get past")
    what = f"{wait.selector} did not appear" if wait.selector else "the page did not finish"
    return FetchError("timeout", f"{what} in the browser before the deadline")


async def _probe(tab: Tab, wait: Wait) -> _State | None:
    """What the page looks like now; None between documents (a navigation or reload)."""
    expression = _PROBE.replace("SELECTOR", json.dumps(wait.selector))
    try:
        value = await _evaluate(tab, expression, wait)
    except CdpError as error:
        if tab.connection.closed:
            raise
        if "selector" in str(error).lower():
            raise FetchError("bad_content", f"wait_for: {error}") from None
        return None  # "Execution context was destroyed": the page is navigating
    if not isinstance(value, dict):
        return None
    return _State(bool(value["ready"]), bool(value["found"]), float(value["quiet"]))


async def _dom(tab: Tab, wait: Wait) -> bytes:
    length = await _evaluate(tab, "document.documentElement.outerHTML.length", wait)
    if isinstance(length, int) and length > wait.max_bytes:
        raise FetchError("too_large", f"the rendered page exceeds the {wait.max_bytes}-byte limit")
    html = str(await _evaluate(tab, _DOM, wait)).encode("utf-8", errors="replace")
    if len(html) > wait.max_bytes:
        raise FetchError("too_large", f"the rendered page exceeds the {wait.max_bytes}-byte limit")
    return html


async def _evaluate(tab: Tab, expression: str, wait: Wait) -> Any:
    """A script's value; a busy page (a script that never yields) is bounded by the deadline."""
    remaining = max(0.1, wait.deadline - time.monotonic())
    answer = await asyncio.wait_for(
        tab.call("Runtime.evaluate", {"expression": expression, "returnByValue": True}),
        remaining,
    )
    if "exceptionDetails" in answer:
        details = answer["exceptionDetails"]
        text = details.get("exception", {}).get("description") or details.get("text", "")
        raise CdpError(str(text).splitlines()[0] if text else "script error")
    return answer.get("result", {}).get("value")
