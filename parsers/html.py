"""HTML to blocks, with selectolax (lexbor).

A watched section of a multi-megabyte single-page doc (OKX, Slate sites) is
found by id in C, and only the nodes from that heading to the next heading of
the same level are visited in Python, so the cost follows the section, not
the page. Cells are flattened the way a reader sees them: inline tags joined
without spaces, ``<br>`` and block boundaries as line breaks, spans expanded.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence

from selectolax.lexbor import LexborHTMLParser, LexborNode

from errata.parsers.blocks import (
    NO_LEAD,
    TAB,
    Block,
    Heading,
    Item,
    Lead,
    Paragraph,
    Rows,
    Rule,
    Table,
    tabs_leveled,
)
from errata.parsers.document import Document
from errata.parsers.text import clean_code, heading_text

_LEVELS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_SKIP = frozenset(
    [
        "script",
        "style",
        "template",
        "noscript",
        "svg",
        "math",
        "pre",
        "nav",
        "head",
        "button",
        "select",
        "textarea",
        "iframe",
        "form",
        "canvas",
        "object",
        "video",
        "audio",
        "img",
        "input",
    ]
)
_STRUCTURE = "h1,h2,h3,h4,h5,h6,table,ul,ol,dl,p,hr,div,section,article,main,aside,blockquote"
_LINE_BLOCKS = "p,div,li,tr,td,th,dt,dd,h1,h2,h3,h4,h5,h6,blockquote,pre,ul,ol,table"
_BREAK = "\u2029"  # stands for a <br> until whitespace is collapsed
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_HEADING_TAG = re.compile(rb"<h([1-6])[\s>/]", re.IGNORECASE)
# What can hide a heading tag from the DOM (comments, raw-text elements), or is one.
_OPAQUE_OR_HEADING = re.compile(
    rb"<(?:(!--)|(script|style|template|textarea|xmp)\b)|<h([1-6])[\s>/]", re.IGNORECASE
)
_CLOSERS = {
    b"!--": re.compile(rb"-->"),
    **{
        name: re.compile(rb"</" + name + rb"\s*>", re.IGNORECASE)
        for name in (b"script", b"style", b"template", b"textarea", b"xmp")
    },
}
_MARKS = frozenset({"code", "strong", "b", "tt", "samp", "kbd"})
_MAX_MARKED = 64
_MAY_BE_TABS = frozenset({"div", "ul", "ol", "section"})
_LISTS_OR_TABS = _MAY_BE_TABS | {"dl"}
_TAB_ROLES = frozenset({"tablist", "tabpanel"})
_TAB_DEPTH = 4  # how far up from a tab panel its tab list may be
_MAX_COLSPAN = 64
_MAX_ROWSPAN = 10_000


def blocks(doc: Document | str, fragments: Sequence[str] = ()) -> Iterator[Block]:
    """Blocks of the page, starting at the first fragment found by id when there is one."""
    return tabs_leveled(_blocks(doc, fragments))


def _blocks(doc: Document | str, fragments: Sequence[str]) -> Iterator[Block]:
    if isinstance(doc, Document) and doc.raw is not None and doc.given_text is None:
        for fragment in fragments:
            section = _section_only(doc.raw, fragment, doc.encoding())
            if section is not None:
                return section
    content, detect = doc.html_input() if isinstance(doc, Document) else (doc, False)
    tree = LexborHTMLParser(content, encoding=detect)
    for fragment in fragments:
        node = _by_id(tree, fragment)
        if node is not None:
            return _from_anchor(node, fragment)
    root = tree.body or tree.root
    return _children(root) if root is not None else iter(())


def _section_only(raw: bytes, fragment: str, encoding: str) -> Iterator[Block] | None:
    """Blocks of just the watched section, parsing only its bytes.

    A single-page doc is mostly other sections, and its DOM takes ~17× the page
    in memory. The anchor heading is found in the raw bytes and the cut made at
    the next heading of the same or a higher level (comments, scripts and
    templates skipped), which is where the DOM walk would stop too. Anything
    unusual (no quoted id, an id not on a heading, a slice that does not parse
    back to that heading) returns None, and the whole page is parsed instead.
    """
    span = _section_span(raw, fragment.encode("utf-8", errors="ignore"))
    if span is None:
        return None
    tree = LexborHTMLParser(raw[span[0] : span[1]].decode(encoding, errors="replace"))
    node = _by_id(tree, fragment)
    if node is None or node.tag not in _LEVELS:
        return None
    return _from_anchor(node, fragment)


def _section_span(raw: bytes, anchor: bytes) -> tuple[int, int] | None:
    """Byte range from the anchor's heading tag to the next heading of the same or a higher level."""
    position = _id_attribute(raw, anchor)
    start = raw.rfind(b"<", 0, position) if position > 0 else -1
    tag = _HEADING_TAG.match(raw, start) if start >= 0 else None
    if tag is None:
        return None
    level = int(tag.group(1))
    at = position
    while match := _OPAQUE_OR_HEADING.search(raw, at):
        found = match.group(3)
        if found is not None:
            if int(found) <= level:
                return start, match.start()
            at = match.end()
            continue
        closed = _CLOSERS[(match.group(1) or match.group(2)).lower()].search(raw, match.end())
        if closed is None:
            break  # unclosed: the rest of the page is inside it
        at = closed.end()
    return start, len(raw)


