"""Page histories for the differ: the shared fixtures' dated versions, and entry-level ones.

``FIXTURE_HISTORIES`` are the real pages in ../shared/fixtures that exist in
several dated versions, each read with the parser and URL its source uses.
``HISTORIES`` are built here from entries, one per layout pattern the differ
must read without noise (issue 15): a date in the top heading, a renamed
heading with sub-sections, a heading appearing above every code, a generic
code in two unrelated API sections, struck-through codes, a description
column, hyphenation. Each lists its versions in order and, for each step,
the changes a person reading the two versions would report, as
``(kind, code)`` pairs (``code`` is the heading path for a section rename).

``python -m tests.differ.noise`` counts the ``moved`` lines over all of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from errata.parsers import Entry, parse
from tests.support import fixture_bytes

KUCOIN = "https://docs.kucoin.com/"
COINFLEX = "https://docs.coinflex.com/"
OXFUN = "https://docs.ox.fun/"

# (fixture file, parser, URL) per version, oldest first
FIXTURE_HISTORIES: dict[str, list[tuple[str, str, str]]] = {
    "kucoin-legacy-errors": [
        ("kucoin/legacy-index-2019-02-23.md", "kucoin", f"{KUCOIN}#errors"),
        ("kucoin/legacy-index-2020-08-05.md", "kucoin", f"{KUCOIN}#errors"),
        ("kucoin/legacy-index-2023-06-09.md", "kucoin", f"{KUCOIN}#errors"),
    ],
    "kucoin-legacy-page": [
        ("kucoin/legacy-index-2019-02-23.md", "kucoin", KUCOIN),
        ("kucoin/legacy-index-2020-08-05.md", "kucoin", KUCOIN),
        ("kucoin/legacy-index-2023-06-09.md", "kucoin", KUCOIN),
    ],
    "coinflex-opnx-websocket": [
        ("coinflex/v2-websocket-2020-12-23.md", "oxfun", f"{COINFLEX}#websocket-api-error-codes"),
        ("coinflex/v2-websocket-2022-06-13b.md", "oxfun", f"{COINFLEX}#websocket-api-error-codes"),
        ("oxfun/v2-websocket-2023-03-14.md", "oxfun", f"{OXFUN}#error-codes"),
        ("oxfun/v2-websocket-2023-07-27.md", "oxfun", f"{OXFUN}#error-codes"),
    ],
    "coinflex-rest": [
        ("coinflex/v3-restapi-2021-10-29a.md", "oxfun", f"{COINFLEX}#error-codes"),
        ("coinflex/v3-restapi-2022-06-13b.md", "oxfun", f"{COINFLEX}#error-codes"),
    ],
    "coinflex-oxfun-site": [
        ("coinflex/index-2020-12-29.html", "oxfun", f"{COINFLEX}#websocket-api-error-codes"),
        ("coinflex/index-2022-06-13b.html", "oxfun", f"{COINFLEX}#error-codes"),
        ("oxfun/index-2024-11-29.html", "oxfun", f"{OXFUN}#error-codes"),
    ],
    "tickdb": [
        ("tickdb/errors-2026-01-14.md", "tickdb", ""),
        ("tickdb/errors-2026-01-21.md", "tickdb", ""),
    ],
}


def fixture_versions(name: str) -> list[list[Entry]]:
    return [
        parse(parser, fixture_bytes(file), url) for file, parser, url in FIXTURE_HISTORIES[name]
    ]


@dataclass(frozen=True)
class History:
    name: str
    versions: list[list[Entry]]
    expected: list[list[tuple[str, str]]]  # per step: sorted (kind, code or heading path)


def e(code: str, message: str, section: str = "", **fields: object) -> Entry:
    return replace(Entry(code, message, section), **fields)  # type: ignore[arg-type]


def _dated(day: str) -> list[Entry]:
    """A page whose top heading carries the date it was updated (seen with 883 false moves)."""
    top = f"Error Codes (updated {day})"
    rest = [
        e(str(50000 + i), f"REST error number {i} happened", f"{top} > REST") for i in range(20)
    ]
    ws = [
        e(str(60000 + i), f"Socket error number {i} happened", f"{top} > WebSocket")
        for i in range(8)
    ]
    return rest + ws


def _reworded(entries: Sequence[Entry], code: str, message: str) -> list[Entry]:
    return [replace(x, message=message) if x.code == code else x for x in entries]


def _moved(entries: Sequence[Entry], code: str, section: str) -> list[Entry]:
    return [replace(x, section=section) if x.code == code else x for x in entries]


def _dated_history() -> History:
    v1, v2 = _dated("2024-01-05"), _dated("2024-02-11")
    v3 = _reworded(_dated("2024-03-02"), "50003", "REST error number 3 happened again")
    v4 = _moved(_dated("2024-04-20"), "50003", "Error Codes (updated 2024-04-20) > WebSocket")
    v4 = _reworded(v4, "50003", "REST error number 3 happened again")
    return History(
        "dated-top-heading",
        [v1, v2, v3, v4],
        [
            [("section_renamed", "Error Codes (updated 2024-01-05)")],
            [("reworded", "50003"), ("section_renamed", "Error Codes (updated 2024-02-11)")],
            [("moved", "50003"), ("section_renamed", "Error Codes (updated 2024-03-02)")],
        ],
    )


def _spot(name: str) -> list[Entry]:
    spot = [e(str(51000 + i), f"Spot order problem {i}", name) for i in range(6)]
    orders = [
        e(str(51100 + i), f"Spot order book problem {i}", f"{name} > Orders") for i in range(4)
    ]
    margin = [e(str(52000 + i), f"Margin problem {i}", "Margin") for i in range(5)]
    return spot + orders + margin


def _spot_history() -> History:
    renamed = _reworded(_spot("Spot Trading"), "51002", "Spot order problem two")
    return History(
        "spot-renamed",
        [_spot("Spot"), renamed],
        [[("reworded", "51002"), ("section_renamed", "Spot")]],
    )


def _heading_appears_history() -> History:
    bare = [e(str(1000 + i), f"Problem {i} occurred", "") for i in range(10)]
    headed = [replace(x, section="Error codes") for x in bare]
    lone = [*headed[1:], replace(headed[0], section="Legacy")]
    return History(
        "heading-appears",
        [bare, headed, lone, headed],
        [
            [("section_renamed", "")],
            [("moved", "1000")],
            [("moved", "1000")],
        ],
    )


def _generic_code_history() -> History:
    v1 = [
        e("1002", "Invalid signature", "REST > Account"),
        e("2001", "Unknown account", "REST > Account"),
        e("1002", "Login failed", "WebSocket > Login"),
        e("3001", "Too many logins", "WebSocket > Login"),
    ]
    v2 = [
        e("2001", "Unknown account", "REST > Account"),
        e("1002", "Login failed", "WebSocket > Login"),
        e("3001", "Too many logins", "WebSocket > Login"),
        e("1002", "Insufficient funding balance", "REST > Funding"),
    ]
    v3 = [*v2[:3], e("1002", "Invalid signature", "WebSocket > Login"), v2[3]]
    return History(
        "generic-code",
        [v1, v2, v3],
        [[("added", "1002"), ("removed", "1002")], [("added", "1002")]],
    )


def _struck_history() -> History:
    v1 = [
        e("31001", "Order type not supported", "Trade"),
        e("50010", "Account frozen", "Account"),
        e("50011", "Account suspended", "Account"),
    ]
    v2 = [replace(v1[0], deprecated=True), *v1[1:]]
    v3 = [v2[0], e("50210", "Account frozen", "Account", replaces="50010"), v2[2]]
    v4 = [v1[0], *v3[1:]]
    v5 = [v4[0], e("50210", "The account is frozen", "Account", replaces="50010"), v4[2]]
    return History(
        "struck-codes",
        [v1, v2, v3, v4, v5],
        [
            [("deprecated", "31001")],
            [("renumbered", "50010")],
            [("restored", "31001")],
            [("reworded", "50210")],
        ],
    )


def _described(description: str, status: str, name: str) -> list[Entry]:
    return [
        e("ORDER_REJECTED", "ORDER_REJECTED", "Errors",
          extra={"Description": description, "HTTP Status": status, "Error Name": name}),
        e("KEY_EXPIRED", "KEY_EXPIRED", "Errors",
          extra={"Description": "The key reached its end date", "HTTP Status": "401", "Error Name": "KeyExpired"}),
    ]  # fmt: skip


def _details_history() -> History:
    return History(
        "description-column",
        [
            _described("Recieve window exceeded", "400", "Rejected"),
            _described("Receive window exceeded", "400", "Rejected"),
            _described("Receive window exceeded", "429", "Rejected"),
            _described("Receive window exceeded", "429", "OrderRejected"),
        ],
        [
            [("detail_changed", "ORDER_REJECTED")],
            [("detail_changed", "ORDER_REJECTED")],
            [],
        ],
    )


def _hyphen_history() -> History:
    v1 = [e("58001", "The sub-account is not allowed to withdraw", "Funding")]
    v2 = [e("58001", "The subaccount is not allowed to withdraw", "Funding")]
    return History("hyphenation", [v1, v2], [[("reworded", "58001")]])


HISTORIES: list[History] = [
    _dated_history(),
    _spot_history(),
    _heading_appears_history(),
    _generic_code_history(),
    _struck_history(),
    _details_history(),
    _hyphen_history(),
]
