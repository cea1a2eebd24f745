"""What a report is made of: changes, plus the problems a run ran into."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from differ import Change


@dataclass(frozen=True, slots=True)
class Problem:
    """A source that failed or was held back; reports name it so nobody mistakes silence for health."""

    source: str
    message: str


@dataclass(frozen=True, slots=True)
class Report:
    changes: Sequence[Change]
    problems: Sequence[Problem] = ()
    title: str = "errata changelog"
    defects: Sequence[Problem] = ()  # documentation defects: rows a page lists twice
    alerts: Sequence[Problem] = ()  # health alerts: a source failing run after run
