"""Hostile page text through every format: nothing it holds may format, link, mention or run."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from html.parser import HTMLParser
from xml.etree import ElementTree as ET

from errata.parsers import Entry
from errata.reports import Report, render
from errata.reports.channels.mail import message, subject
from errata.reports.keepachangelog import render_changelog
from errata.reports.snapshot import SourceInfo, render_snapshot
from tests.reports.samples import HOSTILE, hostile_changes, report


def hostile_report() -> Report:
    return report(hostile_changes())


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_html_holds_only_errata_markup() -> None:
    page = render("html", hostile_report())
    parser = Tags()
    parser.feed(page)
    names = {tag for tag, _ in parser.tags}
    assert not names & {"script", "img", "iframe", "object"}
    assert all(attrs.get("onerror") is None for _, attrs in parser.tags)
    hrefs = [attrs["href"] for tag, attrs in parser.tags if tag == "a"]
    assert hrefs and all(h and h.startswith("https://errata.example/") for h in hrefs)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&amp;amp;" in page  # an entity in page text shows as typed, not decoded


def test_slack_text_cannot_mention_link_or_format() -> None:
    payloads = json.loads(render("slack", hostile_report()))
    texts = [
        block["text"]["text"]
        for payload in payloads
        for block in payload["blocks"]
        if block["type"] == "section"
    ]
    joined = "\n".join(texts)
    assert "<!channel>" not in joined and "&lt;!channel&gt;" in joined
    # the only <...> left are errata's own links to Datasette and Slack date tokens
    targets = re.findall(r"<([^|>]+)\|", joined)
    assert targets and all(t.startswith(("https://errata.example/", "!date^")) for t in targets)
    assert re.findall(r"<(?!https://errata\.example/|!date\^)", joined) == []  # links, dates
    # page text sits in inline code, where *bold* stays literal; its backtick cannot close the span
    assert (
        "`&lt;!channel&gt; &lt;script&gt;alert(1)&lt;/script&gt; [x](http://evil) *bold* &amp;amp; ˋtickˋ ⏎ Bcc: evil@example.com`"
        in joined
    )
    assert "\r" not in joined


def test_markdown_outputs_form_no_link_image_or_markup() -> None:
    outputs = {
        "report": render("markdown", hostile_report()),
        "changelog": render_changelog("evil", hostile_changes()),
        "snapshot": render_snapshot(
            SourceInfo("evil-ws", "evil", "https://evil.example/#x"),
            [Entry("1", HOSTILE, section="<b>S</b> [x](y)"), Entry("2|3", "a | b")],
            None,
        ),
    }
    for name, text in outputs.items():
        page_lines = [
            line
            for line in text.split("\n")
            if "evil" in line or "alert" in line or "a \\| b" in line
        ]
        assert page_lines, name
        assert "](http://evil)" not in text.replace("\\](http://evil)", ""), name
        assert "<script>" not in text.replace("\\<script>", ""), name
        assert re.search(r"(?<!\\)\*bold(?<!\\)\*", text) is None, name
    assert "| 2\\|3 | a \\| b |" in outputs["snapshot"]  # a pipe cannot add a column


def test_text_and_atom_keep_page_text_inert() -> None:
    text = render("text", hostile_report())
    assert "\r" not in text
    assert "\nBcc:" not in text  # the second line of a message stays indented under it
    feed = ET.fromstring(render("atom", hostile_report()).encode())
    contents = [e.text or "" for e in feed.iter("{http://www.w3.org/2005/Atom}content")]
    assert any("<script>alert(1)</script>" in c for c in contents)  # literal text, escaped in XML


def test_email_subject_cannot_inject_headers() -> None:
    changes = [replace(c, exchange="evil\r\nBcc: victim@example.com") for c in hostile_changes()]
    line = subject(Report(changes), "[errata]")
    assert "\r" not in line and "\n" not in line
    mail = message(Report(changes), "errata@example.com", ["ops@example.com"], "[errata]")
    assert mail["Bcc"] is None
    assert "Bcc" not in [key for key, _ in mail.items()]
    raw = mail.as_bytes()
    assert (
        b"\r\nBcc:" not in raw.split(b"\r\n\r\n", 1)[0]
        and b"\nBcc:" not in raw.split(b"\n\n", 1)[0]
    )
