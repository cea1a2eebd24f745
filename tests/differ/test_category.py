"""Categories, on real messages: every rule is shown to fire on a page from the fixtures.

Each case parses a fixture page with the project's parser, takes the entry
with that code (and locale, and message fragment where a code repeats) and
checks its category. Order-sensitive cases ("specific beats generic") say so
in their id.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from errata.differ import category
from errata.differ.category import (
    CATEGORIES,
    RANGES,
    RULE_SOURCES,
    RULES,
    CodeRange,
    categorize,
    explain,
    is_success,
    validate_overrides,
)
from errata.parsers import Entry, parse
from tests.parsers.test_golden import CASES as GOLDEN_CASES
from tests.support import fixture_bytes


@dataclass(frozen=True)
class Page:
    fixture: str
    parser: str
    url: str
    exchange: str


PAGES = {
    "okx-ws": Page(
        "okx/seed-000-error-code-websocket-2026-01-15.txt",
        "okx",
        "https://www.okx.com/docs-v5/en/#error-code-websocket",
        "okx",
    ),
    "kucoin-ws": Page(
        "kucoin/seed-001-docs-new-error-code-websocket-2026-03-04.txt",
        "kucoin",
        "https://www.kucoin.com/docs-new/error-code/websocket",
        "kucoin",
    ),
    "tickdb": Page(
        "tickdb/errors-2026-01-21.md", "tickdb", "https://docs.tickdb.ai/en/errors.md", "tickdb"
    ),
    "oxfun-ws": Page(
        "oxfun/seed-003-error-codes.txt",
        "oxfun",
        "https://docs.ox.fun/api/websocket/error-codes",
        "oxfun",
    ),
    "okx-rest": Page(
        "okx/docs-v5-en-error-code-01-rest-api-public-2025-08-17.html", "okx", "", "okx"
    ),
}
SEEDS = ("okx-ws", "kucoin-ws", "tickdb", "oxfun-ws")


@cache
def entries(page: str) -> tuple[Entry, ...]:
    p = PAGES[page]
    return tuple(parse(p.parser, fixture_bytes(p.fixture), p.url))


def entry(page: str, code: str, locale: str = "en", contains: str = "") -> Entry:
    found = [
        e for e in entries(page) if e.code == code and e.locale == locale and contains in e.message
    ]
    assert found, f"{page} has no {locale} entry {code} containing {contains!r}"
    return found[0]


@dataclass(frozen=True)
class Case:
    page: str
    code: str
    category: str
    why: str  # the id: what the case shows
    locale: str = "en"
    contains: str = ""


C = Case
CASES = [
    # order_not_found, before invalid_order
    C("okx-rest", "51603", "order_not_found", "order-does-not-exist"),
    C("okx-rest", "51063", "order_not_found", "ordid-does-not-exist"),
    C("okx-rest", "51400", "order_not_found", "order-filled-canceled-or-does-not-exist", contains="has been filled"),
    C("oxfun-ws", "100005", "order_not_found", "open-order-not-found"),
    C("oxfun-ws", "100006", "order_not_found", "order-not-owned"),
    # insufficient_funds, before invalid_order ("Order failed. …")
    C("oxfun-ws", "710006", "insufficient_funds", "insufficient-balance"),
    C("oxfun-ws", "710005", "insufficient_funds", "insufficient-margin"),
    C("okx-rest", "51008", "insufficient_funds", "order-failed-insufficient-balance", contains="balance in account"),
    C("okx-rest", "51008", "insufficient_funds", "balance-is-insufficient", contains="available balance is insufficient"),
    # market_closed, before unknown_symbol ("marketCode")
    C("oxfun-ws", "20031", "market_closed", "marketcode-closed-for-trading"),
    C("oxfun-ws", "200050", "market_closed", "market-not-active"),
    C("okx-rest", "51022", "market_closed", "contract-suspended"),
    # unknown_symbol
    C("tickdb", "2002", "unknown_symbol", "symbol-not-found"),
    C("oxfun-ws", "20015", "unknown_symbol", "marketcode-is-invalid"),
    C("okx-rest", "51001", "unknown_symbol", "instrument-id-doesnt-exist"),
    # rate_limit, before authentication ("login", "APIKey")
    C("okx-ws", "60014", "rate_limit", "requests-too-frequent"),
    C("okx-ws", "60023", "rate_limit", "bulk-login-requests-too-frequent"),
    C("okx-ws", "4003", "rate_limit", "apikey-subscription-amount-exceeds"),
    C("okx-ws", "4008", "rate_limit", "subscribed-channels-exceed"),
    C("kucoin-ws", "429000", "rate_limit", "too-many-requests"),
    C("kucoin-ws", "509", "rate_limit", "exceed-max-permits", contains="permits"),
    C("kucoin-ws", "509", "rate_limit", "exceed-max-subscription-count", contains="100 per time"),
    C("tickdb", "3001", "rate_limit", "rate-limit-exceeded"),
    C("tickdb", "3002", "rate_limit", "quota-exhausted"),
    C("tickdb", "3003", "rate_limit", "connection-limit-exceeded"),
    C("oxfun-ws", "20007", "rate_limit", "accessing-server-too-rapidly"),
    C("okx-ws", "60014", "rate_limit", "zh-request-frequency", locale="zh"),
    C("okx-ws", "4009", "rate_limit", "zh-over-limit", locale="zh"),
    # timeout
    C("kucoin-ws", "504000", "timeout", "gateway-timeout"),
    C("kucoin-ws", "400", "timeout", "ping-timeout", contains="ping"),
    C("kucoin-ws", "400012", "timeout", "session-verification-timed-out"),
    C("okx-ws", "4004", "timeout", "no-data-received"),
    C("oxfun-ws", "20032", "timeout", "timeout-in-server-side"),
    C("okx-ws", "4004", "timeout", "zh-idle-timeout", locale="zh"),
    # permission, before insufficient_funds, unavailable and authentication
    C("tickdb", "1004", "permission", "insufficient-permissions"),
    C("tickdb", "1003", "permission", "ip-not-in-whitelist"),
    C("kucoin-ws", "400007", "permission", "access-denied"),
    C("kucoin-ws", "400202", "permission", "invalid-request-ip"),
    C("kucoin-ws", "400301", "permission", "restricted-by-local-laws"),
    C("kucoin-ws", "400302", "permission", "services-unavailable-in-your-region"),
    C("kucoin-ws", "400303", "permission", "identity-verification-required"),
    C("kucoin-ws", "400304", "permission", "log-in-for-identity-verification"),
    C("kucoin-ws", "411200", "permission", "url-in-blacklist"),
    C("okx-ws", "60029", "permission", "vip6-only"),
    C("okx-ws", "64003", "permission", "fee-tier"),
    C("oxfun-ws", "05001", "permission", "operation-authority"),
    C("okx-rest", "50007", "permission", "user-blocked"),
    C("okx-ws", "64003", "permission", "zh-fee-tier", locale="zh"),
    # internal_error, before authentication ("Login failed due to internal error")
    C("kucoin-ws", "500000", "internal_error", "internal-server-error"),
    C("kucoin-ws", "500", "internal_error", "system-error"),
    C("oxfun-ws", "20001", "internal_error", "contact-system-administrator"),
    C("oxfun-ws", "710001", "internal_error", "system-failure-exception-thrown"),
    C("okx-ws", "63999", "internal_error", "login-failed-internal-error"),
    C("okx-ws", "63999", "internal_error", "zh-internal-error", locale="zh"),
    # unavailable
    C("kucoin-ws", "503000", "unavailable", "server-is-busy"),
    C("kucoin-ws", "509", "unavailable", "service-busy", contains="busy"),
    C("kucoin-ws", "501000", "unavailable", "service-stopped-running"),
    C("tickdb", "5002", "unavailable", "service-temporarily-unavailable"),
    C("tickdb", "5001", "unavailable", "data-source-unavailable"),
    C("tickdb", "4003", "unavailable", "depth-subscription-unavailable"),
    C("oxfun-ws", "000101", "unavailable", "internal-server-unavailable-not-internal-error"),
    C("okx-ws", "64008", "unavailable", "service-upgrade"),
    C("okx-ws", "64008", "unavailable", "zh-service-upgrade", locale="zh"),
    # authentication
    C("okx-ws", "60005", "authentication", "invalid-apikey"),
    C("okx-ws", "60007", "authentication", "invalid-sign"),
    C("okx-ws", "60006", "authentication", "timestamp-request-expired"),
    C("okx-ws", "60004", "authentication", "invalid-timestamp"),
    C("okx-ws", "60011", "authentication", "please-log-in"),
    C("okx-ws", "60024", "authentication", "wrong-passphrase"),
    C("okx-ws", "60032", "authentication", "api-key-doesnt-exist"),
    C("kucoin-ws", "400005", "authentication", "invalid-kc-api-sign"),
    C("kucoin-ws", "401", "authentication", "token-is-invalid"),
    C("kucoin-ws", "400401", "authentication", "authorization-required"),
    C("tickdb", "1001", "authentication", "invalid-or-expired-api-key"),
    C("oxfun-ws", "20000", "authentication", "signature-is-invalid"),
    C("oxfun-ws", "20005", "authentication", "already-logged-in"),
    C("oxfun-ws", "100015", "authentication", "recvwindow-expired"),
    C("okx-ws", "60007", "authentication", "zh-invalid-signature", locale="zh"),
    C("okx-ws", "60024", "authentication", "zh-passphrase", locale="zh"),
    # invalid_order, before invalid_parameter; not rate_limit for "exceeds the limit"
    C("oxfun-ws", "20021", "invalid_order", "price-is-invalid"),
    C("oxfun-ws", "20006", "invalid_order", "quantity-must-be-positive"),
    C("oxfun-ws", "20013", "invalid_order", "ordertype-is-required"),
    C("oxfun-ws", "710004", "invalid_order", "position-quantity-exceeds-limit"),
    # invalid_parameter: the last resort before other
    C("okx-ws", "60013", "invalid_parameter", "invalid-args"),
    C("okx-ws", "60012", "invalid_parameter", "invalid-request"),
    C("okx-ws", "60027", "invalid_parameter", "parameter-can-not-be-empty"),
    C("okx-ws", "60018", "invalid_parameter", "wrong-url"),
    C("okx-ws", "60028", "invalid_parameter", "not-supported-by-this-url"),
    C("okx-ws", "64000", "invalid_parameter", "parameter-unavailable-anymore-not-unavailable"),
    C("okx-ws", "64004", "invalid_parameter", "not-allowed"),
    C("okx-ws", "1009", "invalid_parameter", "exceeds-maximum-frame-length-not-rate-limit"),
    C("kucoin-ws", "406", "invalid_parameter", "topic-is-required"),
    C("kucoin-ws", "404", "invalid_parameter", "topic-does-not-exist"),
    C("kucoin-ws", "400001", "invalid_parameter", "check-the-url"),
    C("tickdb", "4001", "invalid_parameter", "unknown-command"),
    C("tickdb", "2003", "invalid_parameter", "invalid-time-range-not-timeout"),
    C("oxfun-ws", "20009", "invalid_parameter", "json-format-invalid"),
    C("oxfun-ws", "20002", "invalid_parameter", "request-data-specification"),
    C("okx-rest", "50002", "invalid_parameter", "json-syntax-error"),
    C("okx-ws", "60013", "invalid_parameter", "zh-invalid-args", locale="zh"),
    # other: no rule claims these
    C("okx-ws", "4005", "other", "buffer-is-full"),
    C("okx-ws", "4006", "other", "abnormal-disconnection"),
    C("kucoin-ws", "420002", "other", "error-receiving-data"),
]  # fmt: skip


@pytest.mark.corpus
@pytest.mark.parametrize(
    "case", CASES, ids=[f"{c.category}--{c.page}-{c.code}-{c.why}" for c in CASES]
)
def test_real_message_gets_its_category(case: Case) -> None:
    found = entry(case.page, case.code, case.locale, case.contains)
    verdict = explain(found.code, found.message, exchange=PAGES[case.page].exchange)
    assert (verdict.category, verdict.via) == (
        case.category,
        "rule" if case.category != "other" else "default",
    ), found.message


def test_every_rule_has_a_case() -> None:
    assert {c.category for c in CASES} == {category for category, _ in RULES} | {"other"}
    assert [category for category, _ in RULES] == [category for category, _ in RULE_SOURCES]
    assert set(CATEGORIES) == {category for category, _ in RULES} | {"other"}


@cache
def corpus() -> tuple[str, ...]:
    """Every message of every fixture page, through the project's parsers."""
    return tuple(
        sorted(
            {
                e.message
                for case in GOLDEN_CASES
                for e in parse(case.parser, fixture_bytes(case.fixture), case.url)
            }
        )
    )


