"""Each channel against a real receiver on 127.0.0.1: what Slack, a web hook and a mailbox get."""

from __future__ import annotations

import email
import hashlib
import hmac
import json
import socket
import time
from collections.abc import Iterator
from dataclasses import replace
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from errata.differ import Change, diff
from errata.differ.category import CATEGORIES
from errata.errors import DeliveryError
from errata.parsers import Entry
from errata.reports import Report
from errata.reports.channels import Context, spec
from errata.reports.slack import MAX_BLOCKS, MAX_SECTION
from errata.scraper.localserver import PageServer
from tests.reports.samples import real_changes, report, stamped


def send(channel: str, settings: dict[str, Any], env: dict[str, str], sent: Report) -> None:
    spec(channel).build(settings, env).send(sent, Context(kind="changes", delivery_id="d-1"))


def blocks_of(server: PageServer) -> list[dict[str, Any]]:
    return [json.loads(post.body) for post in server.accepted]


@pytest.mark.corpus
def test_slack_gets_header_a_section_per_source_and_the_run_time(server: PageServer) -> None:
    send(
        "slack",
        {"webhook_url_env": "HOOK"},
        {"HOOK": server.url("/services/T0/B0/secret")},
        report(),
    )
    (message,) = blocks_of(server)
    kinds = [block["type"] for block in message["blocks"]]
    assert kinds[0] == "header" and kinds[-1] == "context"
    sections = [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]
    headings = [t.split("\n", 1)[0] for t in sections if t.startswith("*") and "·" in t[:40]]
    assert headings == ["*kucoin · kucoin-legacy*", "*oxfun · opnx-ws*"]  # one per source, in order
    assert len(sections) > 2  # KuCoin's rewordings run over 3000 characters: continued below
    assert "2026-01-03T02:15:00Z" in message["blocks"][-1]["elements"][0]["text"]
    assert (
        "`Bad Request -- Invalid request format` → `Bad Request -- Invalid request format.`"
        in sections[0]
    )
    assert (
        "<https://errata.example/errata/change_log?change_id=" in sections[0]
    )  # view in Datasette
    assert server.posts[0].path == "/services/T0/B0/secret"
    assert server.posts[0].headers["content-type"] == "application/json"


def test_slack_splits_over_50_blocks_and_3000_characters(server: PageServer) -> None:
    many: list[Change] = []
    for n in range(70):  # 70 sources: one section each, more than one message holds
        many += stamped(
            diff([], [Entry(str(n), "x" * 500), Entry(f"{n}b", "y" * 500)]),
            f"s{n:02}",
            "ex",
            "2026-01-02T00:00:00Z",
        )
    long = stamped(
        diff([], [Entry(str(n), "z" * 400) for n in range(40)]),
        "long",
        "ex",
        "2026-01-02T00:00:00Z",
    )
    send(
        "slack",
        {"webhook_url_env": "HOOK"},
        {"HOOK": server.url("/hook")},
        Report(many + long, generated_at="2026-01-02T00:00:00Z"),
    )
    messages = blocks_of(server)
    assert len(messages) == 2
    for number, message in enumerate(messages, start=1):
        assert len(message["blocks"]) <= MAX_BLOCKS
        assert message["blocks"][0]["text"]["text"].endswith(f"({number}/2)")
        assert message["blocks"][-1]["type"] == "context"
        for block in message["blocks"]:
            if block["type"] == "section":
                assert len(block["text"]["text"]) <= MAX_SECTION
    texts = "\n".join(
        b["text"]["text"] for m in messages for b in m["blocks"] if b["type"] == "section"
    )
    long_sections = [
        b
        for m in messages
        for b in m["blocks"]
        if b["type"] == "section" and "long*" in b["text"]["text"]
    ]
    assert (
        len(long_sections) == 1 and sum(t.startswith("*ex · long*") for t in texts.split("\n")) == 1
    )
    assert all(f"`{n}`" in texts for n in range(70)) and texts.count("`zzzz") == 40


@pytest.mark.corpus
def test_webhook_posts_the_contract_json_signed_with_hmac_sha256(server: PageServer) -> None:
    env = {"URL": server.url("/errata"), "KEY": "s3cret-key"}
    sent = report()
    send("webhook", {"url_env": "URL", "secret_env": "KEY"}, env, sent)
    (post,) = server.accepted
    expected = "sha256=" + hmac.new(b"s3cret-key", post.body, hashlib.sha256).hexdigest()
    assert post.headers["x-errata-signature-256"] == expected
    assert (
        post.headers["x-errata-delivery"] == "d-1" and post.headers["x-errata-event"] == "changes"
    )
    body = json.loads(post.body)
    assert body["changes"] == [
        {**c.to_dict(), "category": sent.category_of(c)} for c in sent.changes
    ]
    assert body["changes"][0]["category"] in CATEGORIES
    assert body["alerts"] == [{"source": "okx-ws", "message": "has failed 3 runs in a row"}]
    tampered = post.body.replace(b"kucoin", b"kucoim", 1)
    assert "sha256=" + hmac.new(b"s3cret-key", tampered, hashlib.sha256).hexdigest() != expected


