"""Every change kind through every format and every channel.

One change of each kind, made by the differ from entries, is rendered by each
format and delivered by each channel to a real receiver on 127.0.0.1 (an HTTP
server for Slack and the web hook, an SMTP server for email, a folder for
files, captured stdout). Each output must name the kind and carry the facts
that make the change useful: its code(s), its messages, sections, column or
count. A kind added to ``differ.kinds`` without a branch in a renderer fails
mypy (``assert_never``); one rendered without its facts fails here.
"""

from __future__ import annotations

import email
import json
from collections.abc import Callable
from dataclasses import replace
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest

from errata.differ import CONTRACT_FIELDS, EXTENSION_FIELDS, KINDS, Change, Kind, diff, spec
from errata.parsers import Entry
from errata.reports import Report, render
from errata.reports.channels import Context
from errata.reports.channels import spec as channel
from errata.reports.keepachangelog import render_changelog
from errata.scraper.localserver import PageServer
from tests.reports.channels.test_receivers import Mailbox, free_port


def one(old: list[Entry], new: list[Entry], kind: Kind) -> Change:
    changes = [c for c in diff(old, new, source="demo-ws", exchange="demo", observed_at="2026-02-01T00:00:00Z") if c.kind == kind]  # fmt: skip
    assert len(changes) == 1, changes
    return changes[0]


def _samples() -> dict[Kind, Change]:
    e, struck = Entry, lambda x: replace(x, deprecated=True)
    hotel = [e("7081", "Hotel one", "Hotel"), e("7082", "Hotel two", "Hotel"), e("7083", "Hotel three", "Hotel")]  # fmt: skip
    india = e("7009", "India failure", "Spot", extra={"Description": "Kilo"})
    return {
        "added": one([], [e("7001", "Alpha failure", "Spot")], "added"),
        "removed": one([e("7002", "Bravo failure", "Spot")], [], "removed"),
        "reworded": one(
            [e("7003", "Charlie failure", "Spot")],
            [e("7003", "Charlie outage", "Spot")],
            "reworded",
        ),
        "moved": one(
            [e("7004", "Delta failure", "Spot")], [e("7004", "Delta failure", "Margin")], "moved"
        ),
        "renumbered": one(
            [e("7005", "Echo failure", "Spot")], [e("7105", "Echo failure", "Spot")], "renumbered"
        ),
        "deprecated": one(
            [e("7006", "Foxtrot failure", "Spot")],
            [struck(e("7006", "Foxtrot failure", "Spot"))],
            "deprecated",
        ),
        "restored": one(
            [struck(e("7007", "Golf failure", "Spot"))],
            [e("7007", "Golf failure", "Spot")],
            "restored",
        ),
        "section_renamed": one(
            hotel, [replace(x, section="Hotelier") for x in hotel], "section_renamed"
        ),
        "detail_changed": one(
            [india], [replace(india, extra={"Description": "Lima"})], "detail_changed"
        ),
    }


SAMPLES = _samples()
FACTS: dict[Kind, list[str]] = {
    "added": ["7001", "Alpha failure"],
    "removed": ["7002", "Bravo failure"],
    "reworded": ["7003", "Charlie", "failure", "outage"],
    "moved": ["7004", "Delta failure", "Spot", "Margin"],
    "renumbered": ["7005", "7105", "Echo failure"],
    "deprecated": ["7006", "Foxtrot failure"],
    "restored": ["7007", "Golf failure"],
    "section_renamed": ["Hotel", "Hotelier", "3"],
    "detail_changed": ["7009", "Description", "Kilo", "Lima"],
}
FORMATS = ["markdown", "text", "html", "slack", "json", "atom"]
CHANNELS = ["stdout", "file", "email", "slack-channel", "webhook"]


def test_the_samples_are_one_of_each_kind() -> None:
    assert tuple(SAMPLES) == KINDS == tuple(FACTS)


def _report(change: Change) -> Report:
    return Report([change], title="errata", generated_at="2026-02-01T02:00:00Z")


def _format(name: str) -> Callable[[Change, pytest.FixtureRequest], str]:
    return lambda change, _: render(name, _report(change))


