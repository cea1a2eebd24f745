"""Judging changes end to end: accept, diff, locale pages, severity overrides, ignored changes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from errata.scraper.localserver import Page, PageServer
from tests.support import fixture_path, json_out, run_cli

OPNX_V1, OPNX_V2 = "oxfun/v2-websocket-2023-03-14.md", "oxfun/v2-websocket-2023-07-27.md"


@pytest.fixture
def env(env: dict[str, str]) -> dict[str, str]:
    Path(env["ERRATA_CONFIG"]).write_text("")
    return env


def ingest(
    env: dict[str, str], source: str, name: str, at: str, *extra: str
) -> tuple[int, object, str]:
    result = run_cli(
        ["ingest", source, str(fixture_path(name)), "--observed-at", at, "--json", *extra], env
    )
    return result.exit_code, json_out(result), result.stderr


@pytest.mark.corpus
def test_a_held_back_revision_is_applied_by_accept(env: dict[str, str]) -> None:
    assert (
        ingest(env, "tickdb", "tickdb/errors-2026-01-14.md", "2026-01-14", "--parser", "tickdb")[0]
        == 0
    )
    code, changes, stderr = ingest(env, "tickdb", "tickdb/errors-2026-01-21.md", "2026-01-21")
    assert (code, changes) == (0, [])
    assert (
        "held back as suspect: 9 of 12 codes would be removed (more than 50%) (errata accept tickdb applies it)"
        in stderr
    )
    assert len(json_out(run_cli(["current", "tickdb", "--json"], env))) == 12

    accepted = run_cli(["accept", "tickdb", "--json"], env)
    assert accepted.exit_code == 0, accepted.stderr
    kinds = sorted((c["kind"], c["code"]) for c in json_out(accepted))
    assert len(kinds) == 29 and ("removed", "429") in kinds and ("added", "5002") in kinds
    assert {c["observed_at"] for c in json_out(accepted)} == {"2026-01-21T00:00:00Z"}
    assert len(json_out(run_cli(["current", "tickdb", "--json"], env))) == 20
    with sqlite3.connect(env["ERRATA_DB"]) as conn:
        assert conn.execute("SELECT status FROM revisions ORDER BY id").fetchall() == [
            ("ok",),
            ("accepted",),
        ]

    again = run_cli(["accept", "tickdb"], env)
    assert (
        again.exit_code == 2
        and "has no suspect revision to accept (its latest is accepted)" in again.stderr
    )
    (reparsed,) = json_out(
        run_cli(["reparse", "tickdb", "--json"], env)
    )  # the decision survives a rebuild
    assert (
        reparsed["changes_added"] == reparsed["changes_removed"] == []
        and reparsed["revisions_after"] == 2
    )


@pytest.mark.corpus
def test_diff_between_any_two_moments(env: dict[str, str]) -> None:
    url = ("--parser", "oxfun", "--url", "https://docs.ox.fun/#error-codes")
    ingest(env, "opnx", OPNX_V1, "2023-03-14", *url)
    ingest(env, "opnx", OPNX_V2, "2023-07-27")
    ingest(env, "opnx", OPNX_V1, "2023-08-01")  # the page went back: a flip-flop
    assert len(json_out(run_cli(["changes", "--source", "opnx", "--json"], env))) == 30
    span = json_out(
        run_cli(["diff", "opnx", "--from", "2023-03-14", "--to", "2023-08-01", "--json"], env)
    )
    assert span == []
    first = json_out(
        run_cli(["diff", "opnx", "--from", "2023-03-14", "--to", "2023-07-27", "--json"], env)
    )
    assert len(first) == 15 and {c["observed_at"] for c in first} == {"2023-07-27T00:00:00Z"}
    backwards = run_cli(["diff", "opnx", "--from", "2023-08-01", "--to", "2023-03-14"], env)
    assert backwards.exit_code == 2 and "is after --to" in backwards.stderr


def configure(tmp_path: Path, server: PageServer, extra: str = "") -> None:
    (tmp_path / "sources.toml").write_text(
        f'[fetch]\nretries = 0\n\n[[source]]\nid = "opnx-ws"\nexchange = "opnx"\n'
        f'url = "{server.url("/docs/")}#error-codes"\nparser = "oxfun"\n{extra}'
    )


def two_nights(
    tmp_path: Path, server: PageServer, env: dict[str, str], extra: str = ""
) -> list[dict[str, object]]:
    configure(tmp_path, server, extra)
    server.pages["/docs/"] = Page(fixture_path(OPNX_V1).read_bytes(), "text/markdown")
    run_cli(["run"], env)
    server.pages["/docs/"] = Page(fixture_path(OPNX_V2).read_bytes(), "text/markdown")
    changes: list[dict[str, object]] = json_out(run_cli(["run", "--json"], env))
    return changes


@pytest.mark.corpus
def test_a_source_can_treat_additions_as_high(
    tmp_path: Path, server: PageServer, env: dict[str, str]
) -> None:
    configure(tmp_path, server, 'severity = { added = "high" }\n')
    server.pages["/docs/"] = Page(fixture_path(OPNX_V1).read_bytes(), "text/markdown")
    run_cli(["run"], env)
    server.pages["/docs/"] = Page(fixture_path(OPNX_V2).read_bytes(), "text/markdown")
    result = run_cli(["run", "--json", "--fail-on", "high"], env)
    assert result.exit_code == 3
    severities = {(c["kind"], c["severity"]) for c in json_out(result)}
    assert severities == {("added", "high"), ("reworded", "medium")}


@pytest.mark.corpus
def test_an_ignored_change_id_is_silenced(
    tmp_path: Path, server: PageServer, env: dict[str, str]
) -> None:
    reported = two_nights(tmp_path, server, env)
    target = next(c for c in reported if c["code"] == "100005")
    fresh = {**env, "ERRATA_DB": str(tmp_path / "fresh.db")}
    again = two_nights(tmp_path, server, fresh, f'ignore = ["{target["change_id"]}"]\n')
    assert [c["change_id"] for c in again] == [c["change_id"] for c in reported if c is not target]


def locale_page(rows: list[tuple[str, str]], header: tuple[str, str]) -> bytes:
    body = "".join(f"<tr><td>{c}</td><td>{m}</td></tr>" for c, m in rows)
    return f'<h2 id="errors">Errors</h2><table><tr><th>{header[0]}</th><th>{header[1]}</th></tr>{body}</table>'.encode()


def test_locale_pages_are_revised_on_their_own(
    tmp_path: Path, server: PageServer, env: dict[str, str]
) -> None:
    (tmp_path / "sources.toml").write_text(
        f'[fetch]\nretries = 0\n\n[[source]]\nid = "okx-ws"\nexchange = "okx"\nparser = "okx"\n'
        f'url = "{server.url("/en/")}#errors"\nlocales = {{ zh = "{server.url("/zh/")}#errors" }}\n'
    )
    en = [
        ("60004", "Invalid timestamp"),
        ("60032", "API key doesn't exist."),
        ("60033", "Parameter {param0} error."),
    ]
    zh = [("60004", "无效的 timestamp"), ("60032", "API key 不存在")]
    server.pages["/en/"] = Page(locale_page(en, ("Error Code", "Error Message")))
    server.pages["/zh/"] = Page(locale_page(zh, ("错误码", "错误消息")))
    first = run_cli(["run", "--json"], env)
    assert (
        first.exit_code == 0 and json_out(first) == []
    )  # each page's first revision is its baseline
    uneven = json_out(run_cli(["locales", "okx-ws", "--json"], env))
    assert uneven == [{"code": "60033", "counts": {"en": 1, "zh": 0}}]

    server.pages["/zh/"] = Page(
        locale_page(
            [*zh[:1], ("60032", "API key 已不存在"), ("60033", "参数 {param0} 错误")],
            ("错误码", "错误消息"),
        )
    )
    second = json_out(run_cli(["run", "--json"], env))
    assert sorted((c["kind"], c["code"], c["locale"]) for c in second) == [
        ("added", "60033", "zh"),
        ("reworded", "60032", "zh"),
    ]
    assert json_out(run_cli(["locales", "okx-ws", "--json"], env)) == []

    server.pages["/zh/"] = Page(b"down", status=500)
    third = run_cli(["run", "--json"], env)
    assert third.exit_code == 1 and json_out(third) == []
    assert (
        f"okx-ws [zh] ({server.url('/zh/')}): fetch failed (http_status): HTTP 500" in third.stderr
    )
    locales = {e["locale"] for e in json_out(run_cli(["current", "okx-ws", "--json"], env))}
    assert locales == {"en", "zh"}  # the failing page removed nothing
