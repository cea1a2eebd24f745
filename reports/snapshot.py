"""Normalised snapshots: a source's current entries as deterministic Markdown.

One file per source (``snapshots/<source>.md``, plus ``<source>.<locale>.md``
for extra locales) in the shape of the seed documents: front matter, then a
table per section. The same entries always give the same bytes, so a
git-scraping repository gets a readable diff exactly when a page changed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urldefrag

from errata.parsers import Entry
from errata.reports.escape import markdown_text

_PLAIN_YAML = re.compile(r"^[A-Za-z0-9][\w./:#@+-]*$")


@dataclass(frozen=True, slots=True)
class SourceInfo:
    id: str
    exchange: str
    url: str
    api: str | None = None
    title: str | None = None


def file_name(source: str, locale: str, main_locale: str = "en") -> str:
    return f"{source}.md" if locale == main_locale else f"{source}.{locale}.md"


def render_snapshot(source: SourceInfo, entries: Sequence[Entry], updated_at: str | None) -> str:
    anchor = urldefrag(source.url).fragment
    front = {
        "exchange": source.exchange,
        "source_id": source.id,
        "source_url": source.url,
        "anchor_id": anchor or None,
        "api_type": source.api,
        "updated_at": updated_at,
        "entries": str(len(entries)),
    }
    lines = ["---", *(f"{key}: {_yaml(value)}" for key, value in front.items()), "---", ""]
    lines += [f"# {markdown_text(source.title or source.id)}", ""]
    sections: dict[str, list[Entry]] = {}
    for entry in entries:
        sections.setdefault(entry.section, []).append(entry)
    for section, rows in sections.items():
        if section:
            lines += [f"## {markdown_text(section)}", ""]
        lines += _table(rows)
        lines.append("")
    return "\n".join(lines)


def _table(rows: Sequence[Entry]) -> list[str]:
    extras = list(dict.fromkeys(key for row in rows for key in row.extra))
    header = ["Code", "Message", *extras]
    lines = [_row(header), "|" + "|".join("---" for _ in header) + "|"]
    lines += [
        _row([row.message, *(row.extra.get(k, "") for k in extras)], _code(row)) for row in rows
    ]
    return lines


def _code(entry: Entry) -> str:
    """The code cell as the page marks it: struck through when retired (``~~31001~~``), after
    the struck code it renumbers (``~~50010~~ 50210``)."""
    code = _cell(entry.code)
    if entry.deprecated:
        code = f"~~{code}~~"
    if entry.replaces:
        code = f"~~{_cell(entry.replaces)}~~ {code}"
    return code


def _row(cells: Sequence[str], first: str | None = None) -> str:
    texts = [_cell(cell) for cell in cells]
    return "| " + " | ".join(texts if first is None else [first, *texts]) + " |"


def _cell(text: str) -> str:
    """One table cell: page text made inert, its line breaks kept as <br>."""
    lines = [markdown_text(line.strip()) for line in text.replace("\r", "\n").split("\n")]
    return "<br>".join(line for line in lines if line)


def _yaml(value: str | None) -> str:
    if value is None:
        return "null"
    return value if _PLAIN_YAML.match(value) else json.dumps(value, ensure_ascii=False)
