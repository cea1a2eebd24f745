"""Markdown to blocks, tolerant of what docs repositories really contain.

Handles GitHub pipe tables and their malformed cousins (rows without leading
pipes, mixed trailing pipes, one-column separator lines, padded cells), ATX
headings with or without a space (``###Heading###``), setext headings,
``{#id}`` anchors, front matter, fenced code (skipped), lists, definition
lists, block quotes and embedded HTML tables. A short line written directly
above a table, as text renders of docs pages do, becomes a caption heading
so the table still gets a section name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from errata.parsers import html as html_reader
from errata.parsers.blocks import Block, Heading, Item, Paragraph, Rows, Rule, Table
from errata.parsers.text import CODE_SPAN, heading_text, md_inline, struck_part

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?!#)(.*)$")
_HEADING_ID = re.compile(r"\s*\{#([^}\s]+)[^}]*\}\s*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-*:?\s*)*\|?\s*$")
_LIST = re.compile(r"^\s{0,6}(?:[-*+]|\d{1,3}[.)])\s+(.*)$")
_DEFINITION = re.compile(r"^\s{0,3}:\s+(.*)$")
_QUOTE = re.compile(r"^\s{0,3}>\s?")
# A table, possibly inside wrappers opened on the same line (``<div class="x"><table>``).
_HTML_TABLE_START = re.compile(r"^\s*(?:<[a-z][^<>]*>\s*)*<table\b", re.IGNORECASE)
_HTML_TABLE_END = re.compile(r"</table\s*>", re.IGNORECASE)
_HTML_HEADING = re.compile(r"^\s*<h([1-6])\b([^>]*)>(.*?)</h\1>\s*$", re.IGNORECASE)
_HTML_ID = re.compile(r"""\bid\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_TAG_ONLY = re.compile(r"^\s*(?:<[^>]+>\s*)+$")
_CAPTION_MAX = 100
# Front matter naming the section this text render is of (``anchor_id: error-code-websocket``).
_FRONT_ANCHOR = re.compile(r"^\s*(?:anchor_id|anchor)\s*:\s*[\"']?#?([^\s\"'#]+)[\"']?\s*$")


