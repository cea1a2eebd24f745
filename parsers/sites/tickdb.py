"""TickDB (Mintlify): only the quick-reference table counts.

The page repeats each code below the table as a heading with an example
response. Reading tables only means that if the table ever disappears the
source reports no entries (a health problem) instead of quietly switching to
the headings and reporting every message as reworded.
"""

from __future__ import annotations

from errata.parsers.document import Document
from errata.parsers.entry import Entry
from errata.parsers.extract import TABLES_ONLY
from errata.parsers.generic import read
from errata.parsers.registry import register


@register(
    "tickdb", version="2", summary="TickDB Mintlify page (HTML or its .md): the code tables only"
)
def parse_tickdb(doc: Document) -> list[Entry]:
    return read(doc, layouts=TABLES_ONLY)
