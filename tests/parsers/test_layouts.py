"""Layouts other than tables, language detection, and errors — through the generic parsers."""

from __future__ import annotations

import pytest

from errata.parsers import Entry, ParseError, UnknownParser, parse


def test_a_heading_per_code_with_message_variants() -> None:
    text = (
        "# Errors\n\n### 51000 - Parameter error\n\n- Parameter {param0} error\n- Parameter {param0} is missing\n\n"
        "### 51001\n\nInstrument ID does not exist\n"
    )
    assert parse("auto", text) == [
        Entry("51000", "Parameter {param0} error", "Errors", extra={"name": "Parameter error"}),
        Entry(
            "51000", "Parameter {param0} is missing", "Errors", extra={"name": "Parameter error"}
        ),
        Entry("51001", "Instrument ID does not exist", "Errors"),
    ]


def test_a_heading_naming_two_codes_documents_both() -> None:
    text = "## 4003 / 4004 - Subscription Temporarily Unavailable\n\nUse HTTP API to fetch data.\n"
    assert [(e.code, e.message) for e in parse("auto", text)] == [
        ("4003", "Use HTTP API to fetch data."),
        ("4004", "Use HTTP API to fetch data."),
    ]


def test_code_headings_in_html() -> None:
    page = "<h2>Errors</h2><h3>1001 - Invalid API Key</h3><p>The key is <b>wrong</b>.</p><h3>1002: Missing key</h3>"
    assert [(e.code, e.message, e.section) for e in parse("html", page)] == [
        ("1001", "The key is wrong.", "Errors"),
        ("1002", "Missing key", "Errors"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "## Errors\n\n- 400: Bad request\n- `401` - Unauthorized\n- 1.5 Notes are not codes\n",
        "<h2>Errors</h2><ul><li><code>400</code>: Bad request</li><li>401 - Unauthorized</li><li>Notes</li></ul>",
        "<h2>Errors</h2><dl><dt>400</dt><dd>Bad request</dd><dt>401</dt><dd>Unauthorized</dd></dl>",
        "## Errors\n\n400\n: Bad request\n\n401\n: Unauthorized\n",
    ],
    ids=["markdown-list", "html-list", "html-definitions", "markdown-definitions"],
)
def test_lists_of_code_and_message(text: str) -> None:
    assert [(e.code, e.message, e.section) for e in parse("auto", text)] == [
        ("400", "Bad request", "Errors"),
        ("401", "Unauthorized", "Errors"),
    ]


def test_tables_win_over_code_headings_repeated_below_them() -> None:
    text = "## Quick Reference\n\n| Code | Meaning |\n|--|--|\n| 1001 | Invalid key |\n\n## Details\n\n#### 1001 - Invalid or Expired API Key\n\nVerify the key.\n"
    assert parse("auto", text) == [Entry("1001", "Invalid key", "Quick Reference")]


BILINGUAL = "## Public\n| Error Code | Error Message |\n|--|--|\n| 60004 | Invalid timestamp |\n\n---\n\n## 公共\n| 错误码 | 错误消息 |\n|--|--|\n| 60004 | 无效的 timestamp |"


def test_a_page_has_one_locale_unless_its_site_parser_splits_it() -> None:
    """Per-table guessing labelled a re-laid-out page's codes with two languages (issue 15, pattern 5)."""
    assert [(e.code, e.locale) for e in parse("auto", BILINGUAL)] == [("60004", "en")] * 2
    assert [(e.code, e.locale) for e in parse("okx", BILINGUAL)] == [
        ("60004", "en"),
        ("60004", "zh"),
    ]


def test_a_page_mostly_in_chinese_is_chinese_whatever_its_layout() -> None:
    headings = "# 錯誤碼\n\n### 10001\n\n參數錯誤\n\n### 10002\n\n簽名無效\n"
    table = "# 錯誤碼\n\n|錯誤碼 |描述 |\n|---|---|\n|10001 |參數錯誤 |\n|10002 |簽名無效 |\n"
    assert parse("auto", headings) == parse("auto", table)
    assert {e.locale for e in parse("auto", headings)} == {"zh"}


def test_a_page_configured_as_chinese_keeps_its_locale() -> None:
    text = "| Code | 含义 |\n|--|--|\n| 400 | 参数错误 |"
    assert parse("auto", text, locale="zh-TW")[0].locale == "zh-TW"


