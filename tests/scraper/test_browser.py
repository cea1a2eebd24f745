"""Browser fetching against loopback sites, with the real Debian Chromium.

Chromium is installed by .ci/run; a machine without it fails these tests
rather than skipping them (the missing-browser path has its own test, which
fakes the executable's path).
"""

from __future__ import annotations

import sqlite3
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from errata.scraper.browser.process import processes_mentioning
from errata.scraper.config import Page, load
from errata.scraper.localserver import Page as PageOf
from tests.scraper.browser_sites import APP, GUARDED, REST, DocsServer, docs_server, expected
from tests.support import json_out, run_cli


@pytest.fixture
def site() -> Iterator[DocsServer]:
    with docs_server() as running:
        yield running


@pytest.fixture(autouse=True)
def own_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Browser profiles go to the test's folder, so a leftover process is found by its path."""
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    return root


def configure(tmp_path: Path, sources: Sequence[dict[str, str]], extra: str = "") -> None:
    blocks = "\n".join(
        "[[source]]\n" + "".join(f'{k} = "{v}"\n' for k, v in source.items()) for source in sources
    )
    (tmp_path / "sources.toml").write_text(f"[fetch]\nretries = 0\n{extra}\n{blocks}")


def current(source: str, env: dict[str, str]) -> list[tuple[str, str, str]]:
    rows = json_out(run_cli(["current", source, "--json"], env))
    return [(r["code"], r["message"], r["section"]) for r in rows]


def strategies(tmp_path: Path) -> dict[str, list[tuple[str | None, str]]]:
    with sqlite3.connect(tmp_path / "errata.db") as db:
        rows = db.execute("SELECT source_id, strategy, outcome FROM fetches ORDER BY id").fetchall()
    found: dict[str, list[tuple[str | None, str]]] = {}
    for source, strategy, outcome in rows:
        found.setdefault(source, []).append((strategy, outcome))
    return found


def no_browser_left(root: Path) -> None:
    assert processes_mentioning(str(root)) == []
    assert list(root.glob("errata-chromium-*")) == []  # the profile went with the browser


def test_a_table_built_by_javascript_reads_only_in_the_browser(
    site: DocsServer, tmp_path: Path, env: dict[str, str], own_temp: Path
) -> None:
    url = site.url("/app#errors")
    configure(tmp_path, [
        {"id": "app-plain", "exchange": "demo", "url": url},
        {"id": "app-browser", "exchange": "demo", "url": url, "fetch": "browser"},
    ])  # fmt: skip
    result = run_cli(["run", "--json"], env)
    assert result.exit_code == 1, result.stderr  # the plain fetch failed
    assert "app-plain" in result.stderr and "section #errors is not on the page" in result.stderr
    assert current("app-browser", env) == expected(APP, "Errors")
    assert current("app-plain", env) == []
    assert strategies(tmp_path) == {
        "app-plain": [("http", "failed")],
        "app-browser": [("browser", "new")],
    }
    no_browser_left(own_temp)


def test_the_browser_fallback_passes_a_challenge_and_reads_an_app(
    site: DocsServer, tmp_path: Path, env: dict[str, str], own_temp: Path
) -> None:
    configure(tmp_path, [
        {"id": "guarded-plain", "exchange": "demo", "url": site.url("/guarded#errors")},
        {"id": "guarded", "exchange": "demo", "url": site.url("/guarded#errors"), "fallback": "browser"},
        {"id": "app", "exchange": "demo", "url": site.url("/app#errors"), "fallback": "browser"},
        {"id": "guarded-app", "exchange": "demo", "url": site.url("/guarded-app#errors"),
         "fallback": "browser"},
    ])  # fmt: skip
    result = run_cli(["run"], env)
    assert result.exit_code == 1  # guarded-plain stays blocked
    assert "guarded-plain" in result.stderr and "(blocked)" in result.stderr
    assert current("guarded", env) == expected(REST, "Errors")
    assert current("app", env) == expected(APP, "Errors")
    assert current("guarded-app", env) == expected(APP, "Errors")
    rows = strategies(tmp_path)
    assert rows["guarded-plain"] == [("http", "failed")]
    assert rows["guarded"] == [("browser", "new")]  # the blocked plain attempt is not stored
    assert rows["app"] == rows["guarded-app"] == [("browser", "new")]
    cookies = [h.get("Cookie", "") for path, h in site.requests if path == "/guarded"]
    assert any("passed=yes" in c for c in cookies)  # the browser got through the wall itself
    no_browser_left(own_temp)


def test_each_fetch_row_records_the_strategy_that_produced_the_body(
    site: DocsServer, tmp_path: Path, env: dict[str, str]
) -> None:
    configure(tmp_path, [
        {"id": "slate", "exchange": "demo", "url": site.url("/slate/#rest-errors")},
        {"id": "mint", "exchange": "demo", "url": site.url("/docs/errors"), "fetch": "markdown"},
        {"id": "mint-old", "exchange": "demo", "url": site.url("/docs/errors"), "format": "markdown"},
        {"id": "app", "exchange": "demo", "url": site.url("/app#errors"), "fetch": "browser"},
    ])  # fmt: skip
    assert run_cli(["run"], env).exit_code == 0
    rows = strategies(tmp_path)
    assert {source: r[0][0] for source, r in rows.items()} == {
        "slate": "http",
        "mint": "markdown",
        "mint-old": "markdown",
        "app": "browser",
    }
    site.pages.pop("/docs/errors.md")  # the rendition is gone: the page itself, recorded as http
    assert run_cli(["run", "--only", "mint"], env).exit_code == 0
    assert strategies(tmp_path)["mint"][-1] == ("http", "unchanged")


