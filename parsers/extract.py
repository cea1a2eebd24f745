"""From a block stream to entries: one implementation for every format.

1. Select the watched part: the heading the URL fragment names (by id or by
   slug) and everything under it until a heading of the same or a higher
   level. Without a fragment, the whole page.
2. Name sections: the heading path below the selected heading, joined with
   `` > `` (the selected heading's own text when nothing is below it).
3. Read every code-bearing structure of the watched part, in page order:
   tables with a code column, a heading per code, ``code: message`` lists and
   definitions. A page may mix them (three HTTP-status rows in a table above
   fifty code headings). Headings and list items that only repeat codes a table
   already gives are details, not more codes: TickDB repeats every row of its
   table as a heading with an example below, and must not count each code
   twice. A code heading over a table or headings of codes is their section
   (Upbit's ``### 400 Bad Request``), and a lone list item right above a table
   its caption (Gate's ``- Authentication related``).
4. Give the page one locale: the configured one, or the language the entries
   are written in, decided once for the whole watched part, so moving codes
   from headings into tables never changes their language. Pages that hold
   two languages one after the other are split by their site parser
   (``generic.read_each_language``), not here.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Protocol, TypeVar
from urllib.parse import urlsplit

from errata.parsers.blocks import Block, Heading, Item, Paragraph, Rows, Table
from errata.parsers.columns import (
    CODE_SHAPE,
    PREFIXED,
    Columns,
    by_cells,
    by_content,
    by_header,
    codes_in_cell,
    looks_like_code,
    normalise_header,
    prefer_prose,
    with_message,
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
# ``EGeneral:Invalid arguments: The request payload is malformed`` (Kraken): the code ends at
# the first colon followed by a space; an item may be the code alone.
_PREFIXED_ITEM = re.compile(
    rf"^(?P<code>{PREFIXED.pattern})(?:\s*(?::|\s[-–—]\s)\s*(?P<message>\S.*))?$", re.S
)
# ``"EAPI:Rate limit exceeded" if the REST API counter exceeds the user's maximum.`` (Kraken's
# rate-limit notes): in quotes, the code needs no colon after it.
_QUOTES = ('"', "“")
_QUOTED_PREFIXED_ITEM = re.compile(
    rf"^[\"“](?P<code>{PREFIXED.pattern})[\"”]\s*(?:(?::|\s[-–—]\s)\s*)?(?P<message>\S.*)?$", re.S
)
# A token of any shape, then ``:`` or a spaced dash, then the message: a candidate the page
# must mark as code (see _from_lists).
_LOOSE_ITEM = re.compile(
    r"^(?P<code>[^\s:：][^:：\n]{0,63}?)\s*(?:[:：]|\s[-–—]\s)\s*(?P<message>\S.*)$", re.S
)
_LOOSE_MAX_WORDS = 3
# Weaker code headings: ``Error 10001``, ``Error code: 10001 - Invalid sign``, ``Invalid sign
# (10001)``.
_ERROR_PREFIX = re.compile(
    r"^(?:error(?:\s+code)?|err|code|错误码|錯誤碼)\s*(?:[:#：]\s*|\s)(?P<rest>\S.*)$",
    re.IGNORECASE,
)
_NAME_THEN_CODES = re.compile(
    rf"^(?P<name>\S.*?)\s*[(（]\s*(?P<codes>(?:{_CODE})(?:\s*(?:/|,)\s*(?:{_CODE}))*)\s*[)）]$"
)
# What a section or a page about error codes says it is about, in the languages docs use.
_ABOUT_ERRORS = re.compile(
    r"\berr(?:or|ors)?\b|\bcodes?\b|\bfail|\bexception|\breject|\bwarning"
    r"|错误|錯誤|异常|異常|失败|失敗|エラー|오류|에러",
    re.IGNORECASE,
)
_CJK_LOCALES = frozenset({"zh", "ja", "ko"})
_CAPTION_MAX = 100
_SENTENCE_END = (".", ";", ",", ":", "。", "；", "，", "：")


@dataclass(frozen=True, slots=True)
class Layouts:
    """Which layouts besides tables a parser reads."""

    headings: bool = True
    lists: bool = True


ALL_LAYOUTS = Layouts()
TABLES_ONLY = Layouts(headings=False, lists=False)


@dataclass(frozen=True, slots=True)
class Located:
    section: str  # for a heading: the section that contains it
    block: Block


Found = list[tuple[int, Entry]]  # (position of the block in the watched part, entry)


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
    region = select(captioned(blocks), doc, fragments)
    found = _from_tables(region)
    documented = {entry.code for _, entry in found}
    marks = _code_marks(region, doc) if layouts.headings else {}
    found += _from_code_headings(region, found, documented, marks)
    if layouts.lists:
        documented |= {entry.code for _, entry in found}
        found += _from_lists(region, documented, doc, marks)
    found.sort(key=lambda item: item[0])  # stable: a table's rows keep their order
    return in_one_locale([entry for _, entry in found], doc.locale)


def in_one_locale(entries: Sequence[Entry], configured: str) -> list[Entry]:
    """Every entry in the page's locale: the configured one, unless most entries are in a CJK script.

    Decided once for the whole part (never per table or per heading), so a page
    that moves its codes from headings into tables keeps its language.
    """
    locale = configured
    if configured.split("-")[0].lower() not in _CJK_LOCALES and entries:
        scripts = Counter(script_locale(f"{e.section} {e.message}") for e in entries)
        script, count = max(((s, n) for s, n in scripts.items() if s), default=(None, 0))
        if script and count * 2 > len(entries):
            locale = script
    return [e if e.locale == locale else replace(e, locale=locale) for e in entries]


def captioned(blocks: Iterable[Block]) -> Iterator[Block]:
    """The blocks, with a lone list item right above a table turned into that table's caption.

    Gate writes ``- Authentication related`` above each of its label tables: a
    list of one short item that names the table below it, as a caption would.
    An item in a longer list, or one that reads as a sentence, stays an item.
    """
    before: Block | None = None
    held: Item | None = None
    for block in blocks:
        if held is not None:
            yield Heading(7, held.text) if isinstance(block, Table) else held
            held = None
        if isinstance(block, Item) and not isinstance(before, Item) and _caption_like(block):
            held = block
        else:
            yield block
        before = block
    if held is not None:
        yield held


def _caption_like(item: Item) -> bool:
    text = item.text
    return (
        item.term is None
        and 0 < len(text) <= _CAPTION_MAX
        and "\n" not in text
        and not text.endswith(_SENTENCE_END)
        and _code_item(text) is None
    )


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
                push_heading(stack, block)
                if heading_matches(stack, target):
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
            push_heading(stack, block, keep=base)
            yield Located(_section(stack[base:-1]) or fallback, block)
        else:
            yield Located(_section(stack[base:]) or fallback, block)


class Leveled(Protocol):
    """A heading, or what stands for one (``markdown`` locates sections with lighter marks)."""

    @property
    def level(self) -> int: ...


H = TypeVar("H", bound=Leveled)


def push_heading(stack: list[H], heading: H, keep: int = 0) -> None:
    """Make ``heading`` the innermost of the open headings (keeping the first ``keep``)."""
    while len(stack) > keep and stack[-1].level >= heading.level:
        stack.pop()
    stack.append(heading)


def _section(path: Sequence[Heading]) -> str:
    return " > ".join(h.text for h in path if h.text)


def heading_matches(stack: Sequence[Heading], target: str) -> bool:
    """Whether the innermost open heading is the section ``target`` (a slug) names."""
    heading = stack[-1]
    if any(slug(anchor) == target for anchor in heading.anchors):
        return True
    # Slate nests ids (``websocket-api-error-codes``); GitHub does not (``error-codes``).
    slugs = [slug(h.text) for h in stack]
    return any("-".join(slugs[i:]) == target for i in range(len(slugs)))


# --- tables -----------------------------------------------------------------


def _from_tables(region: Sequence[Located]) -> Found:
    found: Found = []
    for position, located in enumerate(region):
        if isinstance(located.block, Table):
            found += [(position, e) for e in _table_entries(located.block, located.section)]
    return found


def _table_entries(table: Table, section: str) -> list[Entry]:
    # A header of empty cells is none: GitBook's ``<table data-header-hidden>`` keeps an
    # empty <thead> and writes its real header as the first body row.
    header = list(table.header) if any(h.strip() for h in table.header) else []
    columns = by_header(header) if header else None
    if columns is None and header and not any(CODE_SHAPE.fullmatch(clean_code(h)) for h in header):
        return []  # a header that names no code column: a parameter table or similar
    rows = table.load()
    body = list(enumerate(rows.cells))
    if columns is None and not header and body:
        columns = by_header(body[0][1])  # a header row the page wrote with <td>
        if columns is not None:
            header = body.pop(0)[1]
    data = [row for _, row in body]
    if columns is None:
        if header:  # what looked like a header is the first data row
            body.insert(0, (-1, header))
            data.insert(0, header)
            header = []
        columns = by_content(data, max(map(len, data), default=0))
    else:
        columns = _fitted(columns, data, header)
    if columns is None:
        return []
    names = [normalise_header(h) for h in header]
    out: list[Entry] = []
    for index, row in body:
        out += _row_entries(row, _Row(index, columns, names, section, rows))
    return out


def _fitted(
    columns: Columns, data: Sequence[Sequence[str]], header: Sequence[str]
) -> Columns | None:
    """The header's columns, or the cells' when the header contradicts them; None for no codes."""
    columns = prefer_prose(with_message(columns, data, header), data, header)
    if _plausible(columns, data):
        return columns
    by_what_cells_hold = by_cells(columns, data, header)
    if by_what_cells_hold is not None and _plausible(by_what_cells_hold, data):
        return by_what_cells_hold
    return None


def _plausible(columns: Columns, cells: Sequence[Sequence[str]]) -> bool:
    """Most values under the code header must look like codes.

    This keeps a "Code | Meaning" table of currency codes (BTC, ETH) or an
    order "Status" table out of the error codes when a whole page is read.
    """
    values = [clean_code(row[columns.code]) for row in cells if columns.code < len(row)]
    values = [v for v in values if v]
    shaped = sum(1 for v in values if _holds_codes(v))
    return shaped * 2 >= len(values)


def _holds_codes(value: str) -> bool:
    """A code, or codes (``400 / 401``, ``429 Too Many Requests``, ``50010 50210``)."""
    if looks_like_code(value):
        return True
    codes = codes_in_cell(value)[0]
    return bool(codes) and all(looks_like_code(code) for code in codes)


@dataclass(frozen=True, slots=True)
class _Row:
    """Where a row stands: its index in the body, the columns, the header, the section."""

    index: int
    columns: Columns
    header_names: Sequence[str]
    section: str
    rows: Rows

    def struck(self, column: int) -> bool:
        return (self.index, column) in self.rows.struck

    def partly_struck(self, column: int) -> tuple[str, str] | None:
        return self.rows.partly_struck.get((self.index, column))


def _row_entries(row: Sequence[str], at: _Row) -> list[Entry]:
    columns = at.columns
    cell = clean_code(_cell(row, columns.code))
    if not cell or len(cell) > _MAX_CODE_LENGTH * 4:
        return []
    repeated_header = at.header_names and normalise_header(cell) == at.header_names[columns.code]
    if repeated_header and not cell.isdigit():
        return []  # the header repeated inside a long table
    if len(row) > 1 and all(c == row[0] for c in row):
        return []  # a full-width note row (one cell spanning every column)
    codes, name, replaces = _codes_of(cell, at.partly_struck(columns.code))
    extra = {name_: _cell(row, i) for i, name_ in columns.extra}
    if name:
        extra["name"] = name
    deprecated = at.struck(columns.code) or _whole_row_struck(row, at)
    message = _cell(row, columns.message)
    return [
        Entry(code, message, at.section, "", extra, deprecated, replaces)
        for code in codes
        if len(code) <= _MAX_CODE_LENGTH
    ]


def _codes_of(cell: str, partly: tuple[str, str] | None) -> tuple[list[str], str, str]:
    """(codes, a name written after the code, the code this one replaces) of a code cell."""
    if partly is not None:
        old, new = (clean_code(part) for part in partly)
        if codes_in_cell(old)[0] == [old] and codes_in_cell(new)[0] == [new]:
            return [new], "", old
    codes, name = codes_in_cell(cell)
    return codes, name, ""


def _whole_row_struck(row: Sequence[str], at: _Row) -> bool:
    filled = [c for c, text in enumerate(row) if text.strip()]
    return len(filled) > 1 and all(at.struck(c) for c in filled)


def _cell(row: Sequence[str], index: int) -> str:
    return row[index] if 0 <= index < len(row) else ""


# --- a heading per code -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Named:
    """The codes a heading or a bold title names, and the name written beside them."""

    codes: list[str]
    name: str
    plain: bool  # the code comes first (``10001``, ``-1000 UNKNOWN``): a code heading by itself
    struck: bool = False


def _named_codes(text: str) -> _Named | None:
    """``10001``, ``-1000 UNKNOWN``, ``10001 - Invalid sign``; or, weaker, ``Error 10001``,
    ``Error code: 10001 - Invalid sign`` and ``Invalid sign (10001)``."""
    if match := _CODE_HEADING.match(text):
        return _Named(_split_codes(match["codes"]), match["name"] or "", plain=True)
    prefixed = _ERROR_PREFIX.match(text)
    if prefixed and (match := _CODE_HEADING.match(prefixed["rest"])):
        return _Named(_split_codes(match["codes"]), match["name"] or "", plain=False)
    if match := _NAME_THEN_CODES.match(text):
        return _Named(_split_codes(match["codes"]), match["name"], plain=False)
    return None


def _split_codes(codes: str) -> list[str]:
    return [c for c in re.split(r"\s*(?:/|,|&)\s*", codes) if c]


def _code_marks(region: Sequence[Located], doc: Document) -> dict[int, _Named]:
    """The headings and bold titles of the watched part that name codes, by position.

    A plain code heading stands alone. The weaker shapes (``Error 10001``, ``Name
    (10001)``, a paragraph wholly in bold naming a code: ``**-1000 UNKNOWN**``)
    count only two or more in one section, so one heading ``Changes (2024)`` or
    one bold ``**10 seconds**`` stays prose; bold titles only in a section or page
    about errors.
    """
    about_errors = _ABOUT_ERRORS.search(_url_words(doc.url)) is not None
    marks: dict[int, _Named] = {}
    for position, located in enumerate(region):
        named = _named_block(located, about_errors)
        if named is not None:
            marks[position] = named
    per_section = Counter(region[i].section for i in marks)
    return {i: n for i, n in marks.items() if n.plain or per_section[region[i].section] >= 2}


def _named_block(located: Located, about_errors: bool) -> _Named | None:
    block = located.block
    if isinstance(block, Heading):
        named = _named_codes(block.text)
        return replace(named, struck=True) if named and block.struck else named
    if not isinstance(block, Paragraph):
        return None
    lead = block.lead
    if not (lead.whole and lead.bold and (about_errors or _ABOUT_ERRORS.search(located.section))):
        return None
    named = _named_codes(lead.token)
    return replace(named, plain=False) if named else None


def _from_code_headings(
    region: Sequence[Located], tables: Found, documented: set[str], marks: dict[int, _Named]
) -> Found:
    """Entries of headings and bold titles that name codes, except those only repeating
    ``documented`` codes and those that group other codes.

    ``### 400 Bad Request`` above a table of ``create_ask_error`` … (Upbit), or
    ``## 400`` above ``### 40001`` headings, is a section, not the code 400.
    """
    holding = sorted({position for position, _ in tables} | set(marks))
    ends = _parts_ends(region, marks)
    found: Found = []
    for i, named in marks.items():
        if all(code in documented for code in named.codes):
            continue  # a detail heading below the table that lists these codes
        if bisect.bisect_left(holding, ends[i]) - bisect.bisect_right(holding, i) > 0:
            continue  # a heading over a table or headings of codes: a group, not a code
        name = named.name
        messages = _messages_under(region[i + 1 : ends[i]]) or ([name] if name else [""])
        extra = {"name": name} if name else {}
        found += [
            (i, Entry(code, message, region[i].section, "", extra, named.struck))
            for code in named.codes
            for message in messages
        ]
    return found


def _parts_ends(region: Sequence[Located], marks: dict[int, _Named]) -> dict[int, int]:
    """Where each heading's part ends (``_section_ends``); a bold title's, at the next
    heading or title."""
    ends = _section_ends(region)
    titles = sorted(i for i in marks if i not in ends)
    for i, nxt in zip(titles, [*titles[1:], len(region)], strict=False):
        ends[i] = next((j for j in range(i + 1, nxt) if isinstance(region[j].block, Heading)), nxt)
    return ends


def _section_ends(region: Sequence[Located]) -> dict[int, int]:
    """For each heading's position, where its part ends: the next heading of its level or higher."""
    ends: dict[int, int] = {}
    open_: list[tuple[int, int]] = []  # (level, position) of headings still open
    for position, located in enumerate(region):
        if isinstance(located.block, Heading):
            level = located.block.level
            while open_ and open_[-1][0] >= level:
                ends[open_.pop()[1]] = position
            open_.append((level, position))
    ends.update((position, len(region)) for _, position in open_)
    return ends


