"""``errata demo``: the whole pipeline offline, over two simulated nights.

Bundled sample pages (written for errata after the four seed pages) are served
from a real HTTP server on 127.0.0.1. Night one records the baseline; night
two serves edited pages (codes added, removed and reworded; one page
unchanged, answered with 304) and prints the changelog that a nightly cron
job would send. The database is left behind to explore.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path

import click

from errata import reports
from errata.db import times
from errata.db.store import Store
from errata.scraper import pipeline
from errata.scraper.archive import Archive
from errata.scraper.config import Config, FetchSettings, Source
from errata.scraper.localserver import Page, PageServer

# path on the demo server -> (bundled file, content type)
PAGES = {
    "/docs-v5/en/": ("okx.html", "text/html; charset=utf-8"),
    "/docs-new/error-code/websocket": ("kucoin.html", "text/html; charset=utf-8"),
    "/en/errors.md": ("tickdb.md", "text/markdown; charset=utf-8"),
    "/api/websocket/error-codes.md": ("oxfun.md", "text/markdown; charset=utf-8"),
}


def sources(server: PageServer) -> tuple[Source, ...]:
    return (
        Source(
            "okx-ws", "okx", server.url("/docs-v5/en/#error-code-websocket"), "okx", "websocket"
        ),
        Source("okx-rest", "okx", server.url("/docs-v5/en/#error-code-rest-api"), "okx", "rest"),
        Source(
            "kucoin-ws",
            "kucoin",
            server.url("/docs-new/error-code/websocket"),
            "kucoin",
            "websocket",
        ),
        Source("tickdb", "tickdb", server.url("/en/errors.md"), "tickdb"),
        Source(
            "oxfun-ws", "oxfun", server.url("/api/websocket/error-codes.md"), "oxfun", "websocket"
        ),
    )


def night_pages(night: str) -> dict[str, Page]:
    folder = resources.files("errata.scraper") / "demo_pages" / night
    return {path: Page((folder / name).read_bytes(), kind) for path, (name, kind) in PAGES.items()}


def main(workdir: Path) -> None:
    db_path, archive_path = _fresh(workdir)
    today = datetime.now(UTC).replace(hour=2, minute=0, second=0, microsecond=0)
    nights = [("night1", today - timedelta(days=1)), ("night2", today)]
    with PageServer() as server:
        config = Config(
            path=workdir / "sources.toml", fetch=FetchSettings(retries=0), sources=sources(server)
        )
        _write_config(config)
        click.echo(f"Serving the demo pages on {server.url('/')}", err=True)
        store = Store.open(db_path)
        try:
            for night, moment in nights:
                server.pages = night_pages(night)
                result = pipeline.run(
                    config, store, Archive(archive_path), now=times.format_time(moment)
                )
                _summary(night, result)
        finally:
            store.close()
    report = reports.Report(
        result.changes,
        [reports.Problem(o.source.id, o.problem) for o in result.failed if o.problem],
    )
    click.echo()
    click.echo(reports.render("markdown", report))
    click.echo(
        f"The database is at {db_path} and the raw pages are archived in {archive_path}/.", err=True
    )
    click.echo(
        f"Try: errata --help, errata current okx-ws --db {db_path}, errata history okx-ws 60029 --db {db_path}",
        err=True,
    )


def _fresh(workdir: Path) -> tuple[Path, Path]:
    """Start from nothing each time; only the files the demo itself makes are removed."""
    workdir.mkdir(parents=True, exist_ok=True)
    db_path = workdir / "errata.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    archive_path = workdir / "snapshots"
    shutil.rmtree(archive_path, ignore_errors=True)
    return db_path, archive_path


def _write_config(config: Config) -> None:
    blocks = [
        f'[[source]]\nid = "{s.id}"\nexchange = "{s.exchange}"\napi = "{s.api or ""}"\nurl = "{s.url}"\nparser = "{s.parser}"\n'
        for s in config.sources
    ]
    config.path.write_text(
        "# The sources the demo watched (on its local server).\n\n" + "\n".join(blocks)
    )


def _summary(night: str, result: pipeline.RunResult) -> None:
    click.echo(f"{night} ({result.started_at}):", err=True)
    for outcome in result.outcomes:
        detail = (
            f"{len(outcome.changes)} change(s)"
            if outcome.status == "changed"
            else outcome.status.replace("_", " ")
        )
        click.echo(f"  {outcome.source.id:<10} {detail} ({outcome.entries} entries)", err=True)
