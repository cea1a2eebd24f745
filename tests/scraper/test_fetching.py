"""The fetcher against real servers on loopback: politeness, retries, proxies, alternates."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from email.utils import formatdate
from ipaddress import ip_address
from itertools import pairwise
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from errata import parsers
from errata.parsers import registry
from errata.scraper import addresses
from errata.scraper.config import FetchSettings
from errata.scraper.fetch import fetch_all
from errata.scraper.localserver import Handler, Page
from tests.scraper import faults
from tests.scraper.faults import FaultServer
from tests.support import json_out, run_cli

FAST = FetchSettings(
    timeout=5, retries=2, backoff_initial=0.01, backoff_max=0.02, retry_after_max=5
)


def first_then(fault: Callable[[Handler], None], server: FaultServer, path: str) -> None:
    """Misbehave on the first request to ``path`` only."""

    def once(handler: Handler) -> None:
        server.faults.pop(path)
        fault(handler)

    server.faults[path] = once


@pytest.mark.parametrize("form", ["seconds", "http-date"])
def test_retry_after_is_honoured(form: str) -> None:
    with FaultServer() as server:
        server.pages["/p"] = Page(b"<p>ok</p>")
        # an HTTP date has whole seconds: ask for 2.5 s so at least 1.5 s remain
        wait = "1" if form == "seconds" else formatdate(time.time() + 2.5, usegmt=True)
        first_then(lambda h: h.send_page(503, b"busy", {"Retry-After": wait}), server, "/p")
        result = fetch_all([(server.url("/p"),)], FAST)[(server.url("/p"),)]
        assert result.error is None and result.body == b"<p>ok</p>"
        gap = server.request_times[1] - server.request_times[0]
    assert 0.9 <= gap < 4


def test_client_errors_are_not_retried_and_server_errors_are() -> None:
    with FaultServer() as server:
        server.pages["/down"] = Page(b"oops", status=503)
        results = fetch_all([(server.url("/missing"),), (server.url("/down"),)], FAST)
        missing, down = results[(server.url("/missing"),)], results[(server.url("/down"),)]
        paths = [path for path, _ in server.requests]
    assert (missing.error and missing.error.kind, missing.status) == ("http_status", 404)
    assert (down.error and down.error.kind, down.status) == ("http_status", 503)
    assert paths.count("/missing") == 1 and paths.count("/down") == 3


def test_the_per_host_limit_holds_while_hosts_run_in_parallel() -> None:
    with FaultServer("127.0.0.2") as one, FaultServer("127.0.0.3") as two:
        for server in (one, two):
            for i in range(6):
                server.pages[f"/p{i}"] = Page(b"<p>x</p>", delay=0.3)
        started = time.monotonic()
        chains = [(s.url(f"/p{i}"),) for s in (one, two) for i in range(6)]
        results = fetch_all(chains, FetchSettings(per_host=2, concurrency=16))
        elapsed = time.monotonic() - started
    assert all(r.error is None for r in results.values())
    assert one.most_concurrent == 2 and two.most_concurrent == 2
    assert elapsed < 6 * 0.3  # both hosts were served at once, three rounds each


def test_host_delay_spaces_requests_to_one_host() -> None:
    with FaultServer() as server:
        for i in range(3):
            server.pages[f"/p{i}"] = Page(b"<p>x</p>")
        fetch_all(
            [(server.url(f"/p{i}"),) for i in range(3)], FetchSettings(host_delay=0.3, per_host=2)
        )
        times = sorted(server.request_times)
    assert all(later - earlier >= 0.29 for earlier, later in pairwise(times))


def test_a_url_shared_by_several_sources_is_fetched_once() -> None:
    with FaultServer() as server:
        server.pages["/docs-v5/en/"] = Page(b"<p>x</p>")
        url = server.url("/docs-v5/en/")
        results = fetch_all([(url,), (url,), (server.url("/docs-v5/en/x.md"), url)], FAST)
        assert [path for path, _ in server.requests].count("/docs-v5/en/") == 1
    assert all(r.error is None and r.url == url for r in results.values())


def test_a_configured_proxy_carries_the_requests() -> None:
    with FaultServer() as proxy:
        proxy.pages["/errors"] = Page(b"<p>via proxy</p>")
        settings = FetchSettings(proxy=proxy.url(""), retries=0)
        url = "http://docs.errata-test.invalid/errors"  # never resolved: the proxy answers
        result = fetch_all([(url,)], settings)[(url,)]
        assert proxy.requests[0][0] == url
    assert result.error is None and result.body == b"<p>via proxy</p>"


def test_environment_proxies_are_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    with FaultServer() as proxy:
        proxy.pages["/errors"] = Page(b"<p>via env proxy</p>")
        monkeypatch.setenv("HTTP_PROXY", proxy.url(""))
        url = "http://docs.errata-test.invalid/errors"
        result = fetch_all([(url,)], FetchSettings(retries=0))[(url,)]
    assert result.error is None and result.body == b"<p>via env proxy</p>"


def test_a_slow_drip_body_hits_the_total_deadline() -> None:
    def drip(handler: Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", "1000")
        handler.end_headers()
        for _ in range(100):
            handler.wfile.write(b"x")
            handler.wfile.flush()
            time.sleep(0.1)

    with FaultServer() as server:
        server.faults["/slow"] = drip
        settings = FetchSettings(timeout=1, read_timeout=0.5, retries=0)
        started = time.monotonic()
        result = fetch_all([(server.url("/slow"),)], settings)[(server.url("/slow"),)]
    assert result.error is not None and result.error.kind == "timeout"
    assert time.monotonic() - started < 3


def test_markdown_rendition_first_then_the_page(tmp_path: Path, env: dict[str, str]) -> None:
    table = b"| Code | Message |\n|--|--|\n| 1001 | Invalid key |\n"
    with FaultServer() as server:
        server.pages["/en/errors.md"] = Page(table, "text/markdown")
        server.pages["/en/errors"] = Page(
            b"<table><tr><th>Code</th><th>Message</th></tr><tr><td>1001</td><td>Invalid key</td></tr></table>"
        )
        Path(env["ERRATA_CONFIG"]).write_text(
            f'[fetch]\nretries = 0\n[[source]]\nid = "tickdb"\nexchange = "tickdb"\nparser = "tickdb"\n'
            f'format = "markdown"\nurl = "{server.url("/en/errors")}"\n'
        )
        assert run_cli(["run"], env).exit_code == 0
        del server.pages["/en/errors.md"]  # the .md goes away: the HTML page still works
        assert run_cli(["run", "--json"], env).exit_code == 0
        paths = [path for path, _ in server.requests]
    assert paths == ["/en/errors.md", "/en/errors.md", "/en/errors"]
    assert len(json_out(run_cli(["current", "tickdb", "--json"], env))) == 1


@pytest.fixture
def counting_parser() -> Callable[[], int]:
    calls = []

    def read(doc: parsers.document.Document) -> list[parsers.Entry]:
        calls.append(doc.url)
        return parsers.get("auto").func(doc)

    registry.register("counting", version="1", summary="counts its calls")(read)
    yield lambda: len(calls)
    del registry._REGISTRY["counting"]


@pytest.mark.parametrize("conditional", [True, False], ids=["304", "same-body"])
def test_an_unchanged_page_is_not_parsed_again(
    conditional: bool, counting_parser: Callable[[], int], env: dict[str, str]
) -> None:
    page = b"<table><tr><th>Code</th><th>Message</th></tr><tr><td>1</td><td>a</td></tr></table>"
    with FaultServer() as server:
        server.pages["/p"] = Page(page, conditional=conditional)
        Path(env["ERRATA_CONFIG"]).write_text(
            f'[[source]]\nid = "s"\nexchange = "x"\nparser = "counting"\nurl = "{server.url("/p")}"\n'
        )
        run_cli(["run"], env)
        run_cli(["run"], env)
    assert counting_parser() == 1


DOCS = b"<html><head><title>Errors</title></head><body><h2 id='errors'>Errors</h2>" + (
    b"<table><tr><th>Code</th><th>Message</th></tr><tr><td>1</td><td>Bad request</td></tr></table>"
    * 500
)
CF_SCRIPT = b"<script src='/cdn-cgi/challenge-platform/scripts/jsd/main.js'></script>"


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (b"<html><head><TITLE>Just a moment...</TITLE></head><body>" + b" " * 9000, "blocked"),
        (b"<html><body><script>window._cf_chl_opt={}</script></body></html>", "blocked"),
        (DOCS + CF_SCRIPT + b"</body></html>", None),  # a bot wall's script at the end of docs
    ],
    ids=["challenge-title", "challenge-script", "docs-with-a-wall-script-at-the-end"],
)
def test_only_the_start_of_a_page_tells_a_challenge(body: bytes, kind: str | None) -> None:
    with FaultServer() as server:
        server.pages["/p"] = Page(body)
        result = fetch_all([(server.url("/p"),)], FAST)[(server.url("/p"),)]
    assert (result.error.kind if result.error else None) == kind


# --- redirects from a public host into the private network (issue 17.14) -----------------------

PUBLIC_NAME = "docs.errata-test.invalid"


@pytest.fixture
def public_name(monkeypatch: pytest.MonkeyPatch) -> None:
    """``docs.errata-test.invalid`` resolves to a public address (no packet leaves: the proxy
    in each test answers for it); every other lookup is the real one."""
    real = socket.getaddrinfo

    def lookup(host: object, *args: object, **kwargs: object) -> object:
        if host == PUBLIC_NAME:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", 0))]
        return real(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", lookup)


INWARD = {
    "metadata": "http://169.254.169.254/latest/meta-data/",
    "loopback": "http://127.0.0.2/admin",
    "private": "http://10.1.2.3/admin",
    "ipv6-loopback": "http://[::1]/admin",
}


@pytest.mark.usefixtures("public_name")
@pytest.mark.parametrize("target", INWARD.values(), ids=INWARD.keys())
def test_a_public_page_redirecting_into_the_private_network_is_refused(target: str) -> None:
    with FaultServer() as proxy:  # the "internet": it answers for every host
        proxy.faults["/errors"] = faults.redirect(target)
        proxy.pages[urlsplit(target).path] = Page(b"<p>internal secrets</p>")
        url = f"http://{PUBLIC_NAME}/errors"
        result = fetch_all([(url,)], FetchSettings(proxy=proxy.url(""), retries=0))[(url,)]
        asked = [path for path, _ in proxy.requests]
        allowed = FetchSettings(proxy=proxy.url(""), retries=0, allow_private_redirects=True)
        opted_in = fetch_all([(url,)], allowed)[(url,)]
    assert result.error is not None and result.error.kind == "redirect"
    assert "private" in str(result.error) and result.body is None
    assert asked == [url]  # the internal address was never requested
    assert opted_in.error is None and opted_in.body == b"<p>internal secrets</p>"


def test_a_redirect_within_loopback_is_followed() -> None:
    """The rule is public to private: a loopback page redirecting on loopback is fine."""
    with FaultServer() as server, FaultServer("127.0.0.2") as other:
        server.faults["/old"] = faults.redirect(other.url("/new"))
        other.pages["/new"] = Page(b"<p>moved</p>")
        result = fetch_all([(server.url("/old"),)], FAST)[(server.url("/old"),)]
    assert result.error is None and result.body == b"<p>moved</p>"


@pytest.mark.parametrize(
    ("origin", "target", "refused"),
    [("93.184.215.14", "127.0.0.1", True), ("93.184.215.14", "192.168.1.1", True),
     ("93.184.215.14", "172.16.0.1", True), ("93.184.215.14", "fe80::1", True),
     ("93.184.215.14", "fd00::1", True), ("93.184.215.14", "::ffff:127.0.0.1", True),
     ("93.184.215.14", "0.0.0.0", True), ("2606:2800:21f:cb07::1", "::1", True),
     ("93.184.215.14", "151.101.1.69", False), ("127.0.0.1", "127.0.0.2", False),
     ("10.0.0.1", "192.168.0.1", False), ("10.0.0.1", "93.184.215.14", False)],
)  # fmt: skip
def test_which_redirects_lead_inward(origin: str, target: str, refused: bool) -> None:
    assert addresses.leads_inward([ip_address(origin)], [ip_address(target)]) is refused
