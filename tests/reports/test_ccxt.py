"""The ccxt bridge: export of the seed pages, and gap reports against a map."""

from __future__ import annotations

import ast
import json
import sys
from collections.abc import Mapping
from functools import cache
from typing import Any

import pytest

from errata.parsers import parse
from errata.reports.ccxt import (
    CCXT_CLASS,
    CCXT_PARENT,
    Documented,
    ancestors,
    code_key,
    collect,
    expected_class,
    export_map,
    gaps,
    gaps_json,
    gaps_markdown,
    installed_ccxt_exceptions,
    is_success_row,
    items_from_entries,
    judge,
    parse_map,
    render_export,
)
from tests.support import fixture_bytes

SEEDS = {
    "okx": ("okx/seed-000-error-code-websocket-2026-01-15.txt", "okx", "https://www.okx.com/docs-v5/en/#error-code-websocket"),
    "kucoin": ("kucoin/seed-001-docs-new-error-code-websocket-2026-03-04.txt", "kucoin", "https://www.kucoin.com/docs-new/error-code/websocket"),
    "tickdb": ("tickdb/errors-2026-01-21.md", "tickdb", "https://docs.tickdb.ai/en/errors.md"),
    "oxfun": ("oxfun/seed-003-error-codes.txt", "oxfun", "https://docs.ox.fun/api/websocket/error-codes"),
}  # fmt: skip

HOSTILE = "a\nb = 1\r\n\"\"\"''' # <script>alert(1)</script> `x` | *y* \u2028z\x00\u202e}"


@cache
def items(exchange: str) -> tuple[tuple[str, str, str], ...]:
    fixture, parser, url = SEEDS[exchange]
    entries = parse(parser, fixture_bytes(fixture), url)
    return tuple(items_from_entries(entries, exchange=exchange))


# --- export -----------------------------------------------------------------------


@pytest.mark.corpus
def test_export_of_the_tickdb_page_is_exactly_this() -> None:
    assert export_map(items("tickdb")) == {
        "exact": {
            "1001": "AuthenticationError",
            "1002": "AuthenticationError",
            "1003": "PermissionDenied",
            "1004": "PermissionDenied",
            "2001": "BadRequest",
            "2002": "BadSymbol",
            "2003": "BadRequest",
            "2004": "RateLimitExceeded",
            "3001": "RateLimitExceeded",
            "3002": "RateLimitExceeded",
            "3003": "RateLimitExceeded",
            "3004": "RateLimitExceeded",
            "4001": "BadRequest",
            "4002": "BadRequest",
            "4003": "ExchangeNotAvailable",
            "4004": "ExchangeNotAvailable",
            "5000": "ExchangeError",
            "5001": "ExchangeNotAvailable",
            "5002": "ExchangeNotAvailable",
        },
        "broad": {},
    }  # "0 Success" is no error and is left out


@pytest.mark.corpus
def test_export_of_the_okx_page_has_one_string_key_per_code_in_numeric_order() -> None:
    exported = export_map(items("okx"))
    codes = list(exported["exact"])
    assert len(codes) == 40 and codes[:3] == ["1009", "4001", "4002"] and codes[-1] == "64008"
    assert codes == sorted(codes, key=int)
    assert exported["broad"] == {}
    assert {code: exported["exact"][code] for code in ("60006", "60014", "64008", "4005")} == {
        "60006": "InvalidNonce",  # Timestamp request expired
        "60014": "RateLimitExceeded",
        "64008": "OnMaintenance",  # closed for a service upgrade
        "4005": "ExchangeError",  # Buffer is full: other
    }


@pytest.mark.corpus
def test_export_takes_english_rows_and_keeps_oxfun_leading_zeros() -> None:
    assert all(category for _, _, category in items("okx"))
    assert {m for code, m, _ in items("okx") if code == "60014"} == {"Requests too frequent"}
    exact = export_map(items("oxfun"))["exact"]
    assert list(exact)[:2] == ["000101", "000201"] and "05001" in exact
    assert exact["100005"] == "OrderNotFound" and exact["710006"] == "InsufficientFunds"


