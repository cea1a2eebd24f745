"""Feeds and files that validate: Atom per RFC 4287, files a web server can read, Markdown that
renders the same in CommonMark and GFM, Keep-a-Changelog versions that link somewhere."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from errata.db import links
from errata.differ import KINDS, Change
from errata.parsers import Entry
from errata.reports import Report, render
from errata.reports.atom import render_atom
from errata.reports.channels import Context
from errata.reports.channels import spec as channel
from errata.reports.keepachangelog import render_changelog
from errata.reports.snapshot import SourceInfo, render_snapshot
from tests.feeds import check_atom
from tests.reports.samples import HOSTILE, hostile_changes
from tests.reports.samples import links as datasette_links
from tests.reports.test_kinds import SAMPLES

BASE = "https://errata.example/"
LINKED = (BASE, "https://keepachangelog.com/")  # the only links errata's Markdown makes
EVERY_KIND = [SAMPLES[kind] for kind in KINDS]


def _report(changes: list[Change], **keys: object) -> Report:
    return Report(changes, title="errata", generated_at="2026-02-01T02:00:00Z", **keys)  # type: ignore[arg-type]


# --- Atom ---------------------------------------------------------------------------


def test_the_atom_report_validates_with_one_alternate_link_per_entry() -> None:
    def two_links(change: Change) -> list[object]:
        return [*datasette_links(change), *datasette_links(change)]

    report = _report([*EVERY_KIND, *hostile_changes()], links=two_links)
    xml = render_atom(report, "https://errata.example/changes.atom")
    parsed = check_atom(xml)
    assert len(parsed.entries) == len(report.changes)
    for entry in parsed.entries:
        rels = [link.rel for link in entry.links]
        assert rels == ["alternate", "related"]
    assert parsed.feed.links[0].rel == "self"
    assert parsed.feed.links[0].href == "https://errata.example/changes.atom"


def test_an_empty_feed_has_no_entry_and_is_dated_by_its_report() -> None:
    xml = render_atom(_report([]), "changes.atom")
    parsed = check_atom(xml)
    assert parsed.entries == [] and parsed.feed.updated == "2026-02-01T02:00:00Z"
    assert "1970" not in xml


# --- the file channel ------------------------------------------------------------------


@pytest.fixture
def umask() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def _write(folder: Path, report: Report, **settings: object) -> dict[str, Path]:
    context = Context(history=lambda: list(report.changes), sources=lambda: [])
    channel("file").build({"dir": str(folder), **settings}, {}).send(report, context)
    return {p.relative_to(folder).as_posix(): p for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_files_follow_the_umask(tmp_path: Path, umask: None, mask: int, mode: int) -> None:
    os.umask(mask)
    written = _write(tmp_path, _report(EVERY_KIND))
    assert set(written) == {"changelog/demo/CHANGELOG.md", "changes.atom"}
    assert {name: stat.S_IMODE(p.stat().st_mode) for name, p in written.items()} == dict.fromkeys(
        written, mode
    )


def test_a_rewritten_file_keeps_the_mode_it_was_given(tmp_path: Path, umask: None) -> None:
    feed = _write(tmp_path, _report(EVERY_KIND[:1]))["changes.atom"]
    feed.chmod(0o600)
    _write(tmp_path, _report(EVERY_KIND))
    assert stat.S_IMODE(feed.stat().st_mode) == 0o600 and "7002" in feed.read_text()


def test_the_feed_file_links_to_itself(tmp_path: Path, umask: None) -> None:
    feed = _write(tmp_path / "a", _report(EVERY_KIND))["changes.atom"]
    assert check_atom(feed.read_bytes()).feed.links[0].href == "changes.atom"
    published = "https://example.org/errata/changes.atom"
    feed = _write(tmp_path / "b", _report(EVERY_KIND), feed_url=published)["changes.atom"]
    assert check_atom(feed.read_bytes()).feed.links[0].href == published
    empty = _write(tmp_path / "c", _report([]))["changes.atom"]
    assert check_atom(empty.read_bytes()).entries == []


# --- Markdown: CommonMark and GFM agree ----------------------------------------------

COMMONMARK = MarkdownIt("commonmark")
GFM = MarkdownIt("gfm-like", {"linkify": False})  # tables and ~~strikethrough~~ on


class Text(HTMLParser):
    """The text a reader sees, and the tags around it."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tags: list[str] = []
        self.hrefs: list[str] = []

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.hrefs += [value or "" for name, value in attrs if name == "href"]


