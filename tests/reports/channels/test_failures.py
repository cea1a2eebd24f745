"""How channels fail: a bad URL is caught when the route is built, and permanent errors say so.

A permanent error (SMTP 5xx, a host that does not resolve, a 4xx other than
429, a URL that cannot work) is not worth a retry; a transient one (SMTP 4xx,
5xx, 429, a refused connection) is. No error ever shows the secret.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from errata.differ import diff
from errata.errors import DeliveryError
from errata.parsers import Entry
from errata.reports import Report
from errata.reports.channels import Context, spec
from errata.scraper.localserver import PageServer
from tests.reports.channels.test_receivers import free_port
from tests.reports.samples import stamped

SMALL = Report(stamped(diff([], [Entry("1", "a")]), "s", "ex", "2026-01-02T00:00:00Z"))
SECRET_PART = "T000/B000/XXXXsecretTOKEN"


def send(channel: str, settings: dict[str, Any], env: dict[str, str]) -> None:
    spec(channel).build(settings, env).send(SMALL, Context(kind="changes", delivery_id="d-1"))


BAD_URLS = {
    "unclosed-ipv6": f"http://[::1/{SECRET_PART}",
    "no-scheme": f"hooks.example/{SECRET_PART}",
    "ftp": f"ftp://hooks.example/{SECRET_PART}",
    "no-host": f"https:///{SECRET_PART}",
    "bad-port": f"https://hooks.example:port/{SECRET_PART}",
    "space": f"https://hooks.example/{SECRET_PART} x",
}
URL_KEYS = {"slack": "webhook_url_env", "webhook": "url_env"}


@pytest.mark.parametrize("channel", URL_KEYS)
@pytest.mark.parametrize("url", BAD_URLS.values(), ids=BAD_URLS.keys())
def test_a_malformed_url_is_refused_when_the_route_is_built_naming_only_the_variable(
    channel: str, url: str
) -> None:
    settings = {URL_KEYS[channel]: "ERRATA_TEST_HOOK"}
    with pytest.raises(DeliveryError) as caught:
        spec(channel).build(settings, {"ERRATA_TEST_HOOK": url})
    message = str(caught.value)
    assert not caught.value.transient
    assert "ERRATA_TEST_HOOK" in message and "\n" not in message
    assert "secret" not in message and "hooks.example" not in message


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410])
def test_a_4xx_other_than_429_is_permanent_and_429_is_not(server: PageServer, status: int) -> None:
    env = {"HOOK": server.url(f"/{SECRET_PART}")}
    server.post_statuses = [status, 429]
    with pytest.raises(DeliveryError) as refused:
        send("webhook", {"url_env": "HOOK"}, env)
    with pytest.raises(DeliveryError) as limited:
        send("webhook", {"url_env": "HOOK"}, env)
    assert not refused.value.transient and limited.value.transient
    assert "secret" not in str(refused.value)


@pytest.fixture
def no_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every name fails to resolve, as on a host whose DNS says NXDOMAIN (no packet leaves)."""

    def fail(*_: object, **__: object) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", fail)


@pytest.mark.usefixtures("no_dns")
@pytest.mark.parametrize("channel", URL_KEYS)
def test_a_host_that_does_not_resolve_is_permanent(channel: str) -> None:
    settings = {URL_KEYS[channel]: "HOOK"}
    with pytest.raises(DeliveryError) as caught:
        send(channel, settings, {"HOOK": f"https://hooks.errata-test.invalid/{SECRET_PART}"})
    assert not caught.value.transient and "does not resolve" in str(caught.value)
    assert "secret" not in str(caught.value)


@pytest.mark.usefixtures("no_dns")
def test_an_smtp_host_that_does_not_resolve_is_permanent() -> None:
    settings = {"host": "smtp.errata-test.invalid", "from": "e@x.org", "to": ["o@x.org"]}
    with pytest.raises(DeliveryError) as caught:
        send("email", settings, {})
    assert not caught.value.transient and "does not resolve" in str(caught.value)


class Refusing:
    """An SMTP server that answers DATA with the code it is given."""

    def __init__(self, answer: str) -> None:
        self.answer = answer
        self.calls = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.calls += 1
        return self.answer


@pytest.fixture
def refusing() -> Iterator[tuple[Refusing, int]]:
    handler, port = Refusing("250 ok"), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


@pytest.mark.parametrize(
    ("answer", "transient"),
    [("550 5.7.1 relaying denied", False), ("554 5.6.0 message refused", False),
     ("451 4.7.1 greylisted, try again", True), ("421 4.3.2 shutting down", True)],
)  # fmt: skip
def test_smtp_5xx_is_permanent_and_4xx_transient(
    refusing: tuple[Refusing, int], answer: str, transient: bool
) -> None:
    handler, port = refusing
    handler.answer = answer
    settings = {"host": "127.0.0.1", "port": port, "security": "none", "from": "e@x.org",
                "to": ["o@x.org"]}  # fmt: skip
    with pytest.raises(DeliveryError) as caught:
        send("email", settings, {})
    assert caught.value.transient is transient and answer[:3] in str(caught.value)
    assert handler.calls == 1


def test_a_password_in_clear_is_refused_before_connecting(refusing: tuple[Refusing, int]) -> None:
    handler, port = refusing
    settings = {"host": "127.0.0.1", "port": port, "security": "none", "from": "e@x.org",
                "to": ["o@x.org"], "username": "errata", "password_env": "PW"}  # fmt: skip
    with pytest.raises(DeliveryError, match="unencrypted") as caught:
        send("email", settings, {"PW": "hunter2-password"})
    assert not caught.value.transient and "hunter2" not in str(caught.value)
    assert handler.calls == 0
    with pytest.raises(DeliveryError) as refused_auth:  # opted in: it tries (AUTH is not offered)
        send("email", {**settings, "allow_plaintext_login": True}, {"PW": "hunter2-password"})
    assert "unencrypted" not in str(refused_auth.value)
