"""What makes an Atom feed valid (RFC 4287), checked the way feed readers and validators do.

``check_atom`` parses a feed with feedparser (what most readers use; it
must parse without complaint) and checks the RFC's rules that feedparser
tolerates: the feed's id, title, updated and author; a ``rel="self"`` link;
per entry an id, a title, an updated time, content or an alternate link,
and at most one ``rel="alternate"`` link per type and language; unique
entry ids; every link with an address; times in RFC 3339.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any
from xml.etree import ElementTree as ET

import feedparser

ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)")


def check_atom(xml: bytes | str) -> Any:
    """The parsed feed (feedparser's), after asserting every rule above."""
    data = xml.encode() if isinstance(xml, str) else xml
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    root = ET.fromstring(data)
    assert root.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated"):
        assert (root.findtext(f"{ATOM}{tag}") or "").strip(), f"feed without {tag}"
    assert RFC3339.fullmatch(root.findtext(f"{ATOM}updated") or "")
    assert [link for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"], "no self"
    feed_author = root.find(f"{ATOM}author") is not None
    entries = root.findall(f"{ATOM}entry")
    for entry in entries:
        _check_entry(entry, feed_author)
    ids = Counter(entry.findtext(f"{ATOM}id") for entry in entries)
    assert all(n == 1 for n in ids.values()), [i for i, n in ids.items() if n > 1]
    for link in root.iter(f"{ATOM}link"):
        assert link.get("href"), "a link without an address"
    return parsed


def _check_entry(entry: ET.Element, feed_author: bool) -> None:
    for tag in ("id", "title", "updated"):
        assert (entry.findtext(f"{ATOM}{tag}") or "").strip(), f"entry without {tag}"
    assert RFC3339.fullmatch(entry.findtext(f"{ATOM}updated") or "")
    links = entry.findall(f"{ATOM}link")
    alternates = Counter(
        (link.get("type"), link.get("hreflang"))
        for link in links
        if link.get("rel", "alternate") == "alternate"
    )
    assert all(n == 1 for n in alternates.values()), "two alternate links of one type"
    assert entry.find(f"{ATOM}content") is not None or alternates, "no content, no alternate"
    assert feed_author or entry.find(f"{ATOM}author") is not None, "no author"
