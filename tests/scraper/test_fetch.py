"""The fetcher against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import socket

from scraper.config import FetchSettings
from scraper.fetch import Validators, fetch_all
from scraper.localserver import Page, PageServer

FAST = FetchSettings(timeout=5, retries=2, backoff_initial=0.01, backoff_max=0.02)


def test_a_page_is_fetched_with_its_validators(server: PageServer) -> None:
    server.pages["/errors"] = Page(b"| Code | Message |", "text/markdown; charset=utf-8")
    result = fetch_all([server.url("/errors")], FAST)[server.url("/errors")]
    assert result.error is None and result.status == 200 and result.body == b"| Code | Message |"
    assert result.etag == server.pages["/errors"].etag
    assert result.content_type == "text/markdown; charset=utf-8"
    assert server.requests[0][1]["User-Agent"].startswith("errata/")


def test_conditional_request_gets_not_modified(server: PageServer) -> None:
    page = Page(b"<table></table>")
    server.pages["/p"] = page
    result = fetch_all([server.url("/p")], FAST, {server.url("/p"): Validators(page.etag)})[
        server.url("/p")
    ]
    assert result.not_modified and result.body is None
    assert server.requests[0][1]["If-None-Match"] == page.etag


def test_each_distinct_url_is_fetched_once(server: PageServer) -> None:
    server.pages["/p"] = Page(b"x")
    fetch_all([server.url("/p"), server.url("/p")], FAST)
    assert len(server.requests) == 1


def test_client_errors_are_not_retried(server: PageServer) -> None:
    result = fetch_all([server.url("/missing")], FAST)[server.url("/missing")]
    assert result.error is not None and result.error.kind == "http_status" and result.status == 404
    assert len(server.requests) == 1


def test_server_errors_are_retried_then_reported(server: PageServer) -> None:
    server.pages["/down"] = Page(b"oops", status=503)
    result = fetch_all([server.url("/down")], FAST)[server.url("/down")]
    assert result.error is not None and result.error.kind == "http_status" and result.status == 503
    assert len(server.requests) == 3  # one try and two retries


def test_an_empty_body_is_bad_content(server: PageServer) -> None:
    server.pages["/empty"] = Page(b"  \n")
    result = fetch_all([server.url("/empty")], FAST)[server.url("/empty")]
    assert result.error is not None and result.error.kind == "bad_content"


def test_an_oversize_body_is_too_large(server: PageServer) -> None:
    server.pages["/big"] = Page(b"x" * 5000)
    settings = FetchSettings(max_bytes=1000, retries=0)
    result = fetch_all([server.url("/big")], settings)[server.url("/big")]
    assert result.error is not None and result.error.kind == "too_large"


def test_a_refused_connection_is_a_connect_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    result = fetch_all([url], FetchSettings(retries=1, backoff_initial=0.01, backoff_max=0.02))[url]
    assert result.error is not None and result.error.kind == "connect"
