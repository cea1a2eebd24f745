"""OKX docs-v5: one multi-megabyte Slate page holding every section.

The URL fragment names the section (``#error-code-websocket``,
``#error-code-rest-api`` or any sub-anchor such as
``#error-code-websocket-public-general-class``). Text renders of the page carry
the English and the Chinese half one after the other and drop the
``error-code-`` prefix from their headings; both are handled here.
"""

from __future__ import annotations

from errata.parsers import markdown
from errata.parsers.document import Document, sniff_format
from errata.parsers.entry import Entry
from errata.parsers.extract import TABLES_ONLY
from errata.parsers.generic import read, read_each_language
from errata.parsers.registry import register

_PREFIX = "error-code-"


@register("okx", version="2", summary="OKX docs-v5 page; the URL fragment picks the section")
def parse_okx(doc: Document) -> list[Entry]:
    fragment = doc.fragment
    fragments = [fragment] if fragment else []
    if fragment.startswith(_PREFIX) and len(fragment) > len(_PREFIX):
        fragments.append(fragment[len(_PREFIX) :])
    if sniff_format(doc.head) == "html":
        return read(doc, "html", fragments=fragments, layouts=TABLES_ONLY)
    return read_each_language(doc, markdown.blocks(doc.text), fragments, TABLES_ONLY)