def _changelog(change: Change, _: pytest.FixtureRequest) -> str:
    return render_changelog(change.exchange or "", [change])


def _stdout(change: Change, request: pytest.FixtureRequest) -> str:
    capsys: pytest.CaptureFixture[str] = request.getfixturevalue("capsys")
    channel("stdout").build({"format": "text"}, {}).send(_report(change), Context())
    return capsys.readouterr().out


def _files(change: Change, request: pytest.FixtureRequest) -> str:
    folder: Path = request.getfixturevalue("tmp_path")
    context = Context(history=lambda: [change])
    channel("file").build({"dir": str(folder), "snapshots": False}, {}).send(
        _report(change), context
    )
    written = sorted(p for p in folder.rglob("*") if p.is_file())
    assert [p.relative_to(folder).as_posix() for p in written] == ["changelog/demo/CHANGELOG.md", "changes.atom"]  # fmt: skip
    return "\n".join(p.read_text(encoding="utf-8") for p in written)


def _email(change: Change, request: pytest.FixtureRequest) -> str:
    from aiosmtpd.controller import Controller

    mailbox, port = Mailbox(), free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings = {"host": "127.0.0.1", "port": port, "security": "none", "from": "errata@example.com", "to": ["ops@example.com"]}  # fmt: skip
        channel("email").build(settings, {}).send(_report(change), Context())
    finally:
        controller.stop()
    ((_, _, raw),) = mailbox.envelopes
    mail = email.message_from_bytes(raw, policy=default_policy)
    assert isinstance(mail, EmailMessage)
    parts = [part.get_content() for part in mail.iter_parts()]
    assert len(parts) == 2
    return "\n".join(parts)


def _posted(name: str, settings: dict[str, str]) -> Callable[[Change, pytest.FixtureRequest], str]:
    def send(change: Change, request: pytest.FixtureRequest) -> str:
        server: PageServer = request.getfixturevalue("server")
        env = {"URL": server.url("/hook")}
        channel(name).build(settings, env).send(_report(change), Context(kind="changes", delivery_id="d"))  # fmt: skip
        (post,) = server.accepted
        return json.dumps(json.loads(post.body), ensure_ascii=False)

    return send


OUTPUTS: dict[str, Callable[[Change, pytest.FixtureRequest], str]] = {
    **{name: _format(name) for name in FORMATS},
    "keep-a-changelog": _changelog,
    "stdout": _stdout,
    "file": _files,
    "email": _email,
    "slack-channel": _posted("slack", {"webhook_url_env": "URL"}),
    "webhook": _posted("webhook", {"url_env": "URL"}),
}


def _names_kind(kind: Kind, output: str, text: str) -> bool:
    if output == "keep-a-changelog":
        return f"### {spec(kind).heading}" in text
    if output == "file":  # a changelog and an Atom feed
        return f"### {spec(kind).heading}" in text and f": {kind} " in text
    return kind in text


@pytest.mark.parametrize("output", list(OUTPUTS))
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_renders_through_every_format_and_channel(
    kind: Kind, output: str, request: pytest.FixtureRequest
) -> None:
    text = OUTPUTS[output](SAMPLES[kind], request)
    assert _names_kind(kind, output, text), text
    missing = [fact for fact in FACTS[kind] if fact not in text]
    assert missing == [], text


@pytest.mark.parametrize("kind", KINDS)
def test_json_keeps_the_contract_keys_then_what_the_kind_carries(kind: Kind) -> None:
    data: dict[str, Any] = SAMPLES[kind].to_dict()
    extension = [name for name in EXTENSION_FIELDS if name in spec(kind).fields]
    assert list(data) == [*CONTRACT_FIELDS, "change_id", *extension]
    assert all(data[name] is not None for name in extension)
    assert Change.from_dict(data) == SAMPLES[kind]
    assert (data["code"] == "") is (not spec(kind).names_code)


def test_a_renamed_heading_has_no_code_category_or_code_link() -> None:
    change = SAMPLES["section_renamed"]
    report = Report([change], categories=lambda c: "other")
    assert report.category_of(change) is None
    text = render("markdown", report)
    assert (
        "``" not in text and "Hotel → Hotelier" in text and "3 codes moved with the heading" in text
    )
