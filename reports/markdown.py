"""The Markdown changelog: grouped by exchange and source, newest first."""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Sequence

from differ import Change
from reports.escape import markdown_code, markdown_text
from reports.model import Report
from reports.registry import renderer

ICONS = {"high": "🔴", "medium": "🟠", "low": "⚪"}


@renderer("markdown")
def render_markdown(report: Report) -> str:
    lines = [f"# {report.title}", ""]
    if not report.changes:
        lines += ["No changes.", ""]
    else:
        counts: dict[str, int] = defaultdict(int)
        for change in report.changes:
            counts[change.severity] += 1
        summary = ", ".join(f"{counts[s]} {s}" for s in ("high", "medium", "low") if counts[s])
        lines += [
            f"{len(report.changes)} change{'s' * (len(report.changes) != 1)} ({summary}).",
            "",
        ]
    for (exchange, source), changes in _grouped(report.changes):
        lines += [f"## {markdown_text(exchange)} · {markdown_text(source)}", ""]
        for observed_at, batch in _by_time(changes):
            lines += [f"### {observed_at}", ""]
            lines += [_line(change) for change in batch]
            lines.append("")
    if report.alerts:
        lines += ["## Health alerts", ""]
        lines += [
            f"- 🚨 **{markdown_text(a.source)}** {markdown_text(a.message)}" for a in report.alerts
        ]
        lines.append("")
    if report.defects:
        lines += ["## Documentation defects", ""]
        lines += [
            f"- ⚠️ **{markdown_text(d.source)}**: {markdown_text(d.message)}" for d in report.defects
        ]
        lines.append("")
    if report.problems:
        lines += ["## Problems", ""]
        lines += [
            f"- ❌ **{markdown_text(p.source)}**: {markdown_text(p.message)}"
            for p in report.problems
        ]
        lines.append("")
    return "\n".join(lines)


def _grouped(changes: Sequence[Change]) -> list[tuple[tuple[str, str], list[Change]]]:
    groups: dict[tuple[str, str], list[Change]] = defaultdict(list)
    for change in changes:
        groups[(change.exchange or "", change.source or "")].append(change)
    return sorted(groups.items())


def _by_time(changes: Sequence[Change]) -> list[tuple[str, list[Change]]]:
    batches: dict[str, list[Change]] = defaultdict(list)
    for change in changes:
        batches[change.observed_at or ""].append(change)
    return sorted(batches.items(), reverse=True)


def _line(change: Change) -> str:
    head = f"- {ICONS[change.severity]} **{change.kind}** {markdown_code(change.code)}"
    if change.new_code:
        head += f" → {markdown_code(change.new_code)}"
    where = change.section or ""
    if change.old_section and change.old_section != change.section:
        where = f"{change.old_section} → {change.section}"
    if where:
        head += f" · {markdown_text(where)}"
    if change.locale != "en":
        head += f" · {markdown_text(change.locale)}"
    if change.kind == "reworded":
        detail = "trivial" if change.trivial else f"similarity {change.similarity:.2f}"
        old, new = _marked(change.old_message or "", change.new_message or "")
        return f"{head} · {detail}\n  - before: {old}\n  - after: {new}"
    message = change.new_message if change.new_message is not None else change.old_message
    return f"{head}\n  {markdown_text(message) if message else '*(no message)*'}"


def _marked(old: str, new: str) -> tuple[str, str]:
    """Old and new wording with the words that changed struck out and set in bold."""
    a, b = old.split(" "), new.split(" ")
    left: list[str] = []
    right: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        old_words = markdown_text(" ".join(a[i1:i2]), indent=4)
        new_words = markdown_text(" ".join(b[j1:j2]), indent=4)
        if op == "equal":
            left.append(old_words)
            right.append(new_words)
            continue
        if old_words:
            left.append(f"~~{old_words}~~")
        if new_words:
            right.append(f"**{new_words}**")
    return " ".join(left), " ".join(right)