ALTERNATIVES = [
    (category, i, alternative)
    for category, alternatives in RULE_SOURCES
    for i, alternative in enumerate(alternatives)
]


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("category", "alternative"),
    [(c, a) for c, _, a in ALTERNATIVES],
    ids=[f"{c}-{i}" for c, i, _ in ALTERNATIVES],
)
def test_no_rule_alternative_is_dead(category: str, alternative: str) -> None:
    """Each alternative of each rule decides at least one real message of the fixtures."""
    pattern = re.compile(alternative, re.IGNORECASE)
    decided = [m for m in corpus() if pattern.search(m) and categorize("", m) == category]
    assert decided, f"no fixture message is categorised {category} through {alternative!r}"


@pytest.mark.corpus
@pytest.mark.parametrize("block", RANGES, ids=[f"{r.exchange}-{r.category}" for r in RANGES])
def test_each_code_range_is_on_its_page_and_agrees_with_a_message_there(
    block: CodeRange,
) -> None:
    """A range is used only when no message rule matches; it must be a real heading."""
    page = {"kucoin": "kucoin-ws", "tickdb": "tickdb"}[block.exchange]
    assert block.heading.encode() in fixture_bytes(PAGES[page].fixture)
    in_range = [e for e in entries(page) if block.pattern.fullmatch(e.code)]
    assert in_range, f"no code of {page} in {block.heading}"
    assert all(categorize(e.code, "", exchange=block.exchange) == block.category for e in in_range)
    assert block.category in {categorize(e.code, e.message) for e in in_range}


