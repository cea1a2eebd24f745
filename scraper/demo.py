"""``errata demo``: the whole pipeline offline, over two simulated nights.

Bundled sample pages (written for errata after the four seed pages) are served
from a real HTTP server on 127.0.0.1. Night one records the baseline; night
two serves edited pages (codes added, removed and reworded; one page
unchanged, answered with 304) and prints the changelog that a nightly cron
job would send. The database is left behind to explore, and the closing
lines are commands to explore it with, spelled the way this process was
started (``.venv/bin/errata`` after ``make demo``, ``errata`` when that is
what the PATH finds), so each works when pasted.
"""

from __future__ import annotations

import shlex
import shutil
import sys
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


def main(workdir: Path) -> tuple[reports.Report, Path, Path]:
    """Run both nights; the second night's report, the database and the archive folder."""
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
    click.echo(err=True)
    return report, db_path, archive_path


def closing_lines(db_path: Path, archive_path: Path, errata: str | None = None) -> list[str]:
    """Where the demo left its files, and commands to explore them that work as printed."""
    run = errata or invocation()
    db = shlex.quote(str(db_path))
    return [
        f"The database is at {db_path} and the raw pages are archived in {archive_path}/.",
        "Try:",
        f"  {run} current okx-ws --db {db}",
        f"  {run} history okx-ws 60029 --db {db}",
        f"  {run} changes --since 2d --db {db}",
        f"  {run} --help",
    ]


def invocation(argv0: str | None = None, cwd: Path | None = None) -> str:
    """How this process was started, as a command to type: ``errata`` if the PATH finds it.

    Otherwise the script's path (relative to ``cwd`` when it lies below it), or
    ``python -m errata`` with this interpreter.
    """
    script = Path(argv0 if argv0 is not None else sys.argv[0])
    here = (cwd or Path.cwd()).resolve()
    if script.name == "__main__.py":
        return f"{shlex.quote(_shown(Path(sys.executable), here))} -m errata"
    if script.name != "errata":
        return "errata"  # started some other way (a test runner): the installed command
    found = shutil.which("errata")
    if found and Path(found).resolve() == script.resolve():
        return "errata"
    return shlex.quote(_shown(script, here))


def _shown(path: Path, cwd: Path) -> str:
    absolute = path if path.is_absolute() else cwd / path
    try:
        return str(absolute.relative_to(cwd))
    except ValueError:
        return str(absolute)


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
