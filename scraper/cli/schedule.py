"""``errata schedule``: the built-in scheduler, for hosts without cron or systemd timers."""

from __future__ import annotations

import functools
import threading

import click

from errata.scraper.cli.app import cli
from errata.scraper.cli.options import Paths, with_paths


@cli.command()
@click.option("--run-now", is_flag=True, help="Also run once right away, then keep the schedule.")
@with_paths(writes=True, creates=True)
def schedule(run_now: bool, paths: Paths) -> None:
    """Run errata run on the schedule in sources.toml until stopped.

    [schedule] cron (default "15 2 * * *", UTC) or every ("6h"), with up to
    jitter seconds of random delay; a source with its own schedule key runs
    on that instead. SIGTERM or Ctrl-C lets the page being stored commit,
    then exits 0. Each run waits up to --lock-timeout for another writer and
    is skipped (logged) if it cannot get the lock.

    \b
    Example:
      errata schedule
      errata schedule --run-now --lock-timeout 600
    """
    from errata.cron import daemon

    config = paths.load_config(required=True)  # a bad config stops here with exit 2, not later
    daemon.serve(config.timetable(), functools.partial(_one_run, paths), run_now=run_now)


def _one_run(paths: Paths, only: tuple[str, ...], stop: threading.Event) -> str:
    """The scheduler's job: re-read the config (edits apply from the next run), run, summarise."""
    from errata.scraper import runner

    config = paths.load_config(required=True)
    result = runner.run_once(
        config, paths.db, paths.archive, only=only, lock_timeout=paths.lock_timeout, stop=stop
    )
    failed = len({o.source.id for o in result.failed})
    held = sorted({o.source.id for o in result.outcomes if o.status == "suspect"})
    return (
        f"run {result.started_at}: {len({o.source.id for o in result.outcomes})} source(s), "
        f"{len(result.changes)} change(s), {failed} failed, {len(result.alerts)} alert(s)"
        + (f", held back: {', '.join(held)} (errata accept SOURCE)" if held else "")
        + (" (stopped early)" if result.interrupted else "")
    )
