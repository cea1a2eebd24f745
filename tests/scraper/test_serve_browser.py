"""``errata serve`` in a real browser: what a person sees on each page errata adds.

A real ``errata serve`` process (free loopback port) over a history built
with ``errata ingest`` from the shared fixtures, plus a page whose messages
carry markup, and two failed reads so a source is failing. Headless Chromium
(Debian's ``chromium``, driven by Playwright's Python package) opens the home
page, an exchange's page, the charts, the change log and a code's history;
every request it makes must stay on 127.0.0.1. Full-page screenshots go to
``build/screenshots/`` (``ERRATA_SCREENSHOTS`` overrides), which CI keeps.

Without Chromium or Playwright the test is skipped, except under CI (``CI``
set), where it fails: .ci/run installs Chromium, the test extra Playwright.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from errata.db.store import FetchRecord, Store
from tests import history
from tests.scraper.test_serve import serving
from tests.support import REPO, run_cli

pytestmark = pytest.mark.corpus  # the database is built from the real-page corpus

SHOTS = Path(os.environ.get("ERRATA_SCREENSHOTS", REPO / "build" / "screenshots"))
FLAGS = [
    "--no-sandbox",  # Chromium refuses to run as root otherwise
    "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip
HOSTILE = (
    'Order <img src=x onerror="window.pwned=1"> {} found </script><script>window.pwned=2</script>'
)
SQL = re.compile(r"\bSELECT\b|\bFROM (changes|sources|entry_versions)\b")


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        _missing("Debian's chromium (apt-get install -y chromium)")
    return str(path)


def _missing(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing; .ci/run installs it")
    pytest.skip(f"{what} is not installed")


@dataclass
class Visit:
    """The browser's page, and what it did that a person would not want."""

    page: Any
    base: str
    offsite: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def open(self, path: str, shot: str) -> Any:
        response = self.page.goto(self.base + path)
        assert response is not None and response.status == 200, path
        self.page.wait_for_load_state("networkidle")
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{shot}.png"), full_page=True)
        return self.page

    def visible_text(self) -> str:
        return str(self.page.locator("body").inner_text())


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The served history: its root URL and the database file."""
    folder = tmp_path_factory.mktemp("browse")
    env = history.environment(folder)
    history.build(env)
    for at, verb in (("2024-01-02", "not"), ("2024-02-06", "was not")):
        page = folder / f"hostile-{at}.md"
        page.write_text(f"# Errors\n\n| Code | Message |\n|---|---|\n| 7001 | {HOSTILE.format(verb)} |\n| 7002 | Plain |\n")  # fmt: skip
        args = ["ingest", "hostile", str(page), "--observed-at", at, "--parser", "auto"]
        result = run_cli([*args, "--url", "https://docs.example.invalid/errors"], env)
        assert result.exit_code == 0, result.stderr
    store = Store.open(env["ERRATA_DB"])
    try:
        with store.transaction():
            for at in ("2023-08-01T00:00:00Z", "2023-08-02T00:00:00Z"):
                store.add_fetch(
                    FetchRecord("oxfun-ws", at, "https://docs.ox.fun/x", "http", "failed",
                                error_kind="timeout", error_message=f"no answer on {at}")
                )  # fmt: skip
    finally:
        store.close()
    db = Path(env["ERRATA_DB"])
    with serving(db, env, folder / "serve.log") as url:
        yield url.removesuffix("errata"), db


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A headless Chromium context with a fresh profile, closed when the tests end."""
    executable = _chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright's Python package (the test extra)")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=executable, headless=True, args=FLAGS,
            viewport={"width": 1280, "height": 900},
        )  # fmt: skip
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def visit(site: tuple[str, Path], browser: Any) -> Iterator[Visit]:
    """A new tab; afterwards, nothing left loopback and no script failed."""
    page = browser.new_page()
    seen = Visit(page, site[0].rstrip("/"))
    page.route("**/*", lambda route: _loopback_only(route, seen))
    page.on("pageerror", lambda error: seen.errors.append(str(error)))
    page.on("dialog", lambda dialog: seen.errors.append(f"dialog: {dialog.message}"))
    try:
        yield seen
        assert seen.offsite == [] and seen.errors == []
        assert page.evaluate("window.pwned") is None  # page text never ran as script
    finally:
        page.close()


def _loopback_only(route: Any, seen: Visit) -> None:
    url = route.request.url
    if urlsplit(url).hostname == "127.0.0.1" or url.startswith(("data:", "blob:", "about:")):
        route.continue_()
    else:
        seen.offsite.append(url)
        route.abort()


