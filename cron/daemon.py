"""``errata schedule``: runs on the configured schedule until SIGTERM or SIGINT.

APScheduler 3's blocking scheduler with the settings a months-long service
needs stated explicitly: ``coalesce`` (runs missed while the host slept
become one run, not a burst), ``max_instances=1`` (a slow run is never
joined by its next one) and ``misfire_grace_time`` (a run late by less than
that still happens). Every run takes the database's write lock, so a
cron-started run or a backfill and the daemon take turns. On SIGTERM the
page being stored commits, the rest of the run is left for next time, and
the process exits 0.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.date import DateTrigger

from errata.cron.triggers import cron_trigger, interval_trigger
from errata.db.times import parse_duration
from errata.errors import ConfigError, LockTimeout
from errata.scraper import runner
from errata.scraper.config import Config, load

log = logging.getLogger("errata")
_RUNNING = threading.Lock()  # held while a run is in progress: shutdown waits for it
_EXECUTED = EVENT_JOB_EXECUTED | EVENT_JOB_ERROR


@dataclass(frozen=True, slots=True)
class Job:
    id: str
    trigger: BaseTrigger
    only: tuple[str, ...]  # empty: every enabled source without its own schedule


@dataclass(frozen=True, slots=True)
class Settings:
    config: Path
    db: Path
    archive: Path
    lock_timeout: float


def plan(config: Config) -> list[Job]:
    """One job for the sources on the default schedule, one per source with its own."""
    schedule = config.schedule
    own = [s for s in config.enabled() if s.schedule]
    jobs = [
        Job(f"source:{s.id}", cron_trigger(s.schedule or "", schedule.jitter), (s.id,)) for s in own
    ]
    rest = [s.id for s in config.enabled() if not s.schedule]
    if rest:
        trigger = (
            interval_trigger(parse_duration(schedule.every), schedule.jitter)
            if schedule.every
            else cron_trigger(schedule.cron, schedule.jitter)
        )
        only = tuple(rest) if own else ()
        jobs.insert(0, Job("default", trigger, only))
    return jobs


def run_job(settings: Settings, only: tuple[str, ...], stop: threading.Event) -> None:
    """One scheduled run; importable by name, as APScheduler wants its job functions."""
    if stop.is_set():
        return
    with _RUNNING:
        started = time.monotonic()
        try:
            config = load(settings.config)  # re-read: edits to sources apply from the next run
            result = runner.run_once(
                config, settings.db, settings.archive, only=only,
                lock_timeout=settings.lock_timeout, stop=stop,
            )  # fmt: skip
        except LockTimeout as error:
            log.warning("scheduled run skipped: %s", error)
            return
        except ConfigError as error:
            log.error("scheduled run skipped: %s", error)
            return
        except Exception:  # the daemon outlives one bad run; the next one tries again
            log.exception("scheduled run failed")
            return
        sources = len({o.source.id for o in result.outcomes})
        log.info(
            "run %s: %d source(s), %d change(s), %d failed, %d alert(s)%s in %.1f s",
            result.started_at, sources, len(result.changes), len({o.source.id for o in result.failed}),
            len(result.alerts), " (stopped early)" if result.interrupted else "",
            time.monotonic() - started,
        )  # fmt: skip


def serve(settings: Settings, *, run_now: bool = False) -> None:
    """Block until SIGTERM/SIGINT; a run in progress finishes its current page and commits."""
    config = load(settings.config)
    stop = threading.Event()
    scheduler = BlockingScheduler(
        timezone="UTC",
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": config.schedule.misfire_grace_time,
        },
    )
    for job in plan(config):
        scheduler.add_job(
            run_job, job.trigger, args=[settings, job.only, stop], id=job.id, name=job.id
        )
    if run_now:
        scheduler.add_job(
            run_job, DateTrigger(), args=[settings, (), stop], id="run-now", name="run-now"
        )

    def shut_down(signum: int, _frame: FrameType | None) -> None:
        log.info("%s: stopping after the page in progress", signal.Signals(signum).name)
        stop.set()
        scheduler.shutdown(wait=False)

    previous = {sig: signal.signal(sig, shut_down) for sig in (signal.SIGTERM, signal.SIGINT)}
    scheduler.add_listener(lambda _event: _log_next(scheduler), mask=_EXECUTED)
    log.info(
        "errata schedule: %s",
        ", ".join(f"{j.id} on {j.trigger}" for j in plan(config)) or "no jobs",
    )
    try:
        scheduler.start()  # returns after shutdown()
    finally:
        with _RUNNING:  # the run in progress, if any, has stored its page and returned
            pass
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    log.info("errata schedule: stopped")


def _log_next(scheduler: BlockingScheduler) -> None:
    upcoming = [job.next_run_time for job in scheduler.get_jobs() if job.next_run_time]
    if upcoming:
        log.info("next run at %s", min(upcoming).strftime("%Y-%m-%dT%H:%M:%SZ"))
