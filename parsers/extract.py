"""From a block stream to entries: one implementation for every format.

1. Select the watched part: the heading the URL fragment names (by id or by
   slug) and everything under it until a heading of the same or a higher
   level. Without a fragment, the whole page.
2. Name sections: the heading path below the selected heading, joined with
   `` > `` (the selected heading's own text when nothing is below it).
3. Read entries from the best layout present: tables with a code column;
   failing that, a heading per code; failing that, ``code: message`` lists.
   Preferring tables keeps pages like TickDB's, which repeat every code as a
   heading under the table, from counting each code twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from errata.parsers.blocks import Block, Heading, Item, Paragraph, Table
from errata.parsers.columns import (
    CODE_SHAPE,
    Columns,
    by_content,
    by_header,
    looks_like_code,
    normalise_header,
)
from errata.parsers.document import Document
from errata.parsers.entry import Entry
from errata.parsers.text import clean_code, script_locale, slug

_MAX_CODE_LENGTH = 64
_CODE = CODE_SHAPE.pattern
_CODE_HEADING = re.compile(
    rf"^(?P<codes>(?:{_CODE})(?:\s*(?:/|,|&)\s*(?:{_CODE}))*)"
    rf"(?:(?:\s*[-–—:：|]\s*|\s+)(?P<name>.*?))?\s*$"
)
_CODE_ITEM = re.compile(
    rf"^(?P<code>{_CODE})\s*(?:[:：=]|\s[-–—|]\s|\s{{2,}})\s*(?P<message>.+)$", re.S
)
_CJK_LOCALES = frozenset({"zh", "ja", "ko"})


@dataclass(frozen=True, slots=True)
class Layouts:
    """Which non-table layouts a parser accepts when a page has no code tables."""

    headings: bool = True
    lists: bool = True


ALL_LAYOUTS = Layouts()
TABLES_ONLY = Layouts(headings=False, lists=False)


@dataclass(frozen=True, slots=True)
class Located:
    section: str  # for a heading: the section that contains it
    block: Block


def extract(
    blocks: Iterable[Block],
    doc: Document,
    *,
    fragments: Sequence[str] = (),
    layouts: Layouts = ALL_LAYOUTS,
) -> list[Entry]:
    """Entries of the part of ``blocks`` the first matching fragment selects.

    ``fragments`` lists acceptable anchors in order of preference (a site parser
    may add the ids a page used in earlier years); empty means the whole page.
    """
    region = select(blocks, doc, fragments)
    entries = _from_tables(region, doc.locale)
    if not entries and layouts.headings:
        entries = _from_code_headings(region, doc.locale)
    if not entries and layouts.lists:
        entries = _from_lists(region, doc.locale)
    return entries


def select(blocks: Iterable[Block], doc: Document, fragments: Sequence[str]) -> list[Located]:
    stream = iter(blocks)
    if not fragments:
        return list(_locate(stream, [], base=0, anchor=None))
    targets = [t for t in (slug(f) for f in fragments) if t]
    first = next(stream, None)
    if isinstance(first, Heading) and any(slug(a) in targets for a in first.anchors):
        # The reader already jumped to the anchor (HTML ids): stay lazy, stop at the next peer.
        return list(_locate(stream, [first], base=1, anchor=first))
    everything = [] if first is None else [first, *stream]
    for target in targets:  # in order of preference
        stack: list[Heading] = []
        rest = iter(everything)
        for block in rest:
            if isinstance(block, Heading):
                _push(stack, block)
                if _matches(stack, target):
                    return list(_locate(rest, stack, base=len(stack), anchor=block))
    wanted = " or ".join(f"#{f}" for f in fragments)
    raise doc.error(f"section {wanted} is not on the page")


def _locate(
    stream: Iterator[Block], stack: list[Heading], base: int, anchor: Heading | None
) -> Iterator[Located]:
    fallback = anchor.text if anchor else ""
    for block in stream:
        if isinstance(block, Heading):
            if anchor is not None and block.level <= anchor.level:
                return
            _push(stack, block, keep=base)
            yield Located(_section(stack[base:-1]) or fallback, block)
        else:
            yield Located(_section(stack[base:]) or fallback, block)


def _push(stack: list[Heading], heading: Heading, keep: int = 0) -> None:
    while len(stack) > keep and stack[-1].level >= heading.level:
        stack.pop()
    stack.append(heading)


def _section(path: Sequence[Heading]) -> str:
    return " > ".join(h.text for h in path if h.text)


def _matches(stack: Sequence[Heading], target: str) -> bool:
    heading = stack[-1]
    if any(slug(anchor) == target for anchor in heading.anchors):
        return True
    # Slate nests ids (``websocket-api-error-codes``); GitHub does not (``error-codes``).
    slugs = [slug(h.text) for h in stack]
    return any("-".join(slugs[i:]) == target for i in range(len(slugs)))


def _locale(text: str, default: str) -> str:
    """The table's language: the page's, unless its script says otherwise (bilingual pages)."""
    found = script_locale(text)
    if found and default.split("-")[0].lower() not in _CJK_LOCALES:
        return found
    return default


# --- tables -----------------------------------------------------------------


def _from_tables(region: Sequence[Located], locale: str) -> list[Entry]:
    entries: list[Entry] = []
    for located in region:
        if isinstance(located.block, Table):
            entries.extend(_table_entries(located.block, located.section, locale))
    return entries


def _table_entries(table: Table, section: str, default_locale: str) -> list[Entry]:
    header = list(table.header)
    columns = by_header(header) if header else None
    if columns is None and header and not any(CODE_SHAPE.fullmatch(clean_code(h)) for h in header):
        return []  # a header that names no code column: a parameter table or similar
    rows = table.load()
    body = list(enumerate(rows.cells))
    if columns is None and not header and body:
        columns = by_header(body[0][1])  # a header row the page wrote with <td>
        if columns is not None:
            header = body.pop(0)[1]
    if columns is None:
        if header:  # what looked like a header is the first data row
            body.insert(0, (-1, header))
            header = []
        data = [row for _, row in body]
        columns = by_content(data, max(map(len, data), default=0))
        if columns is None:
            return []
    if not _plausible(columns, [row for _, row in body]):
        return []
    locale = _locale(f"{section} {' '.join(header)}", default_locale)
    names = [normalise_header(h) for h in header]
    out: list[Entry] = []
    for index, row in body:
        struck = (index, columns.code) in rows.struck
        entry = _row_entry(row, columns, names, section, locale, struck)
        if entry is not None:
            out.append(entry)
    return out


def _plausible(columns: Columns, cells: Sequence[Sequence[str]]) -> bool:
    """Most values under the code header must look like codes.

    This keeps a "Code | Meaning" table of currency codes (BTC, ETH) or an
    order "Status" table out of the error codes when a whole page is read.
    """
    values = [clean_code(row[columns.code]) for row in cells if columns.code < len(row)]
    values = [v for v in values if v]
    shaped = sum(1 for v in values if looks_like_code(v))
    return shaped * 2 >= len(values)


def _row_entry(
    row: Sequence[str],
    columns: Columns,
    header_names: Sequence[str],
    section: str,
    locale: str,
    struck: bool,
) -> Entry | None:
    code = clean_code(_cell(row, columns.code))
    if not code or len(code) > _MAX_CODE_LENGTH:
        return None
    if header_names and not code.isdigit() and normalise_header(code) == header_names[columns.code]:
        return None  # the header repeated inside a long table
    if len(row) > 1 and all(c == row[0] for c in row):
        return None  # a full-width note row (one cell spanning every column)
    extra = {name: _cell(row, i) for i, name in columns.extra}
    if struck:
        extra["struck"] = "true"
    return Entry(code, _cell(row, columns.message), section, locale, extra)


def _cell(row: Sequence[str], index: int) -> str:
    return row[index] if index < len(row) else ""


# --- a heading per code -------------------------------------------------------


def _from_code_headings(region: Sequence[Located], locale: str) -> list[Entry]:
    entries: list[Entry] = []
    for i, located in enumerate(region):
        heading = located.block
        if not isinstance(heading, Heading):
            continue
        match = _CODE_HEADING.match(heading.text)
        if match is None:
            continue
        codes = [c for c in re.split(r"\s*(?:/|,|&)\s*", match["codes"]) if c]
        name = match["name"] or ""
        messages = _messages_under(region, i) or ([name] if name else [""])
        extra = {"name": name} if name else {}
        where_locale = _locale(located.section + " " + heading.text, locale)
        entries.extend(
            Entry(code, message, located.section, where_locale, extra)
            for code in codes
            for message in messages
        )
    return entries


def _messages_under(region: Sequence[Located], index: int) -> list[str]:
    """The list items under a code heading (one per variant), else its first paragraph."""
    items: list[str] = []
    paragraph = ""
    for located in region[index + 1 :]:
        block = located.block
        if isinstance(block, Heading):
            break
        if isinstance(block, Item):
            items.append(block.text)
        elif isinstance(block, Paragraph) and not paragraph:
            paragraph = block.text
    return items or ([paragraph] if paragraph else [])


# --- lists of ``code: message`` -----------------------------------------------


def _from_lists(region: Sequence[Located], locale: str) -> list[Entry]:
    entries: list[Entry] = []
    for located in region:
        item = located.block
        if not isinstance(item, Item):
            continue
        where_locale = _locale(located.section, locale)
        extra = {"struck": "true"} if item.struck else {}
        if item.term is not None:
            code = clean_code(item.term)
            if CODE_SHAPE.fullmatch(code):
                entries.append(Entry(code, item.text, located.section, where_locale, extra))
            continue
        match = _CODE_ITEM.match(item.text)
        if match:
            code = clean_code(match["code"])
            entries.append(Entry(code, match["message"], located.section, where_locale, extra))
    return entries
