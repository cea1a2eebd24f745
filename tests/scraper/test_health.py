"""``errata health`` and the alert a source raises once when it keeps failing."""

from __future__ import annotations

from pathlib import Path

from errata.db.store import Store
from errata.scraper.localserver import Page, PageServer
from tests.support import json_out, run_cli

PAGE = b"<table><tr><th>Code</th><th>Message</th></tr><tr><td>1</td><td>a</td></tr></table>"


def configure(env: dict[str, str], server: PageServer, alert_after: int = 2) -> None:
    Path(env["ERRATA_CONFIG"]).write_text(
        f"[fetch]\nretries = 0\n[health]\nalert_after = {alert_after}\n"
        f'[[source]]\nid = "s"\nexchange = "x"\nurl = "{server.url("/p")}"\n'
        f'[[source]]\nid = "t"\nexchange = "y"\nurl = "{server.url("/q")}"\n'
    )


def test_health_shows_failures_in_a_row_and_alerts_once(
    server: PageServer, env: dict[str, str]
) -> None:
    configure(env, server)
    server.pages["/p"] = Page(PAGE)
    server.pages["/q"] = Page(PAGE)
    run_cli(["run"], env)
    server.pages["/p"] = Page(b"down", status=500)
    first = run_cli(["run"], env)
    assert first.exit_code == 1 and "Health alerts" not in first.stdout
    second = run_cli(["run"], env)
    assert "## Health alerts" in second.stdout
    assert "- 🚨 **s** has failed 2 runs in a row since" in second.stdout
    assert "errata: health alert: s has failed 2 runs in a row" in second.stderr
    third = run_cli(["run"], env)
    assert third.exit_code == 1 and "Health alerts" not in third.stdout  # once, not every night

    rows = {r["source"]: r for r in json_out(run_cli(["health", "--json"], env))}
    assert rows["s"]["status"] == "failing" and rows["s"]["consecutive_failures"] == 3
    assert (rows["s"]["last_error_kind"], rows["s"]["last_error"]) == ("http_status", "HTTP 500")
    assert (
        rows["t"]["status"] == "ok"
        and rows["t"]["consecutive_failures"] == 0
        and rows["t"]["entries"] == 1
    )
    table = run_cli(["health"], env).stdout
    assert "s       failing" in table and "http_status: HTTP 500" in table

    server.pages["/p"] = Page(PAGE)
    run_cli(["run"], env)
    recovered = {r["source"]: r for r in json_out(run_cli(["health", "--json"], env))}
    assert recovered["s"]["status"] == "ok" and recovered["s"]["consecutive_failures"] == 0


def test_max_age_exits_1_when_a_source_has_gone_quiet(
    server: PageServer, env: dict[str, str]
) -> None:
    configure(env, server)
    server.pages["/p"] = Page(PAGE)
    run_cli(["run"], env)  # /q is missing: t never succeeded
    result = run_cli(["health", "--max-age", "36h", "--json"], env)
    assert result.exit_code == 1
    assert {r["source"]: r["status"] for r in json_out(result)} == {"s": "ok", "t": "never"}
    server.pages["/q"] = Page(PAGE)
    run_cli(["run"], env)
    assert run_cli(["health", "--max-age", "36h"], env).exit_code == 0
    stale = run_cli(["health", "--max-age", "0s", "--json"], env)
    assert stale.exit_code == 1 and {r["status"] for r in json_out(stale)} == {"stale"}
    assert run_cli(["health", "--max-age", "soon"], env).exit_code == 2


def test_a_configured_source_never_run_is_never_and_fails_max_age(
    tmp_path: Path, env: dict[str, str]
) -> None:
    (tmp_path / "sources.toml").write_text(
        '[[source]]\nid = "tickdb"\nexchange = "tickdb"\nurl = "https://docs.tickdb.ai/en/errors"\n'
    )
    no_database = run_cli(["health", "--max-age", "36h"], env)
    assert no_database.exit_code == 2 and "no such database" in no_database.stderr
    assert not Path(env["ERRATA_DB"]).exists()  # a read never creates one
    Store.open(env["ERRATA_DB"]).close()  # a database where nothing ever ran
    result = run_cli(["health", "--max-age", "36h", "--json"], env)
    assert result.exit_code == 1
    assert [(r["source"], r["status"]) for r in json_out(result)] == [("tickdb", "never")]
