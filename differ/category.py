"""Categories: what kind of failure a documented error code is, across exchanges.

An SDK maps each error code to an exception class; the class follows from what
the error *means* (bad credentials, too many requests, order gone …), and that
meaning is written in the message, in any exchange's own words. So the
category of an entry is derived, in this order:

1. a per-code override from the configuration (a human had the last word);
2. the first message rule in ``RULES`` that matches (English, plus the Chinese
   phrasing of the OKX pages), rules ordered so that the specific beats the
   generic: "order does not exist" is ``order_not_found`` before anything
   about orders is ``invalid_order``, and "invalid" alone is the last resort;
3. the code range the exchange's own page puts the code under (``RANGES``,
   only ranges a real page documents, with the heading quoted);
4. ``other``.

Message rules come before ranges because a message is more precise than the
heading above it: TickDB files "Insufficient permissions" under
"Authentication Errors (1xxx)", KuCoin files "Server is busy" under
"Server Errors (5xxxxx)". Pure data and functions: no I/O.

Speed: a first night categorises tens of thousands of messages, and trying
twelve case-insensitive alternations in turn costs ~60 µs a message. So each
rule also has a screen, derived from its own pattern: the literal words one of
which every match must contain ("order", "insufficient" …). A rule whose screen
finds none of them in the lower-cased message cannot match and is not tried,
and most messages are then decided by a couple of plain substring scans. The
answer per message is also cached, since messages repeat across pages.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

CATEGORIES: tuple[str, ...] = (
    "authentication",
    "permission",
    "rate_limit",
    "invalid_parameter",
    "unknown_symbol",
    "insufficient_funds",
    "order_not_found",
    "invalid_order",
    "market_closed",
    "unavailable",
    "timeout",
    "internal_error",
    "other",
)
DEFAULT_CATEGORY = "other"


def _rule(category: str, *alternatives: str) -> tuple[str, tuple[str, ...]]:
    assert category in CATEGORIES, category
    return category, alternatives


# First match wins. Each alternative is exercised by a real message from the
# fixtures in tests/differ/test_category.py; the comment names one.
RULE_SOURCES: tuple[tuple[str, tuple[str, ...]], ...] = (
    _rule(
        "order_not_found",
        r"\border\b[^.]{0,40}\b(?:does not|doesn't|not) exist",  # OKX 51603 Order does not exist.
        r"\bord(?:er)?\s?id\b[^.]{0,20}\b(?:does not|doesn't|not) exist",  # OKX 51063 OrdId does not exist
        r"\border\b[^.]{0,20}\bnot found",  # OX.FUN 100005 Open order not found
        r"\border is not owned",  # OX.FUN 100006 Open order is not owned by the user
    ),
    _rule(
        "insufficient_funds",
        r"\binsufficient\b[^.]{0,30}\b(?:balance|margin|funds?|equity|assets?)\b",  # OX.FUN 710006
        r"\b(?:balance|margin|funds)\b[^.]{0,20}\b(?:insufficient|not enough)",  # OKX 51008
    ),
    _rule(
        "market_closed",
        r"\b(?:market|marketCode|trading)\b[^.]{0,20}\b(?:closed|not active|inactive|halted)\b",  # OX.FUN 200050
        # OKX 51022 Contract suspended.; 51021 The pair or contract is not yet listed
        r"\b(?:contract|pair)\b[^.]{0,20}\b(?:suspended|expired|not yet listed|under delivery|being settled)\b",
    ),
    _rule(
        "unknown_symbol",
        # TickDB 2002 Symbol not found; OX.FUN 20015 marketCode is invalid
        r"\b(?:instrument|symbol|market ?code|trading pair|inst ?id)s?\b(?: id)?[^.]{0,30}"
        r"\b(?:not found|(?:does not|doesn't|not) exist|invalid|unknown|delisted)",
        r"\b(?:unknown|invalid) (?:symbol|instrument|trading pair)",
    ),
    _rule(
        "rate_limit",
        r"rate limit",  # TickDB 3001 Rate limit exceeded
        r"\btoo (?:many|frequent|rapidly|fast)\b",  # KuCoin 429000 Too many requests …
        r"\b(?:requests?|operations?) (?:are |is )?too frequent",  # OKX 60014 Requests too frequent
        r"\bfrequency\b",  # KuCoin (ccxt broad) Exceeded the access frequency
        r"\bquota (?:exhausted|exceeded)",  # TickDB 3002 Quota exhausted
        r"\b(?:connection|subscription|request|session) limit",  # TickDB 3003 Connection limit exceeded
        # OKX 4003 APIKey subscription amount exceeds the limit 100
        r"\b(?:subscriptions?|subscribed|connections?|channels?)\b[^.]{0,40}\bexceed",
        r"\bexceed\w* max\w* (?:subscription|session|connection|permits)",  # KuCoin 509
        r"频率|频繁|过快|超限|超过[^，。]{0,10}限|多于\d+",  # OKX zh 60014
    ),
    _rule(
        "timeout",
        r"\btime ?out\b|\btimed out\b",  # KuCoin 504000 Gateway timeout.
        r"\bno data received\b",  # OKX 4004 No data received in 30s
        r"超时",
    ),
    _rule(
        "permission",
        r"permission",  # TickDB 1004 Insufficient permissions
        r"\baccess denied\b|\bforbidden\b",
        r"white ?list|black ?list",  # TickDB 1003 IP not in whitelist
        r"\bIP\b",  # KuCoin 400202 Invalid request IP.
        r"\brestricted\b|\bregions?\b",  # KuCoin 400301 Operation restricted due to local laws …
        r"\bVIP\d|\bfee tier\b",  # OKX 60029 Only users who are VIP6 and above …
        r"\bidentity verification\b|\bKYC\b",  # KuCoin 400303
        r"\bauthority\b|\baccount status\b",  # OX.FUN 05001 Your operation authority is invalid
        r"\b(?:account|user|api)\b[^.]{0,30}\b(?:frozen|blocked|suspended)\b",  # OKX 50007 User blocked.
        r"权限|白名单|黑名单|VIP|费等级",
    ),
    _rule(
        "internal_error",
        r"\binternal (?:server )?error\b",  # KuCoin 500000 Internal server error.
        r"\bsystem (?:error|failure)\b",  # KuCoin 500 system error
        r"\bcontact (?:the |our )?(?:system )?administrator\b",  # OX.FUN 20001
        r"\bexception thrown\b",
        r"内部错误|系统错误",
    ),
    _rule(
        "unavailable",
        r"\bmaintenance\b|\bupgrad(?:e|ing)\b",  # OKX 64008 … closed for a service upgrade
        r"\bbusy\b",  # KuCoin 503000 Server is busy. Please retry later.
        # TickDB 5002 Service temporarily unavailable; OX.FUN 000101
        r"\b(?:service|server|system|data source|endpoint)s?\b[^.]{0,30}\b(?:unavailable|not available)\b",
        r"\bsubscription unavailable\b",  # TickDB 4003 Depth subscription unavailable
        r"\bstopped running\b",  # KuCoin 501000 The service has stopped running.
        r"维护|升级|繁忙",
    ),
    _rule(
        "authentication",
        r"\bapi[ -]?keys?\b|\bKC-API-",  # OKX 60005 Invalid apiKey; KuCoin 400005 Invalid KC-API-SIGN.
        r"\bsign(?:ature)?\b",  # OKX 60007 Invalid sign
        r"\bpassphrase\b",  # OKX 60024 Wrong passphrase
        r"\btimestamp\b|\brecv ?window\b|\bnonce\b",  # OKX 60006 Timestamp request expired
        r"\blog ?in\b|\blogins?\b|\blogged in\b",  # OKX 60011 Please log in
        r"\btoken\b",  # KuCoin 401 token is invalid
        r"\bauthori[sz]ation\b|\bauthenticat\w*|\bunauthori[sz]ed\b",  # KuCoin 400401
        r"登录|签名|时间戳|passphrase|api ?key",  # OKX zh 60024 passphrase不正确
    ),
    _rule(
        "invalid_order",
        # OX.FUN 20021 price is invalid; 20006 Quantity must be greater than zero
        r"\b(?:orders?|ordType|orderType|orderId|ordId|clientOrderId|clOrdId|price|stopPrice"
        r"|limitPrice|quantity|qty|size|side|timeInForce|triggerType|position|bids?|offers?)\b",
    ),
    _rule(
        "invalid_parameter",
        r"\binvalid\b",  # OKX 60012 Invalid request
        r"\bparam(?:eter)?s?\b|\{param\d*\}|\bargs?\b|\barguments?\b",  # OKX 60013 Invalid args
        r"\brequired\b|\bcan ?not be empty\b|\bmust be\b",  # KuCoin 406 topic is required
        r"\bwrong\b|\bunrecogni[sz]ed\b|\bunknown (?:command|op\w*)\b",  # TickDB 4001 Unknown command
        r"\bnot supported\b|\bdoes not support\b|\bnot allowed\b|\bdoes not allow\b",
        r"\bformat\b|\bsyntax\b|\bURL\b|\brequest data\b",  # KuCoin 400001 Please check the URL …
        r"\b(?:does not|doesn't|not) exist\b",  # KuCoin 404 topic does not exist
        r"\bmaximum (?:frame )?length\b",  # OKX 1009 Request message exceeds the maximum frame length
        r"参数|不合法|无效|不支持|不允许|不存在|地址|过大",
    ),
)


# One rule: any of the alternatives, anywhere in the message, in any case.
RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (category, re.compile("|".join(f"(?:{a})" for a in alternatives), re.IGNORECASE))
    for category, alternatives in RULE_SOURCES
)


# --- screening: which rules can match at all ------------------------------------

_SRE: Any = importlib.import_module("re._parser")  # the re module's own parser: exact by definition
# Characters outside ASCII that a case-insensitive pattern matches to an ASCII
# letter (İ ı ſ K): lower-casing does not map them, so a message holding one is
# not screened (tests/differ/test_category.py recomputes this set).
_ASCII_LOOKALIKES = "\u0130\u0131\u017f\u212a"
_LOOKALIKE = re.compile(f"[{_ASCII_LOOKALIKES}]")


def _needles(items: Sequence[tuple[Any, Any]]) -> frozenset[str] | None:
    """Lower-cased strings, one of which any match of this parsed pattern contains; None if unknown.

    A run of literal characters must appear as it is; a group or a repeat of at
    least one passes its own needles up; a branch needs one of its arms'. Of the
    candidates, the one whose shortest needle is longest screens best.
    """
    candidates: list[frozenset[str]] = []
    run: list[str] = []
    for op, value in items:
        if op is _SRE.LITERAL and (
            chr(value).isascii() or chr(value).lower() == chr(value).upper()
        ):
            run.append(chr(value).lower())
            continue
        if run:
            candidates.append(frozenset(["".join(run)]))
            run = []
        inner = _inner_needles(op, value)
        if inner:
            candidates.append(inner)
    if run:
        candidates.append(frozenset(["".join(run)]))
    return max(candidates, key=lambda found: min(map(len, found)), default=None)


def _inner_needles(op: Any, value: Any) -> frozenset[str] | None:
    if op is _SRE.SUBPATTERN:
        return _needles(value[3])
    if op is _SRE.ATOMIC_GROUP:
        return _needles(value)
    if op in (_SRE.MAX_REPEAT, _SRE.MIN_REPEAT, _SRE.POSSESSIVE_REPEAT) and value[0] >= 1:
        return _needles(value[2])
    if op is _SRE.BRANCH:
        arms = [_needles(arm) for arm in value[1]]
        return None if not arms or None in arms else frozenset().union(*arms)  # type: ignore[arg-type]
    return None  # a class, an anchor, a look-around: nothing certain


def _screen(alternatives: Iterable[str]) -> re.Pattern[str] | None:
    """A search over the lower-cased message that finds something whenever the rule can match."""
    needles: set[str] = set()
    for alternative in alternatives:
        found = _needles(list(_SRE.parse(alternative, re.IGNORECASE)))
        if not found:
            return None
        needles |= found
    needed = [
        n for n in needles if not any(m != n and m in n for m in needles)
    ]  # "order" covers "orderid"
    return re.compile("|".join(re.escape(n) for n in sorted(needed, key=len, reverse=True)))


@functools.cache
def _screens() -> tuple[tuple[re.Pattern[str] | None, ...], re.Pattern[str] | None]:
    """Each rule's screen, and one for any rule; built on first use, not at every start."""
    screens = tuple(_screen(alternatives) for _, alternatives in RULE_SOURCES)
    if None in screens:
        return screens, None
    return screens, re.compile("|".join(f"(?:{s.pattern})" for s in screens if s is not None))


