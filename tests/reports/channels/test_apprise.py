"""The apprise channel against a real receiver: Apprise's generic JSON scheme, on 127.0.0.1.

``json://127.0.0.1:PORT/path`` makes Apprise POST ``{"version", "title",
"message", "attachments", "type"}``, the same request path every Apprise
service goes through (render, convert, send), with the receiver ours.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from errata.differ import diff
from errata.errors import DeliveryError
from errata.parsers import Entry
from errata.reports import Report
from errata.reports.channels import Context, spec
from errata.scraper.localserver import PageServer
from tests.reports.samples import stamped

SECRET_PATH = "/hook/T0ken-s3cret"


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Apprise sends with requests, which honours proxy variables: loopback goes direct."""
    for name in (
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


def _report() -> Report:
    changes = stamped(
        diff([Entry("60029", "Only VIP5 and above"), Entry("51000", "Gone")], [Entry("60029", "Only VIP6 and above")]),
        "okx-ws", "okx", "2026-01-02T00:00:00Z",
    )  # fmt: skip
    return Report(changes, title="errata", generated_at="2026-01-03T02:00:00Z")


def _url(server: PageServer) -> str:
    return server.url(SECRET_PATH).replace("http://", "json://", 1)


def _send(server: PageServer, **settings: Any) -> dict[str, Any]:
    channel = spec("apprise").build({"url_env": "ERRATA_APPRISE_URL", **settings}, {"ERRATA_APPRISE_URL": _url(server)})  # fmt: skip
    channel.send(_report(), Context(kind="changes", delivery_id="d-1"))
    (post,) = server.accepted
    assert post.path == SECRET_PATH and post.headers["content-type"] == "application/json"
    data: dict[str, Any] = json.loads(post.body)
    return data


def test_markdown_by_default(server: PageServer) -> None:
    data = _send(server)
    assert data["title"] == "errata: 2 changes (1 high, 1 medium)."
    assert data["type"] == "info"
    assert "## okx · okx-ws" in data["message"]
    assert "- 🟠 **reworded** `60029`" in data["message"]
    assert "<del>VIP5</del>" in data["message"] and "**VIP6**" in data["message"]


def test_plain_text_when_asked(server: PageServer) -> None:
    data = _send(server, format="text")
    assert "okx / okx-ws" in data["message"] and "[HIGH] removed 51000" in data["message"]
    assert "**" not in data["message"]


def test_a_refusing_service_is_an_error_that_names_no_secret(
    server: PageServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.post_statuses = [500]
    caplog.set_level(logging.DEBUG)
    with pytest.raises(DeliveryError) as caught:
        _send(server)
    assert "apprise" in str(caught.value)
    logged = str(caught.value) + caplog.text
    assert "T0ken-s3cret" not in logged


@pytest.mark.parametrize(
    ("settings", "env", "message"),
    [
        ({}, {}, "environment variable ERRATA_APPRISE_URL (url_env) is not set"),
        ({}, {"ERRATA_APPRISE_URL": "nosuchservice://T0ken-s3cret"}, "ERRATA_APPRISE_URL does not hold a URL Apprise knows"),
        ({"format": "html"}, {"ERRATA_APPRISE_URL": "json://127.0.0.1/"}, "format must be one of text, markdown"),
    ],
)  # fmt: skip
def test_configuration_errors_are_permanent_and_name_the_variable_not_its_value(
    settings: dict[str, str], env: dict[str, str], message: str
) -> None:
    with pytest.raises(DeliveryError) as caught:
        spec("apprise").build({"url_env": "ERRATA_APPRISE_URL", **settings}, env)
    assert message in str(caught.value) and not caught.value.transient
    assert "T0ken-s3cret" not in str(caught.value)
