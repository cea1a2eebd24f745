"""The Markdown reader, through ``parse("markdown", …)``: the malformed tables real docs contain."""

from __future__ import annotations

import pytest

from errata.parsers import Entry, parse


def codes(text: str, url: str = "") -> list[tuple[str, str]]:
    return [(e.code, e.message) for e in parse("markdown", text, url)]


@pytest.mark.parametrize(
    "table",
    [
        "| Code | Message |\n|------|---------|\n| 400 | Bad request |\n| 401 | Unauthorized |",
        "Code | Message\n---------- | -------\n400 | Bad request\n401 | Unauthorized",
        "Code | Message |\n---- | ----------- |\n400 | Bad request |\n401 | Unauthorized",
        "| Code | Message |\n|---|\n| 400 | Bad request |\n401 | Unauthorized |",
        "| Code   | Message          |\n| ------ | ---------------- |\n| 400    | Bad request      |\n| 401    | Unauthorized     |",
        "Error Code | Error Message  \n---|---  \n400 | Bad request  \n401 | Unauthorized  ",
    ],
    ids=[
        "gfm",
        "no-leading-pipes",
        "mixed-trailing-pipes",
        "one-column-separator",
        "padded",
        "trailing-spaces",
    ],
)
def test_tolerant_pipe_tables(table: str) -> None:
    assert codes(table) == [("400", "Bad request"), ("401", "Unauthorized")]


def test_codes_keep_their_exact_form() -> None:
    table = "| Code | Message |\n|--|--|\n| 05001 | a |\n| 000101 | b |\n| -1013 | c |\n| `0` | d |\n| AMBIGUOUS_SYMBOL | e |"
    assert [c for c, _ in codes(table)] == ["05001", "000101", "-1013", "0", "AMBIGUOUS_SYMBOL"]


def test_links_backticks_and_emphasis_around_codes_are_unwrapped() -> None:
    table = "| Code | Message |\n|--|--|\n| [`50012`](#50012) | a |\n| **50013** | b |\n| <code>50014</code> | c |"
    assert [c for c, _ in codes(table)] == ["50012", "50013", "50014"]


def test_headings_without_a_space_and_closing_hashes() -> None:
    text = "###HTTP error status codes###\n\nCode | Meaning\n---|---\n400 | Bad Request"
    assert parse("markdown", text)[0].section == "HTTP error status codes"


def test_section_is_the_heading_path() -> None:
    text = "# REST API\n## Errors\n### System error codes\n\n| Code | Meaning |\n|--|--|\n| 400100 | Parameter Error |"
    assert parse("markdown", text)[0].section == "REST API > Errors > System error codes"


def test_setext_headings_and_front_matter() -> None:
    text = "---\ntitle: x\n---\nErrors\n======\n\nWebSocket\n---------\n\n| Code | Message |\n|--|--|\n| 1 | a |"
    assert parse("markdown", text)[0].section == "Errors > WebSocket"


def test_fenced_code_is_skipped_even_when_it_looks_like_headings_or_tables() -> None:
    text = "## Errors\n\n```\n# not a heading\n| Code | Message |\n|--|--|\n| 999 | fake |\n```\n\n| Code | Message |\n|--|--|\n| 1 | real |"
    entries = parse("markdown", text)
    assert [(e.code, e.section) for e in entries] == [("1", "Errors")]


def test_a_short_line_right_above_a_table_names_its_section() -> None:
    text = "Response Format\nError Code Quick Reference\n| Code | Meaning |\n|---|---|\n| 0 | Success |"
    assert parse("markdown", text)[0].section == "Error Code Quick Reference"


def test_a_sentence_above_a_table_is_not_a_section_name() -> None:
    text = "# Error Codes\nThese are the codes the API returns.\n| Code | Meaning |\n|---|---|\n| 0 | Success |"
    assert parse("markdown", text)[0].section == "Error Codes"


def test_pipes_in_code_spans_and_escaped_pipes_stay_in_the_cell() -> None:
    text = r"| Code | Message |" + "\n|--|--|\n" + r"| 1 | use `a|b` or c \| d |"
    assert codes(text) == [("1", "use a|b or c | d")]


def test_surplus_cells_join_the_last_column() -> None:
    text = "| Code | Message |\n|--|--|\n| 1 | left | right |"
    assert codes(text) == [("1", "left | right")]


def test_other_columns_are_kept_as_extra_by_header_name() -> None:
    text = "| Code | Meaning | Recommendation |\n|--|--|--|\n| 1001 | Invalid API Key | Check `API Key` |"
    assert parse("markdown", text) == [
        Entry("1001", "Invalid API Key", "", "en", {"Recommendation": "Check API Key"})
    ]


def test_embedded_html_table_is_read() -> None:
    text = "## Errors\n\n<table>\n<tr><th>Code</th><th>Message</th></tr>\n<tr><td>7</td><td>x<br>y</td></tr>\n</table>\n"
    assert [(e.code, e.message, e.section) for e in parse("markdown", text)] == [
        ("7", "x\ny", "Errors")
    ]


def test_struck_code_is_kept_and_deprecated() -> None:
    text = "| Code | Message |\n|--|--|\n| ~~50012~~ | Account status invalid |\n| 50013 | Busy |"
    entries = parse("markdown", text)
    assert [(e.code, e.deprecated, dict(e.extra)) for e in entries] == [
        ("50012", True, {}),
        ("50013", False, {}),
    ]


def test_fragment_selects_a_section_by_heading_slug() -> None:
    text = "# API\n## Orders\n| Code | Message |\n|--|--|\n| 1 | order |\n## Error Codes\n| Code | Message |\n|--|--|\n| 2 | error |\n## Next\n| Code | Message |\n|--|--|\n| 3 | next |"
    assert codes(text, "https://docs.example.com/#error-codes") == [("2", "error")]


def test_fragment_matches_slate_nested_ids() -> None:
    text = "# Websocket API\n## Error Codes\n| Code | Message |\n|--|--|\n| 2 | ws |\n# REST API\n## Error Codes\n| Code | Message |\n|--|--|\n| 3 | rest |"
    assert codes(text, "https://x/#rest-api-error-codes") == [("3", "rest")]
    assert codes(text, "https://x/#websocket-api-error-codes") == [("2", "ws")]


def test_explicit_heading_ids() -> None:
    text = "## Errors {#errors-v2}\n| Code | Message |\n|--|--|\n| 1 | a |"
    assert codes(text, "https://x/#errors-v2") == [("1", "a")]
