"""Markdown to blocks, tolerant of what docs repositories really contain.

Handles GitHub pipe tables and their malformed cousins (rows without leading
pipes, mixed trailing pipes, one-column separator lines, padded cells), ATX
headings with or without a space (``###Heading###``), setext headings,
``{#id}`` anchors, front matter, fenced code (skipped), lists, definition
lists, block quotes and embedded HTML tables. A short line written directly
above a table, as text renders of docs pages do, becomes a caption heading
so the table still gets a section name.

With a URL fragment, the watched section is read first, as the HTML reader
does: the lines that can make or hide a heading (fences, ATX and HTML
headings, HTML tables, setext underlines, table separators) are found by
regular expressions in C, the heading the fragment names is located among
them, and only the lines from there are read. Where a page leaves any doubt
about what a full read would see before that heading, the whole page is read.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace

from errata.parsers import html as html_reader
from errata.parsers.blocks import (
    NO_LEAD,
    Block,
    Heading,
    Item,
    Lead,
    Paragraph,
    Rows,
    Rule,
    Table,
    tab_level,
)
from errata.parsers.extract import heading_matches, push_heading
from errata.parsers.text import (
    CODE_SPAN,
    MD_SPECIAL,
    clean_code,
    heading_text,
    md_inline,
    slug,
    struck_part,
)

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?!#)(.*)$")
_HEADING_ID = re.compile(r"\s*\{#([^}\s]+)[^}]*\}\s*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-*:?\s*)*\|?\s*$")
_LIST = re.compile(r"^\s{0,6}(?:[-*+]|\d{1,3}[.)])\s+(.*)$")
_DEFINITION = re.compile(r"^\s{0,3}:\s+(.*)$")
_GREATER = re.compile(">")
# A table, possibly inside wrappers opened on the same line (``<div class="x"><table>``).
_HTML_TABLE_START = re.compile(r"^\s*(?:<[a-z][^<>]*>\s*)*<table\b", re.IGNORECASE)
_HTML_TABLE_END = re.compile(r"</table\s*>", re.IGNORECASE)
_HTML_HEADING = re.compile(r"^\s*<h([1-6])\b([^>]*)>(.*?)</h\1>\s*$", re.IGNORECASE)
_HTML_ID = re.compile(r"""\bid\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_TAG_ONLY = re.compile(r"^\s*(?:<[^>]+>\s*)+$")
_CAPTION_MAX = 100
# A tab of MDX (``<TabItem value="uta" label="Unified account">``, Mintlify's ``<Tab title=…>``)
# or GitBook (``{% tab title="…" %}``), or its end, alone on its line.
_TAB = re.compile(
    r"^\s*(?:<(?P<close>/)?Tab(?:Item)?\b(?P<attrs>[^<>]*)>"
    r"|\{%-?\s*(?P<end>end)?tab\b(?P<liquid>[^%]*)-?%\})\s*$"
)
_TAB_LABEL = re.compile(
    r"""\b(?P<name>label|title|value)\s*=\s*\{?\s*(?:"(?P<d>[^"]*)"|'(?P<s>[^']*)'|`(?P<b>[^`]*)`)"""
)
# Other template tags alone on a line (GitBook's ``{% hint style="info" %}``): markup, not prose.
_LIQUID_ONLY = re.compile(r"^\s*\{%.*%\}\s*$")
# What a list item, a definition's term or a paragraph starts with, when it marks a code.
_LEAD = re.compile(
    r"\s*\[?(?:`(?P<code>[^`\n]{1,64})`|\*\*(?P<bold>[^*\n]{1,64})\*\*|__(?P<under>[^_\n]{1,64})__"
    r"|<(?P<tag>code|strong|b|tt|samp|kbd)(?:\s[^<>]*)?>(?P<inner>[^<>\n]{1,64})</(?P=tag)>)",
    re.IGNORECASE,
)
_LEAD_STARTS = frozenset("`*_<[")
_BOLD_TAGS = frozenset({"strong", "b"})
# Front matter naming the section this text render is of (``anchor_id: error-code-websocket``).
_FRONT_ANCHOR = re.compile(r"^\s*(?:anchor_id|anchor)\s*:\s*[\"']?#?([^\s\"'#]+)[\"']?\s*$")


