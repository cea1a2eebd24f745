from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from scraper.localserver import PageServer


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
