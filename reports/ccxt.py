"""The SDK bridge: documented codes as a ccxt exception map, and the gaps in an existing one.

ccxt (and SDKs built like it) turn an exchange's error code into an exception
through ``describe()["exceptions"] = {"exact": {code: Class}, "broad":
{substring: Class}}``. errata knows every documented code and its category
(``differ.category``), so it can write that map, and compare a map someone
maintains with what the exchange documents today.

Category → class (``CCXT_CLASS``; checked against ccxt 4.5.90's
``ccxt/base/errors.py``):

==================  ====================  ==============================================
category            class                 note
==================  ====================  ==============================================
authentication      AuthenticationError   InvalidNonce when a timestamp/nonce expired
permission          PermissionDenied      a subclass of AuthenticationError in ccxt
rate_limit          RateLimitExceeded
invalid_parameter   BadRequest
unknown_symbol      BadSymbol             a subclass of BadRequest
insufficient_funds  InsufficientFunds
order_not_found     OrderNotFound         a subclass of InvalidOrder
invalid_order       InvalidOrder
market_closed       MarketClosed
unavailable         ExchangeNotAvailable  OnMaintenance when the message says maintenance/upgrade
timeout             RequestTimeout
internal_error      ExchangeError         ccxt itself often uses ExchangeNotAvailable; both agree
other               ExchangeError         what ccxt raises for any unmapped code anyway
==================  ====================  ==============================================

Judging a mapped class against a code's category (``judge``): the class agrees
when it is the expected class, one of its subclasses, one of the classes
ccxt conventionally uses for that kind (``ACCEPTED``, e.g. InvalidNonce for a
stale timestamp, AccountSuspended for a frozen account), or a superclass of
the expected class that is still specific (AuthenticationError for a
permission error, NetworkError for a timeout). ``ExchangeError`` (and the
roots above it) where a specific category exists is *generic*: not wrong,
just weaker than it could be, so it is reported apart from disagreements.
Codes in ``other`` never disagree: errata has no opinion on them. A class
name ccxt does not define is a disagreement, so that a human looks at it.

Pure functions, except ``installed_ccxt_exceptions`` which imports ccxt.
"""

from __future__ import annotations

import importlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from errata.differ.category import CATEGORIES, categorize, is_success
from errata.parsers import Entry
from errata.reports.escape import markdown_code, markdown_text

CCXT_VERSION_CHECKED = "4.5.90"

CCXT_CLASS: dict[str, str] = {
    "authentication": "AuthenticationError",
    "permission": "PermissionDenied",
    "rate_limit": "RateLimitExceeded",
    "invalid_parameter": "BadRequest",
    "unknown_symbol": "BadSymbol",
    "insufficient_funds": "InsufficientFunds",
    "order_not_found": "OrderNotFound",
    "invalid_order": "InvalidOrder",
    "market_closed": "MarketClosed",
    "unavailable": "ExchangeNotAvailable",
    "timeout": "RequestTimeout",
    "internal_error": "ExchangeError",
    "other": "ExchangeError",
}
assert tuple(CCXT_CLASS) == CATEGORIES

# A finer class for some messages of a category: (category, message pattern, class).
REFINEMENTS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("unavailable", re.compile(r"maintenance|upgrad|维护|升级", re.IGNORECASE), "OnMaintenance"),
    (
        "authentication",
        re.compile(
            r"\b(?:timestamp|recv ?window|nonce)\b[^.]{0,30}\b(?:expired|exceeds?|threshold)\b"
            r"|时间戳过期",
            re.IGNORECASE,
        ),
        "InvalidNonce",
    ),
)

