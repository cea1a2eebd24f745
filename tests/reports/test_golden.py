"""Every report format, compared with its golden file (the review copy of the output).

Regenerate after an intended change with ``python -m tests.reports.test_golden --write``
and read the diff.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from errata.parsers import parse
from errata.reports import render
from errata.reports.keepachangelog import render_changelog
from errata.reports.snapshot import SourceInfo, render_snapshot
from tests.reports.samples import real_changes, report
from tests.support import fixture_bytes

pytestmark = pytest.mark.corpus  # every test here reads the real-page corpus

GOLDEN = Path(__file__).parent / "golden"
FORMATS = {
    "markdown": "md",
    "text": "txt",
    "html": "html",
    "slack": "slack.json",
    "json": "json",
    "atom": "atom",
}


def outputs() -> dict[str, str]:
    """File name → what errata renders today."""
    files = {f"report.{ext}": render(name, report()) for name, ext in FORMATS.items()}
    okx = SourceInfo(
        "okx-ws",
        "okx",
        "https://www.okx.com/docs-v5/en/#error-code-websocket",
        "websocket",
        "OKX WebSocket error codes",
    )
    page = fixture_bytes("okx/seed-000-error-code-websocket-2026-01-15.txt")
    entries = [e for e in parse("okx", page, okx.url) if e.locale == "en"]
    files["snapshot-okx-ws.md"] = render_snapshot(okx, entries, "2026-01-15T23:28:06Z")
    kucoin = [c for c in real_changes() if c.exchange == "kucoin"]
    files["CHANGELOG-kucoin.md"] = render_changelog("kucoin", kucoin)
    return files


@pytest.mark.parametrize("name", sorted(outputs()))
def test_output_matches_golden(name: str) -> None:
    expected = GOLDEN / name
    assert expected.exists(), f"missing {expected}: run python -m tests.reports.test_golden --write"
    assert outputs()[name] == expected.read_text(encoding="utf-8")


def test_renders_are_deterministic() -> None:
    assert outputs() == outputs()


if __name__ == "__main__" and "--write" in sys.argv:
    for file_name, content in outputs().items():
        (GOLDEN / file_name).write_text(content, encoding="utf-8")
        print(f"wrote {GOLDEN / file_name}")