def _id_attribute(raw: bytes, anchor: bytes) -> int:
    """Where ``id="anchor"`` (or single-quoted) stands as an attribute, or -1."""
    if not anchor:
        return -1
    for quote in (b'"', b"'"):
        needle = b"id=" + quote + anchor + quote
        at = raw.find(needle)
        while at > 0 and not raw[at - 1 : at].isspace():  # skip data-id="…" and the like
            at = raw.find(needle, at + 1)
        if at > 0:
            return at
    return -1


def _by_id(tree: LexborHTMLParser, fragment: str) -> LexborNode | None:
    value = fragment.replace("\\", "\\\\").replace('"', '\\"')
    return tree.css_first(f'[id="{value}"]') or tree.css_first(f'a[name="{value}"]')


def _from_anchor(node: LexborNode, fragment: str) -> Iterator[Block]:
    heading = _owning_heading(node)
    if heading is None:
        # An id on a container (<section id=…>): the container is the section.
        yield Heading(0, "", (fragment,))
        yield from _children(node)
        return
    yield _heading(heading, extra_anchor=fragment)
    yield from _following(heading)


def _owning_heading(node: LexborNode) -> LexborNode | None:
    """The heading an anchor belongs to: itself, its heading parent, or the heading after an empty <a>."""
    current: LexborNode | None = node
    while current is not None and current.tag not in ("body", "-document"):
        if current.tag in _LEVELS:
            return current
        current = current.parent
    if node.tag == "a" and not node.text(strip=True):
        sibling = node.next
        while sibling is not None and not sibling.is_element_node:
            sibling = sibling.next
        if sibling is not None and sibling.tag in _LEVELS:
            return sibling
    return None


def _following(node: LexborNode) -> Iterator[Block]:
    """Blocks after ``node`` in document order; the caller stops at the next peer heading."""
    current: LexborNode | None = node
    while current is not None and current.tag != "-document":
        sibling = current.next
        while sibling is not None:
            if sibling.is_element_node:
                yield from _block(sibling)
            sibling = sibling.next
        current = current.parent


def _children(node: LexborNode) -> Iterator[Block]:
    return _walk(node.iter())


def _block(node: LexborNode) -> Iterator[Block]:
    return _walk(iter((node,)))


def _walk(nodes: Iterator[LexborNode]) -> Iterator[Block]:
    """Blocks of ``nodes`` in document order, reading a container's children in its place.

    Depth first with a stack of its own, not by recursion: a page may nest
    elements ten thousand deep, far past Python's recursion limit.
    """
    stack = [nodes]
    while stack:
        node = next(stack[-1], None)
        if node is None:
            stack.pop()
            continue
        own = _own_blocks(node)
        if own is None:
            stack.append(node.iter())
        else:
            yield from own


def _own_blocks(node: LexborNode) -> Iterator[Block] | None:
    """The blocks ``node`` stands for, or None for a container whose children stand for it."""
    tag = node.tag or ""
    if tag in _LEVELS:
        return iter((_heading(node),))
    if tag == "table":
        return _captioned_table(node)
    if tag in _LISTS_OR_TABS and (listed := _list_or_tabs(node, tag)) is not None:
        return listed
    if tag == "p" and node.css_first("table") is None:
        return iter((_paragraph(node),))
    if tag == "hr":
        return iter((Rule(),))
    if tag in _SKIP or tag.startswith("-"):
        return iter(())
    if node.css_first(_STRUCTURE) is None:
        if node.css_first("pre") is None:  # a wrapper holding only text; code samples are skipped
            return iter((_paragraph(node),))
        return iter(())
    return None


def _list_or_tabs(node: LexborNode, tag: str) -> Iterator[Block] | None:
    """A list, a definition list, a tab panel or a tab list (its labels go to the panels);
    None for another ``div`` or ``section``."""
    if tag in _MAY_BE_TABS and (role := node.attributes.get("role")) in _TAB_ROLES:
        return _tab_panel(node) if role == "tabpanel" else iter(())
    if tag in ("ul", "ol"):
        return _list(node)
    return _definitions(node) if tag == "dl" else None