# ccxt's exception tree, child → parent (ccxt.base.errors.error_hierarchy, 4.5.90).
CCXT_PARENT: dict[str, str] = {
    "ExchangeError": "BaseError",
    "AuthenticationError": "ExchangeError",
    "PermissionDenied": "AuthenticationError",
    "AccountNotEnabled": "PermissionDenied",
    "AccountSuspended": "AuthenticationError",
    "ArgumentsRequired": "ExchangeError",
    "BadRequest": "ExchangeError",
    "BadSymbol": "BadRequest",
    "OperationRejected": "ExchangeError",
    "NoChange": "OperationRejected",
    "MarginModeAlreadySet": "NoChange",
    "MarketClosed": "OperationRejected",
    "ManualInteractionNeeded": "OperationRejected",
    "RestrictedLocation": "OperationRejected",
    "InsufficientFunds": "ExchangeError",
    "InvalidAddress": "ExchangeError",
    "AddressPending": "InvalidAddress",
    "InvalidOrder": "ExchangeError",
    "OrderNotFound": "InvalidOrder",
    "OrderNotCached": "InvalidOrder",
    "OrderImmediatelyFillable": "InvalidOrder",
    "OrderNotFillable": "InvalidOrder",
    "DuplicateOrderId": "InvalidOrder",
    "ContractUnavailable": "InvalidOrder",
    "NotSupported": "ExchangeError",
    "InvalidProxySettings": "ExchangeError",
    "ExchangeClosedByUser": "ExchangeError",
    "OperationFailed": "BaseError",
    "NetworkError": "OperationFailed",
    "DDoSProtection": "NetworkError",
    "RateLimitExceeded": "NetworkError",
    "ExchangeNotAvailable": "NetworkError",
    "OnMaintenance": "ExchangeNotAvailable",
    "InvalidNonce": "NetworkError",
    "ChecksumError": "InvalidNonce",
    "RequestTimeout": "NetworkError",
    "BadResponse": "OperationFailed",
    "NullResponse": "BadResponse",
    "CancelPending": "OperationFailed",
    "UnsubscribeError": "BaseError",
}
CCXT_ROOT = "BaseError"
GENERIC = frozenset({"BaseError", "ExchangeError", "OperationFailed"})

# Classes (with their subclasses) ccxt conventionally uses for a category,
# besides the expected class and its subclasses.
ACCEPTED: dict[str, frozenset[str]] = {
    "authentication": frozenset({"InvalidNonce"}),
    "permission": frozenset({"AccountSuspended", "RestrictedLocation"}),
    "rate_limit": frozenset({"DDoSProtection"}),
    "invalid_parameter": frozenset({"ArgumentsRequired", "NotSupported"}),
    "invalid_order": frozenset({"ArgumentsRequired"}),
    "market_closed": frozenset({"ContractUnavailable"}),
    "internal_error": frozenset({"ExchangeNotAvailable"}),
}

Verdict = Literal["agree", "generic", "disagree"]
VERDICTS: tuple[Verdict, ...] = ("agree", "generic", "disagree")  # best first
Item = tuple[str, str, str]  # (code, message, category)
Format = Literal["py", "json"]
FORMATS: tuple[Format, ...] = ("py", "json")
INSTALL_HINT = "pip install 'errata[ccxt]'"
_Row = TypeVar("_Row")


def ancestors(cls: str) -> tuple[str, ...]:
    """``cls`` and its ccxt superclasses up to BaseError; empty for a class ccxt lacks."""
    if cls != CCXT_ROOT and cls not in CCXT_PARENT:
        return ()
    chain = [cls]
    while chain[-1] != CCXT_ROOT:
        chain.append(CCXT_PARENT[chain[-1]])
    return tuple(chain)


def expected_class(category: str, message: str = "") -> str:
    """The class errata suggests for a code: the category's, refined by the message."""
    for refined_category, pattern, cls in REFINEMENTS:
        if refined_category == category and pattern.search(message):
            return cls
    return CCXT_CLASS[category]


def judge(category: str, mapped: str) -> Verdict:
    """Whether a mapped class fits a category (rules in the module docstring)."""
    if category == "other":
        return "agree"
    lineage = ancestors(mapped)
    if not lineage:
        return "disagree"
    expected = CCXT_CLASS[category]
    roots = ACCEPTED.get(category, frozenset()) | (
        frozenset() if expected in GENERIC else {expected}
    )
    if mapped == expected or roots.intersection(lineage):
        return "agree"
    if mapped in GENERIC:
        return "generic"
    return "agree" if mapped in ancestors(expected) else "disagree"


