"""A small real history for the Datasette tests, built through ``errata ingest``.

Three sources, two versions each, from the shared fixtures: KuCoin's legacy
page (2019 → 2020: rewordings, additions, a removal), OX.FUN's WebSocket page
(2023: rewordings, additions) and TickDB (2026: a baseline, then a version
held back as suspect).
"""

from __future__ import annotations

from pathlib import Path

from tests.support import fixture_path, json_out, run_cli

PAGES = [
    ("kucoin-legacy", "kucoin/legacy-index-2019-02-23.md", "2019-02-23", "kucoin", "https://docs.kucoin.com/#errors"),
    ("kucoin-legacy", "kucoin/legacy-index-2020-08-05.md", "2020-08-05", None, None),
    ("oxfun-ws", "oxfun/v2-websocket-2023-03-14.md", "2023-03-14", "oxfun", "https://docs.ox.fun/api/websocket/error-codes"),
    ("oxfun-ws", "oxfun/v2-websocket-2023-07-27.md", "2023-07-27", None, None),
    ("tickdb", "tickdb/errors-2026-01-14.md", "2026-01-14", "tickdb", "https://docs.tickdb.ai/en/errors"),
    ("tickdb", "tickdb/errors-2026-01-21.md", "2026-01-21", None, None),
]  # fmt: skip
LATER = ("kucoin-legacy", "kucoin/legacy-index-2023-06-09.md", "2023-06-09", None, None)


def environment(folder: Path, db_name: str = "errata.db") -> dict[str, str]:
    """ERRATA_* variables for a history in ``folder``; no configured sources."""
    config = folder / "sources.toml"
    config.write_text("# ad hoc sources only\n")
    return {
        "ERRATA_DB": str(folder / db_name),
        "ERRATA_CONFIG": str(config),
        "ERRATA_ARCHIVE": str(folder / "snapshots"),
    }


def ingest(env: dict[str, str], page: tuple[str, str, str, str | None, str | None]) -> list[dict[str, object]]:  # fmt: skip
    source, name, at, parser, url = page
    args = ["ingest", source, str(fixture_path(name)), "--observed-at", at, "--json"]
    if parser and url:
        args += ["--parser", parser, "--url", url]
    result = run_cli(args, env)
    assert result.exit_code == 0, result.stderr
    changes = json_out(result)
    assert isinstance(changes, list)
    return changes


def build(env: dict[str, str]) -> None:
    for page in PAGES:
        ingest(env, page)