def test_a_missing_fragment_is_a_parse_error_naming_everything() -> None:
    with pytest.raises(ParseError) as caught:
        parse(
            "okx",
            "<h2 id='other'>Other</h2>",
            "https://www.okx.com/docs-v5/en/#error-code-websocket",
            where="okx-ws",
        )
    assert str(caught.value) == (
        "okx parser: okx-ws: section #error-code-websocket or #websocket is not on the page"
    )


def test_a_page_without_codes_is_an_empty_list_not_an_error() -> None:
    assert parse("auto", "<h3 id='swap'>Swap</h3><p>No</p>", "https://x/#swap") == []


def test_unknown_parser_names_the_known_ones() -> None:
    with pytest.raises(UnknownParser, match="unknown parser 'okxx' \\(known: auto, html, kucoin"):
        parse("okxx", "x")


# --- issue 15: every code-bearing layout, read exactly -------------------------


def test_headings_adding_codes_count_beside_a_table_and_headings_repeating_it_do_not() -> None:
    text = (
        "# Errors\n\n| HTTP Status | Description |\n|--|--|\n| 400 | Bad request |\n\n"
        "## 10001\n\nParameter error\n\n## 400 - Bad Request\n\nThe body did not parse.\n"
    )
    assert [(e.code, e.message) for e in parse("auto", text)] == [
        ("400", "Bad request"),
        ("10001", "Parameter error"),
    ]


def test_items_under_a_code_heading_are_its_messages_not_more_codes() -> None:
    text = "# Errors\n\n## 51000\n\n- 51001: cannot happen here\n- Parameter {0} error\n\n## Lists\n\n- 52000: Busy\n"
    assert [(e.code, e.message) for e in parse("auto", text)] == [
        ("51000", "51001: cannot happen here"),
        ("51000", "Parameter {0} error"),
        ("52000", "Busy"),
    ]


@pytest.mark.parametrize(
    ("cell", "codes", "extra"),
    [
        ("order-size-too-small", ["order-size-too-small"], {}),
        ("transfer.disabled", ["transfer.disabled"], {}),
        ("`-1013`", ["-1013"], {}),
        ("400 / 401", ["400", "401"], {}),
        ("429 Too Many Requests", ["429"], {"name": "Too Many Requests"}),
        ("see the table below", [], {}),
    ],
    ids=["kebab", "dotted", "negative", "two-codes", "code-and-name", "prose"],
)
def test_a_code_column_holds_identifiers_never_prose(
    cell: str, codes: list[str], extra: dict[str, str]
) -> None:
    text = (
        f"| Error Code | Message |\n|--|--|\n| 10001 | first |\n| 10002 | second |\n| {cell} | it |"
    )
    entries = parse("auto", text)[2:]
    assert [e.code for e in entries] == codes
    assert all(dict(e.extra) == extra for e in entries)


def test_kebab_words_in_prose_and_lists_stay_prose() -> None:
    text = "# Notes\n\n- rate-limit: ten per second\n- non-zero: retried\n\nA retry-after rule applies.\n"
    assert parse("auto", text) == []


def test_a_header_its_rows_contradict_is_mapped_by_the_cells() -> None:
    text = (
        "| Error message | Error code | http status code |\n|--|--|--|\n\n"
        "| Error message | Error code | http status code |\n|--|--|--|\n"
        "| 20001 | Insufficient balance | 400 |\n| 20002 | Order does not exist | 404 |\n"
    )
    assert [(e.code, e.message, dict(e.extra)) for e in parse("auto", text)] == [
        ("20001", "Insufficient balance", {"http status code": "400"}),
        ("20002", "Order does not exist", {"http status code": "404"}),
    ]


@pytest.mark.parametrize(
    "header",
    ["Context", "Explanation", "Reason", "Details", "Msg", "Remark", "说明", "描述", "錯誤訊息"],
)
def test_message_like_headers(header: str) -> None:
    text = f"| `code` | `{header}` | `Recommended Action` |\n|--|--|--|\n| KEY_EXPIRED | The key expired | Renew it |"
    [entry] = parse("auto", text, locale="en")
    assert (entry.code, entry.message, dict(entry.extra)) == (
        "KEY_EXPIRED",
        "The key expired",
        {"Recommended Action": "Renew it"},
    )