# --- documented codes -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Documented:
    """One code as documented: its distinct (message, category) pairs in page order.

    A code may be listed several times (KuCoin's 509 four times); its category
    is the one most of its messages have, ``other`` only if nothing else,
    ties going to the first listed.
    """

    code: str
    occurrences: tuple[tuple[str, str], ...]

    @property
    def messages(self) -> tuple[str, ...]:
        return tuple(message for message, _ in self.occurrences)

    @property
    def message(self) -> str:
        return self.occurrences[0][0]

    @property
    def categories(self) -> tuple[str, ...]:
        """Distinct categories, the code's own category first."""
        counts = Counter(category for _, category in self.occurrences)
        order = {category: i for i, (_, category) in reversed(list(enumerate(self.occurrences)))}
        ranked = sorted(counts, key=lambda c: (c == "other", -counts[c], order[c]))
        return tuple(ranked)

    @property
    def category(self) -> str:
        return self.categories[0]

    @property
    def suggested(self) -> str:
        """The class errata would map this code to."""
        message = next(m for m, c in self.occurrences if c == self.category)
        return expected_class(self.category, message)

    def judge(self, mapped: str) -> Verdict:
        """The best verdict over the code's categories: one fitting meaning is enough.

        ``other`` counts only when it is the code's only category; otherwise a
        message errata cannot place would excuse any class.
        """
        considered = [c for c in self.categories if c != "other"] or ["other"]
        return min((judge(c, mapped) for c in considered), key=VERDICTS.index)


def code_key(code: str) -> tuple[int, int, str]:
    """Numeric codes in numeric order (``-1013`` < ``0`` < ``05001`` < ``20000``), then the rest."""
    try:
        return (0, int(code), code)
    except ValueError:
        return (1, 0, code)


# A row that reports success, in full or in part: no exception belongs to it (OKX's
# "Bulk operation partially succeeded." is code 2; ccxt callers inspect the per-item results).
_PARTIAL_SUCCESS = re.compile(
    r"\s*(?:(?:bulk|batch)\s+)?(?:operation|request|order)s?\s+(?:partially\s+)?succe(?:eded|ssful)"
    r"\.?\s*|\s*部分成功\s*",
    re.IGNORECASE,
)


def is_success_row(code: str, message: str) -> bool:
    """Whether a documented row means success rather than an error.

    A success message (``Success``, ``OK``, ``成功``; ``differ.category.is_success``),
    a partial success (OKX's ``2``: ``Bulk operation partially succeeded.``), or an
    all-zero code with no message at all (OKX's ``0``, whose row leaves the message
    empty). Success rows are not errors, so the exported map leaves them out.
    """
    if is_success(message) or _PARTIAL_SUCCESS.fullmatch(message):
        return True
    return not message.strip() and code.strip().strip("0") == "" and code.strip() != ""


def items_from_entries(
    entries: Iterable[Entry],
    *,
    exchange: str = "",
    overrides: Mapping[str, str] | None = None,
    locale: str = "en",
) -> list[Item]:
    """(code, message, category) for each error entry, success rows (``is_success_row``) left out.

    A code documented in ``locale`` is taken from that locale only (OKX's page
    repeats every code in Chinese; one meaning, one vote); a code documented
    only in other locales keeps those entries.
    """
    rows = [e for e in entries if not is_success_row(e.code, e.message)]
    in_locale = {e.code for e in rows if e.locale == locale}
    return [
        (e.code, e.message, categorize(e.code, e.message, exchange=exchange, overrides=overrides))
        for e in rows
        if e.locale == locale or e.code not in in_locale
    ]