@pytest.mark.corpus
def test_webhook_without_a_secret_is_unsigned(server: PageServer) -> None:
    send("webhook", {"url_env": "URL"}, {"URL": server.url("/errata")}, report())
    assert "x-errata-signature-256" not in server.accepted[0].headers


@pytest.mark.corpus
def test_a_refused_post_is_an_error_that_does_not_name_the_url(server: PageServer) -> None:
    server.post_statuses = [503]
    with pytest.raises(DeliveryError) as caught:
        send(
            "slack", {"webhook_url_env": "HOOK"}, {"HOOK": server.url("/T0/secret-token")}, report()
        )
    assert caught.value.transient and "HTTP 503" in str(caught.value)
    assert "secret-token" not in str(caught.value)
    server.post_statuses = [404]
    with pytest.raises(DeliveryError) as refused:
        send(
            "slack", {"webhook_url_env": "HOOK"}, {"HOOK": server.url("/T0/secret-token")}, report()
        )
    assert not refused.value.transient


@pytest.mark.corpus
def test_a_missing_secret_is_a_permanent_error_naming_the_variable() -> None:
    with pytest.raises(DeliveryError, match="environment variable ERRATA_SLACK_WEBHOOK"):
        send("slack", {"webhook_url_env": "ERRATA_SLACK_WEBHOOK"}, {}, report())


# --- email ------------------------------------------------------------------------


class Mailbox:
    def __init__(self) -> None:
        self.envelopes: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    """A real SMTP server (aiosmtpd) on 127.0.0.1, stopped when the test ends."""
    mailbox, port = Mailbox(), free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


@pytest.mark.corpus
def test_email_is_multipart_alternative_with_text_and_html(smtp: tuple[Mailbox, int]) -> None:
    mailbox, port = smtp
    settings = {"host": "127.0.0.1", "port": port, "security": "none", "from": "errata@example.com",
                "to": ["ops@example.com", "sdk@example.com"], "subject_prefix": "[errata]"}  # fmt: skip
    send("email", settings, {}, report())
    ((sender, recipients, raw),) = mailbox.envelopes
    assert sender == "errata@example.com" and recipients == ["ops@example.com", "sdk@example.com"]
    mail = email.message_from_bytes(raw, policy=default_policy)
    assert isinstance(mail, EmailMessage)
    assert mail.get_content_type() == "multipart/alternative"
    parts = {part.get_content_type(): part.get_content() for part in mail.iter_parts()}
    assert set(parts) == {"text/plain", "text/html"}
    assert "400002" in parts["text/plain"] and "400002" in parts["text/html"]
    assert "<html>" not in parts["text/plain"] and parts["text/html"].startswith("<!DOCTYPE html>")
    total = len(real_changes())
    assert mail["Subject"].startswith(f"[errata] {total} changes (")
    assert "kucoin, oxfun" in mail["Subject"] and "1 alert" in mail["Subject"]
    assert mail["To"] == "ops@example.com, sdk@example.com"


@pytest.mark.corpus
def test_email_login_uses_the_password_from_the_environment(smtp: tuple[Mailbox, int]) -> None:
    _, port = smtp
    settings = {"host": "127.0.0.1", "port": port, "security": "none", "from": "e@example.com",
                "to": ["o@example.com"], "username": "errata", "password_env": "SMTP_PASSWORD",
                "allow_plaintext_login": True}  # fmt: skip  # loopback: no TLS needed
    with pytest.raises(DeliveryError, match="environment variable SMTP_PASSWORD"):
        send("email", settings, {}, report())
    # aiosmtpd without auth configured refuses AUTH: a clear error, the password never shown
    with pytest.raises(DeliveryError) as caught:
        send("email", settings, {"SMTP_PASSWORD": "hunter2-password"}, report())
    assert "hunter2-password" not in str(caught.value)


@pytest.mark.corpus
def test_email_to_a_closed_port_is_a_transient_error() -> None:
    settings = {"host": "127.0.0.1", "port": free_port(), "security": "none", "from": "e@example.com", "to": ["o@example.com"]}  # fmt: skip
    started = time.monotonic()
    with pytest.raises(DeliveryError) as caught:
        send("email", settings, {}, replace(report(), changes=[]))
    assert caught.value.transient and time.monotonic() - started < 10
