from __future__ import annotations

import pytest

from errata.parsers.text import collapse, heading_text, md_inline, script_locale, slug


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("Add `X-API-Key` header", "Add X-API-Key header"),
        ("See [the docs](https://example.com/a_(b)) now", "See the docs now"),
        ("**Bold** and *em* and __strong__ and _under_", "Bold and em and strong and under"),
        ("keep param_name and {param_0} and snake_case_id", "keep param_name and {param_0} and snake_case_id"),
        ("2 * 3 = 6", "2 * 3 = 6"),
        ("a<br>b<br/>c", "a\nb\nc"),
        ("price &lt; 1 &amp; qty &gt; 0", "price < 1 & qty > 0"),
        (r"a \| b \* c", "a | b * c"),
        ('"message": "<errorMessage>"', '"message": "<errorMessage>"'),
        ("Parameter {0} error. %s {op} xxx (.....)", "Parameter {0} error. %s {op} xxx (.....)"),
        ("<code>USD</code> is <b>less</b> than", "USD is less than"),
        ("``a `tick` b``", "a `tick` b"),
    ],
    ids=[
        "code-span", "link", "emphasis", "intraword-underscore", "lone-asterisk", "br",
        "entities", "escapes", "unknown-tag-kept", "placeholders", "inline-html", "double-backticks",
    ],
)  # fmt: skip
def test_markdown_inline_becomes_plain_text(markdown: str, text: str) -> None:
    assert md_inline(markdown) == (text, False)


@pytest.mark.parametrize("cell", ["~~50012~~", "<del>50012</del>", " <s>50012</s> "])
def test_a_cell_struck_through_entirely_is_flagged(cell: str) -> None:
    assert md_inline(cell) == ("50012", True)


def test_partial_strike_is_not_a_struck_cell() -> None:
    assert md_inline("old ~~word~~ new") == ("old word new", False)


def test_collapse_keeps_line_breaks_and_drops_invisible_characters() -> None:
    assert collapse("  a \u200b b\t\n\n  c  ") == "a b\nc"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("ERROR CODE#", "ERROR CODE"),
        ("Other error codes:", "Other error codes"),
        ("Errors ¶", "Errors"),
    ],
)
def test_heading_text_drops_anchor_glyphs(raw: str, clean: str) -> None:
    assert heading_text(raw) == clean


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Error Codes", "error-codes"),
        ("Rate Limiting & Frequency Errors (429xxx)", "rate-limiting-frequency-errors-429xxx"),
        ("error_code-websocket", "error-code-websocket"),
        ("错误码", "错误码"),
    ],
)
def test_slug(text: str, expected: str) -> None:
    assert slug(text) == expected


@pytest.mark.parametrize(
    ("text", "locale"),
    [("错误码", "zh"), ("エラーコード", "ja"), ("오류 코드", "ko"), ("Error Code", None)],
)
def test_script_locale(text: str, locale: str | None) -> None:
    assert script_locale(text) == locale