@functools.lru_cache(maxsize=1 << 16)
def _first_rule(message: str) -> int | None:
    """The index in ``RULES`` of the first rule that matches ``message``, or None."""
    screens, any_screen = _screens()
    folded = None if _LOOKALIKE.search(message) else message.lower()
    if folded is not None and any_screen is not None and not any_screen.search(folded):
        return None
    for index, (_, pattern) in enumerate(RULES):
        screen = screens[index]
        if folded is not None and screen is not None and not screen.search(folded):
            continue
        if pattern.search(message):
            return index
    return None


class CodeRange(NamedTuple):
    """A block of codes an exchange's page files under one heading."""

    exchange: str
    pattern: re.Pattern[str]
    category: str
    heading: str  # the page's own words, so the range can be checked against the page


def _range(exchange: str, pattern: str, category: str, heading: str) -> CodeRange:
    assert category in CATEGORIES, category
    return CodeRange(exchange, re.compile(pattern), category, heading)


# Only ranges a real page documents. OKX numbers its codes by product area
# ("Error Code from 58000 to 58999" is Funding), not by kind, so none here;
# OX.FUN documents no ranges.
RANGES: tuple[CodeRange, ...] = (
    _range("kucoin", r"4001\d\d", "invalid_parameter", "5. Data Errors (4001xx)"),
    _range("kucoin", r"4003\d\d", "permission", "3. Regional & KYC Limitations (4003xx)"),
    _range("kucoin", r"4004\d\d", "authentication", "4. Authorization Errors (4004xx)"),
    _range("kucoin", r"411\d{3}", "permission", "8. User Restriction Errors (411xxx)"),
    _range("kucoin", r"429\d{3}", "rate_limit", "7. Rate Limiting & Frequency Errors (429xxx)"),
    _range("kucoin", r"5\d{5}", "internal_error", "9. Server Errors (5xxxxx)"),
    _range("tickdb", r"1\d{3}", "authentication", "Authentication Errors (1xxx)"),
    _range("tickdb", r"2\d{3}", "invalid_parameter", "Parameter Errors (2xxx)"),
    _range("tickdb", r"3\d{3}", "rate_limit", "Rate Limiting Errors (3xxx)"),
    _range("tickdb", r"5\d{3}", "internal_error", "Service Errors (5xxx)"),
)