def rows(db: Path, sql: str, *params: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def chart_marks(page: Any, chart: str, mark: str) -> int:
    """How many marks a chart drew (datasette-dashboards draws with Vega as SVG)."""
    selector = f"#chart-{chart} svg .{mark}.role-mark path"  # not the legend's symbols
    page.wait_for_selector(selector, timeout=15_000)
    return int(page.locator(selector).count())


def test_the_home_page_shows_what_needs_a_person_and_the_high_severity_changes(
    visit: Visit,
) -> None:
    page = visit.open("/", "home")
    assert page.locator("h1").inner_text() == "errata"
    attention = page.locator(".errata-attention")
    held = attention.locator(".errata-status-suspect")
    assert held.locator(".errata-pill").inner_text() == "held back"
    assert "9 of 12 codes would be removed" in held.inner_text()
    assert held.locator(".errata-fix code").inner_text() == "errata accept tickdb"
    failing = attention.locator(".errata-status-failing")
    assert "2 failed reads in a row" in failing.inner_text()
    assert failing.locator(".errata-fix code").inner_text() == "errata run --only oxfun-ws"
    assert "kucoin-legacy" not in attention.inner_text()  # healthy sources stay off the list

    [removed] = page.locator(".errata-change").all()  # the history's one high-severity change
    pill = removed.locator(".errata-pill")
    assert pill.inner_text() == "high"
    assert pill.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(198, 40, 40)"
    assert removed.locator(".errata-kind").inner_text() == "removed"
    assert removed.locator(".errata-code").inner_text() == "429"
    links = {a.inner_text(): a.get_attribute("href") for a in removed.locator("a").all()}
    assert links["history of 429"] == "/errata/code_history?source=kucoin-legacy&code=429"
    assert links["documentation page ↗"] == "https://docs.kucoin.com/#errors"
    assert links["kucoin"] == "/-/exchanges/kucoin"
    exchanges = page.locator(".errata-exchanges tbody tr td:first-child").all_inner_texts()
    assert exchanges == ["hostile", "kucoin", "oxfun", "tickdb"]
    assert not SQL.search(visit.visible_text())


def test_an_exchange_page_has_its_health_categories_charts_and_changes(
    visit: Visit, site: tuple[str, Path]
) -> None:
    db = site[1]
    page = visit.open("/-/exchanges/oxfun", "exchange-oxfun")
    assert page.locator("h1").inner_text() == "oxfun"
    docs = page.locator(".errata-docs a", has_text="documentation page")
    assert docs.get_attribute("href") == "https://docs.ox.fun/api/websocket/error-codes"
    assert page.locator(".errata-health .errata-pill").all_inner_texts() == ["failing"]
    categories = dict(rows(db, "SELECT category, codes FROM exchange_summary WHERE exchange = 'oxfun'"))  # fmt: skip
    shown = [r.split("\t") for r in page.locator(".errata-bars tbody tr").all_inner_texts()]
    assert {c.strip(): int(n) for c, n, _ in shown} == categories
    points = rows(db, "SELECT count(*) FROM codes_over_time WHERE exchange = 'oxfun'")[0][0]
    assert chart_marks(page, "codes", "mark-symbol") == points >= 2
    bars = rows(db, "SELECT count(*) FROM changes_per_week WHERE exchange = 'oxfun'")[0][0]
    assert chart_marks(page, "weeks", "mark-rect") == bars >= 2
    page.screenshot(path=str(SHOTS / "exchange-oxfun.png"), full_page=True)  # charts drawn
    cards = page.locator(".errata-change")
    assert cards.count() == 15  # every oxfun change, newest first
    reworded = cards.filter(has=page.locator(".errata-code", has_text="100005"))
    assert reworded.locator("del").all_inner_texts() == ["with id"]
    assert not SQL.search(visit.visible_text())


def test_the_charts_page_draws_every_chart_with_data(visit: Visit, site: tuple[str, Path]) -> None:
    page = visit.open("/-/dashboards/errata", "charts")
    page.wait_for_selector("#chart-categories svg .mark-rect.role-mark path")
    exchanges = len(rows(site[1], "SELECT DISTINCT exchange FROM codes_over_time"))
    assert page.locator("#chart-codes svg .mark-line.role-mark path").count() == exchanges
    assert chart_marks(page, "weeks", "mark-rect") == len(
        rows(site[1], "SELECT DISTINCT week, kind FROM changes_per_week")
    )
    page.screenshot(path=str(SHOTS / "charts.png"), full_page=True)


def test_the_change_log_puts_changes_first_with_the_changed_words_marked(visit: Visit) -> None:
    page = visit.open("/errata/change_log", "change-log")
    notes = page.locator("details.errata-column-notes")
    assert notes.get_attribute("open") is None and notes.locator("dd").first.is_hidden()
    assert page.locator("dl.column-descriptions").is_hidden()
    first = page.locator(".errata-change").first
    assert first.bounding_box()["y"] < 900  # the first change is above the fold
    reworded = page.locator(".errata-change", has=page.locator(".errata-code", has_text="100005"))
    assert reworded.locator("del.errata-del").inner_text() == "with id"
    assert reworded.locator("del").evaluate("e => getComputedStyle(e).textDecorationLine") == "line-through"  # fmt: skip
    assert reworded.locator(".errata-pill").inner_text() == "medium"
    assert not SQL.search(visit.visible_text())

    # Page text shows as text: the markup in a message is neither an element nor a script.
    hostile = page.locator(".errata-change", has=page.locator(".errata-code", has_text="7001"))
    assert hostile.locator("img, script, b:not(.errata-kind)").count() == 0
    assert hostile.locator("ins").inner_text() == "was"
    assert '<img src=x onerror="window.pwned=1">' in hostile.inner_text()


def test_a_code_s_history_shows_each_version_and_hides_its_sql(visit: Visit) -> None:
    page = visit.open("/errata/code_history?source=oxfun-ws&code=100005", "code-history")
    versions = page.locator(".errata-version")
    assert versions.count() == 2
    first, now = versions.all()
    assert first.locator(".errata-pill").all_inner_texts() == ["first seen", "then reworded"]
    assert now.locator(".errata-pill").all_inner_texts() == ["reworded"]
    assert now.locator(".errata-message").first.inner_text() == "Open order not found"
    assert now.locator(".errata-was del").inner_text() == "with id"
    docs = page.locator(".errata-links a", has_text="documentation page")
    assert docs.get_attribute("href") == "https://docs.ox.fun/api/websocket/error-codes"
    assert page.locator("details.errata-as-table").get_attribute("open") is None
    assert not SQL.search(visit.visible_text())

    page.locator("a", has_text="Show SQL").click()
    page.wait_for_load_state()
    assert SQL.search(page.locator("#sql-query").inner_text())  # one click away, not gone