def blocks(text: str, fragments: Sequence[str] = ()) -> Iterator[Block]:
    """Blocks of the page, read as they are asked for.

    With ``fragments`` (in order of preference), only the watched section is read
    whenever it can be located without reading the page: the blocks then start at
    its heading, which carries the fragment among its anchors.
    """
    text = _normalised(text)
    found = _section(text, fragments) if fragments else None
    if found is None:
        return _Reader(text.split("\n")).read()
    section, fragment, level = found
    return _Reader(section.split("\n"), front_anchor=fragment, level=level - 1).read()


def _normalised(text: str) -> str:
    """Newlines normalised and block-quote markers dropped, as the reader sees the page."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _without_quote_marks(text) if ">" in text else text


def _without_quote_marks(text: str) -> str:
    """Each line's block-quote marker dropped: up to three spaces, ``>`` and one space.

    Found from the ``>`` characters, which are few, rather than tried at every line.
    """
    kept: list[str] = []
    done = 0
    for mark in _GREATER.finditer(text):
        at = mark.start()
        start = text.rfind("\n", 0, at) + 1
        if start < done or at - start > 3 or (not text[start:at].isspace() and at > start):
            continue  # not the first thing on its line
        end = at + 1
        if end < len(text) and text[end] != "\n" and text[end].isspace():
            end += 1
        kept.append(text[done:start])
        done = end
    return "".join([*kept, text[done:]]) if kept else text


class _Reader:
    def __init__(self, lines: list[str], front_anchor: str = "", level: int = 0) -> None:
        self.lines = lines
        self.out: list[Block] = []
        self.paragraph: list[str] = []
        # Of the last heading read (not a caption or a tab): tabs go below it. A section read
        # first starts below the heading over it.
        self.level = level
        # Given to the first heading: the section the front matter names, or the
        # fragment when reading starts at the watched heading.
        self.front_anchor = front_anchor

    def read(self) -> Iterator[Block]:
        i = self._front_matter()
        n = len(self.lines)
        while i < n:
            i = self._line(i)
            if self.out:
                yield from self.out
                self.out.clear()
        self._flush()
        yield from self.out

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
        """Read the line at ``i`` (and any it carries along); where the next one starts."""
        line = self.lines[i]
        if line[:1].isalpha() and "|" not in line:
            self.paragraph.append(line.strip())  # most of a page: prose, nothing else can start so
            return i + 1
        if not line.strip():
            self._flush()
            return i + 1
        end = self._structure(i, line)
        return self._text(i, line) if end is None else end

    def _structure(self, i: int, line: str) -> int | None:
        """Fences, headings, tabs and tables: where the line ends them, or None for none."""
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
        if tab := _TAB.match(line):
            self._flush()
            self._add(Heading(tab_level(self.level), _tab_label(tab)))
            return i + 1
        return self._table(i) if self._table_starts(i) else None

    def _text(self, i: int, line: str) -> int:
        """Setext underlines, rules, definitions, list items and prose."""
        stripped = line.strip()
        if self.paragraph and _SETEXT.match(line) and "|" not in self.paragraph[-1]:
            text = " ".join(self.paragraph)
            self.paragraph = []
            self._heading(1 if stripped[0] == "=" else 2, text)
        elif _RULE.match(line):
            self._flush()
            self.out.append(Rule())
        elif (definition := _DEFINITION.match(line)) and self.paragraph:
            term = " ".join(self.paragraph)
            self.paragraph = []
            text, struck = md_inline(definition.group(1))
            self.out.append(Item(text, term=md_inline(term)[0], struck=struck, lead=lead(term)))
        elif item := _LIST.match(line):
            self._flush()
            return self._item(i, item.group(1))
        elif _TAG_ONLY.match(line) or _LIQUID_ONLY.match(line):
            self._flush()
        else:
            self.paragraph.append(stripped)
        return i + 1

    def _table_starts(self, i: int) -> bool:
        """A header row at ``i`` with a separator line under it."""
        lines = self.lines
        return i + 1 < len(lines) and "|" in lines[i] and _is_separator(lines[i + 1])

    def _flush(self) -> None:
        """The pending paragraph, read lazily: only a heading-per-code layout looks at prose.

        Its text may turn out empty (an image alone, say): readers of blocks treat
        an empty paragraph as none (``generic.split_languages`` drops them).
        """
        if self.paragraph:
            raw = " ".join(self.paragraph)
            self.out.append(Paragraph(lambda: md_inline(raw)[0], lambda: lead(raw)))
            self.paragraph = []

    def _heading(self, level: int, raw: str) -> None:
        self._add_heading(level, *_split_id(raw))

    def _add_heading(self, level: int, raw: str, anchors: tuple[str, ...]) -> None:
        self.level = level
        self._add(_heading(level, raw, anchors))

    def _add(self, heading: Heading) -> None:
        if self.front_anchor:  # the first heading only
            anchors, self.front_anchor = (*heading.anchors, self.front_anchor), ""
            heading = replace(heading, anchors=anchors)
        self.out.append(heading)

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
        raw = " ".join(parts)
        text, struck = md_inline(raw)
        if text:
            self.out.append(Item(text, struck=struck, lead=lead(raw)))
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


def _tab_label(tab: re.Match[str]) -> str:
    """What a tab shows: its label (or title), else its value; "" where a tab closes."""
    if tab["close"] or tab["end"]:
        return ""
    found = {
        m["name"]: m["d"] or m["s"] or m["b"] or ""
        for m in _TAB_LABEL.finditer(tab["attrs"] or tab["liquid"] or "")
    }
    return heading_text(
        md_inline(found.get("label") or found.get("title") or found.get("value") or "")[0]
    )


def lead(raw: str) -> Lead:
    """The code span or bold text a block written ``raw`` starts with (``blocks.Lead``)."""
    found = _LEAD.match(raw) if raw.lstrip()[:1] in _LEAD_STARTS else None
    if found is None:
        return NO_LEAD
    token = found["code"] or found["bold"] or found["under"] or found["inner"] or ""
    rest = raw[found.end() :].strip().lstrip("]").strip()
    bold = found["code"] is None and (found["tag"] or "strong").lower() in _BOLD_TAGS
    return Lead(clean_code(md_inline(token)[0] if not found["code"] else token), not rest, bold)


def _heading(level: int, raw: str, anchors: tuple[str, ...]) -> Heading:
    text, struck = md_inline(raw)
    return Heading(level, heading_text(text), anchors, struck)


def _split_id(raw: str) -> tuple[str, tuple[str, ...]]:
    """An ATX or setext heading's text and its anchor, a trailing ``{#id}``."""
    if "{" in raw and (match := _HEADING_ID.search(raw)):
        return raw[: match.start()], (match.group(1),)
    return raw, ()


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


