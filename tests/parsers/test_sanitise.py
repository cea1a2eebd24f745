"""The page-text sanitiser: escape sequences, control characters and bidi controls made inert.

Each case is a piece of text a hostile (or broken) page could hold, and what
any reader of errata gets instead. Then the same text through the parsers:
the store never receives it.
"""

from __future__ import annotations

import re

import pytest

from errata.parsers import Entry, inert, parse
from errata.parsers.sanitise import inert_entry

ESC, BEL, ST = "\x1b", "\x07", "\x1b\\"

# Everything at once: a screen clear, a window title, an OSC 8 hyperlink, colour, BEL,
# backspaces, a carriage return that would rewrite the line, a bidi override and an isolate.
TERMINAL = (
    f"{ESC}[2J{ESC}]0;pwned{BEL}Order {ESC}]8;;https://evil.example/{ST}not found{ESC}]8;;{ST}"
    f" {ESC}[31mred{ESC}[0m{BEL}\b\b ok\rfake line \u202eevil\u202c \u2067iso\u2069"
)
TERMINAL_INERT = "Order not found red ok\nfake line <U+202E>evil<U+202C> <U+2067>iso<U+2069>"
# What must never reach a reader: any C0/C1 control but newline and tab, any bidi control.
ACTIVE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

CASES = [
    pytest.param("Order not found", "Order not found", id="plain text unchanged"),
    pytest.param("line one\nline two\tcol", "line one\nline two\tcol", id="newline and tab kept"),
    pytest.param(f"{ESC}[2J{ESC}[H{ESC}[1;31mRed{ESC}[0m", "Red", id="CSI: clear, home, colour"),
    pytest.param(f"{ESC}[?1049h{ESC}[38;2;1;2;3mx", "x", id="CSI private mode and truecolour"),
    pytest.param(f"{ESC}]0;title{BEL}after", "after", id="OSC window title, BEL-terminated"),
    pytest.param(f"{ESC}]2;title{ST}after", "after", id="OSC window title, ST-terminated"),
    pytest.param(
        f"{ESC}]8;;https://evil.example/{ST}click{ESC}]8;;{ST}", "click", id="OSC 8 hyperlink"
    ),
    pytest.param(f"{ESC}P1$r{ST}x", "x", id="DCS string"),
    pytest.param(f"{ESC}_apc{ST}x", "x", id="APC string"),
    pytest.param("\x9b2J\x9d0;t\x07x", "x", id="8-bit CSI and OSC"),
    pytest.param(f"{ESC}c{ESC}7{ESC}(Bx", "x", id="ESC c reset, save cursor, charset"),
    pytest.param(f"{ESC}]0;never ends", "0;never ends", id="unterminated OSC keeps its words"),
    pytest.param(f"a{ESC}", "a", id="a lone ESC"),
    pytest.param(f"bell{BEL}", "bell", id="BEL"),
    pytest.param("abc\b\b\bxyz", "abcxyz", id="backspace"),
    pytest.param("nul\x00 del\x7f c1\x85next", "nul del c1\nnext", id="NUL, DEL, NEL"),
    pytest.param("a\r\nb\rc", "a\nb\nc", id="carriage return"),
    pytest.param("a\x0bb\x0cc\u2028d\u2029e", "a\nb\nc\nd\ne", id="other line breaks"),
    pytest.param("a\x1fb", "a b", id="information separator"),
    pytest.param("\u202egnp.exe", "<U+202E>gnp.exe", id="right-to-left override"),
    pytest.param(
        "\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069",
        "<U+202A><U+202B><U+202C><U+202D><U+2066><U+2067><U+2068><U+2069>",
        id="every embedding, override and isolate",
    ),
    pytest.param("مرحبا \u200f עברית", "مرحبا \u200f עברית", id="RTL text and marks kept"),
    pytest.param("Ordre refusé · 订单不存在", "Ordre refusé · 订单不存在", id="accents and CJK"),
    pytest.param(TERMINAL, TERMINAL_INERT, id="all at once"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_inert(text: str, expected: str) -> None:
    assert inert(text) == expected
    assert inert(expected) == expected  # idempotent: a second pass changes nothing
    assert ACTIVE.search(inert(text)) is None


def test_an_entry_is_made_inert_field_by_field() -> None:
    hostile = Entry(
        f"5{BEL}1",
        TERMINAL,
        f"Sec{ESC}[2Jtion",
        extra={f"Hint{BEL}": TERMINAL},
        deprecated=True,
        replaces=f"4{ESC}[0m9",
    )
    clean = inert_entry(hostile)
    assert clean == Entry(
        "51", TERMINAL_INERT, "Section", extra={"Hint": TERMINAL_INERT}, deprecated=True,
        replaces="49",
    )  # fmt: skip
    ordinary = Entry("51000", "Parameter {0} error", "Trade", extra={"HTTP": "400"})
    assert inert_entry(ordinary) is ordinary


PAGES = [
    pytest.param(
        "html",
        "<h2>Errors</h2><table><tr><th>Code</th><th>Message</th><th>Hint</th></tr>"
        "<tr><td>50001</td><td>{msg}</td><td>{msg}</td></tr></table>",
        id="html",
    ),
    pytest.param(
        "markdown",
        "## Errors\n\n| Code | Message | Hint |\n|---|---|---|\n| 50001 | {msg} | {msg} |\n",
        id="markdown",
    ),
    pytest.param("auto", "# Errors\n\n- 50001: {msg}\n- 50002: {msg}\n", id="auto list"),
]


@pytest.mark.parametrize(("parser", "page"), PAGES)
def test_the_parsers_store_no_escape_sequence_control_or_bidi_override(
    parser: str, page: str
) -> None:
    hostile = TERMINAL.replace("\r", " ")  # parsers collapse whitespace on their own
    filler = "\n\nOrdinary documentation text around the table. " * 60  # not a binary file
    entries = parse(parser, page.replace("{msg}", hostile) + filler)
    assert entries
    for entry in entries:
        fields = [entry.code, entry.message, entry.section, *entry.extra, *entry.extra.values()]
        assert all(ACTIVE.search(text) is None for text in fields), entry
        assert "Order not found" in entry.message and "<U+202E>evil" in entry.message