@pytest.mark.corpus
def test_a_range_decides_only_what_no_rule_does() -> None:
    unknown = entry("kucoin-ws", "505000")  # "Unknown error." under "9. Server Errors (5xxxxx)"
    assert explain(unknown.code, unknown.message, exchange="kucoin") == (
        "internal_error",
        "range",
        "9. Server Errors (5xxxxx)",
    )
    assert categorize(unknown.code, unknown.message) == "other"  # no exchange, no range
    busy = entry("kucoin-ws", "503000")
    assert categorize(busy.code, busy.message, exchange="KuCoin") == "unavailable"


# Measured on the fixtures when the rules were written (success rows left out):
# okx-ws 4/80 other (5.0 %: 4005 and 4006, English and Chinese), kucoin-ws 2/47
# (4.3 %: 400200 "Unknown partner.", 420002), tickdb 0/19, oxfun-ws 0/54.
OTHER_BOUND = 0.10
# The OKX REST section (984 rows over eleven tables) was not the target: 35 % other.
REST_OTHER_BOUND = 0.40


@pytest.mark.corpus
@pytest.mark.parametrize("page", SEEDS)
def test_few_seed_page_entries_fall_to_other(page: str) -> None:
    rows = [e for e in entries(page) if not is_success(e.message)]
    exchange = PAGES[page].exchange
    other = [e for e in rows if categorize(e.code, e.message, exchange=exchange) == "other"]
    assert len(other) / len(rows) <= OTHER_BOUND, [(e.code, e.message) for e in other]