def test_without_chromium_a_browser_source_is_one_line_and_exit_2(
    site: DocsServer, tmp_path: Path, env: dict[str, str]
) -> None:
    missing = '[browser]\nexecutable = "/nonexistent/chromium"\n'
    configure(tmp_path, [
        {"id": "slate", "exchange": "demo", "url": site.url("/slate/#rest-errors")},
        {"id": "app", "exchange": "demo", "url": site.url("/app#errors"), "fetch": "browser"},
    ], missing)  # fmt: skip
    result = run_cli(["run"], env)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "source 'app'" in result.stderr and "apt-get install -y chromium" in result.stderr
    assert site.requests == []  # nothing was fetched, nothing stored
    with sqlite3.connect(tmp_path / "errata.db") as db:
        assert db.execute("SELECT count(*) FROM runs").fetchone()[0] == 0


def test_without_chromium_a_fallback_keeps_the_plain_result_and_says_why(
    site: DocsServer, tmp_path: Path, env: dict[str, str]
) -> None:
    missing = '[browser]\nexecutable = "/nonexistent/chromium"\n'
    configure(tmp_path, [
        {"id": "guarded", "exchange": "demo", "url": site.url("/guarded#errors"), "fallback": "browser"},
    ], missing)  # fmt: skip
    result = run_cli(["run"], env)
    assert result.exit_code == 1
    assert "no browser fallback" in result.stderr and "apt-get install -y chromium" in result.stderr
    assert strategies(tmp_path)["guarded"] == [("http", "failed")]


@pytest.mark.parametrize(
    ("page", "browser", "api_delay", "kind", "words"),
    [
        ("/app#errors", "memory = 50", 0.8, "too_large", "more than its 50 MB"),
        ("/app#errors", "timeout = 3", 60.0, "timeout", "did not appear"),
        ("/wall#errors", "timeout = 8", 0.8, "blocked", "did not get past"),  # room to start
        ("/missing#errors", "timeout = 30", 0.8, "http_status", "HTTP 404"),
    ],
    ids=["memory-cap", "deadline", "endless-challenge", "not-found"],
)
def test_a_page_the_browser_cannot_read_fails_and_its_browser_is_gone(
    tmp_path: Path, env: dict[str, str], own_temp: Path,
    page: str, browser: str, api_delay: float, kind: str, words: str,
) -> None:  # fmt: skip
    with docs_server(api_delay) as site:
        configure(tmp_path, [
            {"id": "app", "exchange": "demo", "url": site.url(page), "fetch": "browser"},
        ], f"[browser]\n{browser}\n")  # fmt: skip
        started = time.monotonic()
        result = run_cli(["run"], env)
    assert result.exit_code == 1
    assert f"({kind})" in result.stderr and words in result.stderr
    assert time.monotonic() - started < 20
    no_browser_left(own_temp)


def test_the_browser_waits_for_the_fragment_or_the_configured_selector() -> None:
    assert Page("", "https://x/docs#errors", "en", "browser").selector() == (
        '[id="errors"], [name="errors"]'
    )
    odd = Page("", 'https://x/docs#a"b%20c', "en", "browser").selector()
    assert odd == '[id="a\\"b c"], [name="a\\"b c"]'
    assert Page("", "https://x/docs", "en", "browser").selector() is None
    chosen = Page("", "https://x/docs#errors", "en", "browser", wait_for="#errors + table")
    assert chosen.selector() == "#errors + table"


@pytest.mark.parametrize(
    ("snippet", "problem"),
    [
        ('fetch = "selenium"', "fetch must be one of http, markdown, browser"),
        ('fallback = "http"', "fallback must be one of browser"),
        ('fetch = "browser"\nfallback = "browser"', "pointless"),
        ('format = "markdown"\nfetch = "browser"', "contradicts"),
        ('wait_for = "div >"', "is not a CSS selector"),
        ("wait_for = 3", "wait_for must be a string"),
    ],
    ids=["fetch", "fallback", "both", "format", "selector", "type"],
)
def test_bad_browser_keys_are_one_line_naming_the_source(
    tmp_path: Path, snippet: str, problem: str
) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(f'[[source]]\nid = "a"\nexchange = "x"\nurl = "https://x/e"\n{snippet}\n')
    with pytest.raises(Exception, match="source 'a'") as caught:
        load(path)
    assert problem in str(caught.value)


@pytest.mark.parametrize(
    ("snippet", "problem"),
    [
        ("concurrency = 0", "concurrency must be positive"),
        ("memory = -1", "memory must be positive"),
        ("settle = -0.5", "settle must not be negative"),
        ('executable = ""', "executable must name"),
        ("headful = true", "unknown key 'headful'"),
    ],
    ids=["concurrency", "memory", "settle", "executable", "unknown"],
)
def test_bad_browser_settings_are_one_line(tmp_path: Path, snippet: str, problem: str) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(f"[browser]\n{snippet}\n")
    with pytest.raises(Exception, match=r"\[browser\]") as caught:
        load(path)
    assert problem in str(caught.value)


@pytest.mark.parametrize(("per_host", "most"), [(1, 1), (3, 3)], ids=["one-per-host", "three"])
def test_browser_fetches_keep_the_per_host_limit(
    tmp_path: Path, env: dict[str, str], per_host: int, most: int
) -> None:
    with docs_server() as site:
        for name in "abc":
            site.pages[f"/{name}"] = PageOf(GUARDED.encode(), delay=0.6)
        sources = [
            {"id": name, "exchange": "demo", "url": site.url(f"/{name}#errors"), "fetch": "browser"}
            for name in "abc"
        ]
        configure(tmp_path, sources, f"per_host = {per_host}\n[browser]\nconcurrency = 3\n")
        assert run_cli(["run"], env).exit_code == 0
    assert site.most_concurrent == most
