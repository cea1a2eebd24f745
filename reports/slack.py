"""Slack Block Kit: a header, one section per source, a context line; split to fit Slack's limits.

Slack reads ``&``, ``<`` and ``>`` as control characters (``<!channel>``,
``<http://x|label>``), so page text always has them escaped. Messages and
codes go in inline code, where ``*bold*`` and ``_it_`` stay literal; a
backtick in page text is swapped for a look-alike so it cannot close the
span, and other page text (section names) has its formatting marks swapped
the same way.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any, assert_never

from errata.differ import Change, spec
from errata.differ.describe import codes
from errata.reports.model import Problem, Report, by_time, grouped, location, message_of
from errata.reports.registry import renderer

MAX_BLOCKS = 50  # per message
MAX_SECTION = 3000  # characters of text per section block
MAX_HEADER = 150
MAX_MESSAGE = 600  # one page message, so a single change always fits a section
ICONS = {"high": ":red_circle:", "medium": ":large_orange_circle:", "low": ":white_circle:"}
_LOOKALIKE = str.maketrans({"`": "ˋ", "*": "∗", "_": "ˍ", "~": "∼"})

Block = dict[str, Any]
Message = dict[str, Any]


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def literal(text: str) -> str:
    """Page text outside code: escaped, its formatting marks swapped for look-alikes."""
    return escape(" ".join(text.split()).translate(_LOOKALIKE))


def code(text: str, limit: int = MAX_MESSAGE) -> str:
    """Page text as inline code on one line: nothing inside can format, mention or link."""
    flat = " ⏎ ".join(line.strip() for line in text.replace("\r", "\n").split("\n") if line.strip())
    if len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    return f"`{escape(flat.replace('`', 'ˋ')) or ' '}`"


def messages(report: Report) -> list[Message]:
    """The report as one or more webhook payloads, each within Slack's limits."""
    body = [*_source_blocks(report), *_note_blocks(report)]
    per_message = MAX_BLOCKS - 2  # room for the header and the context line
    chunks = [body[i : i + per_message] for i in range(0, len(body), per_message)] or [[]]
    title = f"{report.title}: {report.summary()}"
    payloads = []
    for number, chunk in enumerate(chunks, start=1):
        part = f" ({number}/{len(chunks)})" if len(chunks) > 1 else ""
        header = _clip(title, MAX_HEADER - len(part)) + part
        blocks = [{"type": "header", "text": {"type": "plain_text", "text": header}}, *chunk]
        if report.generated_at:
            context = f"errata · run at {escape(report.generated_at)}"
            blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": context}]})
        payloads.append({"text": escape(header), "blocks": blocks})
    return payloads


@renderer("slack")
def render_slack(report: Report) -> str:
    return json.dumps(messages(report), ensure_ascii=False, indent=2)


def _source_blocks(report: Report) -> Iterator[Block]:
    for (exchange, source), changes in grouped(report.changes):
        lines = [f"*{literal(exchange)} · {literal(source)}*"]
        for observed_at, batch in by_time(changes):
            lines.append(f"_{escape(observed_at)}_")
            lines += [_line(change, report) for change in batch]
        yield from _sections(lines)


def _note_blocks(report: Report) -> Iterator[Block]:
    notes: list[tuple[str, str, Sequence[Problem]]] = [
        (":rotating_light:", "Health alerts", report.alerts),
        (":warning:", "Documentation defects", report.defects),
        (":x:", "Problems", report.problems),
    ]
    for icon, title, items in notes:
        if items:
            lines = [f"*{title}*"]
            lines += [f"{icon} *{literal(n.source)}*: {code(n.message)}" for n in items]
            yield from _sections(lines)


def _line(change: Change, report: Report) -> str:
    head = _head(change, report)
    kind = change.kind
    match kind:
        case "reworded":
            detail = "trivial" if change.trivial else f"similarity {change.similarity:.2f}"
            old, new = code(change.old_message or ""), code(change.new_message or "")
            text = f"{head} · {detail}\n>{old} → {new}"
        case "detail_changed":
            old, new = code(change.old_detail or ""), code(change.new_detail or "")
            text = f"{head} · {literal(change.column or '')}\n>{old} → {new}"
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


def _head(change: Change, report: Report) -> str:
    head = f"{ICONS[change.severity]} *{change.kind}*"
    if spec(change.kind).names_code:
        head += f" {code(change.code, 80)}"
    if change.new_code:
        head += f" → {code(change.new_code, 80)}"
    where = location(change)
    if where:
        head += f" · {literal(where)}"
    if change.locale != "en":
        head += f" · {literal(change.locale)}"
    if category := report.category_of(change):
        head += f" · _{literal(category)}_"
    return head


def _message(change: Change) -> str:
    message = message_of(change)
    return code(message) if message else "_(no message)_"


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


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
