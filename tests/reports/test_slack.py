"""Slack messages people read: a short summary, proper mrkdwn escaping, local times, marked words.

Every payload is checked against slack_sdk's Block Kit models (what Slack
itself refuses: a header over 150 characters, a section over 3000 …), and
against Slack's own message limit of 50 blocks.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

import pytest
from slack_sdk.models.blocks import Block

from errata.db import links
from errata.differ import KINDS, Change, diff
from errata.parsers import Entry
from errata.reports import Report
from errata.reports.slack import MAX_BLOCKS, TOP, code, date, escape, messages, name
from tests.reports.samples import HOSTILE, hostile_changes, stamped
from tests.reports.samples import links as datasette_links
from tests.reports.test_kinds import SAMPLES


def valid(payloads: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The payloads, after checking each against Slack's rules."""
    for payload in payloads:
        assert payload["text"] and len(payload["blocks"]) <= MAX_BLOCKS
        for block in payload["blocks"]:
            Block.parse(block).validate_json()  # raises SlackObjectFormationError
    return payloads


def texts(payload: dict[str, Any]) -> str:
    parts = []
    for block in payload["blocks"]:
        if block["type"] in ("section", "header"):
            parts.append(block["text"]["text"])
        elif block["type"] == "context":
            parts += [element["text"] for element in block["elements"]]
    return "\n".join(parts)


