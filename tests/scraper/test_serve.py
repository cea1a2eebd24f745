"""``errata serve`` as a real process: every canned query, the feeds and the pages, over HTTP.

The database is built through the real pipeline (``errata ingest``), served
on a free loopback port, written to while it is served, and the server is
stopped (and must exit cleanly) before the test ends.
"""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import httpx
import pytest

from errata import differ
from errata.db import links
from errata.db.links import DATABASE
from errata.db.store import Store
from errata.reports.atom import entry_id
from errata.scraper.cli import serve as serve_module
from tests import history
from tests.support import REPO, json_out, run_cli

ATOM = "{http://www.w3.org/2005/Atom}"
STARTUP = 15.0  # seconds; a start takes about one


@contextmanager
def serving(db: Path, env: dict[str, str], log: Path) -> Iterator[str]:
    """Run ``errata serve DB --port 0``; once it answers, yield its database's URL; stop it."""
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "errata", "serve", str(db), "--host", "127.0.0.1", "--port", "0"],
            cwd=REPO, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=stderr, text=True,
        )  # fmt: skip
        try:
            url = _announced_url(process, log)
            _wait_until_answering(url, process, log)
            yield url
            process.terminate()
            assert process.wait(timeout=10) == 0, log.read_text()
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)
            assert process.stdout is not None
            process.stdout.close()


def _announced_url(process: subprocess.Popen[str], log: Path) -> str:
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], STARTUP)
    line = process.stdout.readline() if ready else ""
    match = re.fullmatch(r"errata: serving (http://127\.0\.0\.1:\d+/)\n", line)
    assert match, f"no URL on stdout ({line!r}); stderr:\n{log.read_text()}"
    return match.group(1) + DATABASE


def _wait_until_answering(url: str, process: subprocess.Popen[str], log: Path) -> None:
    deadline = time.monotonic() + STARTUP
    while time.monotonic() < deadline:
        assert process.poll() is None, f"errata serve exited; stderr:\n{log.read_text()}"
        try:
            if httpx.get(f"{url}.json", timeout=2, trust_env=False).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.05)
    pytest.fail(f"errata serve did not answer within {STARTUP} s; stderr:\n{log.read_text()}")


def query(client: httpx.Client, url: str, name: str, **params: str) -> list[dict[str, Any]]:
    response = client.get(f"{url}/{name}.json", params={**params, "_shape": "array"})
    assert response.status_code == 200, response.text
    rows = response.json()
    assert isinstance(rows, list)
    return rows


def feed(client: httpx.Client, path: str) -> list[dict[str, str]]:
    """The entries of an Atom feed, after checking it is a well-formed feed."""
    response = client.get(path)
    assert response.status_code == 200 and "xml" in response.headers["content-type"]
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed" and root.findtext(f"{ATOM}title")
    entries = []
    for entry in root.iter(f"{ATOM}entry"):
        link = entry.find(f"{ATOM}link")
        entries.append({
            "id": entry.findtext(f"{ATOM}id") or "",
            "title": entry.findtext(f"{ATOM}title") or "",
            "updated": entry.findtext(f"{ATOM}updated") or "",
            "content": entry.findtext(f"{ATOM}content") or "",
            "link": "" if link is None else link.get("href", ""),
        })  # fmt: skip
    return entries


