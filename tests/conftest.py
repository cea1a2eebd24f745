from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from errata.scraper.localserver import PageServer


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