@pytest.mark.corpus
def test_success_codes_of_the_okx_rest_page_are_no_exception() -> None:
    page = fixture_bytes("okx/docs-v5-en-error-code-01-rest-api-public-2025-08-17.html")
    entries = parse("okx", page, "https://www.okx.com/docs-v5/en/#error-code-rest-api-public")
    documented = {e.code: e.message for e in entries if e.locale == "en"}
    assert documented["0"] == "" and "partially succeeded" in documented["2"]  # what the page says
    exact = export_map(items_from_entries(entries, exchange="okx"))["exact"]
    assert "0" not in exact and "2" not in exact
    assert exact["1"] == "ExchangeError"  # "Operation failed." is an error


@pytest.mark.parametrize(
    ("code", "message", "success"),
    [
        ("0", "", True),
        ("00000", "", True),
        ("0", "Success", True),
        ("200", "OK", True),
        ("2", "Bulk operation partially succeeded.", True),
        ("0", "成功", True),
        ("1", "", False),  # a code with no message is not thereby a success
        ("0", "Unknown error", False),
        (
            "50004",
            "API endpoint request timeout. (does not mean that the request was successful or failed, please check the request result).",
            False,
        ),
        ("50055", "Reset unsuccessful. Assets can only be reset up to 5 times per day.", False),
    ],
)
def test_success_rows(code: str, message: str, success: bool) -> None:
    assert is_success_row(code, message) is success


@pytest.mark.corpus
def test_a_repeated_code_takes_the_category_most_of_its_messages_have() -> None:
    by_code = {d.code: d for d in collect(items("kucoin"))}
    assert by_code["509"].categories == ("rate_limit", "unavailable")  # 3 of 4 messages
    assert by_code["400"].category == "invalid_parameter"  # a tie: the first listed
    assert by_code["509"].suggested == "RateLimitExceeded"


def test_codes_sort_numerically_then_as_text() -> None:
    codes = ["AMBIGUOUS_SYMBOL", "20000", "5001", "05001", "0", "-1013"]
    assert sorted(codes, key=code_key) == [
        "-1013",
        "0",
        "05001",
        "5001",
        "20000",
        "AMBIGUOUS_SYMBOL",
    ]


@pytest.mark.corpus
def test_py_export_is_a_python_literal_with_each_message_as_a_comment() -> None:
    text = render_export(items("kucoin"), "py", title="kucoin-ws")
    assert ast.literal_eval(text) == export_map(items("kucoin"))
    lines = text.splitlines()
    assert lines[0] == "# ccxt exception map generated by errata: kucoin-ws"
    assert (
        "        '400005': 'AuthenticationError',  # authentication · Invalid KC-API-SIGN." in lines
    )
    at = lines.index("        '400': 'BadRequest',  # invalid_parameter · topic is invalid")
    assert lines[at + 1] == "        # also: timeout · ping timeout"
    for _, message, _ in items("kucoin"):
        assert any(line.endswith(message) for line in lines), message


@pytest.mark.corpus
def test_json_export_is_the_map() -> None:
    assert json.loads(render_export(items("oxfun"), "json")) == export_map(items("oxfun"))


def test_a_hostile_message_or_code_cannot_break_out_of_the_py_export() -> None:
    hostile = [("1'\n]; import os #", HOSTILE, "other"), ("2", HOSTILE, "rate_limit")]
    text = render_export(hostile, "py", title=HOSTILE)
    assert ast.literal_eval(text) == {
        "exact": {"1'\n]; import os #": "ExchangeError", "2": "RateLimitExceeded"},
        "broad": {},
    }
    lines = text.split("\n")
    assert len(lines) == 9  # head, {, 'exact': {, two codes, }, 'broad', }, and the final ""
    assert all(line.isprintable() for line in lines)
    assert lines[0].startswith("# ccxt") and "<script>" in lines[0]
    assert lines[3].startswith("        '2': 'RateLimitExceeded',  # rate_limit · a b = 1 ")
    assert lines[3].endswith("<script>alert(1)</script> `x` | *y* z }")
    assert lines[4].startswith("        \"1'\\n]; import os #\": 'ExchangeError',  # other · a b")
    compile(text, "<export>", "eval")  # no statement smuggled in


