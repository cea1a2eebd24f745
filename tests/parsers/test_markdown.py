"""The Markdown reader, through ``parse("markdown", …)``: the malformed tables real docs contain."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest

from errata.parsers import Entry, ParseError, markdown, parse
from errata.parsers.blocks import Block, Heading
from errata.parsers.document import Document
from errata.parsers.extract import extract, push_heading
from errata.parsers.text import slug
from tests.support import FIXTURES


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


# --- the watched section read first: the same entries as reading the whole page ---

PATTERNS = Path(__file__).parents[1] / "fixtures" / "patterns"
MARKDOWN_PAGES = sorted(
    [p for p in FIXTURES.glob("*/*") if p.suffix in (".md", ".txt")]
    + [p for p in PATTERNS.glob("*/*/*") if p.suffix in (".md", ".mdx", ".txt")]
)
# Pages built to leave doubt before or at the watched heading: each must read as a whole read does.
TRICKY = {
    "setext-before": "Intro\n=====\n\ntext\n\n## Errors\n\n| Code | Message |\n|--|--|\n| 1 | a |\n",
    "setext-is-the-section": "# Top\n\nErrors\n------\n\n| Code | Message |\n|--|--|\n| 1 | a |\n",
    "html-table-with-heading": "<table><caption>Errors</caption><tr><th>Code</th><th>Message</th></tr>"
    "<tr><td>9</td><td>x</td></tr></table>\n\n## Errors\n\n| Code | Message |\n|--|--|\n| 1 | a |\n",
    "indented-heading-in-a-list": "- item\n  ## Errors\n\n## Errors\n\n| Code | Message |\n|--|--|\n| 1 | a |\n",
    "caption-before-heading": "# Top\nErrors\n| Code | Message |\n|--|--|\n| 9 | x |\n\n## Errors\n\n| Code | Message |\n|--|--|\n| 1 | a |\n",
    "fenced-headings": "```\n## Errors\n```\n~~~~\n## Errors\n~~~\n~~~~\n## Errors {#errors}\n\n| Code | Message |\n|--|--|\n| 1 | a |\n",
    "unclosed-fence": "## Intro\n\n```\n## Errors\n| Code | Message |\n|--|--|\n| 9 | x |\n",
    "html-heading-in-a-table-row": "| Code | Message |\n|--|--|\n<h2 id='errors'>Errors | x</h2>\n\n## Errors\n\n| Code | Message |\n|--|--|\n| 1 | a |\n",
    "quoted-heading": "> ## Errors\n>\n> | Code | Message |\n> |--|--|\n> | 1 | a |\n\n## Other\n",
    "crlf": "# Top\r\n\r\n## Errors\r\n\r\n| Code | Message |\r\n|--|--|\r\n| 1 | a |\r\n",
    "first-heading-named-by-a-later-fragment": "## Codes {#codes}\n\n| Code | Message |\n|--|--|\n| 9 | x |\n\n## Errors\n\n| Code | Message |\n|--|--|\n| 1 | a |\n",
    "setext-then-atx-of-one-name": "# Top\n\nErrors\n------\n\n| Code | Message |\n|--|--|\n| 9 | x |\n\n## Errors\n\n| Code | Message |\n|--|--|\n| 1 | a |\n",
    "front-matter-names-another-heading": "---\nanchor_id: error-codes\n---\n# Intro\n\n| Code | Message |\n|--|--|\n| 9 | x |\n\n# Error Codes\n\n| Code | Message |\n|--|--|\n| 1 | a |\n",
    "markup-splits-the-word": "# Top\n\n## Err**ors**\n\n| Code | Message |\n|--|--|\n| 9 | x |\n\n## Errors\n\n| Code | Message |\n|--|--|\n| 1 | a |\n",
    "full-width-title": "# Top\n\n## \uff25\uff52\uff52\uff4f\uff52\uff53\n\n| Code | Message |\n|--|--|\n| 9 | x |\n\n## Errors\n\n| Code | Message |\n|--|--|\n| 1 | a |\n",
    "front-matter-anchor": "---\nanchor_id: errors\n---\n# Errors\n\n| Code | Message |\n|--|--|\n| 1 | a |\n",
    "nested-slugs": "# WebSocket API\n## Error Codes\n\n| Code | Message |\n|--|--|\n| 1 | a |\n# REST API\n## Error Codes\n\n| Code | Message |\n|--|--|\n| 2 | b |\n",
    "html-headings": "<h1 id='api'>API</h1>\n<h2 id=\"errors\">Errors</h2>\n\n| Code | Message |\n|--|--|\n| 1 | a |\n<h2>Next</h2>\n",
    "tabs-named-as-headings": "## Errors\n\n<Tabs>\n<TabItem value=\"spot\" label=\"Spot\">\n\n| Code | Message |\n|--|--|\n| 1 | a |\n\n</TabItem>\n<TabItem label=\"Futures\">\n\n| Code | Message |\n|--|--|\n| 2 | b |\n\n</TabItem>\n</Tabs>\n\n## Spot\n\n| Code | Message |\n|--|--|\n| 3 | c |\n",
    "tab-before-any-heading": "{% tab title=\"Errors\" %}\n| Code | Message |\n|--|--|\n| 9 | x |\n{% endtab %}\n\n## Errors\n\n| Code | Message |\n|--|--|\n| 1 | a |\n",
    "tab-in-a-table-row": "| Code | Message |\n|--|--|\n<TabItem label=\"Errors\"> | x\n\n## Errors\n\n| Code | Message |\n|--|--|\n| 1 | a |\n",
    "indented-tab-in-a-list": "- item\n  <Tab title=\"Errors\">\n\n| Code | Message |\n|--|--|\n| 9 | x |\n\n## Errors\n\n| Code | Message |\n|--|--|\n| 1 | a |\n",
}  # fmt: skip


def section_targets(text: str) -> list[str]:
    """Every fragment a section of this page answers to: anchors, slugs and nested slugs."""
    stack: list[Heading] = []
    found: dict[str, None] = {}
    for block in markdown.blocks(text):
        if isinstance(block, Heading):
            push_heading(stack, block)
            found.update(dict.fromkeys(slug(a) for a in block.anchors))
            slugs = [slug(h.text) for h in stack]
            found.update(dict.fromkeys("-".join(slugs[i:]) for i in range(len(slugs))))
    return [t for t in found if t]


def entries_or_error(blocks: Iterable[Block], doc: Document, fragments: list[str]) -> object:
    try:
        return extract(blocks, doc, fragments=fragments)
    except ParseError as error:
        return str(error)


def assert_section_first_reads_as_the_whole(text: str, limit: int = 80) -> None:
    doc = Document("markdown", "page", locale="en", given_text=text)
    whole = list(markdown.blocks(text))
    targets = section_targets(text)
    step = max(1, len(targets) // limit)
    chosen = [[t] for t in targets[::step]] + [["missing"]] + [["missing", t] for t in targets[:3]]
    pairs = list(zip(targets[::step], targets[1::step], strict=False))[:20]
    chosen += [[a, b] for a, b in pairs] + [[b, a] for a, b in pairs]
    for fragments in chosen:
        fast = entries_or_error(markdown.blocks(text, fragments), doc, fragments)
        assert fast == entries_or_error(iter(whole), doc, fragments), fragments


@pytest.mark.parametrize("page", MARKDOWN_PAGES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_watched_section_read_first_gives_what_the_whole_page_gives(page: Path) -> None:
    assert_section_first_reads_as_the_whole(page.read_text(encoding="utf-8", errors="replace"))


@pytest.mark.parametrize("text", list(TRICKY.values()), ids=list(TRICKY))
def test_pages_that_leave_doubt_read_as_the_whole_page_does(text: str) -> None:
    assert_section_first_reads_as_the_whole(text)
    assert_section_first_reads_as_the_whole(text.replace("Errors", "Errors {#errors}", 1))


def test_the_section_first_is_what_a_big_page_costs() -> None:
    """Only the lines of the watched section are read (a structural check, not a timing)."""
    text = (
        "# Top\n\n"
        + "Prose line.\n" * 200_000
        + "## Errors\n\n| Code | Message |\n|--|--|\n| 1 | a |\n"
    )
    read: list[int] = []
    original = markdown._Reader._line

    def counting(self: markdown._Reader, i: int) -> int:
        read.append(i)
        return original(self, i)

    markdown._Reader._line = counting  # type: ignore[method-assign]
    try:
        assert codes(text, "https://x.test/#errors") == [("1", "a")]
    finally:
        markdown._Reader._line = original  # type: ignore[method-assign]
    assert len(read) < 10


def test_an_image_alone_between_two_breaks_does_not_split_a_language_half() -> None:
    """Prose is read lazily; a paragraph that reads as nothing is still no part of its own."""
    page = (
        "## 错误码\n\n| 代码 | 消息 |\n|--|--|\n| 1 | 甲 |\n\n---\n\n![](diagram.png)\n\n---\n\n"
        "### 更多\n\n| 代码 | 消息 |\n|--|--|\n| 2 | 乙 |\n"
    )
    assert [e.code for e in parse("okx", page, "https://x.test/#错误码")] == ["1", "2"]
