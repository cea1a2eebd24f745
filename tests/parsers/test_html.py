"""The HTML reader, through ``parse("html", …)``."""

from __future__ import annotations

import re

import pytest

from errata.parsers import Entry, parse
from tests.support import fixture_bytes


def table(*rows: str, head: str = "<tr><th>Code</th><th>Message</th></tr>") -> str:
    return "<table><thead>" + head + "</thead><tbody>" + "".join(rows) + "</tbody></table>"


def test_inline_tags_are_flattened_without_inventing_spaces_and_br_is_a_line_break() -> None:
    page = table(
        "<tr><td><code>51000</code></td><td>Err<b>or</b> in <code>USD</code> &amp; co<br/>e.g. clOrdId  already\n exists</td></tr>"
    )
    assert parse("html", page) == [Entry("51000", "Error in USD & co\ne.g. clOrdId already exists")]


def test_curly_quotes_and_entities_are_kept_as_text() -> None:
    page = table("<tr><td>1</td><td>This bot isn’t available. Settings &gt; Account mode</td></tr>")
    assert parse("html", page)[0].message == "This bot isn’t available. Settings > Account mode"


def test_block_children_of_a_cell_become_lines() -> None:
    page = table("<tr><td>1</td><td><p>first</p><p>second</p></td></tr>")
    assert parse("html", page)[0].message == "first\nsecond"


def test_code_column_found_by_header_wherever_it_stands() -> None:
    page = table(
        "<tr><td>200</td><td>50011</td><td>Rate limit reached.</td></tr>",
        head="<tr><th>HTTP Status</th><th>Error Code</th><th>Error Message</th></tr>",
    )
    assert parse("html", page) == [
        Entry("50011", "Rate limit reached.", extra={"HTTP Status": "200"})
    ]


def test_rowspan_and_colspan_are_expanded() -> None:
    page = table(
        '<tr><td rowspan="2">509</td><td>exceed 100 per time</td></tr>',
        "<tr><td>exceed 300 per session</td></tr>",
        '<tr><td colspan="2">Notes spanning the table</td></tr>',
        "<tr><td>510</td><td>last</td></tr>",
    )
    assert [(e.code, e.message) for e in parse("html", page)] == [
        ("509", "exceed 100 per time"),
        ("509", "exceed 300 per session"),
        ("510", "last"),
    ]


def test_rows_of_a_nested_table_are_not_rows_of_the_outer_one() -> None:
    inner = "<table><tr><th>Code</th><th>Message</th></tr><tr><td>9</td><td>inner</td></tr></table>"
    page = table(f"<tr><td>1</td><td>outer {inner}</td></tr>", "<tr><td>2</td><td>next</td></tr>")
    entries = parse("html", page)
    assert [e.code for e in entries] == ["1", "2"]
    assert entries[0].message == "outer\nCode\nMessage\n9\ninner"


def test_header_written_with_td_is_recognised() -> None:
    page = "<table><tr><td>错误码</td><td>错误消息</td></tr><tr><td>60004</td><td>无效的 timestamp</td></tr></table>"
    assert parse("html", page) == [Entry("60004", "无效的 timestamp", locale="zh")]


def test_headerless_table_is_read_when_a_column_is_code_shaped() -> None:
    page = "<table><tr><td>400</td><td>Bad request</td></tr><tr><td>401</td><td>Unauthorized</td></tr></table>"
    assert [(e.code, e.message) for e in parse("html", page)] == [
        ("400", "Bad request"),
        ("401", "Unauthorized"),
    ]


def test_parameter_and_currency_tables_are_not_error_codes() -> None:
    params = table(
        "<tr><td>symbol</td><td>String</td></tr>", head="<tr><th>Parameter</th><th>Type</th></tr>"
    )
    currencies = table(
        "<tr><td>BTC</td><td>Bitcoin</td></tr><tr><td>ETH</td><td>Ether</td></tr>",
        head="<tr><th>Code</th><th>Meaning</th></tr>",
    )
    errors = table("<tr><td>400</td><td>Bad</td></tr>")
    assert [e.code for e in parse("html", params + currencies + errors)] == ["400"]


def test_fragment_selects_from_the_heading_to_the_next_peer() -> None:
    page = (
        '<h1 id="error-code">Error Code</h1><h2 id="error-code-rest-api">REST API</h2>'
        + '<h3 id="rest-public">Public</h3><h4>General Class</h4>' + table("<tr><td>50000</td><td>rest</td></tr>")
        + '<h2 id="error-code-websocket">WebSocket</h2><h3>Public</h3><p>Error Code from 60000</p>'
        + "<h4>General Class</h4>" + table("<tr><td>60004</td><td>ws</td></tr>")
        + "<h4>Close Frame</h4>" + table("<tr><td>4001</td><td>Login Failed</td></tr>", head="<tr><th>Status Code</th><th>Reason Text</th></tr>")
        + '<h1 id="next">Next</h1>' + table("<tr><td>1</td><td>elsewhere</td></tr>")
    )  # fmt: skip
    ws = parse("html", page, "https://www.okx.com/docs-v5/en/#error-code-websocket")
    assert [(e.code, e.section) for e in ws] == [
        ("60004", "Public > General Class"),
        ("4001", "Public > Close Frame"),
    ]
    rest = parse("html", page, "https://www.okx.com/docs-v5/en/#error-code-rest-api")
    assert [(e.code, e.section) for e in rest] == [("50000", "Public > General Class")]
    one = parse("html", page, "https://www.okx.com/docs-v5/en/#rest-public")
    assert [(e.code, e.section) for e in one] == [("50000", "General Class")]


