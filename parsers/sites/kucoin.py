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

_GLYPH_HEADING = re.compile(r"^(?![ \t]*[#|>`])(?P<text>[^|\n]{1,160}?)#[ \t]*$", re.MULTILINE)


def _as_heading(match: re.Match[str]) -> str:
    text = match["text"].strip()
    level = "#" if text.upper() == text and any(ch.isalpha() for ch in text) else "##"
    return f"{level} {text}"


@register("kucoin", version="2", summary="KuCoin docs-new pages and legacy Slate Markdown")
def parse_kucoin(doc: Document) -> list[Entry]:
    if sniff_format(doc.head) == "html":
        return read(doc, "html", layouts=TABLES_ONLY)
    text = _GLYPH_HEADING.sub(_as_heading, doc.text)
    return read(doc.with_text(text), "markdown", layouts=TABLES_ONLY)