@pytest.mark.corpus
def test_okx_rest_pages_stay_mostly_categorised() -> None:
    rest = [c for c in GOLDEN_CASES if "rest-api" in c.fixture]
    rows = [e for c in rest for e in parse(c.parser, fixture_bytes(c.fixture), c.url)]
    other = sum(categorize(e.code, e.message, exchange="okx") == "other" for e in rows)
    assert len(rows) == 984
    assert other / len(rows) <= REST_OTHER_BOUND


@pytest.mark.corpus
def test_success_rows_are_recognised() -> None:
    assert is_success(entry("tickdb", "0").message)
    assert not any(is_success(e.message) for e in entries("okx-ws"))


@pytest.mark.corpus
def test_an_override_beats_every_rule() -> None:
    found = entry("okx-ws", "4005")  # Buffer is full, cannot write data
    overrides = validate_overrides({"4005": "unavailable", 60014: "other"})
    assert categorize(found.code, found.message, overrides=overrides) == "unavailable"
    assert categorize("60014", "Requests too frequent", overrides=overrides) == "other"
    assert explain("4005", found.message, overrides=overrides).via == "override"


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"60014": "ratelimit"}, "unknown category 'ratelimit' for code '60014'"),
        ({"60014": 3}, "unknown category 3 for code '60014'"),
        (["60014"], "must be a table of code = category"),
    ],
    ids=["misspelt", "not-a-string", "not-a-table"],
)
def test_bad_overrides_are_refused_in_one_line(mapping: object, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)) as error:
        validate_overrides(mapping)  # type: ignore[arg-type]
    assert "\n" not in str(error.value)
    assert "known: authentication, permission" in str(error.value) or "table" in message


