"""Delivery end to end: ``errata run`` against real receivers, with the bookkeeping in SQLite."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from errata.db.store import Store
from errata.scraper.config import load
from errata.scraper.deliver import deliver
from errata.scraper.localserver import Page, PageServer
from tests.scraper.test_run import EXPECTED, V1, V2
from tests.support import fixture_bytes, fixture_path, json_out, run_cli

pytestmark = pytest.mark.corpus  # every test here reads the real-page corpus

HOOK = "/hooks/T000/B000/XXXXsecretTOKEN"


def configure(tmp_path: Path, server: PageServer, routes: str, health: str = "") -> None:
    (tmp_path / "sources.toml").write_text(
        f"""
[fetch]
retries = 0
{health}
[[source]]
id = "opnx-ws"
exchange = "opnx"
url = "{server.url("/docs/")}#error-codes"
parser = "oxfun"
{routes}
"""
    )


def webhook(name: str = "hook", **keys: Any) -> str:
    extra = "".join(f"{key} = {json.dumps(value)}\n" for key, value in keys.items())
    return f'[[notify]]\nname = "{name}"\nchannel = "webhook"\nurl_env = "ERRATA_TEST_HOOK"\nbackoff = 0.01\n{extra}'


def night(server: PageServer, env: dict[str, str], fixture: str, *args: str) -> Any:
    server.pages["/docs/"] = Page(fixture_bytes(fixture), "text/markdown")
    result = run_cli(["run", *args], env)
    assert result.exit_code == 0, result.stderr
    return result


def delivered(server: PageServer) -> list[str]:
    """The (change id, time) of every change a receiver accepted, in order of arrival."""
    return [
        f"{c['change_id']}@{c['observed_at']}"
        for post in server.accepted
        for c in json.loads(post.body)["changes"]
    ]


def hook_env(env: dict[str, str], server: PageServer) -> dict[str, str]:
    return {**env, "ERRATA_TEST_HOOK": server.url(HOOK)}


def test_receiver_fails_twice_then_accepts_and_every_change_arrives_once(
    tmp_path: Path, server: PageServer, env: dict[str, str]
) -> None:
    configure(tmp_path, server, webhook(retries=3))
    env = hook_env(env, server)
    night(server, env, V1)
    assert server.posts == []  # the baseline changed nothing: nothing is sent
    server.post_statuses = [503, 503]
    changes = json_out(night(server, env, V2, "--json"))
    assert [p.answered for p in server.posts] == [503, 503, 200]
    assert len({p.headers["x-errata-delivery"] for p in server.posts}) == 1  # one delivery, retried
    assert sorted(delivered(server)) == sorted(
        f"{c['change_id']}@{c['observed_at']}" for c in changes
    )
    assert len(delivered(server)) == len(EXPECTED)
    night(server, env, V2)
    assert len(server.posts) == 3  # nothing new, nothing sent again


def test_a_delivery_that_keeps_failing_stays_pending_for_the_next_run(
    tmp_path: Path, server: PageServer, env: dict[str, str]
) -> None:
    configure(tmp_path, server, webhook(retries=1))
    env = hook_env(env, server)
    night(server, env, V1)
    server.post_statuses = [503, 503]
    second = night(server, env, V2)
    assert [p.answered for p in server.posts] == [503, 503]
    assert "notify hook: webhook: HTTP 503" in second.stderr and "stay pending" in second.stderr
    night(server, env, V2)  # the page did not change; the owed changes go out now
    night(server, env, V2)
    assert [p.answered for p in server.posts] == [503, 503, 200]
    assert len(delivered(server)) == len(set(delivered(server))) == len(EXPECTED)
    with sqlite3.connect(env["ERRATA_DB"]) as db:
        attempts = db.execute("SELECT ok, items FROM delivery_attempts ORDER BY id").fetchall()
    assert attempts == [(0, len(EXPECTED)), (1, len(EXPECTED))]


def test_secrets_reach_neither_logs_nor_the_database(
    tmp_path: Path, server: PageServer, env: dict[str, str]
) -> None:
    configure(tmp_path, server, webhook(retries=0, secret_env="ERRATA_TEST_KEY"))
    env = {**hook_env(env, server), "ERRATA_TEST_KEY": "hmac-key-value-42"}
    night(server, env, V1)
    server.post_statuses = [500]
    server.pages["/docs/"] = Page(fixture_bytes(V2), "text/markdown")
    result = run_cli(["--verbose", "run"], env)
    logs = result.stderr
    with sqlite3.connect(env["ERRATA_DB"]) as db:
        dump = "\n".join(db.iterdump())
    for secret in ("XXXXsecretTOKEN", "hmac-key-value-42"):
        assert secret not in logs and secret not in dump
    assert "notify hook" in logs


def test_routes_take_only_the_changes_they_ask_for(
    tmp_path: Path, server: PageServer, env: dict[str, str]
) -> None:
    routes = webhook("medium-up", min_severity="medium") + webhook("elsewhere", exchanges=["okx"])
    configure(tmp_path, server, routes, health='[severity]\nadded = "low"\n')
    env = hook_env(env, server)
    night(server, env, V1)
    changes = json_out(night(server, env, V2, "--json"))
    wanted = {f"{c['change_id']}@{c['observed_at']}" for c in changes if c["severity"] != "low"}
    assert len(server.accepted) == 1 and set(delivered(server)) == wanted
    assert 0 < len(wanted) < len(changes)  # the additions, made low, were left out


def test_heartbeat_says_so_when_nothing_changed(
    tmp_path: Path, server: PageServer, env: dict[str, str]
) -> None:
    configure(tmp_path, server, webhook(heartbeat=True))
    env = hook_env(env, server)
    night(server, env, V1)
    night(server, env, V1)
    bodies = [json.loads(p.body) for p in server.accepted]
    assert [b["event"] for b in bodies] == ["heartbeat", "heartbeat"]
    assert all(b["changes"] == [] and b["summary"] == "No changes." for b in bodies)


def test_health_alerts_go_to_every_route_but_those_that_opt_out(
    tmp_path: Path, server: PageServer, env: dict[str, str]
) -> None:
    routes = webhook("ops") + webhook("team", health=False)
    configure(tmp_path, server, routes, health="[health]\nalert_after = 2\n")
    env = hook_env(env, server)
    night(server, env, V1)
    server.pages["/docs/"] = Page(b"gone", "text/plain", status=500)
    for _ in range(3):
        assert run_cli(["run"], env).exit_code == 1
    (post,) = server.accepted  # raised once, on the second failure in a row; sent to ops only
    body = json.loads(post.body)
    assert body["event"] == "alert" and body["changes"] == []
    assert body["alerts"][0]["source"] == "opnx-ws"
    assert "has failed 2 runs in a row" in body["alerts"][0]["message"]


def test_a_daily_digest_collects_changes_until_the_next_day(
    tmp_path: Path, server: PageServer, env: dict[str, str]
) -> None:
    configure(tmp_path, server, webhook(mode="digest", digest="daily"))
    env = hook_env(env, server)
    for fixture, day in ((V1, "2026-01-01"), (V2, "2026-01-05")):
        assert (
            run_cli(
                ["ingest", "opnx-ws", str(fixture_path(fixture)), "--observed-at", day], env
            ).exit_code
            == 0
        )
    config = load(tmp_path / "sources.toml")
    store = Store.open(env["ERRATA_DB"])
    try:

        def at(now: str) -> list[str | None]:
            return [
                d.error
                for d in deliver(store, config, now=now, since="2026-01-05T00:00:00Z", env=env)
            ]

        assert at("2026-01-05T02:00:00Z") == [] and server.posts == []  # the day is not over
        assert at("2026-01-06T02:00:00Z") == [None]
        assert json.loads(server.accepted[0].body)["title"] == "errata daily digest"
        assert len(delivered(server)) == len(EXPECTED)
        assert at("2026-01-06T09:00:00Z") == [] and at("2026-01-07T02:00:00Z") == []
        assert len(server.posts) == 1  # nothing new: no empty digest without a heartbeat
    finally:
        store.close()


def test_file_channel_writes_snapshots_changelog_and_feed_only_when_they_change(
    tmp_path: Path, server: PageServer, env: dict[str, str]
) -> None:
    out = tmp_path / "site"
    configure(tmp_path, server, f'[[notify]]\nchannel = "file"\ndir = "{out}"\n')
    night(server, env, V1)
    snapshot = out / "snapshots" / "opnx-ws.md"
    assert snapshot.read_text().startswith("---\nexchange: opnx\nsource_id: opnx-ws\n")
    assert not (out / "changelog").exists() or not list((out / "changelog").iterdir())
    night(server, env, V2)
    changelog = (out / "changelog" / "opnx" / "CHANGELOG.md").read_text()
    assert "### Added" in changelog and "`20050`" in changelog
    assert (out / "changes.atom").read_text().count("<entry>") == len(EXPECTED)
    assert "| 20050 | selfTradePreventionMode is invalid |" in snapshot.read_text()
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    night(server, env, V2)
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == stamps


def test_no_notify_leaves_changes_owed(
    tmp_path: Path, server: PageServer, env: dict[str, str]
) -> None:
    configure(tmp_path, server, webhook())
    env = hook_env(env, server)
    night(server, env, V1)
    night(server, env, V2, "--no-notify")
    assert server.posts == []
    night(server, env, V2)
    assert len(delivered(server)) == len(EXPECTED)
