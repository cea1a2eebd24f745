"""OX.FUN and its predecessors OPNX and CoinFLEX: one document history.

Served today as GitBook (Markdown at the page URL plus ``.md``), earlier as a
Slate single page where the section id changed from
``#websocket-api-error-codes`` to ``#error-codes``; either id finds the table on
any vintage of the page.
"""

from __future__ import annotations

from errata.parsers.document import Document
from errata.parsers.entry import Entry
from errata.parsers.extract import TABLES_ONLY
from errata.parsers.generic import read
from errata.parsers.registry import register

_ALIASES = ("error-codes", "websocket-api-error-codes")


@register(
    "oxfun",
    version="2",
    summary="OX.FUN GitBook Markdown, or the Slate page of OX.FUN/OPNX/CoinFLEX",
)
def parse_oxfun(doc: Document) -> list[Entry]:
    fragment = doc.fragment
    fragments = [fragment] if fragment else []
    if fragment in _ALIASES:
        fragments += [alias for alias in _ALIASES if alias != fragment]
    return read(doc, fragments=fragments, layouts=TABLES_ONLY)