def test_categorize_rejects_a_bad_override_it_is_handed() -> None:
    with pytest.raises(ValueError, match="unknown category 'nope'"):
        categorize("1", "x", overrides={"1": "nope"})


# --- screening (speed only): the first rule that matches, exactly as trying each in turn ---


def first_rule_in_turn(message: str) -> str:
    """The definition the screened, cached lookup must agree with."""
    return next((category for category, pattern in RULES if pattern.search(message)), "other")


LOOKALIKE_SWAPS = str.maketrans({"i": "\u0131", "I": "\u0130", "s": "\u017f", "k": "\u212a"})


@pytest.mark.corpus
def test_screening_never_changes_a_category_of_a_real_message() -> None:
    variants = [
        variant
        for message in corpus()
        for variant in (
            message,
            message.upper(),
            message.title(),
            message.translate(LOOKALIKE_SWAPS),
        )
    ]
    assert [categorize("", m) for m in variants] == [first_rule_in_turn(m) for m in variants]


# Words the rules look for, cut and glued: the places where a screen could be too strict.
RULE_WORDS = {
    w
    for _, alternatives in RULE_SOURCES
    for a in alternatives
    for w in re.findall(r"[A-Za-z]{2,}(?: [A-Za-z]+)*|[^\x00-\x7f]+", a)
}
EDGES = [" ", ".", "-", "_", "{param0}", "IP", "KC-API-", "VIP6", *category._ASCII_LOOKALIKES]
PIECES = st.sampled_from([*sorted(RULE_WORDS), *EDGES])


@settings(max_examples=400, deadline=None)
@given(
    st.lists(PIECES | st.text(max_size=3), max_size=8),
    st.sampled_from([str.lower, str.upper, str.title]),
)
def test_screening_never_changes_a_category_of_any_message(pieces: list[str], case: object) -> None:
    message = case("".join(pieces))  # type: ignore[operator]
    assert categorize("", message) == first_rule_in_turn(message)


def test_lookalikes_are_every_non_ascii_character_matching_an_ascii_letter() -> None:
    """The characters for which lower-casing would hide a match from the screens."""
    letter = re.compile("[a-z]", re.IGNORECASE)
    found = {chr(c) for c in range(128, sys.maxunicode + 1) if letter.match(chr(c))}
    assert found == set(category._ASCII_LOOKALIKES)
