"""Finding a page's error-code sections, for ``errata add``. Pure: content in, sections out.

A candidate is a heading whose text or id speaks of errors or codes and
whose part of the page holds code entries, the innermost such heading when
they nest (OKX's "Error Code" holds "REST API" and "WebSocket": two
sources, not one). Each candidate is then read exactly as ``errata run``
will read it, with its fragment in the URL, so the preview is the truth. A
page without such headings is one section: the whole page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urldefrag

from errata import parsers
from errata.parsers import html, markdown
from errata.parsers.blocks import Heading
from errata.parsers.document import fragment_of, load, sniff_format
from errata.parsers.extract import select
from errata.parsers.text import slug

_ERRORISH = re.compile(r"error|错误|錯誤|エラー|오류|\bcodes?\b|status.?codes?", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Section:
    fragment: str  # "" for the whole page
    title: str
    entries: tuple[parsers.Entry, ...]


@dataclass(frozen=True, slots=True)
class _Heading:
    path: str  # the heading texts from the top of the page down to it, joined with " > "
    fragment: str
    text: str
    errorish: bool


def sections(
    content: bytes, url: str, parser: str = "auto", charset: str | None = None
) -> list[Section]:
    """The error-code sections of a page, each with the entries ``errata run`` would store."""
    if fragment := fragment_of(url):
        entries = read(content, url, parser, charset)
        return [Section(fragment, fragment, tuple(entries))] if entries else []
    base = urldefrag(url).url
    whole = read(content, base, parser, charset)
    if not whole:
        return []
    found: list[Section] = []
    for heading in _innermost(_headings(content, base, charset), whole):
        entries = read(content, f"{base}#{heading.fragment}", parser, charset)
        if entries and all(f.fragment != heading.fragment for f in found):
            found.append(Section(heading.fragment, heading.text, tuple(entries)))
    if len(found) == 1 and len(found[0].entries) == len(whole):
        return [Section("", found[0].title, tuple(whole))]  # the page is that section
    return found or [Section("", "", tuple(whole))]


def read(content: bytes, url: str, parser: str, charset: str | None) -> list[parsers.Entry]:
    """Entries as the pipeline reads them; a page that is no error-code page reads as none."""
    try:
        return parsers.parse(parser, content, url, charset=charset)
    except parsers.ParseError:
        return []


def _headings(content: bytes, url: str, charset: str | None) -> list[_Heading]:
    doc = load(content, parser="auto", url=url, charset=charset)
    blocks = html.blocks(doc) if sniff_format(doc.head) == "html" else markdown.blocks(doc.text)
    found: list[_Heading] = []
    for located in select(blocks, doc, []):
        block = located.block
        if isinstance(block, Heading) and block.text and block.level <= 6:
            path = f"{located.section} > {block.text}" if located.section else block.text
            fragment = block.anchors[0] if block.anchors else slug(block.text)
            # By its text only: Slate repeats the parents' words in every id below them.
            found.append(_Heading(path, fragment, block.text, bool(_ERRORISH.search(block.text))))
    return found


def _innermost(headings: Sequence[_Heading], entries: Sequence[parsers.Entry]) -> list[_Heading]:
    """Error headings holding entries, without those that only wrap another such heading."""
    holding = [h for h in headings if h.errorish and h.fragment and _holds(h, entries)]
    return [h for h in holding if not any(_inside(o, h) for o in holding if o is not h)]


def _holds(heading: _Heading, entries: Sequence[parsers.Entry]) -> bool:
    return any(
        e.section == heading.path or e.section.startswith(heading.path + " > ") for e in entries
    )


def _inside(inner: _Heading, outer: _Heading) -> bool:
    return inner.path.startswith(outer.path + " > ")
