"""Parsers: page content in, error-code entries out. Pure functions, no I/O.

``parse(name, content, url)`` is the one entry point the rest of errata (and
other tools) use; ``name`` is a registered parser (see ``errata parse --parser
list``) and the URL's fragment selects the watched section of the page.
"""

from __future__ import annotations

from errata.errors import ParseError, UnknownParser
from errata.parsers.document import load
from errata.parsers.entry import Entry
from errata.parsers.registry import ParserSpec, get, names, specs
from errata.parsers.sanitise import inert, inert_entry

__all__ = [
    "Entry", "ParseError", "ParserSpec", "UnknownParser", "get", "inert", "names", "parse", "specs",
]  # fmt: skip
# The parser modules register themselves when the registry is first asked (registry._load).


def parse(
    name: str,
    content: str | bytes,
    url: str = "",
    *,
    locale: str = "en",
    where: str = "",
    charset: str | None = None,
) -> list[Entry]:
    """Entries of one page.

    ``content`` is text or raw bytes (decoded by BOM, ``charset``, the page's own
    declaration, then UTF-8). ``where`` names the input in error messages when
    it is not the URL (a file path, an archive hash). Raises ``ParseError`` for
    input that is no error-code page and ``UnknownParser`` for a bad name.

    Every entry's text is made inert (``parsers.sanitise``): no escape sequence,
    control character or bidi override from a page reaches the store.
    """
    spec = get(name)
    doc = load(content, parser=name, url=url, where=where, locale=locale, charset=charset)
    try:
        return [inert_entry(entry) for entry in spec.func(doc)]
    except RecursionError:  # the readers walk without recursion; a parser that does not fails here
        raise ParseError(name, doc.where, "the page nests too deeply to read") from None
