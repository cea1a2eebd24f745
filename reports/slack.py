"""Slack Block Kit: a summary people read, then (when asked for) the full detail.

The first message is a summary, a few blocks whatever the night: the counts
by exchange and severity, the most severe changes, "N more" with a link to
Datasette when ``[datasette] base_url`` is set, health alerts and problems,
and the run time. The full detail (every change, grouped by source, split to
fit Slack's 50 blocks and 3000 characters per section) follows as further
messages only when the route asks for it (``detail = true``).

Escaping, as Slack documents it: ``&``, ``<`` and ``>`` are the only
characters Slack reads as control characters (``<!channel>``,
``<http://x|label>``), and they are always escaped. Formatting characters
(``*bold*``, ``_italic_``, ``~strike~``) have no escape in mrkdwn, so page
text goes where Slack formats nothing: inline code. A code, a message, a
section or a column name is shown exactly, ``invalid_parameter`` stays
searchable and copyable. The one character inline code cannot hold is the
backtick itself, which would end it: inside code a backtick is shown as ``ˋ``
(U+02CB). Names from the configuration (exchanges, source ids) are plain
text when they are plain words, else code too. Page text is made inert
(``parsers.inert``) first.

Times use Slack's date formatting (``<!date^…^{date_short_pretty} {time}|…>``),
so each reader sees them in their own time zone; the fallback text is UTC. A
rewording marks its changed words: struck (``~`old`~``) and bold (``*`new`*``).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any, assert_never

from errata.differ import Change, spec
from errata.differ.describe import codes
from errata.differ.worddiff import word_diff
from errata.parsers import inert
from errata.reports.model import (
    Problem,
    Report,
    by_time,
    grouped,
    location,
    message_of,
    newest_first,
)  # fmt: skip
from errata.reports.registry import renderer

MAX_BLOCKS = 50  # per message
MAX_SECTION = 3000  # characters of text per section block
MAX_HEADER = 150
MAX_MESSAGE = 600  # one page message, so a single change always fits a section
TOP = 5  # changes the summary shows
TOP_MESSAGE = 150  # characters of a message in the summary
MAX_EXCHANGES = 15  # exchanges the summary counts one by one
MAX_NOTES = 10  # alerts, problems or defects the summary lists
ICONS = {"high": ":red_circle:", "medium": ":large_orange_circle:", "low": ":white_circle:"}
SEVERITIES = ("high", "medium", "low")
_PLAIN_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9])?")

Block = dict[str, Any]
Message = dict[str, Any]


def escape(text: str) -> str:
    """Text Slack shows as typed outside code: inert, with its three control characters escaped."""
    return inert(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def code(text: str, limit: int = MAX_MESSAGE) -> str:
    """Page text as inline code on one line: nothing inside can format, mention or link."""
    lines = inert(text).replace("`", "ˋ").split("\n")
    flat = " ⏎ ".join(line.strip() for line in lines if line.strip())
    if len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    return f"`{escape(flat) or ' '}`"


def name(text: str) -> str:
    """An exchange or source id: plain when it is a plain word (no mark can pair), else code."""
    return escape(text) if _PLAIN_NAME.fullmatch(text) else code(text, 80)


def date(moment: str | None) -> str:
    """A stored UTC time as Slack's date token: each reader sees their own local time."""
    if not moment:
        return ""
    try:
        when = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    except ValueError:
        return escape(moment)
    fallback = when.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(when.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def messages(report: Report, detail: bool = False) -> list[Message]:
    """The summary message, then with ``detail`` the full report in as many messages as fit."""
    return [summary(report), *(_detail(report) if detail else [])]


@renderer("slack")
def render_slack(report: Report) -> str:
    return json.dumps(messages(report, detail=True), ensure_ascii=False, indent=2)


# --- the summary -------------------------------------------------------------------


def summary(report: Report) -> Message:
    """One message of a few blocks, however many changes: what a person reads first."""
    title = _clip(f"{report.title}: {report.summary()}", MAX_HEADER)
    blocks: list[Block] = [_header(title)]
    if report.changes:
        blocks += [_section(_counts(report.changes)), _section(_top(report))]
    blocks += [_section(text) for text in _notes(report)]
    blocks += _context(report)
    return {"text": escape(title), "blocks": blocks}


def _counts(changes: Sequence[Change]) -> str:
    by_exchange: dict[str, Counter[str]] = {}
    for change in changes:
        by_exchange.setdefault(change.exchange or "", Counter())[change.severity] += 1
    ranked = sorted(by_exchange.items(), key=lambda item: (-item[1].total(), item[0]))
    lines = [f"*{name(exchange or 'unknown')}* · {_levels(n)}" for exchange, n in ranked[:MAX_EXCHANGES]]  # fmt: skip
    if len(ranked) > MAX_EXCHANGES:
        lines.append(f"… and {len(ranked) - MAX_EXCHANGES} more exchanges")
    return _clip("\n".join(lines), MAX_SECTION)


def _levels(counts: Counter[str]) -> str:
    return ", ".join(f"{ICONS[s]} {counts[s]} {s}" for s in SEVERITIES if counts[s])


def _top(report: Report) -> str:
    ranked = sorted(newest_first(report.changes), key=lambda c: -c.rank())  # stable: newest first
    lines = ["*Most severe*", *(_brief(change, report) for change in ranked[:TOP])]
    more = len(ranked) - TOP
    if more > 0:
        tail = f"… and {more} more change{'s' * (more != 1)}"
        if report.pages is not None:
            since = min(c.observed_at or "" for c in report.changes)
            tail += f": <{escape(report.pages.since(since))}|all of them in Datasette>"
        lines.append(tail)
    return _clip("\n".join(lines), MAX_SECTION)


def _brief(change: Change, report: Report) -> str:
    """One line: severity, kind, code, where, and what it says (the changed words of a rewording)."""
    head = _head(change, report, where=False)
    source = f"{name(change.exchange or '')} / {name(change.source or '')}"
    links = report.links_for(change)
    link = f" · <{escape(links[0].url)}|{escape(links[0].label)}>" if links else ""
    return f"{head} · {source} · {_gist(change)}{link}"


def _gist(change: Change) -> str:
    kind = change.kind
    match kind:
        case "reworded":
            old, new = change.old_message or "", change.new_message or ""
            return f"{code(new, TOP_MESSAGE)} (changed: {_changed_words(old, new, 60)})"
        case "detail_changed":
            column = code(change.column or "", 40)
            return f"{column}: {_changed_words(change.old_detail or '', change.new_detail or '')}"
        case "section_renamed":
            return f"{code(location(change), TOP_MESSAGE)}, {codes(change.count)}"
        case "moved":
            return f"{code(location(change), TOP_MESSAGE)}: {_message(change, TOP_MESSAGE)}"
        case "added" | "removed" | "renumbered" | "deprecated" | "restored":
            return _message(change, TOP_MESSAGE)
        case _:
            assert_never(kind)


def _notes(report: Report) -> Iterator[str]:
    notes: list[tuple[str, str, Sequence[Problem]]] = [
        (":rotating_light:", "Health alerts", report.alerts),
        (":x:", "Problems", report.problems),
        (":warning:", "Documentation defects", report.defects),
    ]
    for icon, title, items in notes:
        if items:
            lines = [f"*{title}*"]
            lines += [f"{icon} {name(n.source)}: {code(n.message, 300)}" for n in items[:MAX_NOTES]]
            if len(items) > MAX_NOTES:
                lines.append(f"… and {len(items) - MAX_NOTES} more")
            yield _clip("\n".join(lines), MAX_SECTION)


# --- the full detail ---------------------------------------------------------------


def _detail(report: Report) -> list[Message]:
    """Every change, grouped by source and time, in messages within Slack's limits."""
    body = list(_source_blocks(report))
    per_message = MAX_BLOCKS - 1  # room for the header
    chunks = [body[i : i + per_message] for i in range(0, len(body), per_message)]
    payloads = []
    for number, chunk in enumerate(chunks, start=1):
        part = f" ({number}/{len(chunks)})" if len(chunks) > 1 else ""
        header = _clip(f"{report.title}: every change", MAX_HEADER - len(part)) + part
        payloads.append({"text": escape(header), "blocks": [_header(header), *chunk]})
    return payloads


def _source_blocks(report: Report) -> Iterator[Block]:
    for (exchange, source), changes in grouped(report.changes):
        lines = [f"*{name(exchange)} · {name(source)}*"]
        for observed_at, batch in by_time(changes):
            lines.append(date(observed_at))
            lines += [_line(change, report) for change in batch]
        yield from _sections(lines)


def _line(change: Change, report: Report) -> str:
    head = _head(change, report)
    kind = change.kind
    match kind:
        case "reworded":
            detail = "trivial" if change.trivial else f"similarity {change.similarity:.2f}"
            text = f"{head} · {detail}\n{_before_after(change.old_message, change.new_message)}"
        case "detail_changed":
            column = code(change.column or "", 80)
            text = f"{head} · {column}\n{_before_after(change.old_detail, change.new_detail)}"
        case "section_renamed":
            text = f"{head}\n>{codes(change.count)} moved with the heading"
        case "deprecated":
            text = f"{head} · struck through\n>{_message(change)}"
        case "added" | "removed" | "moved" | "renumbered" | "restored":
            text = f"{head}\n>{_message(change)}"
        case _:
            assert_never(kind)
    links = " · ".join(
        f"<{escape(link.url)}|{escape(link.label)}>" for link in report.links_for(change)
    )
    return f"{text}\n{links}" if links else text


def _before_after(old: str | None, new: str | None) -> str:
    """Both wordings whole (copyable), then the words that changed, struck and bold."""
    old, new = old or "", new or ""
    return f">{code(old)} → {code(new)}\n>changed: {_changed_words(old, new)}"


def _head(change: Change, report: Report, where: bool = True) -> str:
    head = f"{ICONS[change.severity]} *{change.kind}*"
    if spec(change.kind).names_code:
        head += f" {code(change.code, 80)}"
    if change.new_code:
        head += f" → {code(change.new_code, 80)}"
    if where and (place := location(change)):
        head += f" · {code(place, 200)}"
    if change.locale != "en":
        head += f" · {escape(change.locale)}"
    if category := report.category_of(change):
        head += f" · {escape(category)}"  # a word with underscores inside: Slack formats none
    return head


def _changed_words(old: str, new: str, limit: int = 200) -> str:
    """Only the runs of words that differ: removed ones struck, added ones bold, each in code."""
    parts: list[str] = []
    for span in word_diff(inert(old), inert(new)):
        if span.same:
            continue
        struck = f"~{code(span.old, limit)}~" if span.old else ""
        bold = f"*{code(span.new, limit)}*" if span.new else ""
        parts.append(" → ".join(part for part in (struck, bold) if part))
    return " · ".join(parts) or "_(only spacing)_"


def _message(change: Change, limit: int = MAX_MESSAGE) -> str:
    message = message_of(change)
    return code(message, limit) if message else "_(no message)_"


# --- blocks ---------------------------------------------------------------------------


def _context(report: Report) -> list[Block]:
    if not report.generated_at:
        return []
    text = f"errata · run {date(report.generated_at)}"
    return [{"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}]


def _sections(lines: Sequence[str]) -> Iterator[Block]:
    """Section blocks of whole lines, each under Slack's character limit."""
    text = ""
    for line in lines:
        if text and len(text) + 1 + len(line) > MAX_SECTION:
            yield _section(text)
            text = ""
        text = f"{text}\n{line}" if text else _clip(line, MAX_SECTION)
    if text:
        yield _section(text)


def _header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": text}}


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
