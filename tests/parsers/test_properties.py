"""Property tests: whatever a page contains, parsing ends in entries or a ParseError, in linear time."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from errata.parsers import Entry, ParseError, names, parse, registry
from errata.parsers.document import Document
from errata.parsers.sites import kucoin
from tests.support import fixture_bytes

PARSERS = names()
IDS = ["errors", "error-codes", "error-code-websocket", "x"]
WORDS = st.sampled_from(
    ["400", "05001", "-1013", "AMBIGUOUS_SYMBOL", "Code", "Error Code", "Message", "错误码", "错误消息",
     "Invalid {0}", "%s", "a", " ", "&amp;", "&lt;", "’", "|", "`", "*", "_", "~~", "#", "<", ">", "[x](y)", "\n"]
)  # fmt: skip


def parses_or_refuses(parser: str, content: str | bytes, url: str = "") -> None:
    try:
        entries = parse(parser, content, url)
    except ParseError as error:
        assert str(error).startswith(f"{parser} parser: ")
        return
    assert all(isinstance(e, Entry) and isinstance(e.code, str) and e.code for e in entries)


FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.binary(max_size=3000), st.sampled_from(PARSERS), st.sampled_from(["", *IDS]))
def test_random_bytes(content: bytes, parser: str, fragment: str) -> None:
    parses_or_refuses(parser, content, f"https://x/#{fragment}" if fragment else "")


@FAST
@given(st.text(max_size=3000), st.sampled_from(PARSERS))
def test_random_text(content: str, parser: str) -> None:
    parses_or_refuses(parser, content)


def _attrs() -> st.SearchStrategy[str]:
    value = st.sampled_from(["1", "2", "0", "-3", "999999999", "x", "", "3 "])
    return st.lists(
        st.one_of(
            st.builds(lambda v: f' id="{v}"', st.sampled_from(IDS)),
            st.builds(lambda v: f' colspan="{v}"', value),
            st.builds(lambda v: f' rowspan="{v}"', value),
            st.just(' name="errors"'),
        ),
        max_size=2,
    ).map("".join)


TAGS = ["table", "thead", "tbody", "tr", "td", "th", "caption", "h1", "h2", "h3", "h4", "p", "ul", "ol",
        "li", "dl", "dt", "dd", "div", "section", "del", "code", "b", "a", "pre", "script", "span"]  # fmt: skip
HTML = st.recursive(
    WORDS.map(lambda w: w.replace("<", "&lt;")),
    lambda inner: (
        st.builds(
            lambda tag, attrs, kids, closed: (
                f"<{tag}{attrs}>{''.join(kids)}" + (f"</{tag}>" if closed else "")
            ),
            st.sampled_from(TAGS),
            _attrs(),
            st.lists(inner, max_size=5),
            st.booleans(),
        )
        | st.sampled_from(["<br>", "<br/>", "<hr>", "<!-- <h2>c</h2> -->", "<!--"])
    ),
    max_leaves=60,
)


@FAST
@given(
    st.lists(HTML, max_size=12).map("".join),
    st.sampled_from(["auto", "html", "okx", "oxfun"]),
    st.sampled_from(IDS),
)
def test_generated_html(page: str, parser: str, fragment: str) -> None:
    parses_or_refuses(parser, page.encode(), f"https://x/#{fragment}")
    parses_or_refuses(parser, page)


LINES = st.one_of(
    st.lists(WORDS, max_size=6).map(lambda cells: "|".join(cells)),
    st.sampled_from(["| Code | Message |", "|---|---|", "---|---", "|---|", "```", "~~~", "---", "# Errors",
                     "###Error Codes###", "## 400 - Bad request", "- 400: Bad request", ": definition",
                     "<table>", "</table>", "<tr><td>1</td><td>a</td></tr>", "> quoted", "", "Errors", "====="]),
)  # fmt: skip


@FAST
@given(
    st.lists(LINES, max_size=40).map("\n".join),
    st.sampled_from(PARSERS),
    st.sampled_from(["", *IDS]),
)
def test_generated_markdown(text: str, parser: str, fragment: str) -> None:
    parses_or_refuses(parser, text.encode(), f"https://x/#{fragment}" if fragment else "")


MUTATED = [
    (
        "okx/docs-v5-en-error-code-12-websocket-public-2025-08-17.html",
        "okx",
        "https://x/#error-code-websocket-public",
    ),
    ("kucoin/seed-001-docs-new-error-code-websocket-2026-03-04.txt", "kucoin", ""),
    ("tickdb/errors-2026-01-21.md", "tickdb", ""),
    ("oxfun/seed-003-error-codes.txt", "oxfun", ""),
]


@pytest.mark.corpus
@pytest.mark.parametrize(("name", "parser", "url"), MUTATED, ids=[m[1] for m in MUTATED])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_real_pages(name: str, parser: str, url: str, data: st.DataObject) -> None:
    page = bytearray(fixture_bytes(name))
    for _ in range(data.draw(st.integers(1, 8), label="mutations")):
        at = data.draw(st.integers(0, len(page)), label="at")
        kind = data.draw(st.sampled_from(["delete", "insert", "duplicate", "flip"]), label="kind")
        if kind == "delete":
            del page[at : at + data.draw(st.integers(1, 200))]
        elif kind == "insert":
            page[at:at] = data.draw(
                st.sampled_from(
                    [b"|", b"<", b"</table>", b"`", b"\n#", b"\x00", b"\xff\xfe", b"<!--"]
                )
            )
        elif kind == "duplicate":
            page[at:at] = page[at : at + data.draw(st.integers(1, 500))]
        elif at < len(page):
            page[at] ^= data.draw(st.integers(1, 255))
    parses_or_refuses(parser, bytes(page), url)


# --- the byte slice of a section and the whole DOM agree ------------------------

BLOCK = st.one_of(
    st.builds(lambda level, i, t: f'<h{level} id="{i}">{t}</h{level}>', st.integers(1, 4), st.sampled_from(IDS), st.sampled_from(["Errors", "WS", "REST"])),
    st.builds(lambda level, t: f"<h{level}>{t}</h{level}>", st.integers(1, 4), st.sampled_from(["Public", "Close Frame"])),
    st.builds(
        lambda rows: "<table><tr><th>Code</th><th>Message</th></tr>" + "".join(f"<tr><td>{c}</td><td>{m}</td></tr>" for c, m in rows) + "</table>",
        st.lists(st.tuples(st.sampled_from(["400", "05001", "50011"]), st.sampled_from(["Bad", "x<br>y", "<b>Err</b>or"])), min_size=1, max_size=4),
    ),
    st.sampled_from(["<p>text</p>", "<!-- <h1>old</h1> -->", "<script>'<h2>'</script>", "<ul><li>400: Bad</li></ul>"]),
)  # fmt: skip
PAGE = st.recursive(
    st.lists(BLOCK, min_size=1, max_size=6).map("".join),
    lambda inner: st.builds(lambda tag, body: f"<{tag}>{body}</{tag}>", st.sampled_from(["div", "section"]), inner) | st.lists(inner, min_size=2, max_size=3).map("".join),
    max_leaves=8,
)  # fmt: skip


@FAST
@given(PAGE, st.sampled_from(IDS))
def test_section_slice_agrees_with_the_whole_dom(page: str, fragment: str) -> None:
    url = f"https://x/#{fragment}"
    outcomes = []
    for content in (page.encode(), page):
        try:
            outcomes.append(parse("html", content, url))
        except ParseError as error:
            outcomes.append(str(error))
    assert outcomes[0] == outcomes[1]


# --- linear time --------------------------------------------------------------


def _best_of_three(content: bytes, parser: str) -> float:
    times = []
    for _ in range(3):
        start = time.perf_counter()
        with contextlib.suppress(ParseError):
            parse(parser, content, "https://x/#errors")
        times.append(time.perf_counter() - start)
    return min(times)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(alphabet="|`*_~[]()<>#!-: \n\\&;=a1\t", min_size=1, max_size=12),
    st.sampled_from(["markdown", "html"]),
)
def test_time_grows_linearly_with_adversarial_repetition(unit: str, parser: str) -> None:
    """16× the input may take at most 48× the time (quadratic would be 256×)."""
    small = (unit * (5_000 // len(unit) + 1)).encode()
    large = small * 16
    t_small, t_large = _best_of_three(small, parser), _best_of_three(large, parser)
    assert t_large <= 48 * t_small + 0.05, (unit, t_small, t_large)


@pytest.mark.parametrize(
    "unit",
    [
        "**a ",
        "[a",
        "`` a ` ",
        "~~a ",
        "_a ",
        "# a   ",
        "<!-- ",
        "<script>",
        "| a ",
        "a\n",
        "[x](((",
        "<h2 id='errors'>",
    ],
)
def test_known_backtracking_traps_stay_linear(unit: str) -> None:
    small = (unit * (5_000 // len(unit))).encode()
    for parser in ("markdown", "html"):
        t_small, t_large = _best_of_three(small, parser), _best_of_three(small * 16, parser)
        assert t_large <= 48 * t_small + 0.05, (unit, parser, t_small, t_large)


@pytest.fixture
def recursing_parser() -> Iterator[str]:
    def read(doc: Document) -> list[Entry]:
        return read(doc)

    registry.register("recursing", version="1", summary="recurses forever")(read)
    yield "recursing"
    del registry._REGISTRY["recursing"]


def test_a_parser_that_recurses_too_deep_fails_as_a_parse_error(recursing_parser: str) -> None:
    with pytest.raises(ParseError) as error:
        parse(recursing_parser, "<p>page</p>", where="deep.html")
    assert str(error.value) == "recursing parser: deep.html: the page nests too deeply to read"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="#|>` \tAb.\n", max_size=400))
def test_kucoin_glyph_headings_are_the_plain_substitution(text: str) -> None:
    """Speed only: trying the lines that end in ``#`` gives what the substitution over every line gives."""
    assert kucoin._glyph_headings(text) == kucoin._GLYPH_HEADING.sub(kucoin._as_heading, text)