def blocks(text: str) -> Iterator[Block]:
    return iter(_Reader(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")).read())


class _Reader:
    def __init__(self, lines: list[str]) -> None:
        self.lines = [
            _QUOTE.sub("", line) if line.lstrip().startswith(">") else line for line in lines
        ]
        self.out: list[Block] = []
        self.paragraph: list[str] = []
        self.front_anchor = ""  # given to the first heading, the section the front matter names

    def read(self) -> list[Block]:
        i = self._front_matter()
        n = len(self.lines)
        while i < n:
            i = self._line(i)
        self._flush()
        return self.out

    def _front_matter(self) -> int:
        if self.lines and self.lines[0].strip() == "---":
            for i in range(1, min(len(self.lines), 200)):
                if self.lines[i].strip() in ("---", "..."):
                    self._front_anchor(self.lines[1:i])
                    return i + 1
        return 0

    def _front_anchor(self, lines: list[str]) -> None:
        """A text render of one section names it in its front matter; its top heading is that section."""
        for line in lines:
            if match := _FRONT_ANCHOR.match(line):
                self.front_anchor = match.group(1)
                return

    def _line(self, i: int) -> int:
        line = self.lines[i]
        stripped = line.strip()
        if not stripped:
            self._flush()
            return i + 1
        if fence := _FENCE.match(line):
            return self._skip_fence(i, fence.group(1))
        if (heading := _ATX.match(line)) and (title := _atx_title(heading.group(2))):
            self._flush()
            self._heading(len(heading.group(1)), title)
            return i + 1
        if _HTML_TABLE_START.match(line):
            return self._html_table(i)
        if html_heading := _HTML_HEADING.match(line):
            self._flush()
            ids = tuple(_HTML_ID.findall(html_heading.group(2)))
            self._add_heading(int(html_heading.group(1)), html_heading.group(3), ids)
            return i + 1
        if self._table_starts(i):
            return self._table(i)
        if self.paragraph and _SETEXT.match(line) and "|" not in self.paragraph[-1]:
            text = " ".join(self.paragraph)
            self.paragraph = []
            self._heading(1 if stripped[0] == "=" else 2, text)
            return i + 1
        if _RULE.match(line):
            self._flush()
            self.out.append(Rule())
            return i + 1
        if (definition := _DEFINITION.match(line)) and self.paragraph:
            term = " ".join(self.paragraph)
            self.paragraph = []
            text, struck = md_inline(definition.group(1))
            self.out.append(Item(text, term=md_inline(term)[0], struck=struck))
            return i + 1
        if item := _LIST.match(line):
            self._flush()
            return self._item(i, item.group(1))
        if _TAG_ONLY.match(line):
            self._flush()
            return i + 1
        self.paragraph.append(stripped)
        return i + 1

    def _table_starts(self, i: int) -> bool:
        """A header row at ``i`` with a separator line under it."""
        lines = self.lines
        return i + 1 < len(lines) and "|" in lines[i] and _is_separator(lines[i + 1])

    def _flush(self) -> None:
        if self.paragraph:
            text = md_inline(" ".join(self.paragraph))[0]
            if text:
                self.out.append(Paragraph.of(text))
            self.paragraph = []

    def _heading(self, level: int, raw: str) -> None:
        anchors: tuple[str, ...] = ()
        if match := _HEADING_ID.search(raw):
            anchors = (match.group(1),)
            raw = raw[: match.start()]
        self._add_heading(level, raw, anchors)

    def _add_heading(self, level: int, raw: str, anchors: tuple[str, ...]) -> None:
        text, struck = md_inline(raw)
        if self.front_anchor:  # the first heading only
            anchors, self.front_anchor = (*anchors, self.front_anchor), ""
        self.out.append(Heading(level, heading_text(text), anchors, struck))

    def _skip_fence(self, i: int, opener: str) -> int:
        self._flush()
        closer = re.compile(rf"^ {{0,3}}{re.escape(opener[0])}{{{len(opener)},}}\s*$")
        for j in range(i + 1, len(self.lines)):
            if closer.match(self.lines[j]):
                return j + 1
        return len(self.lines)

    def _item(self, i: int, first: str) -> int:
        parts = [first]
        j = i + 1
        while j < len(self.lines):
            nxt = self.lines[j]
            if not nxt.strip() or not nxt.startswith((" ", "\t")) or _LIST.match(nxt):
                break
            if self._table_starts(j) or _HTML_TABLE_START.match(nxt):
                break
            parts.append(nxt.strip())
            j += 1
        if len(parts) == 1 and self._table_starts(j):
            self._caption(self.lines[i].strip())  # "1. Request Errors#" right above a table
            return j
        text, struck = md_inline(" ".join(parts))
        if text:
            self.out.append(Item(text, struck=struck))
        return j

    def _caption(self, raw: str) -> None:
        text = heading_text(md_inline(raw)[0])
        if text:
            self.out.append(Heading(7, text))

    def _table(self, i: int) -> int:
        if self.paragraph:
            last = self.paragraph.pop()
            self._flush()
            if len(last) <= _CAPTION_MAX and not last.endswith((".", ";", ",", "。", "；", "，")):
                self._caption(last)
            else:
                self.paragraph = [last]
                self._flush()
        header = [md_inline(cell)[0] for cell in _split_row(self.lines[i])]
        j = i + 2
        raw: list[str] = []
        while j < len(self.lines):
            row = self.lines[j]
            if not row.strip() or "|" not in row or _FENCE.match(row) or _ATX.match(row):
                break
            raw.append(row)
            j += 1
        self.out.append(Table(tuple(header), lambda: _rows(raw, len(header))))
        return j

    def _html_table(self, i: int) -> int:
        self._flush()
        j = i
        while j < len(self.lines) and not _HTML_TABLE_END.search(self.lines[j]):
            j += 1
        chunk = "\n".join(self.lines[i : j + 1])
        self.out.extend(b for b in html_reader.blocks(chunk) if isinstance(b, Table | Heading))
        return j + 1


def _atx_title(rest: str) -> str:
    """The title of an ATX heading: closing hashes (``###Heading###``) and spaces trimmed."""
    return rest.strip().rstrip("#").rstrip()


def _is_separator(line: str) -> bool:
    return "-" in line and bool(_SEPARATOR.match(line)) and ("|" in line or line.count("-") >= 3)


def _rows(raw: list[str], width: int) -> Rows:
    cells: list[list[str]] = []
    struck: set[tuple[int, int]] = set()
    partly: dict[tuple[int, int], tuple[str, str]] = {}
    for line in raw:
        if _is_separator(line):
            continue
        parts = _split_row(line)
        if len(parts) > width > 0:
            tail = [p for p in parts[width - 1 :] if p.strip()]
            parts = [*parts[: width - 1], " | ".join(tail)]
        row: list[str] = []
        for c, part in enumerate(parts):
            text, is_struck = md_inline(part)
            if is_struck:
                struck.add((len(cells), c))
            elif parts_struck := struck_part(part):
                partly[(len(cells), c)] = parts_struck
            row.append(text)
        cells.append(row)
    return Rows(cells, frozenset(struck), partly)


def _split_row(line: str) -> list[str]:
    """Cells of a pipe-table row; pipes inside code spans or escaped stay in the cell."""
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    if "`" in s or "\\" in s:
        s = CODE_SPAN.sub(lambda m: m.group(0).replace("|", "\x00"), s).replace("\\|", "\\\x00")
        return [cell.replace("\x00", "|").strip() for cell in s.split("|")]
    return [cell.strip() for cell in s.split("|")]