_SUCCESS = re.compile(r"\s*(?:success(?:ful)?|ok|成功)\.?\s*", re.IGNORECASE)


class Reason(NamedTuple):
    """A category and why: ``via`` is ``override``, ``rule``, ``range`` or ``default``."""

    category: str
    via: str
    detail: str  # the override's code, the matching pattern, or the range's heading


def explain(
    code: str,
    message: str,
    *,
    exchange: str = "",
    overrides: Mapping[str, str] | None = None,
) -> Reason:
    """The category of one entry and the reason for it (see the module docstring)."""
    code = code.strip()
    if overrides and code in overrides:
        return Reason(_checked(code, overrides[code]), "override", code)
    rule = _first_rule(message)
    if rule is not None:
        category, pattern = RULES[rule]
        return Reason(category, "rule", pattern.pattern)
    exchange = exchange.strip().lower()
    for block in RANGES:
        if block.exchange == exchange and block.pattern.fullmatch(code):
            return Reason(block.category, "range", block.heading)
    return Reason(DEFAULT_CATEGORY, "default", "")


def categorize(
    code: str,
    message: str,
    *,
    exchange: str = "",
    overrides: Mapping[str, str] | None = None,
) -> str:
    """The category slug of one entry: override, message rule, code range, else ``other``."""
    return explain(code, message, exchange=exchange, overrides=overrides).category


def is_success(message: str) -> bool:
    """A row that documents success (TickDB's ``0 Success``): no error, no exception class."""
    return _SUCCESS.fullmatch(message) is not None


def validate_overrides(mapping: Mapping[object, object]) -> dict[str, str]:
    """Configured ``code = "category"`` overrides, checked; ValueError names the bad one.

    Codes become strings, since a code is always a string and a number key
    (from a JSON or Python mapping) would otherwise never match one.
    """
    if not isinstance(mapping, Mapping):
        raise ValueError(f"category overrides must be a table of code = category, not {mapping!r}")
    return {str(code).strip(): _checked(str(code), value) for code, value in mapping.items()}


def _checked(code: str, category: object) -> str:
    if not isinstance(category, str) or category not in CATEGORIES:
        known = ", ".join(CATEGORIES)
        raise ValueError(f"unknown category {category!r} for code {code!r} (known: {known})")
    return category
