"""Delivery under trouble: a broken route fails alone, permanent errors are tried once, and a
message a channel accepted is never sent again, even after ``kill -9`` (issue 17.3-17.5)."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from errata.reports.channels import base as channel_base
from errata.scraper.localserver import Handler, Page, PageServer
from tests.reports.channels.test_failures import Refusing
from tests.reports.channels.test_receivers import free_port
from tests.support import REPO, run_cli

SECRET = "XXXXsecretTOKEN"


def page(count: int, wording: str = "message") -> Page:
    rows = "".join(f"<tr><td>{n}</td><td>{wording} {n} {'x' * 180}</td></tr>" for n in range(count))
    return Page(f"<table><tr><th>Code</th><th>Message</th></tr>{rows}</table>".encode())


def configure(env: Mapping[str, str], server: PageServer, routes: str) -> None:
    Path(env["ERRATA_CONFIG"]).write_text(
        f'[fetch]\nretries = 0\n[[source]]\nid = "s"\nexchange = "x"\nurl = "{server.url("/p")}"\n'
        + routes
    )


def webhook(name: str, variable: str, extra: str = "") -> str:
    return (
        f'[[notify]]\nname = "{name}"\nchannel = "webhook"\nurl_env = "{variable}"\n'
        f"retries = 3\nbackoff = 0.01\n{extra}"
    )


def two_nights(server: PageServer, env: Mapping[str, str], count: int = 3) -> Any:
    """A baseline, then a night that rewords every code; returns the second night's result."""
    server.pages["/p"] = page(count)
    assert run_cli(["run"], env).exit_code == 0
    server.pages["/p"] = page(count, "reworded")
    return run_cli(["run"], env)


def test_a_route_with_a_malformed_url_fails_alone_without_showing_it(
    server: PageServer, env: dict[str, str]
) -> None:
    configure(env, server, webhook("broken", "BAD_HOOK") + webhook("good", "GOOD_HOOK"))
    env = {**env, "BAD_HOOK": f"http://[::1/{SECRET}", "GOOD_HOOK": server.url(f"/{SECRET}")}
    result = two_nights(server, env)
    assert result.exit_code == 0, result.stderr
    assert len(server.accepted) == 1 and len(json.loads(server.accepted[0].body)["changes"]) == 3
    (line,) = [line for line in result.stderr.splitlines() if "notify broken" in line]
    assert "BAD_HOOK (url_env) cannot work" in line and "stay pending" in line
    assert SECRET not in result.stderr and "Traceback" not in result.stderr


@pytest.fixture
def exploding_channel() -> Iterator[None]:
    """A channel with a bug: it raises something no channel should, with the secret in it."""

    class Exploding:
        def __init__(self, secret: str) -> None:
            self.secret = secret

        def send(self, _report: object, _context: object) -> None:
            raise RuntimeError(f"boom at {self.secret}")

    def build(settings: Mapping[str, Any], env: Mapping[str, str]) -> Any:
        return Exploding(channel_base.secret(settings, "url_env", env))

    channel_base.channel("exploding", {"url_env": str}, secrets=("url_env",))(build)
    yield
    del channel_base._CHANNELS["exploding"]


@pytest.mark.usefixtures("exploding_channel")
def test_a_route_that_raises_anything_never_stops_the_others(
    server: PageServer, env: dict[str, str]
) -> None:
    routes = '[[notify]]\nname = "bug"\nchannel = "exploding"\nurl_env = "BAD_HOOK"\n'
    configure(env, server, routes + webhook("good", "GOOD_HOOK"))
    env = {**env, "BAD_HOOK": f"https://hooks.example/{SECRET}", "GOOD_HOOK": server.url("/h")}
    result = two_nights(server, env)
    assert result.exit_code == 0 and len(server.accepted) == 1
    (line,) = [line for line in result.stderr.splitlines() if "notify bug" in line]
    assert "RuntimeError" in line and SECRET not in result.stderr
    with sqlite3.connect(env["ERRATA_DB"]) as db:
        attempts = db.execute("SELECT channel, ok FROM delivery_attempts ORDER BY id").fetchall()
    assert attempts == [("bug", 0), ("good", 1)]  # the failure is on record, and stays owed


