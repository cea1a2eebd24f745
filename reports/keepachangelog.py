"""A per-exchange CHANGELOG.md in Keep-a-Changelog style, for the people who read changelogs.

Days are versions (``## [2026-01-21]``), newest first; added codes go under
Added, removed under Removed, rewordings, moves and renumberings under
Changed. Built from the whole history, so the file is the same whoever
regenerates it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from errata.differ import Change
from errata.reports.escape import markdown_code, markdown_text

HEADINGS = {
    "added": "Added",
    "reworded": "Changed",
    "moved": "Changed",
    "renumbered": "Changed",
    "removed": "Removed",
}
ORDER = ("Added", "Changed", "Removed")


def render_changelog(exchange: str, changes: Sequence[Change]) -> str:
    lines = [
        f"# Changelog: {markdown_text(exchange)} API error codes",
        "",
        f"Every change errata observed in the error codes {markdown_text(exchange)} documents, newest first.",
        "The format is based on [Keep a Changelog](https://keepachangelog.com/en/1.1.0/);",
        "each day on which a change was observed is a release.",
        "",
    ]
    days: dict[str, dict[str, list[Change]]] = defaultdict(lambda: defaultdict(list))
    for change in changes:
        days[(change.observed_at or "")[:10]][HEADINGS[change.kind]].append(change)
    for day in sorted(days, reverse=True):
        lines += [f"## [{day}]", ""]
        for heading in ORDER:
            batch = days[day].get(heading)
            if batch:
                ordered = sorted(
                    batch, key=lambda c: (c.source or "", c.observed_at or "", _code_key(c.code))
                )
                lines += [f"### {heading}", "", *(_item(c) for c in ordered), ""]
    return "\n".join(lines)


def _code_key(code: str) -> tuple[int, int | str]:
    return (0, int(code)) if code.isdigit() else (1, code)


def _item(change: Change) -> str:
    code = markdown_code(change.code)
    where = f" ({markdown_text(change.source or '')}"
    where += f", {markdown_text(change.section)})" if change.section else ")"
    if change.locale != "en":
        where += f" [{markdown_text(change.locale)}]"
    old, new = _quoted(change.old_message), _quoted(change.new_message)
    text = {
        "added": f"{code}: {new}",
        "removed": f"{code}: {old}",
        "reworded": f"{code} reworded{' (trivial)' if change.trivial else ''}: {old} → {new}",
        "moved": f"{code} moved from {markdown_text(change.old_section or '')}: {new}",
        "renumbered": f"{code} renumbered to {markdown_code(change.new_code or '')}: {new}",
    }[change.kind]
    return f"- {text}{where}"


def _quoted(message: str | None) -> str:
    return f"“{markdown_text(' '.join((message or '').split()))}”"
