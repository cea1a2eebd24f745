from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from errata.scraper.localserver import PageServer
from tests import corpus, support

# --- the real-page corpus: marked tests, skipped on a bare clone with one summary line --------


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "corpus: needs the real-page corpus (ERRATA_SHARED)")


def pytest_sessionstart(session: pytest.Session) -> None:
    if corpus.REQUIRED and not corpus.available():
        raise pytest.UsageError(f"ERRATA_REQUIRE_CORPUS is set but {corpus.SKIP_REASON}")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if corpus.available():
        return
    skip = pytest.mark.skip(reason=corpus.SKIP_REASON)
    for item in items:
        if item.get_closest_marker("corpus"):
            item.add_marker(skip)


@pytest.hookimpl(tryfirst=True)  # before fixtures: a module fixture may read the corpus
def pytest_runtest_setup(item: pytest.Item) -> None:
    support.current_test_marked = item.get_closest_marker("corpus") is not None


def pytest_runtest_teardown() -> None:
    support.current_test_marked = None


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if corpus.SKIP_REASON in str(report.longrepr)
    ]
    if skipped:
        modules = sum(1 for report in skipped if isinstance(report, pytest.CollectReport))
        parts = [f"{len(skipped) - modules} tests", f"{modules} test module(s)" if modules else ""]
        what = " and ".join(part for part in parts if part)
        terminalreporter.write_line(
            f"errata: {what} skipped: they need the real-page corpus, not found at "
            f"{corpus.FIXTURES}; {corpus.HOW_TO_RUN}."
        )


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture
def server() -> Iterator[PageServer]:
    """A real HTTP server on 127.0.0.1, stopped when the test ends."""
    with PageServer() as running:
        yield running


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """ERRATA_* variables pointing into the test's own folder."""
    return {
        "ERRATA_DB": str(tmp_path / "errata.db"),
        "ERRATA_CONFIG": str(tmp_path / "sources.toml"),
        "ERRATA_ARCHIVE": str(tmp_path / "snapshots"),
    }


@pytest.fixture(autouse=True)
def no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """errata honours proxy variables; the tests must reach their loopback servers directly."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
