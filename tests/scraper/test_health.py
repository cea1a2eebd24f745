"""``errata health`` and the alert a source raises once when it keeps failing."""

from __future__ import annotations

import json
import threading
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


# --- a page held back as suspect is never silent (issue 17.1) ---------------------------------

ROWS = "".join(f"<tr><td>{n}</td><td>message {n}</td></tr>" for n in range(10))
FULL = f"<table><tr><th>Code</th><th>Message</th></tr>{ROWS}</table>".encode()
GUTTED = (
    b"<table><tr><th>Code</th><th>Message</th></tr><tr><td>0</td><td>message 0</td></tr></table>"
)
HOOK = "/hooks/XXXXsecretTOKEN"


def hook(name: str, extra: str = "") -> str:
    return (
        f'[[notify]]\nname = "{name}"\nchannel = "webhook"\nurl_env = "ERRATA_TEST_HOOK"\n{extra}'
    )


def test_a_held_back_page_exits_4_reaches_every_route_and_health_names_the_fix(
    server: PageServer, env: dict[str, str]
) -> None:
    configure(env, server)
    with Path(env["ERRATA_CONFIG"]).open("a") as config:
        config.write(hook("team") + hook("quiet", "health = false\n"))
    env = {**env, "ERRATA_TEST_HOOK": server.url(HOOK)}
    server.pages["/p"] = Page(FULL)
    server.pages["/q"] = Page(PAGE)
    assert run_cli(["run"], env).exit_code == 0

    server.pages["/p"] = Page(GUTTED)  # nine of ten codes gone: held back, not reported removed
    held = run_cli(["run"], env)
    assert held.exit_code == 4, held.stderr
    assert "held back as suspect" in held.stderr

    (post,) = server.accepted  # the team route heard of it; the opted-out one did not
    body = json.loads(post.body)
    assert [a["source"] for a in body["alerts"]] == ["s"]
    assert [p["source"] for p in body["problems"]] == ["s"]
    assert "errata accept s" in body["problems"][0]["message"]

    health = run_cli(["health"], env)
    assert health.exit_code == 4
    (line,) = [line for line in health.stdout.splitlines() if line.startswith("s ")]
    assert "suspect" in line and "9 of 10 codes" in line and "errata accept s" in line
    rows = {r["source"]: r for r in json_out(run_cli(["health", "--json"], env))}
    assert rows["s"]["status"] == "suspect" and rows["s"]["action"] == "errata accept s"
    assert "9 of 10" in rows["s"]["reason"] and rows["t"]["reason"] is None

    assert run_cli(["accept", "s"], env).exit_code == 0
    assert run_cli(["health"], env).exit_code == 0


def test_a_failure_still_exits_1_when_a_page_is_also_held_back(
    server: PageServer, env: dict[str, str]
) -> None:
    configure(env, server)
    server.pages["/p"] = Page(FULL)
    server.pages["/q"] = Page(PAGE)
    run_cli(["run"], env)
    server.pages["/p"] = Page(GUTTED)
    server.pages["/q"] = Page(b"down", status=500)
    assert run_cli(["run"], env).exit_code == 1


def test_the_scheduler_names_held_pages_in_its_summary(
    server: PageServer, env: dict[str, str]
) -> None:
    from errata.scraper.cli.options import Paths
    from errata.scraper.cli.schedule import _one_run

    configure(env, server)
    server.pages["/p"] = Page(FULL)
    server.pages["/q"] = Page(PAGE)
    paths = Paths(
        Path(env["ERRATA_DB"]), Path(env["ERRATA_CONFIG"]), True, Path(env["ERRATA_ARCHIVE"])
    )
    assert "held back" not in _one_run(paths, (), threading.Event())
    server.pages["/p"] = Page(GUTTED)
    assert "held back: s (errata accept SOURCE)" in _one_run(paths, (), threading.Event())