def test_fragment_on_a_heading_inside_wrappers_keeps_going_past_the_wrapper() -> None:
    page = (
        '<section><h2 id="errors">Errors</h2></section><div><h3>WS</h3>'
        + table("<tr><td>1</td><td>a</td></tr>")
        + "</div><h2>Other</h2>"
        + table("<tr><td>2</td><td>b</td></tr>")
    )
    assert [(e.code, e.section) for e in parse("html", page, "https://x/#errors")] == [("1", "WS")]


def test_fragment_on_a_container_selects_the_container() -> None:
    page = (
        '<div id="errors"><h3>WS</h3>'
        + table("<tr><td>1</td><td>a</td></tr>")
        + "</div>"
        + table("<tr><td>2</td><td>b</td></tr>")
    )
    assert [(e.code, e.section) for e in parse("html", page, "https://x/#errors")] == [("1", "WS")]


def test_fragment_on_an_empty_named_anchor_before_a_heading() -> None:
    page = (
        '<a name="errs"></a><h2>Errors</h2>'
        + table("<tr><td>1</td><td>a</td></tr>")
        + "<h2>Other</h2>"
        + table("<tr><td>2</td><td>b</td></tr>")
    )
    assert [e.code for e in parse("html", page, "https://x/#errs")] == ["1"]


def test_struck_code_cell_is_deprecated() -> None:
    page = table("<tr><td><del>50012</del></td><td>gone soon</td></tr>")
    assert parse("html", page) == [Entry("50012", "gone soon", deprecated=True)]


def test_table_caption_names_the_section() -> None:
    page = "<h2>Errors</h2><table><caption>System codes</caption><tr><th>Code</th><th>Message</th></tr><tr><td>1</td><td>a</td></tr></table>"
    assert parse("html", page)[0].section == "Errors > System codes"


def test_only_the_watched_section_is_parsed_and_the_result_is_the_same() -> None:
    rest = '<h2 id="rest">REST</h2><h3>Public</h3>' + table("<tr><td>50000</td><td>rest</td></tr>")
    tricky = (
        "<!-- <h2>commented out</h2> --><script>var s = '<h1>not a heading</h1>';</script>"
        + table("<tr><td>50001</td><td>after the comment</td></tr>")
        + "<h4>Deeper</h4>" + table("<tr><td>50002</td><td>deeper</td></tr>")
    )  # fmt: skip
    page = (
        "<html><body><h1 id='top'>Top</h1>"
        + rest
        + tricky
        + '<h2 id="ws">WS</h2>'
        + table("<tr><td>6</td><td>ws</td></tr>")
        + "</body></html>"
    )
    from_bytes = parse("html", page.encode(), "https://x/#rest")  # the byte slice
    from_text = parse("html", page, "https://x/#rest")  # the whole DOM
    assert from_bytes == from_text
    assert [(e.code, e.section) for e in from_bytes] == [
        ("50000", "Public"),
        ("50001", "Public"),
        ("50002", "Public > Deeper"),
    ]


def test_an_id_that_only_appears_as_data_id_falls_back_to_the_whole_page() -> None:
    page = (
        '<div data-id="errs"></div><div id="errs"><h3>E</h3>'
        + table("<tr><td>1</td><td>a</td></tr>")
        + "</div>"
    )
    assert [e.code for e in parse("html", page.encode(), "https://x/#errs")] == ["1"]


def test_the_slice_honours_the_declared_charset() -> None:
    page = '<meta charset="windows-1251"><h2 id="e">Ошибки</h2>' + table(
        "<tr><td>1</td><td>Ошибка</td></tr>"
    )
    (entry,) = parse("html", page.encode("windows-1251"), "https://x/#e")
    assert (entry.section, entry.message) == ("Ошибки", "Ошибка")


@pytest.mark.corpus
@pytest.mark.parametrize(
    "name",
    [
        "okx/docs-v5-en-error-code-01-rest-api-public-2025-08-17.html",
        "coinflex/index-2022-06-13b.html",
        "oxfun/index-2024-11-29.html",
    ],
    ids=["okx-rest-public", "coinflex-2022", "oxfun-2024"],
)
def test_section_slices_agree_with_the_whole_dom_on_every_heading_of_real_pages(name: str) -> None:
    raw = fixture_bytes(name)
    anchors = re.findall(rb"<h[1-6][^>]*\bid=[\"']([^\"']+)", raw)
    assert anchors
    for anchor in anchors:
        url = "https://x/#" + anchor.decode()
        assert parse("auto", raw, url) == parse("auto", raw.decode(), url), anchor


def nested(opening: str, closing: str, depth: int, inner: str) -> str:
    return opening * depth + inner + closing * depth


ERRORS = table("<tr><td>100</td><td>Bad request</td></tr>")


@pytest.mark.parametrize(
    ("page", "url", "expected"),
    [
        (nested("<div>", "</div>", 10_000, ERRORS), "", [("100", "Bad request", "")]),
        (nested("<section>", "</section>", 10_000, "<h2 id='errors'>Errors</h2>" + ERRORS), "https://x.test/#errors", [("100", "Bad request", "Errors")]),
        (nested("<ul><li>", "</li></ul>", 3_000, "100: Bad request"), "", [("100", "Bad request", "")]),
    ],
    ids=["divs", "sections-with-a-fragment", "lists"],
)  # fmt: skip
def test_a_page_nested_thousands_deep_is_read(
    page: str, url: str, expected: list[tuple[str, str, str]]
) -> None:
    """Issue 17.2: the reader walks the tree with its own stack, not Python's recursion."""
    assert [(e.code, e.message, e.section) for e in parse("html", page, url)] == expected