@pytest.mark.corpus
def test_errata_serve_end_to_end(tmp_path: Path) -> None:
    env = history.environment(tmp_path, db_name="history.sqlite")  # served as "errata" all the same
    history.build(env)
    db = Path(env["ERRATA_DB"])
    everything = [differ.Change.from_dict(c) for c in json_out(run_cli(["changes", "--json"], env))]

    with serving(db, env, tmp_path / "serve.log") as url, httpx.Client(trust_env=False, timeout=10) as client:  # fmt: skip
        root = url.removesuffix("/errata")

        recent = query(client, url, "recent_changes", since="2020-01-01")
        assert len(recent) == len(everything) > 30
        assert recent[0]["observed_at"] == "2023-07-27T00:00:00Z"
        assert {(r["source_id"], r["code"]) for r in recent if r["kind"] == "removed"} == {
            ("kucoin-legacy", "429")
        }

        kucoin = query(client, url, "exchange_changes", exchange="kucoin", since="2020-01-01")
        assert len(kucoin) == 22 and {r["source_id"] for r in kucoin} == {"kucoin-legacy"}
        assert query(client, url, "exchange_changes", exchange="oxfun", since="2024-01-01") == []

        versions = query(client, url, "code_history", source="oxfun-ws", code="100005")
        assert [(v["message"], v["valid_to"], v["came_by"], v["went_by"]) for v in versions] == [
            ("Open order not found with id", "2023-07-27T00:00:00Z", None, "reworded"),
            ("Open order not found", None, "reworded", None),
        ]

        then = query(client, url, "as_of", source="kucoin-legacy", at="2019-06-01")
        cli_then = json_out(run_cli(["current", "kucoin-legacy", "--at", "2019-06-01", "--json"], env))  # fmt: skip
        assert [(r["code"], r["message"]) for r in then] == [(e["code"], e["message"]) for e in cli_then]  # fmt: skip
        assert len(then) == 20 and "429" in {r["code"] for r in then}

        found = query(client, url, "search_messages", q="too many requests")
        assert {("tickdb", "429", 1), ("kucoin", "429", 0)} <= {
            (r["exchange"], r["code"], r["current"]) for r in found
        }

        health = {r["source_id"]: r for r in query(client, url, "source_health")}
        assert {s: h["status"] for s, h in health.items()} == {
            "kucoin-legacy": "ok", "oxfun-ws": "ok", "tickdb": "suspect",
        }  # fmt: skip
        assert health["kucoin-legacy"]["entries"] == 29

        entries = feed(client, f"{url}/feed.atom")
        assert [e["id"] for e in entries] == [
            entry_id(c) for c in reversed(everything)
        ]  # newest first
        assert "kucoin kucoin-legacy: removed 429 (high)" in {e["title"] for e in entries}
        assert all(e["updated"] and e["link"].startswith("https://") for e in entries)
        oxfun = feed(client, links.feed_url(root, "oxfun"))
        assert len(oxfun) == 15 and all(e["title"].startswith("oxfun oxfun-ws: ") for e in oxfun)
        assert [e["id"] for e in feed(client, links.feed_url(root, "binance"))] == [
            "urn:errata:no-changes"
        ]

        # errata writes while Datasette reads: the next page version shows up at once.
        later = history.ingest(env, history.LATER)
        assert len(later) == 3
        fresh = query(client, url, "exchange_changes", exchange="kucoin", since="2023-01-01")
        assert {r["code"] for r in fresh} == {c["code"] for c in later}
        fresh_ids = {e["id"] for e in feed(client, links.feed_url(root, "kucoin"))}
        assert {entry_id(differ.Change.from_dict(c)) for c in later} <= fresh_ids

        page = client.get(f"{url}/change_log")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        html = page.text
        assert "Every change, newest first" in html and "<table" in html
        assert 'href="/errata/code_history?source=kucoin-legacy&amp;code=' in html
        assert 'href="/errata/sources/kucoin-legacy"' in html

        change = recent[0]
        address = links.change_url(root, change["change_id"], change["observed_at"])
        one = client.get(
            address.replace("/change_log?", "/change_log.json?") + "&_shape=array"
        ).json()
        assert [(r["change_id"], r["code"]) for r in one] == [(change["change_id"], change["code"])]
        history_page = client.get(links.code_history_url(root, "oxfun-ws", "100005"))
        assert (
            history_page.status_code == 200 and "Open order not found with id" in history_page.text
        )
        source_page = client.get(links.source_url(root, "kucoin-legacy"))
        assert (
            source_page.status_code == 200 and "https://docs.kucoin.com/#errors" in source_page.text
        )

        home = client.get(f"{root}/")
        assert home.status_code == 200 and "errata accept tickdb" in home.text
        exchange = client.get(links.exchange_page_url(root, "kucoin"))
        assert exchange.status_code == 200 and "https://docs.kucoin.com/#errors" in exchange.text
        assert client.get(links.exchange_page_url(root, "binance")).status_code == 404
        charts = client.get(links.charts_url(root, "kucoin"))
        assert charts.status_code == 200 and "Codes documented per exchange" in charts.text

        refused = client.get(f"{url}.json", params={"sql": "DELETE FROM changes"})
        assert refused.status_code == 400
        [database] = client.get(f"{root}/-/databases.json").json()
        assert (database["name"], database["is_mutable"]) == ("errata", True)
        assert len(query(client, url, "recent_changes", since="2020-01-01")) == len(everything) + 3


def test_a_missing_database_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli(["serve", str(tmp_path / "absent.db")])
    assert result.exit_code == 2
    assert "absent.db: no such database" in result.stderr


def test_without_datasette_it_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(serve_module, "_NEEDS", ("datasette", "errata_no_such_module"))
    result = run_cli(["serve", str(tmp_path / "errata.db")])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "errata: error: errata serve needs errata_no_such_module: pip install 'errata-watch[serve]'"
    )


def test_a_port_in_use_is_a_usage_error(tmp_path: Path) -> None:
    import socket

    env = history.environment(tmp_path)
    Store.open(env["ERRATA_DB"]).close()  # an empty database
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli(["serve", "--port", str(port)], env)
    assert result.exit_code == 2 and f"cannot listen on 127.0.0.1:{port}" in result.stderr