def _tab_panel(panel: LexborNode) -> Iterator[Block]:
    """A tab's content under a heading of its label, ended by a heading without text."""
    yield Heading(TAB, heading_text(_tab_label(panel)))
    yield from _children(panel)
    yield Heading(TAB, "")


def _tab_label(panel: LexborNode) -> str:
    """The label of a tab panel: the tab naming it (``aria-labelledby``), else the tab at its
    place in the nearest tab list around it (Docusaurus sets no ids)."""
    around = panel.parent
    for _ in range(_TAB_DEPTH):
        if around is None:
            return ""
        tabs = around.css('[role="tab"]')
        if tabs:
            named = panel.attributes.get("aria-labelledby")
            by_id = [t for t in tabs if named and t.id == named]
            panels = [p.mem_id for p in around.css('[role="tabpanel"]')]
            place = panels.index(panel.mem_id) if panel.mem_id in panels else len(tabs)
            tab = by_id[0] if by_id else tabs[place] if place < len(tabs) else None
            return _flatten(tab) if tab is not None else ""
        around = around.parent
    return ""


def _paragraph(node: LexborNode) -> Paragraph:
    return Paragraph(lambda: _flatten(node), lambda: _lead(node))


def _lead(node: LexborNode) -> Lead:
    """The code or bold element a block starts with (``blocks.Lead``), or none."""
    first = node.first_child
    while first is not None and first.is_text_node and not first.text().strip():
        first = first.next
    if first is None or first.tag not in _MARKS:
        return NO_LEAD
    token = _squash(first.text())
    if not token or len(token) > _MAX_MARKED:
        return NO_LEAD
    rest = first.next
    while rest is not None and not rest.text().strip():
        rest = rest.next
    return Lead(clean_code(token), rest is None, first.tag in ("strong", "b"))


def _captioned_table(node: LexborNode) -> Iterator[Block]:
    caption = node.css_first("caption")
    if caption is not None and (text := heading_text(_flatten(caption))):
        yield Heading(7, text)
    yield _table(node)


def _heading(node: LexborNode, extra_anchor: str = "") -> Heading:
    anchors = [node.id or ""]
    anchors += [
        a.attributes.get("id") or a.attributes.get("name") or "" for a in node.css("[id],[name]")
    ]
    if extra_anchor:
        anchors.append(extra_anchor)
    text = _flatten(node)
    level = _LEVELS[node.tag or "h6"]
    return Heading(level, heading_text(text), tuple(a for a in anchors if a), _struck(node, text))


def _list(node: LexborNode) -> Iterator[Block]:
    """An item per ``<li>``, each followed by the items of the lists nested in it (no recursion)."""
    stack = [node.iter()]
    while stack:
        li = next(stack[-1], None)
        if li is None:
            stack.pop()
            continue
        if li.tag != "li":
            continue
        nested: list[LexborNode] = []
        parts: list[str] = []
        for child in li.iter(include_text=True):
            if child.tag in ("ul", "ol"):
                nested.append(child)
            else:
                parts.append(child.text() if child.is_text_node else _raw_text(child))
        text = _lines("".join(parts))
        if text:
            yield Item(text, struck=_struck(li, text), lead=_lead(li))
        if nested:
            stack.append(itertools.chain.from_iterable(sub.iter() for sub in nested))


def _definitions(node: LexborNode) -> Iterator[Block]:
    term: str | None = None
    lead = NO_LEAD
    for child in node.iter():
        if child.tag == "dt":
            lead = _lead(child)
            term = _flatten(child)
        elif child.tag == "dd" and term is not None:
            yield Item(_flatten(child), term=term, lead=lead)


# --- tables -------------------------------------------------------------------


def _table(node: LexborNode) -> Table:
    rows = list(_rows(node))
    head = 0
    while head < len(rows) and (rows[head][1] or _all_th(rows[head][0])):
        head += 1
    nodes = [tr for tr, _ in rows]
    spans = node.css_first("[rowspan],[colspan]") is not None
    header: tuple[str, ...] = ()
    if head:
        grid = _expand(nodes[:head], spans).cells
        width = max(map(len, grid), default=0)
        header = tuple(
            " ".join(dict.fromkeys(r[c] for r in grid if c < len(r) and r[c])) for c in range(width)
        )
    body = nodes[head:]
    return Table(header, lambda: _expand(body, spans))


