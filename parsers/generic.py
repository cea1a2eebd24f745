"""The generic parsers: ``auto`` (HTML or Markdown by content), ``html``, ``markdown``.

They are also the toolkit the site parsers are written with: a site parser
usually only adds the anchors a site used over the years, or a rule about
which layouts count.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from errata.errors import ParseError
from errata.parsers import data, html, markdown
from errata.parsers.blocks import Block, Heading, Paragraph, Rule
from errata.parsers.document import Document, Format, sniff_format
from errata.parsers.entry import Entry
from errata.parsers.extract import ALL_LAYOUTS, Layouts, extract, in_one_locale
from errata.parsers.registry import register
from errata.parsers.text import script_locale


def read(
    doc: Document,
    fmt: Format | None = None,
    *,
    fragments: Sequence[str] | None = None,
    layouts: Layouts = ALL_LAYOUTS,
) -> list[Entry]:
    """Entries of ``doc``; ``fragments`` defaults to the URL's fragment."""
    anchors = list(fragments) if fragments is not None else [doc.fragment] if doc.fragment else []
    if (fmt or sniff_format(doc.head)) == "html":
        return extract(html.blocks(doc, anchors), doc, fragments=anchors, layouts=layouts)
    return extract(markdown.blocks(doc.text, anchors), doc, fragments=anchors, layouts=layouts)


def read_each_language(
    doc: Document, blocks: Iterable[Block], fragments: Sequence[str], layouts: Layouts
) -> list[Entry]:
    """Entries of a page that holds the same document in several languages, one after another.

    Each language half is selected on its own, so the fragment picks its
    section in every half; a half without that section is skipped, and only
    a page where no half has it is an error.
    """
    entries: list[Entry] = []
    missing: ParseError | None = None
    found = False
    for half in split_languages(blocks):
        try:
            entries.extend(extract(half, doc, fragments=fragments, layouts=layouts))
            found = True
        except ParseError as error:
            missing = missing or error
    if missing is not None and not found:
        raise missing
    return entries


def split_languages(blocks: Iterable[Block]) -> list[list[Block]]:
    """Split at thematic breaks where the language of the headings changes."""
    parts: list[list[Block]] = [[]]
    for block in blocks:
        if isinstance(block, Rule):
            parts.append([])
        else:
            parts[-1].append(block)
    merged: list[list[Block]] = []
    last: str | None = None
    for blocks_of_part in parts:
        part = [b for b in blocks_of_part if not isinstance(b, Paragraph) or b.text]
        language = _language(part)
        if merged and language == last:
            merged[-1].extend(part)
        elif part:
            merged.append(part)
            last = language
    return merged or [[]]


def _language(part: Sequence[Block]) -> str:
    headings = " ".join(b.text for b in part if isinstance(b, Heading))
    return script_locale(headings) or "latin"


@register(
    "auto",
    version="2",
    summary="any page: HTML, Markdown, or YAML/JSON records; tables, code headings and lists",
)
def parse_auto(doc: Document) -> list[Entry]:
    """A structured data file (YAML, JSON) as records; any other page as HTML or Markdown."""
    fragments = [doc.fragment] if doc.fragment else []
    records = data.read(doc, fragments)
    return in_one_locale(records, doc.locale) if records is not None else read(doc)


@register("html", version="2", summary="an HTML page: tables, code headings or lists")
def parse_html(doc: Document) -> list[Entry]:
    return read(doc, "html")


@register(
    "markdown",
    version="2",
    summary="a Markdown page or text render: tables, code headings or lists",
)
def parse_markdown(doc: Document) -> list[Entry]:
    return read(doc, "markdown")