def collect(items: Iterable[Item | Documented]) -> list[Documented]:
    """Group (code, message, category) items by code, codes in ``code_key`` order."""
    grouped: dict[str, dict[tuple[str, str], None]] = {}
    for item in items:
        pairs = item.occurrences if isinstance(item, Documented) else ((item[1], item[2]),)
        code = item.code if isinstance(item, Documented) else item[0]
        for message, category in pairs:
            if category not in CATEGORIES:
                raise ValueError(f"unknown category {category!r} for code {code!r}")
            grouped.setdefault(code, {})[(message, category)] = None
    return [Documented(code, tuple(grouped[code])) for code in sorted(grouped, key=code_key)]


# --- export -----------------------------------------------------------------------


def export_map(items: Iterable[Item | Documented]) -> dict[str, dict[str, str]]:
    """A ccxt ``exceptions`` map: ``{"exact": {code: class name}, "broad": {}}``.

    Codes are strings in ``code_key`` order; classes are names (resolve with
    ``getattr(ccxt, name)``). ``broad`` is always empty: it matches substrings
    of the message a live API returns, and documented messages carry
    placeholders (``{0}``, ``%s``, ``xxx``) that never occur in a response, so
    errata has no substring it could vouch for.
    """
    return {"exact": {d.code: d.suggested for d in collect(items)}, "broad": {}}