def night(n: int) -> list[Change]:
    """A large night: n changes over 12 exchanges, every severity."""
    changes: list[Change] = []
    for x in range(12):
        old = [Entry(f"{x}{i:03}", f"Old wording number {i} of a long message " * 4) for i in range(n // 12)]  # fmt: skip
        new = [replace(e, message=e.message.replace("Old", "New")) for e in old[: len(old) // 2]]
        new += [Entry(f"9{x}{i:03}", "A brand new code") for i in range(n // 24)]
        changes += stamped(diff(old, new), f"ex{x}-ws", f"ex{x}", "2026-01-02T00:00:00Z")
    return changes


def test_a_large_night_is_one_short_summary() -> None:
    changes = night(600)
    report = Report(changes, generated_at="2026-01-03T02:00:00Z", links=datasette_links)
    (summary,) = valid(messages(report))
    body = json.dumps(summary, ensure_ascii=False)
    assert len(summary["blocks"]) <= 6 and len(body) < 6000, len(body)  # was 144 KB, 50 blocks
    text = texts(summary)
    assert len(re.findall(r"^\*ex\d+\* · ", text, re.MULTILINE)) == 12  # counts by exchange
    top = [line for line in text.splitlines() if line.startswith(":red_circle: *removed*")]
    assert len(top) == TOP  # the most severe changes first
    assert f"… and {len(changes) - TOP} more changes" in text
    assert "all of them in Datasette" not in text  # no base URL: no link


def test_n_more_links_to_every_change_in_datasette_when_base_url_is_set() -> None:
    changes = night(120)
    report = Report(changes, pages=links.Pages("https://errata.example/"))
    (summary,) = valid(messages(report))
    since = links.recent_changes_url("https://errata.example/", "2026-01-02T00:00:00Z")
    assert f"<{escape(since)}|all of them in Datasette>" in texts(summary)


def test_detail_is_every_change_in_messages_within_the_limits() -> None:
    changes = night(600)
    summary, *detail = valid(messages(Report(changes), detail=True))
    assert len(detail) > 1
    shown = texts(summary) + "\n".join(texts(m) for m in detail)
    assert all(f"`{c.code}`" in shown for c in changes)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("detail", [False, True], ids=["summary", "detail"])
def test_every_kind_makes_valid_blocks(kind: str, detail: bool) -> None:
    report = Report([SAMPLES[kind]], generated_at="2026-02-01T02:00:00Z", links=datasette_links)  # type: ignore[index]
    valid(messages(report, detail=detail))


def test_formatting_marks_are_not_replaced_by_look_alikes() -> None:
    (change,) = stamped(
        diff([], [Entry("invalid_parameter", "param *sz* must be _positive_ ~or~ zero", "Sub_Section")]),
        "okx_ws", "okx", "2026-01-02T00:00:00Z",
    )  # fmt: skip
    report = Report([change], categories=lambda c: "invalid_parameter")
    summary, detail = valid(messages(report, detail=True))
    shown = texts(summary) + texts(detail)
    assert "`invalid_parameter`" in shown  # the code, searchable and copyable
    assert "`param *sz* must be _positive_ ~or~ zero`" in shown  # in code: nothing formats
    assert "· invalid_parameter" in shown  # the category, plain: an inner _ never formats
    assert "`Sub_Section`" in shown and "okx_ws" in shown
    assert not re.search("[ˍ∗∼]", shown)  # no look-alikes


def test_page_text_cannot_mention_link_or_format() -> None:
    summary, *detail = valid(
        messages(Report(hostile_changes(), links=datasette_links), detail=True)
    )
    joined = "\n".join(texts(m) for m in [summary, *detail])
    assert "<!channel>" not in joined and "&lt;!channel&gt;" in joined
    # the only <...> left are errata's own: links to Datasette and date tokens
    assert re.findall(r"<(?!https://errata\.example/|!date\^)", joined) == []
    assert "`&lt;!channel&gt; &lt;script&gt;alert(1)&lt;/script&gt; [x](http://evil) *bold* &amp;amp; ˋtickˋ ⏎ Bcc: evil@example.com`" in joined  # fmt: skip
    assert "\r" not in joined and HOSTILE not in joined


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a & b <c>", "`a &amp; b &lt;c&gt;`"),
        ("_it_ *b* ~s~", "`_it_ *b* ~s~`"),
        ("line\r\nnext", "`line ⏎ next`"),
        ("back`tick", "`backˋtick`"),  # the one character inline code cannot hold
        ("", "` `"),
        ("\x1b[2Jclear \u202eevil", "`clear &lt;U+202E&gt;evil`"),
    ],
)
def test_code(text: str, expected: str) -> None:
    assert code(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("okx", "okx"),
        ("okx_ws", "okx_ws"),
        ("okx-ws.v2", "okx-ws.v2"),
        ("_okx_", "`_okx_`"),
        ("a b", "`a b`"),
        ("*x*", "`*x*`"),
    ],
)
def test_names_are_plain_only_when_no_mark_can_pair(text: str, expected: str) -> None:
    assert name(text) == expected


def test_times_are_slack_date_tokens_with_a_utc_fallback() -> None:
    assert date("2026-01-03T02:15:00Z") == (
        "<!date^1767406500^{date_short_pretty} {time}|2026-01-03 02:15 UTC>"
    )
    (summary,) = valid(messages(Report([SAMPLES["added"]], generated_at="2026-01-03T02:15:00Z")))
    assert "<!date^1767406500^" in texts(summary)
    detail = valid(messages(Report([SAMPLES["added"]]), detail=True))[1]
    assert "<!date^1769904000^{date_short_pretty} {time}|2026-02-01 00:00 UTC>" in texts(detail)


def test_a_rewording_marks_its_changed_words() -> None:
    (reworded,) = stamped(
        diff([Entry("60029", "Only VIP5 and above")], [Entry("60029", "Only VIP6 and above")]),
        "okx-ws", "okx", "2026-01-02T00:00:00Z",
    )  # fmt: skip
    summary, detail = valid(messages(Report([reworded]), detail=True))
    assert "`Only VIP6 and above` (changed: ~`VIP5`~ → *`VIP6`*)" in texts(summary)
    assert "`Only VIP5 and above` → `Only VIP6 and above`" in texts(detail)  # whole, copyable
    assert ">changed: ~`VIP5`~ → *`VIP6`*" in texts(detail)