@pytest.mark.corpus
def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown export format 'yaml'"):
        render_export(items("tickdb"), "yaml")  # type: ignore[arg-type]


# --- judging a mapped class -------------------------------------------------------------

JUDGEMENTS = [
    ("authentication", "AuthenticationError", "agree"),
    ("authentication", "InvalidNonce", "agree"),  # ccxt's class for a stale timestamp
    ("authentication", "AccountSuspended", "agree"),  # a subclass
    ("permission", "AuthenticationError", "agree"),  # a specific superclass
    ("permission", "AccountSuspended", "agree"),
    ("timeout", "NetworkError", "agree"),
    ("order_not_found", "InvalidOrder", "agree"),
    ("unknown_symbol", "BadRequest", "agree"),
    ("unavailable", "OnMaintenance", "agree"),
    ("internal_error", "ExchangeError", "agree"),
    ("internal_error", "ExchangeNotAvailable", "agree"),
    ("other", "BadRequest", "agree"),  # errata has no opinion
    ("rate_limit", "ExchangeError", "generic"),
    ("unavailable", "OperationFailed", "generic"),
    ("invalid_order", "BaseError", "generic"),
    ("authentication", "NotSupported", "disagree"),
    ("invalid_parameter", "AuthenticationError", "disagree"),
    ("internal_error", "BadRequest", "disagree"),
    ("insufficient_funds", "InvalidOrder", "disagree"),
    ("rate_limit", "NoSuchClass", "disagree"),  # not a ccxt class: a human should look
]


@pytest.mark.parametrize(
    ("category", "mapped", "verdict"), JUDGEMENTS, ids=[f"{c}-{m}" for c, m, _ in JUDGEMENTS]
)
def test_judge(category: str, mapped: str, verdict: str) -> None:
    assert judge(category, mapped) == verdict


def test_every_category_class_is_a_ccxt_class() -> None:
    assert all(ancestors(cls)[-1] == "BaseError" for cls in CCXT_CLASS.values())
    assert ancestors("OnMaintenance") == (
        "OnMaintenance",
        "ExchangeNotAvailable",
        "NetworkError",
        "OperationFailed",
        "BaseError",
    )
    assert ancestors("Nope") == ()
    assert expected_class("unavailable", "Server is busy") == "ExchangeNotAvailable"
    assert expected_class("unavailable", "closed for a service upgrade") == "OnMaintenance"


def test_a_code_with_several_meanings_agrees_when_one_fits() -> None:
    code = Documented(
        "400", (("topic is invalid", "invalid_parameter"), ("ping timeout", "timeout"))
    )
    assert code.judge("RequestTimeout") == "agree"
    assert code.judge("ExchangeError") == "generic"
    assert code.judge("InsufficientFunds") == "disagree"
    unplaced = Documented("7", (("Buffer is full", "other"), ("Too many requests", "rate_limit")))
    assert unplaced.category == "rate_limit"
    assert unplaced.judge("InsufficientFunds") == "disagree"  # "other" excuses nothing
    assert Documented("8", (("Buffer is full", "other"),)).judge("InsufficientFunds") == "agree"


# --- gap reports ------------------------------------------------------------------

HAND_WRITTEN_MAP = """{
  "exact": {
    "60005": "AuthenticationError",
    "60006": "InvalidNonce",
    "60014": "RateLimitExceeded",
    "4004": "NetworkError",
    "60013": "ExchangeError",
    "60012": "InsufficientFunds",
    "60010": "AuthenticationError",
    "59999": "BadRequest"
  },
  "broad": {"Parameter": "BadRequest"}
}"""
REMOVED_AT = {"60010": "2025-11-02"}


