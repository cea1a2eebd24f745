"""``errata add URL`` against loopback docs sites: what it writes is what ``errata run`` reads."""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from errata.scraper.adding import exchange_of
from errata.scraper.config import load
from errata.scraper.localserver import Page
from tests.scraper.browser_sites import (
    APP,
    MINT,
    MINT_MD,
    REST,
    WS,
    DocsServer,
    docs_server,
    expected,
)
from tests.support import json_out, run_cli

CONFIG = """# errata sources: edited by hand, and by errata add
[fetch]
timeout = 20   # seconds

# the page we already watch
[[source]]
id = "old"
exchange = "elsewhere"
url = "https://docs.example.invalid/errors"   # never fetched here: runs use --only

[schedule]
every = "6h"  # keep me
"""


@pytest.fixture
def site() -> Iterator[DocsServer]:
    with docs_server() as running:
        running.pages["/guide/errors"] = Page(b"<html><body><div id=app></div></body></html>")
        running.pages["/llms.txt"] = Page(
            b"# Demo docs\n- [Errors](/raw/guide/errors.md): every error code\n", "text/plain"
        )
        running.pages["/raw/guide/errors.md"] = Page(MINT_MD.encode(), "text/markdown")
        yield running


@pytest.fixture(autouse=True)
def own_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(CONFIG)
    return path


# (page, [(id, url path, fetch, entries)]): what add must write for each kind of site.
SITES = {
    "slate": ("/slate/", [
        ("demo-rest-errors", "/slate/#rest-errors", "http", expected(REST, "REST Errors")),
        ("demo-websocket-errors", "/slate/#websocket-errors", "http", expected(WS, "WebSocket Errors")),
    ]),
    "mintlify": ("/docs/errors", [("demo-errors", "/docs/errors", "markdown", expected(MINT, "Errors"))]),
    "llms-txt": ("/guide/errors", [("demo-errors", "/raw/guide/errors.md", "http", expected(MINT, "Errors"))]),
    "js-app": ("/app", [("demo-app", "/app", "browser", expected(APP, "Errors"))]),
    "challenge": ("/guarded", [("demo-guarded", "/guarded", "browser", expected(REST, "Errors"))]),
}  # fmt: skip


@pytest.mark.parametrize("kind", SITES)
def test_add_writes_sources_that_run_reads_exactly(
    kind: str, site: DocsServer, config: Path, tmp_path: Path, env: dict[str, str]
) -> None:
    page, wanted = SITES[kind]
    result = run_cli(["add", site.url(page), "--exchange", "demo", "--yes", "--json"], env)
    assert result.exit_code == 0, result.stderr
    added = json_out(result)
    assert [(a["id"], a["url"], a["fetch"], a["codes"]) for a in added] == [
        (source, site.url(path), fetch, len(entries)) for source, path, fetch, entries in wanted
    ]
    written = config.read_text()
    assert _in_order(CONFIG.splitlines(), written.splitlines())  # comments and layout kept
    sources = {s.id: s for s in load(config).sources}
    for source, path, fetch, _ in wanted:
        assert sources[source].url == site.url(path) and sources[source].strategy == fetch
    only = [arg for source, *_ in wanted for arg in ("--only", source)]
    ran = run_cli(["run", *only], env)
    assert ran.exit_code == 0, ran.stderr
    for source, _, fetch, entries in wanted:
        rows = json_out(run_cli(["current", source, "--json"], env))
        assert [(r["code"], r["message"], r["section"]) for r in rows] == entries
        with sqlite3.connect(tmp_path / "errata.db") as db:
            row = db.execute("SELECT strategy FROM fetches WHERE source_id = ?", [source])
            assert row.fetchall() == [(fetch,)]


def test_the_new_blocks_go_with_the_other_sources_and_say_where_they_came_from(
    site: DocsServer, config: Path, env: dict[str, str]
) -> None:
    assert run_cli(["add", site.url("/docs/errors"), "--id", "mint", "--yes"], env).exit_code == 0
    text = config.read_text()
    assert text.index('id = "old"') < text.index('id = "mint"') < text.index("[schedule]")
    assert "# added by errata add on " in text
    assert 'fetch = "markdown"' in text and 'parser = "auto"' in text


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["https://docs.example.invalid/errors"], "is already watched by source 'old'"),
        (["{site}/slate/", "--id", "old"], "a source with id 'old' already exists"),
        (["{site}/slate/#rest-errors"], "is already watched by source 'demo-rest-errors'"),
        (["{site}/slate/"], "every section found at"),
        (["{site}/slate/#changelog"], "no error-code table or code headings found"),
        (["ftp://example.invalid/x"], "is not a URL errata can fetch"),
    ],
    ids=["url", "id", "section", "all-sections", "no-codes", "scheme"],
)
def test_add_refuses_with_one_line_and_leaves_the_file_alone(
    site: DocsServer, config: Path, env: dict[str, str], args: list[str], problem: str
) -> None:
    assert run_cli(["add", site.url("/slate/"), "--exchange", "demo", "--yes"], env).exit_code == 0
    before = config.read_text()
    result = run_cli(["add", *(a.replace("{site}", site.url("")) for a in args), "--yes"], env)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and problem in result.stderr
    assert config.read_text() == before


def test_a_page_that_cannot_be_read_is_one_line_naming_it(
    site: DocsServer, config: Path, env: dict[str, str]
) -> None:
    result = run_cli(["add", site.url("/nowhere"), "--yes"], env)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert f"cannot read {site.url('/nowhere')}: HTTP 404" in result.stderr
    assert config.read_text() == CONFIG


@pytest.mark.parametrize(
    ("answer", "ids"),
    [("2\n", ["demo-websocket-errors"]), ("\n", ["demo-rest-errors", "demo-websocket-errors"]), ("none\n", [])],
    ids=["one", "default-all", "none"],
)  # fmt: skip
def test_without_yes_add_previews_and_asks(
    site: DocsServer, config: Path, env: dict[str, str], answer: str, ids: list[str]
) -> None:
    result = run_cli(["add", site.url("/slate/"), "--exchange", "demo"], env, answer.encode())
    assert result.exit_code == 0, result.stderr
    assert "[1] demo-rest-errors: REST Errors, 3 codes" in result.stdout
    assert "10003  Unknown symbol <b>" in result.stdout  # page text, shown as text
    assert [s.id for s in load(config).sources] == ["old", *ids]


def test_add_creates_the_config_when_there_is_none(
    site: DocsServer, tmp_path: Path, env: dict[str, str]
) -> None:
    result = run_cli(["add", site.url("/slate/#websocket-errors"), "--id", "ws", "--yes"], env)
    assert result.exit_code == 0, result.stderr
    (source,) = load(tmp_path / "sources.toml").sources
    assert (source.id, source.exchange, source.url) == (
        "ws",
        "local",
        site.url("/slate/#websocket-errors"),
    )


@pytest.mark.parametrize(
    ("url", "exchange"),
    [
        ("https://docs.tickdb.ai/en/errors", "tickdb"),
        ("https://www.okx.com/docs-v5/en/", "okx"),
        ("https://docs.ox.fun/api", "ox"),
        ("https://api.example.co.uk/docs", "example"),
        ("http://127.0.0.1:8080/x", "local"),
    ],
)
def test_the_exchange_comes_from_the_host(url: str, exchange: str) -> None:
    assert exchange_of(url) == exchange


def _in_order(lines: list[str], within: list[str]) -> bool:
    """Every line of ``lines`` appears in ``within``, in the same order."""
    rest = iter(within)
    return all(any(line == other for other in rest) for line in lines)