# --- locating the watched section without reading the page --------------------

# The start of every line that can make, hide or end a heading for the reader,
# each behind the newline before it, so that re scans for that newline in C;
# the group names what the line can be.
_STRUCTURE_LINE = re.compile(
    # Lines that start with a letter, a digit or nothing (most of a page) fail at once here.
    r"\n(?=[\t\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000#`~=<|:{-])"
    r"(?:(?P<fence> {0,3}(?:`{3}|~{3}))|(?P<atx> {0,3}#)"
    r"|(?P<under> {0,3}(?:=+|-+)[ \t]*(?=\n|$))"
    # HTML headings and tables, and tabs (``<TabItem``, ``</Tab>``, ``{% tab``): one group, so
    # the indentation of a line is consumed once.
    r"|(?P<html>[^\S\n]*(?:<(?:(?P<tab>(?-i:/?Tab(?:Item)?\b))|h[1-6]|[^\n]*?table)"
    r"|(?P<liquid>\{%-?[^\S\n]*(?:end)?tab\b)))"
    r"|(?P<sep>[^\S\n]*\|?[^\S\n]*:?-+:?[^\S\n]*(?:\|[^\S\n]*:?-*:?[^\S\n]*)*\|?[^\S\n]*(?=\n|$)))",
    re.IGNORECASE,
)
_HTML_TABLE_END_LINE = re.compile(r"</table[^\S\n]*>", re.IGNORECASE)
_HEADING_IN_HTML = re.compile(r"<(?:h[1-6]|caption)\b", re.IGNORECASE)


class _Unsure(Exception):
    """Only reading the page line by line would tell: read it whole."""


def _section(text: str, fragments: Sequence[str]) -> tuple[str, str, int] | None:
    """(the text of the watched section, the fragment that names it, its heading's level), or
    None when the page must be read whole: no fragment is on it, or only reading would tell.

    The section runs from its heading to the next heading of the same or a higher
    level, which is where ``extract.select`` stops reading too.
    """
    outline = _Outline(text, {slug(f) for f in fragments} - {""})
    try:
        for fragment in fragments:
            target = slug(fragment)
            found = outline.find(target) if target else None
            if found is not None:
                start, heading = found
                return text[start : outline.end_of(heading, start)], fragment, heading.level
    except _Unsure:
        return None
    return None


