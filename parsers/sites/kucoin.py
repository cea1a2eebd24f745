"""KuCoin: the docs-new pages and the legacy Slate Markdown of docs.kucoin.com.

docs-new puts several numbered tables under headings and repeats codes within
and across them (509 three times; 400 in two tables meaning two things), which
the generic reader keeps as they are. Text renders of docs-new mark headings
only with a trailing ``#`` anchor glyph; those lines become headings here
(all-caps titles one level above the numbered ones) so sections keep their path.
"""

from __future__ import annotations

import re

from errata.parsers.document import Document, sniff_format
from errata.parsers.entry import Entry
from errata.parsers.extract import TABLES_ONLY
from errata.parsers.generic import read
from errata.parsers.registry import register

_LINE_ENDS_IN_HASH = re.compile(r"#[ \t]*$", re.MULTILINE)
_GLYPH_HEADING = re.compile(r"^(?![ \t]*[#|>`])(?P<text>[^|\n]{1,160}?)#[ \t]*$", re.MULTILINE)


def _as_heading(match: re.Match[str]) -> str:
    text = match["text"].strip()
    level = "#" if text.upper() == text and any(ch.isalpha() for ch in text) else "##"
    return f"{level} {text}"


@register("kucoin", version="2", summary="KuCoin docs-new pages and legacy Slate Markdown")
def parse_kucoin(doc: Document) -> list[Entry]:
    if sniff_format(doc.head) == "html":
        return read(doc, "html", layouts=TABLES_ONLY)
    return read(doc.with_text(_glyph_headings(doc.text)), "markdown", layouts=TABLES_ONLY)


def _glyph_headings(text: str) -> str:
    """``_GLYPH_HEADING.sub(_as_heading, text)``, trying only the lines that end in ``#``.

    The pattern, tried at every line start, costs ~15 ms per MB; the lines it can
    match are found in C first, and most pages have none.
    """
    parts: list[str] = []
    done = 0
    for end in _LINE_ENDS_IN_HASH.finditer(text):
        start = text.rfind("\n", 0, end.start()) + 1  # the start of that line
        heading = _GLYPH_HEADING.match(text, start)
        if heading is not None:
            parts += [text[done:start], _as_heading(heading)]
            done = heading.end()
    return "".join([*parts, text[done:]]) if parts else text
