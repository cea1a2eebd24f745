from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest

from errata.differ import Change, diff
from errata.parsers import Entry
from errata.reports import Problem, Report, formats, render

HOSTILE = "<!channel> <script>alert(1)</script> [x](http://evil) ![i](http://evil/i.png) *bold* _it_ `code`\r\n# heading"


def change(
    old: list[Entry], new: list[Entry], source: str = "okx-ws", at: str = "2026-01-02T00:00:00Z"
) -> list[Change]:
    return [
        replace(c, source=source, exchange=source.split("-")[0], observed_at=at)
        for c in diff(old, new)
    ]


def test_formats_are_registered_by_name() -> None:
    assert formats() == ["atom", "html", "json", "markdown", "slack", "text"]
    with pytest.raises(ValueError, match="unknown report format 'pdf'"):
        render("pdf", Report([]))


def test_json_is_the_list_of_contract_change_objects() -> None:
    changes = change([Entry("1", "a")], [Entry("1", "b")])
    data = json.loads(render("json", Report(changes)))
    assert data == [c.to_dict() for c in changes]
    assert data[0]["source"] == "okx-ws" and data[0]["kind"] == "reworded"


def test_markdown_groups_by_exchange_and_source_newest_first() -> None:
    older = change([Entry("1", "a")], [], at="2026-01-01T00:00:00Z")
    newer = change([], [Entry("2", "b")], at="2026-01-03T00:00:00Z")
    other = change([], [Entry("9", "z")], source="kucoin-ws")
    text = render("markdown", Report(older + newer + other))
    assert text.index("## kucoin · kucoin-ws") < text.index("## okx · okx-ws")
    assert text.index("### 2026-01-03T00:00:00Z") < text.index("### 2026-01-01T00:00:00Z")
    assert "3 changes (1 high, 2 medium)." in text


def test_markdown_marks_the_changed_words_of_a_rewording() -> None:
    (reworded,) = change(
        [Entry("60029", "Only VIP5 and above")], [Entry("60029", "Only VIP6 and above")]
    )
    text = render("markdown", Report([reworded]))
    assert "  - before: Only users" not in text
    assert "  - before: Only <del>VIP5</del> and above" in text
    assert "  - after: Only **VIP6** and above" in text


def test_markdown_says_so_when_nothing_changed_and_names_problems() -> None:
    text = render("markdown", Report([], [Problem("tickdb", "fetch failed (timeout): timed out")]))
    assert "No changes." in text
    assert "- ❌ **tickdb**: fetch failed (timeout): timed out" in text


def test_hostile_page_text_is_inert_in_markdown() -> None:
    changes = change([], [Entry("1", HOSTILE, section="<b>Sec</b>")])
    text = render("markdown", Report(changes))
    head, message = text.split("**added** `1` · ")[1].split("\n", 1)
    for page_text in (head, message):
        unescaped = re.findall(r"(?<!\\)[<\[\]*_`]|&(?!amp;|lt;|#126;)", page_text)
        assert unescaped == [], page_text
    assert "\r" not in text
    assert "\\\n  \\# heading" in message  # the second line stays in the list item, not a heading