def seen(html: str) -> Text:
    reader = Text()
    reader.feed(html)
    return reader


# Page text with every character Markdown treats specially, one at a time (hostile_changes
# adds the combinations: links, tags, emphasis).
SPECIAL = "a & b < c > d | e * f _ g ~ h [i] (j) `k` \\l #m"


def _outputs(changes: list[Change], entries: list[Entry]) -> dict[str, str]:
    pages = links.Pages(BASE)
    return {
        "report": render("markdown", _report(changes, links=datasette_links)),
        "changelog": render_changelog("evil", changes, pages),
        "changelog-without-datasette": render_changelog("evil", changes),
        "snapshot": render_snapshot(
            SourceInfo("evil-ws", "evil", "https://x.example/"), entries, None
        ),
    }


def _special(change: Change) -> Change:
    texts = {k: getattr(change, k) for k in ("section", "old_message", "new_message")}
    return replace(change, **{k: f"{v} {SPECIAL}" for k, v in texts.items() if v})


ENTRIES = [
    Entry("1", SPECIAL, section=f"Sec {SPECIAL}"),
    Entry("31001", "Retired", deprecated=True),
    Entry("50210", "Renumbered", replaces="50010"),
]
MARKDOWN = _outputs([_special(c) for c in EVERY_KIND], ENTRIES)
HOSTILE_MARKDOWN = _outputs(
    [*hostile_changes(), *EVERY_KIND], [Entry("1", HOSTILE, section="<b>S</b> [x](y) ~~z~~")]
)


@pytest.mark.parametrize("name", list(MARKDOWN))
def test_markdown_renders_the_same_in_commonmark_and_gfm(name: str) -> None:
    for text in (MARKDOWN[name], HOSTILE_MARKDOWN[name]):
        common, gfm = COMMONMARK.render(text), GFM.render(text)
        if name != "snapshot":  # a snapshot is GFM tables: plain paragraphs to CommonMark
            assert common == gfm
        reader = seen(gfm)
        assert not {"script", "img", "b", "i", "iframe"} & set(reader.tags), name
        assert all(href.startswith(LINKED) for href in reader.hrefs), reader.hrefs
    for html in (COMMONMARK.render(MARKDOWN[name]), GFM.render(MARKDOWN[name])):
        visible = "".join(seen(html).text)
        assert "~~" not in visible  # struck text is <del>, which both render
        assert not re.search(r"\\[&<>~|*_`\[\]#]", visible), re.findall(r"\\.", visible)
        assert not re.search(r"&(?:amp|lt|gt|#126);", visible)  # entities are decoded
        if name != "snapshot" or html.startswith("<hr"):
            assert SPECIAL in visible, visible


def test_page_text_reads_as_typed_after_rendering() -> None:
    gfm = GFM.render(HOSTILE_MARKDOWN["report"])
    visible = "".join(seen(gfm).text)
    assert "<!channel> <script>alert(1)</script> [x](http://evil) *bold* &amp; `tick`" in visible


def test_struck_codes_and_changed_words_are_del_in_both() -> None:
    snapshot = GFM.render(MARKDOWN["snapshot"])
    assert "<del>31001</del>" in snapshot and "<del>50010</del> 50210" in snapshot
    reworded = render("markdown", _report([SAMPLES["reworded"]]))
    assert "<del>failure</del>" in COMMONMARK.render(reworded)
    assert "<strong>outage</strong>" in COMMONMARK.render(reworded)


# --- Keep a Changelog ----------------------------------------------------------------


def test_changelog_days_link_to_that_days_changes_when_datasette_is_known() -> None:
    text = HOSTILE_MARKDOWN["changelog"]
    days = re.findall(r"^## \[(\d{4}-\d\d-\d\d)\]$", text, re.MULTILINE)
    assert days == ["2026-02-01", "2026-01-02"]
    for day in days:
        url = links.day_url(BASE, "evil", day)
        assert f"[{day}]: <{url}>" in text
        assert f'<h2><a href="{url.replace("&", "&amp;")}">{day}</a></h2>' in COMMONMARK.render(
            text
        )


def test_changelog_days_are_bare_dates_without_datasette() -> None:
    text = HOSTILE_MARKDOWN["changelog-without-datasette"]
    assert re.findall(r"^## (.*)$", text, re.MULTILINE) == ["2026-02-01", "2026-01-02"]
    assert "<h2>2026-02-01</h2>" in COMMONMARK.render(text)
