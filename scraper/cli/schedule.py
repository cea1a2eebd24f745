"""``errata schedule``: the built-in scheduler, for hosts without cron or systemd timers."""

from __future__ import annotations

import click

from errata.cron import daemon
from errata.scraper.cli.app import Paths, cli, with_paths


@cli.command()
@click.option("--run-now", is_flag=True, help="Also run once right away, then keep the schedule.")
@with_paths(writes=True)
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
    paths.load_config(required=True)  # a bad config stops here with exit 2, not in the first run
    settings = daemon.Settings(paths.config, paths.db, paths.archive, paths.lock_timeout)
    daemon.serve(settings, run_now=run_now)