def test_an_unknown_message_header_beside_an_error_code_column_is_chosen_by_content() -> None:
    text = "| Error Code | Level | Whatever |\n|--|--|--|\n| 1001 | warn | The key expired last night |\n"
    assert [(e.code, e.message) for e in parse("auto", text)] == [
        ("1001", "The key expired last night")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "| Code | Message |\n|--|--|\n| ~~31001~~ | ~~Some message~~ |",
        "<table><tr><th>Code</th><th>Message</th></tr><tr><td><del>31001</del></td><td><del>Some message</del></td></tr></table>",
        "<table><tr><th>Code</th><th>Message</th></tr><tr><td><s>31001</s></td><td><s>Some message</s></td></tr></table>",
        "# Errors\n\n## ~~31001~~\n\nSome message\n",
        "# Errors\n\n- ~~31001: Some message~~\n",
    ],
    ids=["markdown-cells", "del", "s", "heading", "list-item"],
)
def test_struck_codes_are_deprecated_with_the_message_unmarked(text: str) -> None:
    [entry] = parse("auto", text)
    assert (entry.code, entry.message, entry.deprecated) == ("31001", "Some message", True)


@pytest.mark.parametrize(
    "cell", ["~~50010~~ 50210", "<del>50010</del> 50210", "<s>50010</s> 50210"]
)
def test_a_struck_old_code_beside_its_new_one_is_the_new_code(cell: str) -> None:
    text = f"| Code | Message |\n|--|--|\n| {cell} | Moved |"
    html = f"<table><tr><th>Code</th><th>Message</th></tr><tr><td>{cell.replace('~~50010~~', '<del>50010</del>')}</td><td>Moved</td></tr></table>"
    for page in (text, html):
        [entry] = parse("auto", page)
        assert (entry.code, entry.replaces, entry.deprecated) == ("50210", "50010", False)


@pytest.mark.parametrize(
    "wrapper",
    ['<div class="scroll">{}</div>', "<figure>{}</figure>", "- Codes:\n  {}"],
    ids=["div", "figure", "list-item"],
)
def test_markdown_reads_an_embedded_html_table(wrapper: str) -> None:
    table = "<table>\n<tr><th>Code</th><th>Message</th></tr>\n<tr><td>10001</td><td>Bad</td></tr>\n</table>"
    text = "# Errors\n\n" + wrapper.format(table.replace("\n", "\n  " if "-" in wrapper else "\n"))
    assert [(e.code, e.message, e.section) for e in parse("auto", text)] == [
        ("10001", "Bad", "Errors")
    ]


def test_front_matter_anchor_names_the_top_heading() -> None:
    text = "---\nanchor_id: error-code-websocket\n---\n\n# WebSocket\n\n## Public\n\n| Code | Message |\n|--|--|\n| 60004 | Invalid timestamp |\n"
    [entry] = parse("auto", text, "https://x.com/docs/#error-code-websocket")
    assert (entry.code, entry.section) == ("60004", "Public")


def test_yaml_records_keep_codes_as_written() -> None:
    text = "errors:\n  spot:\n    - code: 05001\n      msg: Order not found\n      httpStatus: 404\n    - errorCode: order.gone\n      message: Gone\n      deprecated: true\n"
    assert [e.to_dict() for e in parse("auto", text)] == [
        {"code": "05001", "message": "Order not found", "section": "errors > spot", "locale": "en", "extra": {"httpStatus": "404"}},
        {"code": "order.gone", "message": "Gone", "section": "errors > spot", "locale": "en", "extra": {}, "deprecated": True},
    ]  # fmt: skip


def test_json_map_of_code_to_message_and_fragment_selects_a_key() -> None:
    text = '{"spot": {"10001": "Bad", "10002": {"message": "Worse"}}, "futures": {"20001": "x", "20002": "y"}}'
    assert [
        (e.code, e.message, e.section) for e in parse("auto", text, "https://x/e.json#spot")
    ] == [
        ("10001", "Bad", "spot"),
        ("10002", "Worse", "spot"),
    ]


def test_markdown_that_merely_looks_like_yaml_stays_markdown() -> None:
    assert [e.code for e in parse("auto", "- 400: Bad request\n- 401: Unauthorized\n")] == [
        "400",
        "401",
    ]
