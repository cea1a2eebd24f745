"""Fault injection: whatever the network or a server does, no false change, and the run goes on.

Two hosts on loopback: 127.0.0.2 serves a healthy source all along, 127.0.0.3 a
source that misbehaves on the second night. For every fault: the run finishes
(exit 1), the healthy source is fine, the faulty one has a fetch row with the
right error kind, no change is recorded, and the third, healthy night records
no spurious change either.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from errata.scraper.localserver import Page
from tests.scraper import faults
from tests.scraper.faults import FaultServer
from tests.support import fixture_bytes, run_cli

pytestmark = pytest.mark.corpus  # every test here reads the real-page corpus

PAGE = (
    "<html><body><h2 id='errors'>Errors</h2><table><tr><th>Code</th><th>Message</th></tr>"
    "<tr><td>60009</td><td>登录失败 (login failed)</td></tr><tr><td>60012</td><td>Invalid request</td></tr>"
    "<tr><td>60014</td><td>请求过于频繁</td></tr></table></body></html>"
).encode()
SETTINGS = (
    "[fetch]\nretries = 1\nbackoff_initial = 0.01\nbackoff_max = 0.05\nread_timeout = 0.5\ntimeout = 4\n"
    "max_bytes = 200000\nmax_decompressed = 5000000\nretry_after_max = 0.2\n"
)


def challenge() -> faults.Fault:
    body = b"<html><head><title>Just a moment...</title></head><body>Enable JavaScript and cookies to continue</body></html>"
    return faults.status(503, body, {"cf-mitigated": "challenge", "Server": "cloudflare"})


FAULTS: dict[str, tuple[Callable[[FaultServer], None], str | None]] = {
    "500": (lambda s: s.faults.update({"/page": faults.status(500)}), "http_status"),
    "503-retry-after": (lambda s: s.faults.update({"/page": faults.status(503, headers={"Retry-After": "1"})}), "http_status"),
    "429": (lambda s: s.faults.update({"/page": faults.status(429)}), "http_status"),
    "read-timeout": (lambda s: s.faults.update({"/page": faults.stall(3)}), "timeout"),
    "reset-mid-body": (lambda s: s.faults.update({"/page": faults.reset_mid_body(PAGE)}), "connect"),
    "truncated-body": (lambda s: s.faults.update({"/page": faults.truncated(PAGE)}), "connect"),
    "empty-200": (lambda s: s.pages.update({"/page": Page(b"")}), "bad_content"),
    "bot-challenge": (lambda s: s.faults.update({"/page": challenge()}), "blocked"),
    "redirect-loop": (lambda s: s.faults.update({"/page": faults.redirect("/loop"), "/loop": faults.redirect("/page")}), "redirect"),
    "redirect-to-ftp": (lambda s: s.faults.update({"/page": faults.redirect("ftp://127.0.0.3/page")}), "redirect"),
    "oversize-body": (lambda s: s.pages.update({"/page": Page(PAGE + b" " * 300_000)}), "too_large"),
    "gzip-bomb": (lambda s: s.faults.update({"/page": faults.gzip_bomb(50_000_000)}), "too_large"),
    "pdf": (lambda s: s.pages.update({"/page": Page(b"%PDF-1.7\n%binary", "application/pdf")}), "bad_content"),
    # a UTF-8 page labelled Latin-1: read correctly, so no error and no false rewording
    "wrong-charset": (lambda s: s.pages.update({"/page": Page(PAGE + b"<!-- v2 -->", "text/html; charset=iso-8859-1")}), None),
}  # fmt: skip


@pytest.fixture
def hosts() -> Iterator[tuple[FaultServer, FaultServer]]:
    with FaultServer("127.0.0.2") as good, FaultServer("127.0.0.3") as bad:
        yield good, bad


def count(db: str, sql: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(sql).fetchone()[0])


@pytest.mark.parametrize("fault", list(FAULTS), ids=list(FAULTS))
def test_a_fault_is_a_typed_failure_and_never_a_change(
    fault: str, hosts: tuple[FaultServer, FaultServer], tmp_path: Path, env: dict[str, str]
) -> None:
    good, bad = hosts
    Path(env["ERRATA_CONFIG"]).write_text(
        SETTINGS
        + f'[[source]]\nid = "good"\nexchange = "opnx"\nurl = "{good.url("/docs")}#error-codes"\nparser = "oxfun"\n'
        + f'[[source]]\nid = "bad"\nexchange = "okx"\nurl = "{bad.url("/page")}#errors"\nparser = "okx"\n'
    )
    good.pages["/docs"] = Page(fixture_bytes("oxfun/v2-websocket-2023-03-14.md"), "text/markdown")
    bad.pages["/page"] = Page(PAGE)
    assert run_cli(["run"], env).exit_code == 0

    inject, kind = FAULTS[fault]
    inject(bad)
    night = run_cli(["run"], env)
    db = env["ERRATA_DB"]
    last = "SELECT {} FROM fetches WHERE source_id = '{}' ORDER BY id DESC LIMIT 1"
    with sqlite3.connect(db) as conn:
        (error_kind,) = conn.execute(last.format("error_kind", "bad")).fetchone()
        (good_outcome,) = conn.execute(last.format("outcome", "good")).fetchone()
    assert error_kind == kind
    assert night.exit_code == (0 if kind is None else 1), night.stderr
    if kind is not None:
        assert f"bad ({bad.url('/page')}): fetch failed ({kind})" in night.stderr
    assert good_outcome in ("unchanged", "not_modified")
    assert count(db, "SELECT count(*) FROM changes") == 0

    bad.faults.clear()
    bad.pages["/page"] = Page(PAGE)
    healthy = run_cli(["run"], env)
    assert healthy.exit_code == 0, healthy.stderr
    assert count(db, "SELECT count(*) FROM changes") == 0
    assert (
        count(db, "SELECT count(*) FROM revisions WHERE source_id = 'bad' AND status != 'suspect'")
        == 1
    )
