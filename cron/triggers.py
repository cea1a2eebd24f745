"""Cron expressions as people write them, turned into APScheduler triggers.

APScheduler 3's ``CronTrigger.from_crontab`` counts day-of-week from Monday
= 0, while cron counts from Sunday = 0 (and 7): ``0 3 * * 0`` would run on
Mondays. Numeric days are rewritten as names first, so a crontab line means
here what it means in crontab.

APScheduler is imported when a trigger is made, not with this module: the
config imports it to check ``schedule`` keys, and a command that never
schedules should not pay for the scheduler.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from apscheduler.triggers.base import BaseTrigger
    from apscheduler.triggers.cron import CronTrigger

DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_NUMBER = re.compile(r"(?<![/\d])([0-7])(?!\d)")


def cron_day_of_week(field: str) -> str:
    """``1-5`` → ``mon-fri``, ``0,6`` → ``sun,sat``; steps (``*/2``) keep their number."""
    return _DAY_NUMBER.sub(lambda m: DAYS[int(m.group(1))], field)


def cron_trigger(expression: str, jitter: float = 0.0, timezone: str = "UTC") -> CronTrigger:
    """A trigger for a 5-field crontab expression; ValueError names what is wrong.

    An expression that parses but names no date that exists (``0 0 31 2 *``)
    is refused too: a schedule that never fires is a silent way to stop watching.
    """
    from apscheduler.triggers.cron import CronTrigger

    fields = expression.split()
    if len(fields) != 5:
        raise ValueError(
            f"{expression!r} is not a cron expression (5 fields: minute hour day month weekday)"
        )
    minute, hour, day, month, weekday = fields
    try:
        trigger = CronTrigger(
            minute=minute, hour=hour, day=day, month=month, day_of_week=cron_day_of_week(weekday),
            timezone=timezone, jitter=int(jitter) or None,
        )  # fmt: skip
    except ValueError as error:
        raise ValueError(f"{expression!r}: {error}") from None
    if trigger.get_next_fire_time(None, datetime.now(UTC)) is None:
        raise ValueError(f"{expression!r} never fires (no such date, like 31 February)")
    return trigger


def interval_trigger(every: timedelta, jitter: float = 0.0, timezone: str = "UTC") -> BaseTrigger:
    from apscheduler.triggers.interval import IntervalTrigger

    return IntervalTrigger(
        seconds=every.total_seconds(), timezone=timezone, jitter=int(jitter) or None
    )