def render_export(items: Iterable[Item | Documented], fmt: Format, *, title: str = "") -> str:
    """The export as JSON, or as a Python dict literal with each message as a comment.

    Page text is untrusted: codes and class names are written with ``repr``
    (a valid literal whatever they hold), and a comment keeps only printable
    characters on one line, so no newline, quote or bidi control in a message
    can end the comment or reorder what a reader sees.
    """
    documented = collect(items)
    if fmt == "json":
        return json.dumps(export_map(documented), indent=2, ensure_ascii=False) + "\n"
    if fmt != "py":
        raise ValueError(f"unknown export format {fmt!r} (known: {', '.join(FORMATS)})")
    head = f"# ccxt exception map generated by errata{': ' + _one_line(title) if title else ''}"
    lines = [head, "{", "    'exact': {"]
    for d in documented:
        (first, category), *more = d.occurrences
        lines.append(f"        {d.code!r}: {d.suggested!r},  # {category} · {_one_line(first)}")
        lines += [f"        # also: {c} · {_one_line(m)}" for m, c in more]
    lines += ["    },", "    'broad': {},", "}"]
    return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    """Text fit for a ``#`` comment: non-printable characters (line breaks, NUL, bidi
    controls) become spaces, and runs of spaces one."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


# --- an existing map ------------------------------------------------------------


def parse_map(data: object) -> dict[str, dict[str, str]]:
    """An exceptions map as found in a JSON file or a ccxt ``describe()``, normalised.

    Accepts ``{"exact": …, "broad": …}``, a flat ``{code: class}``, and the
    per-market sections some ccxt exchanges add (``"spot": {"exact": …}``,
    merged in, the top level winning). A class may be a name, a class, or
    ``[class, note]`` as in ccxt's digifinex. ValueError on anything else.
    """
    if not isinstance(data, Mapping):
        raise ValueError(f"an exceptions map must be an object, not {type(data).__name__}")
    if not {"exact", "broad"} & set(data):
        return {"exact": _class_names(data, "exact"), "broad": {}}
    merged: dict[str, dict[str, str]] = {"exact": {}, "broad": {}}
    sections = [data[k] for k in data if k not in merged and isinstance(data[k], Mapping)]
    for section in (*sections, data):
        for kind in merged:
            merged[kind].update(_class_names(section.get(kind) or {}, kind))
    return merged


def _class_names(table: object, kind: str) -> dict[str, str]:
    if not isinstance(table, Mapping):
        raise ValueError(f"{kind!r} must map codes to class names, not {type(table).__name__}")
    return {str(key): _class_name(value, f"{kind} {key!r}") for key, value in table.items()}


def _class_name(value: object, where: str) -> str:
    if isinstance(value, list | tuple) and value:
        value = value[0]
    if isinstance(value, type):
        return value.__name__
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise ValueError(f"{where} must name an exception class, not {value!r}")


def installed_ccxt_version() -> str:
    """The version of the installed ccxt package (ImportError with the install hint)."""
    return str(_import_ccxt().__version__)


def installed_ccxt_exceptions(exchange_id: str) -> dict[str, dict[str, str]]:
    """``describe()["exceptions"]`` of one exchange in the installed ccxt, with class names.

    ccxt.pro (WebSocket) classes extend the REST ones and, as of 4.5.90, add no
    codes for okx or kucoin: the REST class's map is the map WebSocket errors
    go through too. Building the exchange object does no network I/O.
    """
    ccxt = _import_ccxt()
    if exchange_id not in getattr(ccxt, "exchanges", ()):
        raise ValueError(f"ccxt {ccxt.__version__} has no exchange {exchange_id!r}")
    exchange = getattr(ccxt, exchange_id)()
    return parse_map(exchange.describe().get("exceptions") or {})


def _import_ccxt() -> Any:
    try:
        return importlib.import_module("ccxt")
    except ImportError as error:
        raise ImportError(
            f"the ccxt package is not installed: {INSTALL_HINT} (or pass --map FILE)"
        ) from error


# --- the gap report ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Gap:
    """A documented code against the map: unmapped (``mapped`` None), disagreeing or generic."""

    code: str
    messages: tuple[str, ...]
    category: str
    expected: str
    mapped: str | None = None
    broad: str | None = None  # for an unmapped code: the broad key whose class catches it

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.messages[0],
            "messages": list(self.messages),
            "category": self.category,
            "expected": self.expected,
            "mapped": self.mapped,
            "broad": self.broad,
        }


@dataclass(frozen=True, slots=True)
class Stale:
    """A mapped code the pages no longer document (``removed_at`` None: never documented)."""

    code: str
    mapped: str
    removed_at: str | None

    def to_dict(self) -> dict[str, Any]:
        status = "removed" if self.removed_at else "never documented"
        return {
            "code": self.code,
            "mapped": self.mapped,
            "removed_at": self.removed_at,
            "status": status,
        }


@dataclass(frozen=True, slots=True)
class GapReport:
    documented: int
    mapped: int
    agree: int
    unmapped: tuple[Gap, ...] = ()
    stale: tuple[Stale, ...] = ()
    disagree: tuple[Gap, ...] = ()
    generic: tuple[Gap, ...] = ()

    def counts(self) -> dict[str, int]:
        never = sum(1 for s in self.stale if s.removed_at is None)
        return {
            "documented": self.documented,
            "mapped": self.mapped,
            "documented_and_mapped": self.documented - len(self.unmapped),
            "agree": self.agree,
            "unmapped": len(self.unmapped),
            "unmapped_caught_by_broad": sum(1 for g in self.unmapped if g.broad),
            "disagree": len(self.disagree),
            "generic": len(self.generic),
            "stale": len(self.stale),
            "stale_removed": len(self.stale) - never,
            "stale_never_documented": never,
        }


def gaps(
    documented: Iterable[Item | Documented],
    mapped_exact: Mapping[str, str],
    removed_at: Mapping[str, str] | None = None,
    *,
    mapped_broad: Mapping[str, str] | None = None,
) -> GapReport:
    """Documented codes against an existing exact map (and, optionally, its broad map).

    ``removed_at`` gives, for codes once documented and now gone, the ISO
    date they disappeared. An unmapped code whose documented message contains
    a broad key (case-sensitive, as ccxt matches) is still unmapped, but
    ``broad`` names the class ccxt would fall back to.
    """
    codes = collect(documented)
    exact = {str(code): cls for code, cls in mapped_exact.items()}
    removed = removed_at or {}
    unmapped: list[Gap] = []
    buckets: dict[Verdict, list[Gap]] = {"agree": [], "generic": [], "disagree": []}
    for d in codes:
        gap = Gap(d.code, d.messages, d.category, d.suggested, exact.get(d.code))
        if gap.mapped is None:
            unmapped.append(_with_broad(gap, mapped_broad or {}))
        else:
            buckets[d.judge(gap.mapped)].append(gap)
    known = {d.code for d in codes}
    stale = tuple(
        Stale(code, exact[code], removed.get(code))
        for code in sorted(set(exact) - known, key=code_key)
    )
    return GapReport(
        documented=len(codes),
        mapped=len(exact),
        agree=len(buckets["agree"]),
        unmapped=tuple(unmapped),
        stale=stale,
        disagree=tuple(buckets["disagree"]),
        generic=tuple(buckets["generic"]),
    )


def _with_broad(gap: Gap, broad: Mapping[str, str]) -> Gap:
    for key, cls in broad.items():
        if key and any(key in message for message in gap.messages):
            return Gap(gap.code, gap.messages, gap.category, gap.expected, None, f"{key} → {cls}")
    return gap


def gaps_json(report: GapReport) -> dict[str, Any]:
    """The report as one JSON document: counts, then each list."""
    return {
        "counts": report.counts(),
        "unmapped": [g.to_dict() for g in report.unmapped],
        "disagree": [g.to_dict() for g in report.disagree],
        "generic": [g.to_dict() for g in report.generic],
        "stale": [s.to_dict() for s in report.stale],
    }


def gaps_markdown(report: GapReport, title: str, *, max_listed: int = 40) -> str:
    """The report for people. Page text and class names from the map are escaped.

    Codes never documented are many when the map covers more of the exchange
    than the pages compared (ccxt's okx map holds REST and WebSocket codes):
    they are listed on one line, at most ``max_listed`` of them.
    """
    c = report.counts()
    lines = [
        f"# {markdown_text(title)}",
        "",
        f"{c['documented']} documented codes, {c['mapped']} mapped: {c['agree']} agree, "
        f"{c['unmapped']} unmapped, {c['disagree']} disagree, {c['generic']} generic, "
        f"{c['stale']} stale ({c['stale_removed']} removed, "
        f"{c['stale_never_documented']} never documented).",
        "",
    ]
    lines += _section("Unmapped: documented, not in the map", report.unmapped, _unmapped_line)
    lines += _section(
        "Disagree: the mapped class contradicts the category", report.disagree, _mapped_line
    )
    lines += _section("Generic: mapped to a catch-all class", report.generic, _mapped_line)
    removed = [s for s in report.stale if s.removed_at]
    lines += _section("Stale: mapped, removed from the documentation", removed, _stale_line)
    never = [s for s in report.stale if not s.removed_at]
    if never:
        shown = ", ".join(markdown_code(s.code) for s in never[:max_listed])
        more = f" … and {len(never) - max_listed} more" if len(never) > max_listed else ""
        lines += ["## Mapped, never documented on the compared pages", "", shown + more, ""]
    return "\n".join(lines)


def _section(title: str, rows: Sequence[_Row], line: Callable[[_Row], str]) -> list[str]:
    return [f"## {title}", "", *(line(row) for row in rows), ""] if rows else []


def _unmapped_line(gap: Gap) -> str:
    text = f"- {markdown_code(gap.code)} {gap.category} → **{gap.expected}**: {_messages(gap)}"
    return text + (f" (ccxt falls back to broad {markdown_code(gap.broad)})" if gap.broad else "")


def _mapped_line(gap: Gap) -> str:
    mapped = markdown_code(gap.mapped or "")
    return (
        f"- {markdown_code(gap.code)} {gap.category}: mapped {mapped}, "
        f"expected **{gap.expected}**: {_messages(gap)}"
    )


def _stale_line(stale: Stale) -> str:
    removed = markdown_text(stale.removed_at or "")
    return f"- {markdown_code(stale.code)} {markdown_code(stale.mapped)}: removed {removed}"


def _messages(gap: Gap) -> str:
    """Messages as literal Markdown; other control characters (NUL, bidi overrides) blanked."""
    return " / ".join(markdown_text(_printable_lines(m), indent=4) for m in gap.messages)


def _printable_lines(text: str) -> str:
    return "\n".join(
        "".join(ch if ch.isprintable() else " " for ch in line) for line in text.splitlines()
    )
