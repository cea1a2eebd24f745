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
    assert [(e.code, e.locale) for e in parse("okx", BILINGUAL)] == [("60004", "en"), ("60004", "zh")]


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
