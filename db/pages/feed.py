"""Atom for Datasette: errata's feeds (``feed.atom``, ``exchange_feed.atom?exchange=okx``).

An output renderer (``.atom``) for any query with ``atom_id``, ``atom_title``
and ``atom_updated`` columns, as datasette-atom reads them, written by
errata because that plugin cannot do what a valid feed needs:

- an empty feed is a feed with no entry (datasette-atom fails on one, so the
  queries used to add a placeholder entry dated 1970 with an empty link); its
  ``updated`` is the last time errata read one of the pages it covers;
- an exchange errata does not watch is a 404, not an empty feed;
- a ``rel="self"`` link, one ``rel="alternate"`` link per entry (the
  documentation page), text content, the author.

Ids and texts come from the canned queries (``db.metadata``), which take
them from errata's own Atom report, so a reader subscribed to both never sees
a change twice. ElementTree escapes the text; the text itself was made inert
in SQL (``errata_xml_text``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from xml.etree import ElementTree as ET

from datasette.utils.asgi import NotFound, Response  # type: ignore[import-untyped]

from errata.db import times
from errata.parsers import inert

ATOM = "http://www.w3.org/2005/Atom"
REQUIRED = frozenset({"atom_id", "atom_title", "atom_updated"})
CONTENT_TYPE = "application/atom+xml; charset=utf-8"

_EXCHANGE = "SELECT 1 FROM sources WHERE lower(exchange) = lower(trim(:exchange)) LIMIT 1"
_LAST_READ = """
SELECT max(f.fetched_at) FROM fetches f JOIN sources s ON s.id = f.source_id
WHERE f.outcome != 'failed' AND (:exchange IS NULL OR lower(s.exchange) = lower(trim(:exchange)))"""


def can_render(columns: Iterable[str]) -> bool:
    return REQUIRED.issubset(columns)


async def render(
    datasette: Any, request: Any, rows: list[Any], columns: list[str], database: str, query_name: str | None
) -> Response:  # fmt: skip
    """The feed, or a 404 for an exchange errata watches no page of."""
    db = datasette.get_database(database)
    exchange = request.args.get("exchange") if query_name == "exchange_feed" else None
    if exchange is not None and not (await db.execute(_EXCHANGE, {"exchange": exchange})).rows:
        # Raised, not returned: Datasette gives a canned query's response its own status.
        raise NotFound(f"errata watches no page of an exchange called {exchange!r}")
    entries = [dict(zip(columns, row, strict=False)) for row in rows]
    updated = max((str(e["atom_updated"]) for e in entries), default="")
    if not updated:
        [[last_read]] = (await db.execute(_LAST_READ, {"exchange": exchange})).rows
        updated = last_read or times.now()
    title = _title(datasette, database, query_name) or "errata"
    return Response(feed_xml(title, request.url, updated, entries), content_type=CONTENT_TYPE)


def _title(datasette: Any, database: str, query_name: str | None) -> str | None:
    queries = (datasette.metadata(database=database) or {}).get("queries") or {}
    return (queries.get(query_name) or {}).get("title") if query_name else None


def feed_xml(title: str, url: str, updated: str, entries: Iterable[Mapping[str, Any]]) -> str:
    """The Atom document: the feed's own address is its id and its rel="self" link."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "title", title)
    _text(feed, "id", url)
    _text(feed, "updated", updated)
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "href": url, "type": "application/atom+xml"})  # fmt: skip
    _text(ET.SubElement(feed, f"{{{ATOM}}}author"), "name", "errata")
    _text(feed, "generator", "errata")
    for row in entries:
        _entry(feed, row)
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def _entry(feed: ET.Element, row: Mapping[str, Any]) -> None:
    entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
    _text(entry, "title", str(row["atom_title"]))
    _text(entry, "id", str(row["atom_id"]))
    _text(entry, "updated", str(row["atom_updated"]))
    if link := row.get("atom_link"):
        attributes = {"rel": "alternate", "type": "text/html", "href": str(link)}
        ET.SubElement(entry, f"{{{ATOM}}}link", attributes)
    if author := row.get("atom_author_name"):
        _text(ET.SubElement(entry, f"{{{ATOM}}}author"), "name", str(author))
    if (content := row.get("atom_content")) is not None:
        _text(entry, "content", str(content)).set("type", "text")


def _text(parent: ET.Element, tag: str, value: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}")
    element.text = inert(value)
    return element