class _Outline:
    """The headings a full read of the page would produce, in order, found without reading it.

    Headings come from ATX and HTML heading lines outside fences and HTML tables,
    found as far down the page as a search needs. Whatever could make a full read
    differ is doubt (``_Unsure``): a setext underline, an HTML table holding a
    heading or caption, a heading line that may continue a list item or a table
    row, front matter naming a section, a line right above a table (a caption
    heading to the reader) whose text could be the section, and a page whose first
    heading carries an anchor a fragment names (``extract.select`` takes it at once).
    """

    def __init__(self, text: str, targets: set[str]) -> None:
        self.targets = targets
        # Offsets below are of a line's newline in here, which is its start in ``text``.
        self.scan = "\n" + text
        self.seen: list[tuple[int, _Mark]] = []
        self.separators: list[int] = []  # offsets of what may be tables' separator lines
        self.level = 0  # of the last heading found (not a tab), as the reader's
        head = _Reader(_head_lines(text, 201))
        first = head._front_matter()
        self.doubt = bool(head.front_anchor)  # the scan stopped where only reading tells
        self.pending = iter(()) if self.doubt else self._scan(_offset_of_line(self.scan, first))

    def find(self, target: str) -> tuple[int, _Mark] | None:
        """(offset, heading) of the first heading that is ``target``; None if the page has none."""
        stack: list[_Mark] = []
        last_word = target.rsplit("-", 1)[-1]
        for start, mark in itertools.chain(list(self.seen), self._more()):
            push_heading(stack, mark)
            if mark.may_be(target, last_word) and heading_matches(
                [m.heading() for m in stack], target
            ):
                self._no_caption_is(target, before=start)
                first_start, first = self.seen[0]
                if first_start != start and self.targets & {slug(a) for a in first.anchors}:
                    raise _Unsure  # the page's first block may be a section a fragment names
                return start, mark
        if self.doubt:
            raise _Unsure
        self._no_caption_is(target, before=len(self.scan))
        return None

    def end_of(self, heading: _Mark, start: int) -> int:
        """Where the section of ``heading`` (at ``start``) ends in the text: at the next heading
        of its level or higher, or at the end of the page when only reading would tell."""
        try:
            for at, later in self._more():
                if at > start and later.level <= heading.level:
                    return at
        except _Unsure:
            pass
        return len(self.scan)

    def _more(self) -> Iterator[tuple[int, _Mark]]:
        for found in self.pending:
            self.seen.append(found)
            yield found

    def _no_caption_is(self, target: str, before: int) -> None:
        """Doubt, if a line above a table before ``before`` could be a caption named ``target``."""
        last_word = target.rsplit("-", 1)[-1]
        for at in self.separators:
            if at >= before:
                return
            raw = self._caption(at)
            if raw and _may_be(raw, target, last_word, functools.partial(_caption_text, raw)):
                raise _Unsure

    def _scan(self, at: int) -> Iterator[tuple[int, _Mark]]:
        while (found := _STRUCTURE_LINE.search(self.scan, at)) is not None:
            end = self.scan.find("\n", found.start() + 1)
            end = len(self.scan) if end < 0 else end
            try:
                heading, at = self._structure(found, end)
            except _Unsure:
                self.doubt = True
                return
            if heading is not None:
                yield found.start(), heading

    def _structure(self, found: re.Match[str], end: int) -> tuple[_Mark | None, int]:
        """The heading the line ``found`` makes, if any, and where the scan goes on.

        Tried in the order ``_Reader._line`` tries them; the group of the match
        says which can apply at all.
        """
        scan, start, kind = self.scan, found.start(), found.lastgroup
        text = scan[start + 1 : end]
        if kind == "sep":
            self.separators.append(start)
            return None, end
        if text.startswith((" ", "\t")) and self._previous(start).strip():
            raise _Unsure  # it may continue a list item
        if kind == "fence" and (fence := _FENCE.match(text)) is not None:
            return None, _after_fence(scan, end, fence.group(1))
        if kind == "atx" and (atx := _ATX.match(text)) and (title := _atx_title(atx.group(2))):
            self.level = len(atx.group(1))
            return _Mark(self.level, *_split_id(title)), end
        if kind == "html" and (found["tab"] or found["liquid"]) and (tab := _TAB.match(text)):
            return self._tab(tab, text), end
        if kind == "html" and _HTML_TABLE_START.match(text):
            return None, _after_html_table(scan, start, "|" in text)
        if kind == "html" and (html := _HTML_HEADING.match(text)):
            if "|" in text:
                raise _Unsure  # it may be a row of the table above
            ids = tuple(_HTML_ID.findall(html.group(2)))
            self.level = int(html.group(1))
            return _Mark(self.level, html.group(3), ids), end
        if kind == "under" and _SETEXT.match(text) and self._previous(start).strip():
            raise _Unsure  # a setext heading, whose text only reading tells
        return None, end

    def _tab(self, tab: re.Match[str], text: str) -> _Mark:
        """The heading a tab (or its end) is, one level below the last heading."""
        if "|" in text:
            raise _Unsure  # it may be a row of the table above
        return _Mark.of(Heading(tab_level(self.level), _tab_label(tab)))

    def _previous(self, start: int) -> str:
        """The line above the one whose newline is at ``start``."""
        return self.scan[self.scan.rfind("\n", 0, start) + 1 : start] if start > 0 else ""

    def _caption(self, start: int) -> str:
        """The line a table whose separator is at ``start`` may take as its caption, or ""."""
        end = self.scan.find("\n", start + 1)
        if not _is_separator(self.scan[start + 1 : end if end >= 0 else len(self.scan)]):
            return ""
        above = self.scan.rfind("\n", 0, start)
        if above <= 0 or "|" not in self._previous(start):
            return ""  # no header row above it: no table
        return self._previous(above).strip()