@pytest.mark.corpus
def test_gaps_against_a_hand_written_map() -> None:
    mapped = parse_map(json.loads(HAND_WRITTEN_MAP))
    report = gaps(items("okx"), mapped["exact"], REMOVED_AT, mapped_broad=mapped["broad"])
    assert report.counts() == {
        "documented": 40,
        "mapped": 8,
        "documented_and_mapped": 6,
        "agree": 4,  # 60005, 60006, 60014, 4004 (NetworkError for "No data received in 30s")
        "unmapped": 34,
        "unmapped_caught_by_broad": 2,  # 60027 and 60033 start with "Parameter"
        "disagree": 1,
        "generic": 1,
        "stale": 2,
        "stale_removed": 1,
        "stale_never_documented": 1,
    }
    assert [(g.code, g.category, g.mapped, g.expected) for g in report.disagree] == [
        ("60012", "invalid_parameter", "InsufficientFunds", "BadRequest")
    ]
    assert [(g.code, g.mapped, g.expected) for g in report.generic] == [
        ("60013", "ExchangeError", "BadRequest")
    ]
    assert [(s.code, s.removed_at) for s in report.stale] == [
        ("59999", None),
        ("60010", "2025-11-02"),
    ]
    caught = {g.code: g.broad for g in report.unmapped if g.broad}
    assert caught == {"60027": "Parameter → BadRequest", "60033": "Parameter → BadRequest"}
    first = report.unmapped[0]
    assert (first.code, first.category, first.expected, first.messages) == (
        "1009",
        "invalid_parameter",
        "BadRequest",
        ("Request message exceeds the maximum frame length",),
    )


@pytest.mark.corpus
def test_gaps_json_is_one_document_of_counts_and_lists() -> None:
    mapped = parse_map(json.loads(HAND_WRITTEN_MAP))
    data = gaps_json(gaps(items("okx"), mapped["exact"], REMOVED_AT))
    assert list(data) == ["counts", "unmapped", "disagree", "generic", "stale"]
    assert json.loads(json.dumps(data)) == data
    assert data["stale"] == [
        {"code": "59999", "mapped": "BadRequest", "removed_at": None, "status": "never documented"},
        {
            "code": "60010",
            "mapped": "AuthenticationError",
            "removed_at": "2025-11-02",
            "status": "removed",
        },
    ]
    assert data["disagree"] == [
        {
            "code": "60012",
            "message": "Invalid request",
            "messages": ["Invalid request"],
            "category": "invalid_parameter",
            "expected": "BadRequest",
            "mapped": "InsufficientFunds",
            "broad": None,
        }
    ]
    assert set(data["unmapped"][0]) == set(data["disagree"][0])


@pytest.mark.corpus
def test_gaps_markdown_lists_each_kind_of_gap() -> None:
    mapped = parse_map(json.loads(HAND_WRITTEN_MAP))
    text = gaps_markdown(gaps(items("okx"), mapped["exact"], REMOVED_AT), "okx-ws against a map")
    assert text.startswith("# okx-ws against a map\n\n40 documented codes, 8 mapped: 4 agree, ")
    assert (
        "- `60012` invalid_parameter: mapped `InsufficientFunds`, expected **BadRequest**: Invalid request"
        in text
    )
    assert "- `60013` invalid\\_parameter" not in text  # categories are ours, not escaped
    assert "- `60010` `AuthenticationError`: removed 2025-11-02" in text
    assert "## Mapped, never documented on the compared pages\n\n`59999`" in text
    assert "- `60033` invalid_parameter → **BadRequest**: Parameter {param0} error." in text


def test_gaps_markdown_escapes_page_text_and_map_class_names() -> None:
    documented = [("1", HOSTILE, "rate_limit"), ("2", "ok", "timeout")]
    mapped = {"1": "<img src=x onerror=alert(1)>", "9": "`Evil`"}
    text = gaps_markdown(gaps(documented, mapped, {"9": "<i>2026</i>"}), "<b>title</b>")
    assert text.startswith("# &lt;b>title&lt;/b>\n")
    assert "mapped `<img src=x onerror=alert(1)>`, expected" in text  # a code span: inert
    assert text.count("<img") == 1
    assert "&lt;script>alert(1)&lt;/script> \\`x\\` \\| \\*y\\*" in text
    assert "- `9` `` `Evil` ``: removed &lt;i>2026&lt;/i>" in text
    assert "\x00" not in text and "\u202e" not in text and "\u2028" not in text
    for line in text.splitlines():  # a message's line breaks stay inside its list item
        assert line == "" or line.startswith(("#", "- ", "    ", "3 documented", "2 documented"))