def _messages_under(part: Sequence[Located]) -> list[str]:
    """The list items under a code heading (one per variant), else its first paragraph."""
    items: list[str] = []
    paragraph = ""
    for located in part:
        block = located.block
        if isinstance(block, Heading):
            break
        if isinstance(block, Item):
            items.append(block.text)
        elif isinstance(block, Paragraph) and not paragraph:
            paragraph = block.text
    return items or ([paragraph] if paragraph else [])


# --- lists of ``code: message`` -----------------------------------------------


def _from_lists(
    region: Sequence[Located], documented: set[str], doc: Document, marks: dict[int, _Named]
) -> Found:
    """Entries of ``code: message`` items, except items under a code heading (its messages)
    and items only repeating ``documented`` codes.

    A code of a strict shape (``400``, ``E1001``, ``LIMIT_EXCEEDED``, ``EOrder:Unknown
    position``) is a code wherever an item starts with it. Any other token
    (``apiLimitExceeded``, ``Server Error``) only where the page marks it as code or bold
    (`` `apiLimitExceeded`: …``, ``**notFound**: …``, ``<dt><code>…</code></dt>``), in a
    run of at least two such items or paragraphs in one section, most of them
    identifier-like, in a section or page about errors: a field list (`` `label`: …``,
    `` `message`: …``) or the values of an option (`` `EXPIRE_MAKER` - cancels the resting
    order`` under "Self Trade Prevention Modes") is no error list.

    A code in quotes (``"EOrder:Orders limit exceeded" if the number of open orders …``)
    is mentioned, not listed: it counts only when no table, heading or list of the
    watched part gives it, so moving the error list from a table into a list changes
    nothing.
    """
    found: Found = []
    loose: Found = []
    mentioned: Found = []
    page_about_errors = _ABOUT_ERRORS.search(_url_words(doc.url)) is not None
    for position, block in _blocks_outside_code_headings(region, marks):
        section = region[position].section
        entry = _item_entry(block, section) if isinstance(block, Item) else None
        if entry is None:
            # Only where errors are the subject: it also spares reading the prose of every
            # endpoint section of a whole single-page doc.
            if page_about_errors or _ABOUT_ERRORS.search(section):
                loose += _kept(_loose_entry(block, section), position, documented)
        elif block.text.startswith(_QUOTES):
            mentioned += _kept(entry, position, documented)
        else:
            found += _kept(entry, position, documented)
    listed = {entry.code for _, entry in found}
    found += [(position, e) for position, e in mentioned if e.code not in listed]
    return found + _marked_runs(loose) if loose else found


