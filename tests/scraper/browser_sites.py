"""Loopback docs sites for the browser and ``errata add`` tests, and the process-table checks.

Each site is built from a table of (section, code, message) rows, so a test
can say exactly which entries errata must read from it.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import signal
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from errata.scraper.browser.process import processes_mentioning
from errata.scraper.localserver import Handler, Page, PageServer

Row = tuple[str, str]  # (code, message)

REST = [
    ("10001", "Invalid signature"),
    ("10002", "Timestamp expired"),
    ("10003", "Unknown symbol <b>"),
]
WS = [("20001", "Subscription limit reached"), ("20002", "Channel not found")]
APP = [
    ("30001", "Order rejected: {reason}"),
    ("30002", "Insufficient balance"),
    ("30003", "Rate limit"),
]
MINT = [
    ("401", "Missing API key"),
    ("403", "Plan does not include this endpoint"),
    ("429", "Too many requests"),
]


def table(rows: Sequence[Row]) -> str:
    body = "".join(f"<tr><td>{c}</td><td>{html.escape(m)}</td></tr>" for c, m in rows)
    return (
        f"<table><thead><tr><th>Code</th><th>Message</th></tr></thead><tbody>{body}</tbody></table>"
    )


def expected(rows: Sequence[Row], section: str) -> list[tuple[str, str, str]]:
    return [(code, message, section) for code, message in rows]


# A Slate single page: many sections, parameter tables, two error sections.
SLATE = f"""<!doctype html><html><head><meta charset="utf-8"><title>Demo API</title></head>
<body><div class="page-wrapper"><div class="content">
<h1 id="introduction">Introduction</h1><p>Welcome to the Demo API.</p>
<h1 id="orders">Orders</h1><h2 id="place-order">Place order</h2>
<table><thead><tr><th>Parameter</th><th>Type</th><th>Description</th></tr></thead>
<tbody><tr><td>symbol</td><td>String</td><td>The market</td></tr></tbody></table>
<h1 id="rest-errors">REST Errors</h1><p>Every REST error:</p>{table(REST)}
<h1 id="websocket-errors">WebSocket Errors</h1>{table(WS)}
<h1 id="changelog">Changelog</h1><p>Nothing yet.</p>
</div></div></body></html>"""

# A docs app: the section and its table arrive from an API call after the page loaded.
APP_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Docs</title></head>
<body><div id="app">Loading…</div><script>
fetch("/api/errors.json").then((r) => r.json()).then((rows) => {
  const app = document.getElementById("app");
  const h = document.createElement("h2"); h.id = "errors"; h.textContent = "Errors";
  const t = document.createElement("table");
  t.innerHTML = "<thead><tr><th>Code</th><th>Message</th></tr></thead>";
  const body = document.createElement("tbody");
  for (const [code, message] of rows) {
    const tr = document.createElement("tr");
    for (const text of [code, message]) {
      const td = document.createElement("td"); td.textContent = text; tr.appendChild(td);
    }
    body.appendChild(tr);
  }
  t.appendChild(body); app.replaceChildren(h, t);
});
</script></body></html>"""

# What a bot wall sends first: a script sets a cookie and reloads.
CHALLENGE = """<!doctype html><html><head><title>Just a moment...</title></head>
<body><p>Checking your browser before accessing the docs.</p><script>
setTimeout(() => { document.cookie = "passed=yes; path=/"; location.reload(); }, 300);
</script></body></html>"""

GUARDED = f"""<!doctype html><html><head><meta charset="utf-8"><title>Errors</title></head>
<body><h2 id="errors">Errors</h2>{table(REST)}</body></html>"""

# Mintlify: the HTML repeats each code as a heading; the .md rendition is the clean table.
MINT_HTML = f"""<!doctype html><html><head><title>Errors</title></head><body>
<div id="content"><h1 id="errors">Errors</h1>{table(MINT)}
{"".join(f"<h3>{c}</h3><p>{m}</p>" for c, m in MINT)}</div></body></html>"""
MINT_MD = "# Errors\n\n| Code | Message |\n| --- | --- |\n" + "".join(
    f"| {c} | {m} |\n" for c, m in MINT
)


class DocsServer(PageServer):
    """The pages above; ``/guarded…`` show the challenge until the browser sends the cookie,
    ``/wall`` always does."""

    def respond(self, handler: Handler) -> None:
        passed = "passed=yes" in handler.headers.get("Cookie", "")
        if handler.path == "/wall" or (handler.path.startswith("/guarded") and not passed):
            body = CHALLENGE.encode()
            handler.send_page(503, body, {"Content-Type": "text/html; charset=utf-8"})
            return
        super().respond(handler)


def docs_server(api_delay: float = 0.8) -> DocsServer:
    data = json.dumps(APP).encode()
    return DocsServer(
        {
            "/slate/": Page(SLATE.encode()),
            "/app": Page(APP_PAGE.encode()),
            "/api/errors.json": Page(data, "application/json", delay=api_delay),
            "/guarded": Page(GUARDED.encode()),
            "/guarded-app": Page(APP_PAGE.encode()),  # the docs app, behind the wall
            "/docs/errors": Page(MINT_HTML.encode()),
            "/docs/errors.md": Page(MINT_MD.encode(), "text/markdown; charset=utf-8"),
        }
    )


# --- the process table -----------------------------------------------------------------


def _stat(pid: str) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()


def session_processes(sid: int) -> list[int]:
    """Live (not zombie) processes of session ``sid``: everything errata started, however deep."""
    found = []
    for entry in Path("/proc").iterdir():
        fields = _stat(entry.name) if entry.name.isdigit() else None
        if fields and fields[3] == str(sid) and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def browsers_of(sid: int, profile_root: Path) -> list[int]:
    """Chromium processes of that session, and any helper that detached but names our profile."""
    ours = [p for p in session_processes(sid) if p != sid and _is_chromium(p)]
    return sorted({*ours, *processes_mentioning(str(profile_root))})


def _is_chromium(pid: int) -> bool:
    try:
        return b"chrom" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def wait_for(condition: object, timeout: float, step: float = 0.1) -> bool:
    """Poll a callable until it returns something true; False at the deadline."""
    assert callable(condition)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return bool(condition())


def reap(pids: Iterator[int] | Sequence[int]) -> None:
    """Test cleanup only: kill what a failed assertion would otherwise leave running."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
