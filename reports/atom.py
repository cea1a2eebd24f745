"""An Atom feed of changes, for feed readers and for a git-scraping repository.

Built with ElementTree, which escapes every piece of page text; ids are
UUIDs derived from the change id and its time, so a change keeps its id
across rebuilds and a reader never shows it twice.
"""

from __future__ import annotations

import uuid
from xml.etree import ElementTree as ET

from errata.differ import Change
from errata.differ.describe import in_words, subject
from errata.reports.model import Report, newest_first
from errata.reports.registry import renderer
from errata.reports.text import plain

ATOM = "http://www.w3.org/2005/Atom"
EPOCH = "1970-01-01T00:00:00Z"


def entry_id(change: Change) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'errata:{change.change_id}:{change.observed_at}')}"


@renderer("atom")
def render_atom(report: Report) -> str:
    ET.register_namespace("", ATOM)
    changes = newest_first(report.changes)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "title", report.title)
    _text(feed, "id", f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'errata:feed:' + report.title)}")
    # Deterministic: the feed changes only when its content does (git-friendly).
    _text(feed, "updated", (changes[0].observed_at if changes else report.generated_at) or EPOCH)
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", "errata")
    _text(feed, "generator", "errata")
    for change in changes:
        _entry(feed, change, report)
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def _entry(feed: ET.Element, change: Change, report: Report) -> None:
    entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
    about = subject(change)
    _text(
        entry,
        "title",
        plain(f"{change.exchange} {change.source}: {change.kind} {about} ({change.severity})"),
    )
    _text(entry, "id", entry_id(change))
    _text(entry, "updated", change.observed_at or EPOCH)
    for link in report.links_for(change):
        ET.SubElement(
            entry, f"{{{ATOM}}}link", {"href": link.url, "title": link.label, "rel": "alternate"}
        )
    ET.SubElement(entry, f"{{{ATOM}}}category", {"term": change.severity})
    # the same words as the Datasette feed's (db.metadata): differ.describe matches on the kind
    _text(entry, "content", plain(in_words(change))).set("type", "text")


def _text(parent: ET.Element, tag: str, value: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}")
    element.text = _xml_safe(value)
    return element


def _xml_safe(value: str) -> str:
    """XML 1.0 cannot hold most control characters at all, escaped or not."""
    return "".join(ch if ch in "\t\n\r" or ch >= " " else " " for ch in value)
