"""Reports made of real changes: two real page histories diffed, plus one hostile page."""

from __future__ import annotations

from dataclasses import replace

from errata.differ import DEFAULT_POLICY, Change, diff
from errata.differ.category import categorize
from errata.parsers import Entry, parse
from errata.reports import Link, Problem, Report
from tests.support import fixture_bytes

HOSTILE = "<!channel> <script>alert(1)</script> [x](http://evil) *bold* &amp; `tick`\r\nBcc: evil@example.com"


def stamped(changes: list[Change], source: str, exchange: str, at: str) -> list[Change]:
    return [replace(c, source=source, exchange=exchange, observed_at=at) for c in changes]


def real_changes() -> list[Change]:
    """KuCoin's legacy page 2019 → 2020 and OPNX's WebSocket table 2023-03 → 2023-07."""
    kucoin = "https://docs.kucoin.com/#errors"
    opnx = "https://docs.ox.fun/#error-codes"
    old = parse("kucoin", fixture_bytes("kucoin/legacy-index-2019-02-23.md"), kucoin)
    new = parse("kucoin", fixture_bytes("kucoin/legacy-index-2020-08-05.md"), kucoin)
    before = parse("oxfun", fixture_bytes("oxfun/v2-websocket-2023-03-14.md"), opnx)
    after = parse("oxfun", fixture_bytes("oxfun/v2-websocket-2023-07-27.md"), opnx)
    return stamped(diff(old, new), "kucoin-legacy", "kucoin", "2020-08-05T00:00:00Z") + stamped(
        diff(before, after), "opnx-ws", "oxfun", "2023-07-27T00:00:00Z"
    )


def hostile_changes() -> list[Change]:
    """Hostile text in every field a change can carry: messages, sections, a renamed heading,
    a column's name and its texts."""
    sub = [Entry(str(n), f"Code {n}", "Sub <b>x</b>") for n in (670, 671)]
    detail = Entry("672", "Plain", "Details", extra={"Description <i>": "Old *text*"})
    old = [Entry("666", "Harmless"), Entry("667", "Gone <b>soon</b>"), *sub, detail]
    new = [
        Entry("666", HOSTILE, section="<img src=x onerror=alert(1)>"),
        Entry("668", HOSTILE),
        *(replace(e, section=HOSTILE) for e in sub),
        replace(detail, extra={"Description <i>": HOSTILE}),
    ]
    policy = DEFAULT_POLICY.refined(detail_columns=["*"])
    return stamped(diff(old, new, policy), "evil-ws", "evil", "2026-01-02T00:00:00Z")


def links(change: Change) -> list[Link]:
    return [
        Link(
            "view in Datasette",
            f"https://errata.example/errata/change_log?change_id={change.change_id}&x=1",
        )
    ]


def report(changes: list[Change] | None = None, *, with_links: bool = True) -> Report:
    return Report(
        real_changes() if changes is None else changes,
        problems=[Problem("tickdb", "fetch failed (timeout): timed out")],
        alerts=[Problem("okx-ws", "has failed 3 runs in a row")],
        title="errata",
        generated_at="2026-01-03T02:15:00Z",
        links=links if with_links else None,
        categories=category_of if with_links else None,
    )


def category_of(change: Change) -> str:
    message = change.new_message if change.new_message is not None else change.old_message
    return categorize(change.code, message or "", exchange=change.exchange or "")
