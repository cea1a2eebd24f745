"""When runs happen: the ``[schedule]`` table and each source's own crontab line, checked.

This is where both sides meet without a cycle: ``scraper/config.py`` declares
and validates the ``[schedule]`` keys with these types, and ``cron/daemon.py``
plans its jobs from a ``Timetable`` the command line hands it; neither
imports the other's package beyond this module.
"""

from __future__ import annotations

from dataclasses import dataclass

from errata.cron.triggers import cron_trigger
from errata.db.times import parse_duration


@dataclass(frozen=True, slots=True)
class ScheduleSettings:
    """When ``errata schedule`` runs: a crontab expression (UTC) or a fixed interval."""

    cron: str = "15 2 * * *"
    every: str | None = None  # a duration ("6h"), instead of cron
    jitter: int = 300  # up to this many seconds later, so many installs do not hit a site at once
    misfire_grace_time: int = 3600  # a run missed by less (a busy host, a restart) still happens

    def check(self) -> None:
        """ValueError naming what is wrong with the cron expression or the interval."""
        if self.every is not None:
            try:
                seconds = parse_duration(self.every).total_seconds()
            except ValueError as error:
                raise ValueError(f"every: {error}") from None
            if seconds < 1:
                raise ValueError("every must be at least 1s")
        else:
            cron_trigger(self.cron)


@dataclass(frozen=True, slots=True)
class Timetable:
    """The schedule and the enabled sources, by id, with their own crontab line if any."""

    settings: ScheduleSettings
    sources: tuple[tuple[str, str | None], ...] = ()
