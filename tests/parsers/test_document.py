from __future__ import annotations

import codecs

import pytest

from errata.parsers import ParseError, parse
from errata.parsers.document import decode, load, sniff_format

TABLE_HTML = "<table><tr><th>Code</th><th>Message</th></tr><tr><td>1</td><td>{}</td></tr></table>"


def test_declared_charset_is_honoured() -> None:
    page = ('<meta charset="windows-1251">' + TABLE_HTML.format("Ошибка")).encode("windows-1251")
    assert parse("html", page)[0].message == "Ошибка"


def test_http_charset_wins_over_a_wrong_meta_declaration() -> None:
    page = ('<meta charset="utf-8">' + TABLE_HTML.format("café")).encode("latin-1")
    assert parse("html", page, charset="iso-8859-1")[0].message == "café"


def test_bom_wins_over_everything() -> None:
    page = codecs.BOM_UTF16_LE + ("| Code | Message |\n|--|--|\n| 1 | 错误 |").encode("utf-16-le")
    assert parse("markdown", page, charset="ascii")[0].message == "错误"


def test_undeclared_legacy_bytes_fall_back_to_windows_1252() -> None:
    assert decode("“quoted” price".encode("cp1252"), None, "auto", "x") == "“quoted” price"


@pytest.mark.parametrize(
    ("content", "what"),
    [
        (b"%PDF-1.7\n...", "a PDF file"),
        (b"\x89PNG\r\n\x1a\n....", "a PNG image"),
        (b"\x1f\x8b\x08\x00compressed", "gzip-compressed data"),
        (b"<html>\x00\x00\x00\x01\x02</html>", "binary"),
    ],
    ids=["pdf", "png", "gzip", "nul-bytes"],
)
def test_binary_content_is_a_parse_error_naming_parser_and_place(content: bytes, what: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse("auto", content, where="pages/errors.html")
    message = str(caught.value)
    assert message.startswith("auto parser: pages/errors.html: ")
    assert what in message


@pytest.mark.parametrize(
    "content", [b"", b"   \n\t  ", ""], ids=["empty-bytes", "blank", "empty-str"]
)
def test_empty_input_is_a_parse_error(content: str | bytes) -> None:
    with pytest.raises(ParseError, match="the page is empty"):
        parse("okx", content, url="https://www.okx.com/docs-v5/en/#error-code-websocket")


def test_control_character_soup_is_rejected_as_binary() -> None:
    with pytest.raises(ParseError, match="binary"):
        load("\x01\x02\x03\x04" * 100, parser="auto")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<!DOCTYPE html><html><body></body></html>", "html"),
        ('<h3 id="error-code-rest-api-public">Public</h3>\n<table></table>', "html"),
        ("\ufeff  <div class='content'><p>x</p></div>", "html"),
        ("---\ntitle: Errors\n---\n\n| Code | Message |", "markdown"),
        ("# Errors\n\n<table><tr><td>1</td></tr></table>", "markdown"),
        ("Code | Meaning\n---|---\n400 | Bad", "markdown"),
    ],
    ids=["doctype", "fragment", "bom-div", "front-matter", "md-with-html-table", "bare-table"],
)
def test_format_is_sniffed_from_content(text: str, expected: str) -> None:
    assert sniff_format(text) == expected
