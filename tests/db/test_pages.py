"""errata's Datasette plugin without a browser: the word diff's markup and the cell renderer.

tests/scraper/test_serve_browser.py checks the pages in Chromium; these pin
the escaping rules on their own, over text built to break them.
"""

from __future__ import annotations

from typing import Any

import pytest
from markupsafe import Markup

from errata.db.pages import marks, render_cell

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="x()">',
    "a & b",
    "&lt;b&gt;",
    "</del><b>x",
]


@pytest.mark.parametrize("text", HOSTILE, ids=["script", "img", "ampersand", "entity", "close-del"])
def test_page_text_is_escaped_before_it_is_marked(text: str) -> None:
    marked = marks.diff(f"keep {text} old", f"keep {text} new")
    assert isinstance(marked.old, Markup) and isinstance(marked.new, Markup)
    for html in marked:
        assert "<script" not in html and "<img" not in html and "<b>" not in html
        assert Markup(html).striptags().count("keep") == 1
    assert marked.old.endswith('<del class="errata-del">old</del>')
    assert marked.new.endswith('<ins class="errata-ins">new</ins>')


def test_only_changed_words_are_marked() -> None:
    marked = marks.diff("Open order not found with id", "Open order not found")
    assert marked.old == Markup('Open order not found <del class="errata-del">with id</del>')
    assert marked.new == Markup("Open order not found")
    added = marks.diff("", "Brand new")
    assert added.new == Markup('<ins class="errata-ins">Brand new</ins>')


@pytest.mark.parametrize(
    ("stored", "shown"),
    [("2026-01-14T08:05:09Z", "2026-01-14 08:05 UTC"), ("2026-01-14", "2026-01-14"), (None, "")],
)
def test_times_read_as_people_write_them(stored: str | None, shown: str) -> None:
    assert marks.when(stored) == shown


class _Urls:
    def path(self, value: str) -> str:
        return "/" + value.lstrip("/")


class _Datasette:
    urls = _Urls()


def cell(row: dict[str, Any], column: str) -> str | None:
    rendered = render_cell(row, row[column], column, "errata", _Datasette())
    return None if rendered is None else str(rendered)


def test_cells_get_pills_marks_and_links() -> None:
    row = {
        "source_id": "okx-ws", "exchange": "okx", "code": "<b>1</b>", "severity": "high",
        "old_message": "x <script>", "new_message": "y <script>", "observed_at": "2026-01-14T00:00:00Z",
        "change_id": "0123456789abcdef",
    }  # fmt: skip
    assert cell(row, "severity") == '<span class="errata-pill errata-high">high</span>'
    assert cell(row, "new_message") == (
        '<span class="errata-message"><ins class="errata-ins">y</ins> &lt;script&gt;</span>'
    )
    assert cell(row, "code") == (
        '<a href="/errata/code_history?source=okx-ws&amp;code=%3Cb%3E1%3C%2Fb%3E">&lt;b&gt;1&lt;/b&gt;</a>'
    )
    assert cell(row, "exchange") == '<a href="/-/exchanges/okx">okx</a>'
    assert cell({**row, "severity": "<i>"}, "severity") is None  # not a severity: left to Datasette
    assert cell({**row, "old_message": None}, "new_message") is None  # an addition: plain text
