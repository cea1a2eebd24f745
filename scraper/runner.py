"""One whole run, as cron, the CLI and the scheduler start it: lock, fetch and store, deliver.

The write lock next to the database makes a cron-started run, a backfill
and the scheduler take turns; a run that cannot get it within the timeout
raises ``LockTimeout`` (the CLI's exit 75, the scheduler's skipped run).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from errata import reports
from errata.db.lock import write_lock
from errata.db.store import Store
from errata.scraper import categorize, deliver, pipeline
from errata.scraper.archive import Archive
from errata.scraper.config import Config


def run_once(
    config: Config,
    db: Path,
    archive: Path,
    *,
    only: Sequence[str] = (),
    notify: bool = True,
    lock_timeout: float = 300.0,
    stop: threading.Event | None = None,
) -> pipeline.RunResult:
    with write_lock(db, lock_timeout):
        store = Store.open(db)
        try:
            result = pipeline.run(config, store, Archive(archive), only=only, stop=stop)
            categorize.refresh(store, config)
            if notify and not result.interrupted:
                deliver.deliver(store, config, since=result.started_at, problems=problems(result))
        finally:
            store.close()
    return result


def problems(result: pipeline.RunResult) -> list[reports.Problem]:
    """What went wrong in the run, for every route: pages that failed or were held back."""
    return [
        reports.Problem(o.label, o.problem)
        for o in result.outcomes
        if o.problem and o.status in ("failed", "suspect")
    ]