def _kept(entry: Entry | None, position: int, documented: set[str]) -> Found:
    return [(position, entry)] if entry is not None and entry.code not in documented else []


def _blocks_outside_code_headings(
    region: Sequence[Located], marks: dict[int, _Named]
) -> Iterator[tuple[int, Item | Paragraph]]:
    under_code = False
    for position, located in enumerate(region):
        block = located.block
        if isinstance(block, Heading) or position in marks:
            under_code = position in marks
        elif isinstance(block, Item | Paragraph) and not under_code:
            yield position, block


def _item_entry(item: Item, section: str) -> Entry | None:
    if item.term is not None:
        code = clean_code(item.term)
        if CODE_SHAPE.fullmatch(code):
            return Entry(code, item.text, section, "", {}, item.struck)
        return None
    match = _code_item(item.text)
    if match is None:
        return None
    message = match["message"] or ""
    return Entry(clean_code(match["code"]), message, section, "", {}, item.struck)


def _loose_entry(block: Item | Paragraph, section: str) -> Entry | None:
    """A definition, item or paragraph that starts with a code of another shape, marked as code
    or bold (its ``Lead``): the token it starts with, before ``:`` or a spaced dash."""
    marked = block.lead.token
    if not marked or len(marked.split()) > _LOOSE_MAX_WORDS or len(marked) > _MAX_CODE_LENGTH:
        return None  # decided before the prose is read
    if isinstance(block, Item) and block.term is not None:
        code, message, struck = clean_code(block.term), block.text, block.struck
    else:
        match = _LOOSE_ITEM.match(block.text)
        if match is None:
            return None
        code, message = clean_code(match["code"]), match["message"]
        struck = isinstance(block, Item) and block.struck
    return Entry(code, message, section, "", {}, struck) if code == marked else None


def _marked_runs(candidates: Found) -> Found:
    """The marked candidates in runs of them (see _from_lists)."""
    runs: dict[str, Found] = {}
    for position, entry in candidates:
        runs.setdefault(entry.section, []).append((position, entry))
    found: Found = []
    for run in runs.values():
        shaped = sum(1 for _, entry in run if looks_like_code(entry.code))
        if len(run) >= 2 and shaped * 2 > len(run):
            found += run
    return found


def _url_words(url: str) -> str:
    """The path and fragment of a URL, where a page or part says what it is about."""
    parts = urlsplit(url)
    return f"{parts.path} {parts.fragment}".replace("-", " ").replace("_", " ")


def _code_item(text: str) -> re.Match[str] | None:
    """``code: message`` with a code of a strict shape, or a ``Prefix:Words`` code (quoted or not)."""
    return _CODE_ITEM.match(text) or _PREFIXED_ITEM.match(text) or _QUOTED_PREFIXED_ITEM.match(text)
