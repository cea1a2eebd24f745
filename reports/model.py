"""What a report is made of: changes, plus the problems a run ran into."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from errata.differ import Change, spec
from errata.differ.describe import heading


@dataclass(frozen=True, slots=True)
class Problem:
    """A source that failed or was held back; reports name it so nobody mistakes silence for health."""

    source: str
    message: str


@dataclass(frozen=True, slots=True)
class Link:
    label: str
    url: str


Linker = Callable[[Change], Sequence[Link]]


@dataclass(frozen=True, slots=True)
class Report:
    changes: Sequence[Change]
    problems: Sequence[Problem] = ()
    title: str = "errata changelog"
    defects: Sequence[Problem] = ()  # documentation defects: rows a page lists twice
    alerts: Sequence[Problem] = ()  # health alerts: a source failing run after run
    generated_at: str | None = None  # when the report was made (the run time)
    links: Linker | None = None  # where to read more about a change (Datasette), when configured
    categories: Callable[[Change], str] | None = None  # the SDK category of a change's code

    def category_of(self, change: Change) -> str | None:
        """The SDK category of the change's code; None for a change about a heading."""
        if not self.categories or not spec(change.kind).names_code:
            return None
        return self.categories(change)

    def links_for(self, change: Change) -> Sequence[Link]:
        return self.links(change) if self.links else ()

    @property
    def empty(self) -> bool:
        """Nothing to tell: no change, alert, defect or problem."""
        return not (self.changes or self.alerts or self.defects or self.problems)

    def summary(self) -> str:
        """``3 changes (1 high, 2 medium)``: the line every format leads with."""
        if not self.changes:
            return "No changes."
        counts: dict[str, int] = defaultdict(int)
        for change in self.changes:
            counts[change.severity] += 1
        levels = ", ".join(f"{counts[s]} {s}" for s in ("high", "medium", "low") if counts[s])
        return f"{len(self.changes)} change{'s' * (len(self.changes) != 1)} ({levels})."


def location(change: Change, arrow: str = "→") -> str:
    """Where a change happened: its section, or ``old → new`` for a move or a renamed heading
    (the top of a page, an empty path, named as such)."""
    if change.old_section is not None and change.old_section != change.section:
        return f"{heading(change.old_section)} {arrow} {heading(change.section)}"
    return change.section or ""


def message_of(change: Change) -> str | None:
    """The message a change is about: the new one, or the old one for a removal."""
    return change.new_message if change.new_message is not None else change.old_message


def grouped(changes: Sequence[Change]) -> list[tuple[tuple[str, str], list[Change]]]:
    """Changes by (exchange, source), in name order; within a group, newest first."""
    groups: dict[tuple[str, str], list[Change]] = defaultdict(list)
    for change in changes:
        groups[(change.exchange or "", change.source or "")].append(change)
    return [(key, newest_first(batch)) for key, batch in sorted(groups.items())]


def newest_first(changes: Sequence[Change]) -> list[Change]:
    """Stable: changes seen at the same moment keep the differ's order (by severity, code)."""
    return sorted(changes, key=lambda c: c.observed_at or "", reverse=True)


def by_time(changes: Sequence[Change]) -> list[tuple[str, list[Change]]]:
    batches: dict[str, list[Change]] = defaultdict(list)
    for change in changes:
        batches[change.observed_at or ""].append(change)
    return sorted(batches.items(), reverse=True)