class _Mark:
    """A heading line the scan found: its level and anchors, its text read only when needed."""

    __slots__ = ("_read", "anchors", "level", "raw")

    def __init__(self, level: int, raw: str, anchors: tuple[str, ...]) -> None:
        self.level = level
        self.raw = raw
        self.anchors = anchors
        self._read: Heading | None = None

    @classmethod
    def of(cls, heading: Heading) -> _Mark:
        """A line the scan reads at once (a tab's label)."""
        mark = cls(heading.level, heading.text, heading.anchors)
        mark._read = heading
        return mark

    def heading(self) -> Heading:
        """The heading block a full read makes of this line."""
        if self._read is None:
            self._read = _heading(self.level, self.raw, self.anchors)
        return self._read

    def may_be(self, target: str, last_word: str) -> bool:
        """Whether this heading can be ``target``, or end the path of headings that is."""
        return bool(self.anchors) or _may_be(
            self.raw, target, last_word, lambda: self.heading().text
        )


def _may_be(raw: str, target: str, last_word: str, text: Callable[[], str]) -> bool:
    """Whether a heading written ``raw`` (read as ``text()``) can end the path that is ``target``.

    Its slug must end with the target's last word. A plain ASCII title (no
    markup to unwrap) that does not even contain that word cannot, and is not
    read; any other is.
    """
    if raw.isascii() and not MD_SPECIAL.intersection(raw) and last_word not in raw.lower():
        return False
    name = slug(text())
    return bool(name) and (target == name or target.endswith("-" + name))


def _caption_text(raw: str) -> str:
    """The text of the caption heading ``_Reader._caption`` makes of a line above a table."""
    return heading_text(md_inline(raw)[0])


def _head_lines(text: str, count: int) -> list[str]:
    """The first ``count`` lines of ``text``, without splitting the rest of it."""
    end = -1
    for _ in range(count):
        end = text.find("\n", end + 1)
        if end < 0:
            return text.split("\n")
    return text[:end].split("\n")


def _offset_of_line(scan: str, line: int) -> int:
    """Where the newline before ``line`` stands in ``scan`` (the text behind one newline)."""
    at = 0
    for _ in range(line):
        at = scan.find("\n", at + 1)
    return at


def _after_fence(scan: str, end: int, opener: str) -> int:
    found = _fence_closer(opener[0], len(opener)).search(scan, end)
    return len(scan) if found is None else found.end()


@functools.cache
def _fence_closer(mark: str, length: int) -> re.Pattern[str]:
    """The line that closes a fence opened by ``length`` marks, as ``_Reader._skip_fence`` sees it."""
    return re.compile(rf"\n {{0,3}}{re.escape(mark)}{{{length},}}[^\S\n]*(?=\n|$)")


def _after_html_table(scan: str, start: int, piped: bool) -> int:
    if piped:
        raise _Unsure  # it may be a row of the table above
    found = _HTML_TABLE_END_LINE.search(scan, start)
    end = len(scan) if found is None else scan.find("\n", found.end())
    end = len(scan) if end < 0 else end
    if _HEADING_IN_HTML.search(scan, start, end):
        raise _Unsure  # the reader takes headings and captions from the table
    return end