@pytest.fixture
def unresolvable(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names under .invalid do not resolve (no packet leaves); every other lookup is real."""
    asked: list[str] = []
    real = socket.getaddrinfo

    def lookup(host: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(host, str | bytes) and str(host).rstrip(".").endswith(".invalid"):
            asked.append(str(host))
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", lookup)
    return asked


def test_a_host_that_does_not_resolve_is_tried_once_and_reported_once(
    server: PageServer, env: dict[str, str], unresolvable: list[str]
) -> None:
    configure(env, server, webhook("hook", "HOOK"))
    env = {**env, "HOOK": f"https://hooks.errata-test.invalid/{SECRET}"}
    result = two_nights(server, env)
    assert len(unresolvable) == 1  # retries = 3, yet one attempt: NXDOMAIN will not fix itself
    notify = [line for line in result.stderr.splitlines() if "notify hook" in line]
    assert len(notify) == 1 and "the host does not resolve" in notify[0]


def test_an_smtp_5xx_is_tried_once_and_a_4xx_retried(
    server: PageServer, env: dict[str, str]
) -> None:
    from aiosmtpd.controller import Controller

    handler, port = Refusing("550 5.7.1 relaying denied"), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        mail = (
            f'[[notify]]\nchannel = "email"\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n'
            'from = "e@x.org"\nto = ["o@x.org"]\nretries = 3\nbackoff = 0.01\n'
        )
        configure(env, server, mail)
        result = two_nights(server, env)
        assert handler.calls == 1, result.stderr
        assert "SMTP 550 5.7.1 relaying denied" in result.stderr
        assert "retry" not in result.stderr
        handler.answer = "451 4.7.1 greylisted"
        again = run_cli(["run"], env)
        assert handler.calls == 1 + 4  # transient: the first try and three retries
        assert again.stderr.count("retry") == 3
    finally:
        controller.stop()


def test_an_email_carries_the_delivery_id_as_its_message_id(env: dict[str, str]) -> None:
    from email import message_from_bytes

    from aiosmtpd.controller import Controller

    from errata.reports.channels import Context, spec
    from tests.reports.channels.test_failures import SMALL
    from tests.reports.channels.test_receivers import Mailbox

    mailbox, port = Mailbox(), free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings = {"host": "127.0.0.1", "port": port, "security": "none", "from": "e@x.org",
                    "to": ["o@x.org"]}  # fmt: skip
        channel = spec("email").build(settings, {})
        for _ in range(2):
            channel.send(SMALL, Context(kind="changes", delivery_id="5f0c-d1"))
    finally:
        controller.stop()
    ids = [message_from_bytes(raw)["Message-ID"] for _, _, raw in mailbox.envelopes]
    assert ids == ["<5f0c-d1@errata.invalid>"] * 2  # a mail system can drop the repeat


# --- kill -9 in the middle of a delivery ------------------------------------------------


class SlowSecondPost(PageServer):
    """A Slack stand-in that accepts the first message, then holds the second until released."""

    def __init__(self) -> None:
        super().__init__()
        self.holding = threading.Event()
        self.release = threading.Event()
        self.hold = True

    def receive(self, handler: Handler, body: bytes) -> None:
        if self.hold and len(self.posts) == 1:
            self.holding.set()
            self.release.wait(30)
            return  # the client is gone by now: no answer
        super().receive(handler, body)


def test_kill_9_during_delivery_sends_no_accepted_message_twice(
    server: PageServer, env: dict[str, str]
) -> None:
    with SlowSecondPost() as slack:
        routes = '[[notify]]\nname = "team"\nchannel = "slack"\nwebhook_url_env = "SLACK_HOOK"\n'
        configure(env, server, routes)
        env = {**env, "SLACK_HOOK": slack.url(f"/services/{SECRET}")}
        server.pages["/p"] = page(400)
        assert run_cli(["run"], env).exit_code == 0
        server.pages["/p"] = page(400, "reworded")  # 400 rewordings: several Slack messages
        errata = [sys.executable, "-m", "errata", "--quiet", "run"]
        process = subprocess.Popen(errata, cwd=REPO, env=env_for_subprocess(env))
        try:
            assert slack.holding.wait(60), "the second message never came"
            process.kill()
            process.wait(10)
        finally:
            slack.hold = False
            slack.release.set()
        finish = run_cli(["run"], env)
        assert finish.exit_code == 0, finish.stderr
        headers = [json.loads(p.body)["blocks"][0]["text"]["text"] for p in slack.accepted]
        parts = [tuple(map(int, h.rsplit("(", 1)[1].rstrip(")").split("/"))) for h in headers]
        total = parts[0][1]
        assert total >= 2 and sorted(parts) == [(n, total) for n in range(1, total + 1)]
        with sqlite3.connect(env["ERRATA_DB"]) as db:
            owed = db.execute("SELECT count(*) FROM delivery_parts").fetchone()[0]
    assert owed == 0  # finished deliveries leave no part behind


def env_for_subprocess(env: Mapping[str, str]) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    return {**keep, **env}


def test_a_run_killed_mid_fetch_is_marked_interrupted_by_the_next_run_only(
    server: PageServer, env: dict[str, str]
) -> None:
    """Runs hold the write lock, so a run still ``running`` when the next starts is dead;
    readers never write, so they leave it as it is."""
    configure(env, server, "")
    server.pages["/p"] = page(2)
    assert run_cli(["run"], env).exit_code == 0
    server.pages["/p"] = Page(page(2).body, delay=30)
    process = subprocess.Popen(
        [sys.executable, "-m", "errata", "--quiet", "run"], cwd=REPO, env=env_for_subprocess(env)
    )
    try:
        deadline = time.monotonic() + 30
        while len(server.requests) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        process.kill()
        process.wait(10)

    def statuses() -> list[str]:
        with sqlite3.connect(env["ERRATA_DB"]) as db:
            return [row[0] for row in db.execute("SELECT status FROM runs ORDER BY id")]

    assert statuses() == ["ok", "running"]
    assert run_cli(["changes"], env).exit_code == 0 and run_cli(["health"], env).exit_code == 0
    assert statuses() == ["ok", "running"]
    server.pages["/p"] = page(2)
    assert run_cli(["run"], env).exit_code == 0
    assert statuses() == ["ok", "interrupted", "ok"]
