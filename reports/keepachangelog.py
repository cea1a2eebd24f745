"""A per-exchange CHANGELOG.md in Keep-a-Changelog style, for the people who read changelogs.

Days are versions (``## [2026-01-21]``), newest first; each kind goes under
the heading the kinds table gives it (``differ.kinds``): added codes under
Added, removed under Removed, struck-through codes under Deprecated, the
rest under Changed. Built from the whole history, so the file is the same
whoever regenerates it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import assert_never

from errata.differ import HEADINGS, Change, spec
from errata.differ.describe import codes, heading
from errata.reports.escape import markdown_code, markdown_text


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
        days[(change.observed_at or "")[:10]][spec(change.kind).heading].append(change)
    for day in sorted(days, reverse=True):
        lines += [f"## [{day}]", ""]
        for title in HEADINGS:
            batch = days[day].get(title)
            if batch:
                ordered = sorted(
                    batch, key=lambda c: (c.source or "", c.observed_at or "", _code_key(c.code))
                )
                lines += [f"### {title}", "", *(_item(c) for c in ordered), ""]
    return "\n".join(lines)


def _code_key(code: str) -> tuple[int, int | str]:
    return (0, int(code)) if code.isdigit() else (1, code)


def _item(change: Change) -> str:
    code = markdown_code(change.code) if change.code else ""
    where = f" ({markdown_text(change.source or '')}"
    where += f", {markdown_text(change.section)})" if change.section else ")"
    if change.locale != "en":
        where += f" [{markdown_text(change.locale)}]"
    return f"- {_text(change, code)}{where}"


def _text(change: Change, code: str) -> str:
    old, new = _quoted(change.old_message), _quoted(change.new_message)
    kind = change.kind
    match kind:
        case "added":
            return f"{code}: {new}"
        case "removed":
            return f"{code}: {old}"
        case "reworded":
            return f"{code} reworded{' (trivial)' if change.trivial else ''}: {old} → {new}"
        case "moved":
            return f"{code} moved from {markdown_text(heading(change.old_section))}: {new}"
        case "renumbered":
            return f"{code} renumbered to {markdown_code(change.new_code or '')}: {new}"
        case "deprecated":
            return f"{code} struck through (retired): {new}"
        case "restored":
            return f"{code} no longer struck through: {new}"
        case "section_renamed":
            before, after = heading(change.old_section), heading(change.section)
            return f"heading renamed: {markdown_text(before)} → {markdown_text(after)}, {codes(change.count)} with it"
        case "detail_changed":
            column = markdown_text(change.column or "")
            before, after = _quoted(change.old_detail), _quoted(change.new_detail)
            return f"{code} {column}: {before} → {after}"
        case _:
            assert_never(kind)


def _quoted(message: str | None) -> str:
    return f"“{markdown_text(' '.join((message or '').split()))}”"
