"""Routes: which changes and alerts a ``[[notify]]`` block wants, and when it wants them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from errata.differ import Change, severity_rank

MODES = ("immediate", "digest")
DIGESTS = ("daily", "weekly")


@dataclass(frozen=True, slots=True)
class Route:
    name: str  # unique; the delivery bookkeeping is kept under it
    channel: str
    min_severity: str = "low"
    sources: tuple[str, ...] = ()  # empty: every source
    exchanges: tuple[str, ...] = ()  # empty: every exchange
    mode: str = "immediate"
    digest: str = "daily"
    health: bool = True  # health alerts and problems (failing sources, held revisions); opt out
    heartbeat: bool = False  # send even when nothing changed
    retries: int = 3  # extra attempts within one run, with exponential backoff
    backoff: float = 2.0  # seconds before the first extra attempt
    settings: Mapping[str, Any] = field(default_factory=dict)  # the channel's own keys

    def wants(self, change: Change) -> bool:
        return change.rank() >= severity_rank(self.min_severity) and self.covers(
            change.source or "", change.exchange or ""
        )

    def hears_of(self, source: str, exchange: str) -> bool:
        """Whether this route is told about a source's trouble (unless it opted out with health = false)."""
        return self.health and self.covers(source, exchange)

    def covers(self, source: str, exchange: str) -> bool:
        return (not self.sources or source in self.sources) and (
            not self.exchanges or exchange in self.exchanges
        )

    def due(self, last: datetime | None, now: datetime) -> bool:
        """Immediate routes are always due; a digest once per calendar day or ISO week (UTC).

        Calendar periods rather than 24-hour spans, so a nightly run with a few
        minutes of jitter still sends one digest a day.
        """
        if self.mode == "immediate" or last is None:
            return True
        if self.digest == "weekly":
            return last.isocalendar()[:2] != now.isocalendar()[:2]
        return last.date() != now.date()
