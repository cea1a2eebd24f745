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
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.date import DateTrigger

from errata.cron.timetable import Timetable
from errata.cron.triggers import cron_trigger, interval_trigger
from errata.db.times import parse_duration
from errata.errors import ConfigError, LockTimeout

log = logging.getLogger("errata")
_RUNNING = threading.Lock()  # held while a run is in progress: shutdown waits for it
_EXECUTED = EVENT_JOB_EXECUTED | EVENT_JOB_ERROR

# One run of the given sources (all enabled ones when empty) that stops early once the
# event is set; returns its one-line summary. The command line hands it in: cron knows
# when, not what, so nothing here imports errata.scraper.
RunJob = Callable[[tuple[str, ...], threading.Event], str]


@dataclass(frozen=True, slots=True)
class Job:
    id: str
    trigger: BaseTrigger
    only: tuple[str, ...]  # empty: every enabled source without its own schedule


def plan(timetable: Timetable) -> list[Job]:
    """One job for the sources on the default schedule, one per source with its own."""
    schedule = timetable.settings
    own = [(source_id, cron) for source_id, cron in timetable.sources if cron]
    jobs = [
        Job(f"source:{source_id}", cron_trigger(cron or "", schedule.jitter), (source_id,))
        for source_id, cron in own
    ]
    rest = [source_id for source_id, cron in timetable.sources if not cron]
    if rest:
        trigger = (
            interval_trigger(parse_duration(schedule.every), schedule.jitter)
            if schedule.every
            else cron_trigger(schedule.cron, schedule.jitter)
        )
        only = tuple(rest) if own else ()
        jobs.insert(0, Job("default", trigger, only))
    return jobs


def run_job(run: RunJob, only: tuple[str, ...], stop: threading.Event) -> None:
    """One scheduled run: a failure is logged and the daemon waits for the next one."""
    if stop.is_set():
        return
    with _RUNNING:
        started = time.monotonic()
        try:
            summary = run(only, stop)
        except LockTimeout as error:
            log.warning("scheduled run skipped: %s", error)
            return
        except ConfigError as error:
            log.error("scheduled run skipped: %s", error)
            return
        except Exception:  # the daemon outlives one bad run; the next one tries again
            log.exception("scheduled run failed")
            return
        log.info("%s in %.1f s", summary, time.monotonic() - started)


def serve(timetable: Timetable, run: RunJob, *, run_now: bool = False) -> None:
    """Block until SIGTERM/SIGINT; a run in progress finishes its current page and commits."""
    stop = threading.Event()
    scheduler = BlockingScheduler(
        timezone="UTC",
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": timetable.settings.misfire_grace_time,
        },
    )
    jobs = plan(timetable)
    for job in jobs:
        scheduler.add_job(run_job, job.trigger, args=[run, job.only, stop], id=job.id, name=job.id)
    if run_now:
        scheduler.add_job(
            run_job, DateTrigger(), args=[run, (), stop], id="run-now", name="run-now"
        )

    def shut_down(signum: int, _frame: FrameType | None) -> None:
        log.info("%s: stopping after the page in progress", signal.Signals(signum).name)
        stop.set()
        scheduler.shutdown(wait=False)

    previous = {sig: signal.signal(sig, shut_down) for sig in (signal.SIGTERM, signal.SIGINT)}
    scheduler.add_listener(lambda _event: _log_next(scheduler), mask=_EXECUTED)
    log.info("errata schedule: %s", ", ".join(f"{j.id} on {j.trigger}" for j in jobs) or "no jobs")
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