def _rows(table: LexborNode) -> Iterator[tuple[LexborNode, bool]]:
    """Direct rows only, so a table nested in a cell is not read twice."""
    for child in table.iter():
        if child.tag == "tr":
            yield child, False
        elif child.tag in ("thead", "tbody", "tfoot"):
            for tr in child.iter():
                if tr.tag == "tr":
                    yield tr, child.tag == "thead"


def _cells(tr: LexborNode) -> list[LexborNode]:
    return [c for c in tr.iter() if c.tag in ("td", "th")]


def _all_th(tr: LexborNode) -> bool:
    cells = _cells(tr)
    return bool(cells) and all(c.tag == "th" for c in cells)


_Cell = tuple[str, bool, tuple[str, str] | None]  # text, struck as a whole, struck in part


def _expand(rows: Sequence[LexborNode], spans: bool) -> Rows:
    if not spans:
        return _grid([[_cell_text(c) for c in _cells(tr)] for tr in rows])
    out: list[list[_Cell]] = []
    carry: dict[int, tuple[_Cell, int]] = {}
    for tr in rows:
        row: list[_Cell] = []
        pending = _cells(tr)
        pending.reverse()
        col = 0
        while pending or any(c >= col for c in carry):
            if col in carry:
                value, left = carry.pop(col)
                if left > 1:
                    carry[col] = (value, left - 1)
                row.append(value)
            elif pending:
                cell = pending.pop()
                value = _cell_text(cell)
                rowspan = _span(cell, "rowspan", _MAX_ROWSPAN)
                for _ in range(_span(cell, "colspan", _MAX_COLSPAN)):
                    if rowspan > 1:
                        carry[col] = (value, rowspan - 1)
                    row.append(value)
                    col += 1
                continue
            else:
                row.append(("", False, None))  # a hole left of a cell spanning down from above
            col += 1
        out.append(row)
    return _grid(out)


def _grid(grid: Sequence[Sequence[_Cell]]) -> Rows:
    cells = [[text for text, _, _ in row] for row in grid]
    struck = frozenset(
        (r, c) for r, row in enumerate(grid) for c, cell in enumerate(row) if cell[1]
    )
    partly = {
        (r, c): cell[2] for r, row in enumerate(grid) for c, cell in enumerate(row) if cell[2]
    }
    return Rows(cells, struck, partly)


def _span(cell: LexborNode, name: str, limit: int) -> int:
    raw = cell.attributes.get(name) or "1"
    digits = "".join(ch for ch in raw.strip() if ch.isdigit())[:6]
    value = int(digits) if digits else 1
    return min(max(value, 1), limit)


def _cell_text(cell: LexborNode) -> _Cell:
    child = cell.first_child
    if child is None:
        return "", False, None
    if child.is_text_node and child.next is None:
        return _squash(child.text()), False, None
    text = _flatten(cell)
    if _struck(cell, text):
        return text, True, None
    return text, False, _struck_part(cell, text)


# --- text ---------------------------------------------------------------------


def _flatten(node: LexborNode) -> str:
    """Text as rendered: no spaces invented inside words, <br> and blocks as line breaks."""
    if node.css_first("br," + _LINE_BLOCKS) is None:
        return _squash(node.text())
    return _lines(_raw_text(node))


def _raw_text(node: LexborNode) -> str:
    for br in node.css("br"):
        br.replace_with(_BREAK)
    for block in node.css(_LINE_BLOCKS):
        if block.mem_id != node.mem_id:
            block.insert_before(_BREAK)
            block.insert_after(_BREAK)
    return node.text()


def _lines(text: str) -> str:
    pieces = (_squash(piece) for piece in text.split(_BREAK))
    return "\n".join(piece for piece in pieces if piece)


def _squash(text: str) -> str:
    if not text.isascii():  # O(1) in CPython; zero-width characters are never ASCII
        text = text.translate(_ZERO_WIDTH)
    return " ".join(text.split())


def _struck(node: LexborNode, text: str) -> bool:
    strike = node.css_first("del,s,strike")
    return strike is not None and bool(text) and _squash(strike.text()) == _squash(text)


def _struck_part(node: LexborNode, text: str) -> tuple[str, str] | None:
    """(struck text, the rest) of a cell struck only in part, as in ``<del>50010</del> 50210``."""
    strikes = node.css("del,s,strike")
    if not strikes:
        return None
    pieces = [_squash(strike.text()) for strike in strikes]
    rest = text
    for piece in pieces:
        rest = rest.replace(piece, " ", 1)
    struck, rest = " ".join(p for p in pieces if p), _squash(rest)
    return (struck, rest) if struck and rest else None