def test_gaps_markdown_shortens_a_long_never_documented_list() -> None:
    report = gaps(
        [("1", "Invalid sign", "authentication")], {str(c): "BadRequest" for c in range(100, 160)}
    )
    text = gaps_markdown(report, "t", max_listed=5)
    assert "`100`, `101`, `102`, `103`, `104` … and 55 more" in text


# --- existing maps ------------------------------------------------------------------


class BadSymbol(Exception):
    """Stands in for ccxt's class: the map may hold classes, not names."""


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"1": "BadRequest"}, {"exact": {"1": "BadRequest"}, "broad": {}}),
        ({"exact": {"1": BadSymbol}}, {"exact": {"1": "BadSymbol"}, "broad": {}}),
        (
            {"exact": {"1": ["BadRequest", "a note"]}, "broad": {"busy": "OnMaintenance"}},
            {"exact": {"1": "BadRequest"}, "broad": {"busy": "OnMaintenance"}},
        ),
        (
            {"exact": {"1": "A"}, "spot": {"exact": {"1": "B", "2": "C"}}, "linear": {"broad": {}}},
            {"exact": {"1": "A", "2": "C"}, "broad": {}},
        ),
    ],
    ids=["flat", "class-objects", "class-and-note", "market-sections"],
)
def test_parse_map_normalises_the_shapes_ccxt_uses(data: object, expected: object) -> None:
    assert parse_map(data) == expected


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "must be an object, not list"),
        ({"exact": ["1"]}, "'exact' must map codes to class names, not list"),
        ({"exact": {"1": 3}}, "exact '1' must name an exception class, not 3"),
        ({"1": ""}, "exact '1' must name an exception class"),
    ],
    ids=["list", "exact-list", "number", "empty-name"],
)
def test_parse_map_refuses_what_is_no_map(data: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_map(data)


def test_without_ccxt_the_loader_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ccxt", None)  # makes `import ccxt` fail
    with pytest.raises(ImportError, match=r"pip install 'errata\[ccxt\]'"):
        installed_ccxt_exceptions("okx")


# --- the real ccxt package --------------------------------------------------------

NO_CCXT = (
    "the optional ccxt package is not installed (pip install 'errata-watch[ccxt]'); "
    "the gap report against ccxt's own exception maps needs it"
)


def test_the_class_tree_is_ccxts() -> None:
    errors = pytest.importorskip("ccxt.base.errors", reason=NO_CCXT)

    def walk(tree: Mapping[str, Any], parent: str | None) -> dict[str, str]:
        found = {name: parent for name in tree if parent}
        for name, children in tree.items():
            found |= walk(children, name)
        return found

    assert walk(errors.error_hierarchy, None) == CCXT_PARENT


@pytest.mark.parametrize("exchange", ["okx", "kucoin"])
def test_gaps_against_the_installed_ccxt(exchange: str) -> None:
    ccxt = pytest.importorskip("ccxt", reason=NO_CCXT)
    mapped = installed_ccxt_exceptions(exchange)
    report = gaps(items(exchange), mapped["exact"], mapped_broad=mapped["broad"])
    documented = {code for code, _, _ in items(exchange)}
    assert {g.code for g in report.unmapped} == documented - set(mapped["exact"])
    assert {s.code for s in report.stale} == set(mapped["exact"]) - documented
    c = report.counts()
    assert c["agree"] + c["disagree"] + c["generic"] == c["documented_and_mapped"]
    if ccxt.__version__ == "4.5.90":  # measured when this was written
        expected = {"okx": (40, 37, 36, 1, 0), "kucoin": (42, 20, 16, 4, 0)}[exchange]
        got = (c["documented"], c["documented_and_mapped"], c["agree"], c["disagree"], c["generic"])
        assert got == expected


def test_an_exchange_ccxt_lacks_is_a_clear_error() -> None:
    ccxt = pytest.importorskip("ccxt", reason=NO_CCXT)
    with pytest.raises(ValueError, match=f"ccxt {ccxt.__version__} has no exchange 'tickdb'"):
        installed_ccxt_exceptions("tickdb")
