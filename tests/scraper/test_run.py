"""``errata run`` end to end: a real HTTP server, real SQLite, the real CLI."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import Result

from errata.scraper.localserver import Page, PageServer
from tests.support import fixture_bytes, json_out, run_cli

pytestmark = pytest.mark.corpus  # every test here reads the real-page corpus

V1 = "oxfun/v2-websocket-2023-03-14.md"
V2 = "oxfun/v2-websocket-2023-07-27.md"

# Written by hand from `diff` of the two files' "## Error Codes" tables. The new
# page also lists 20034 a second time, word for word: a documentation defect.
EXPECTED = [
    ("added", "20050", None, "selfTradePreventionMode is invalid"),
    ("added", "300001", None, "Invalid account status xxx, please contact administration if any questions"),
    ("reworded", "100005", "Open order not found with id", "Open order not found"),
    ("reworded", "100006", "Open order does not match to the given account", "Open order is not owned by the user"),
    ("added", "100008", None, "Quantity cannot be less than the quantity increment xxx"),
    ("added", "100015", None, "recvWindow xxx has expired"),
    ("added", "710001", None, "System failure, exception thrown -> xxx"),
    ("reworded", "710002", "FAILED sanity bound check as price (.....) < lower bound (.....)", "The price is lower than the minimum"),
    ("reworded", "710003", "FAILED sanity bound check as price (.....) > upper bound (.....)", "The price is higher than the maximum"),
    ("reworded", "710004", "FAILED net position check as position (.....) > threshold (.....)", "Position quantity exceeds the limit"),
    ("reworded", "710005", "FAILED margin check as collateral (.....) < var (.....)", "Insufficient margin"),
    ("reworded", "710006", "FAILED balance check as balance (.....) < value (.....)", "Insufficient balance"),
    ("added", "710007", None, "Insufficient position"),
    ("added", "000101", None, "Internal server is unavailable temporary, try again later"),
    ("added", "000201", None, "Trade service is busy, try again later"),
]  # fmt: skip


def configure(tmp_path: Path, server: PageServer) -> None:
    (tmp_path / "sources.toml").write_text(
        f"""
[fetch]
retries = 0

[[source]]
id = "opnx-ws"
exchange = "opnx"
url = "{server.url("/docs/")}#error-codes"
parser = "oxfun"
"""
    )


def first_night(tmp_path: Path, server: PageServer, env: dict[str, str]) -> None:
    """Configure the OPNX source and store V1 as its baseline."""
    configure(tmp_path, server)
    server.pages["/docs/"] = Page(fixture_bytes(V1), "text/markdown")
    run_cli(["run"], env)


def two_nights(tmp_path: Path, server: PageServer, env: dict[str, str], *args: str) -> Result:
    """Night one serves V1 (the baseline), night two V2; returns night two's result."""
    first_night(tmp_path, server, env)
    server.pages["/docs/"] = Page(fixture_bytes(V2), "text/markdown")
    return run_cli(["run", *args], env)


def count(db: str, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_two_nights_then_an_unchanged_one(
    tmp_path: Path, server: PageServer, env: dict[str, str]
) -> None:
    configure(tmp_path, server)
    server.pages["/docs/"] = Page(fixture_bytes(V1), "text/markdown")
    first = run_cli(["run", "--json"], env)
    assert first.exit_code == 0, first.stderr
    assert json_out(first) == []  # the first revision is the baseline
    assert "opnx-ws: first revision, 45 entries" in first.stderr

    server.pages["/docs/"] = Page(fixture_bytes(V2), "text/markdown")
    second = run_cli(["run", "--json"], env)
    assert second.exit_code == 0, second.stderr
    changes = json_out(second)
    assert [(c["kind"], c["code"], c["old_message"], c["new_message"]) for c in changes] == EXPECTED
    assert {c["source"] for c in changes} == {"opnx-ws"} and {c["exchange"] for c in changes} == {
        "opnx"
    }
    assert {c["section"] for c in changes} == {"Error Codes"}
    assert count(env["ERRATA_DB"], "revisions") == 2
    assert count(env["ERRATA_DB"], "changes") == len(EXPECTED)

    third = run_cli(["run", "--json"], env)
    assert third.exit_code == 0 and json_out(third) == []
    assert count(env["ERRATA_DB"], "revisions") == 2
    assert count(env["ERRATA_DB"], "fetches") == 3
    # the unchanged night was a conditional request answered 304
    assert server.requests[-1][1]["If-None-Match"] == server.pages["/docs/"].etag
    assert len(list(Path(env["ERRATA_ARCHIVE"]).rglob("*.gz"))) == 2


def test_markdown_changelog_is_the_default_output(
    tmp_path: Path, server: PageServer, env: dict[str, str]
) -> None:
    result = two_nights(tmp_path, server, env)
    assert "15 changes (15 medium)." in result.stdout
    assert "- ⚠️ **opnx-ws**: 20034 is listed 2 times in Error Codes" in result.stdout
    assert "## opnx · opnx-ws" in result.stdout
    assert "- 🟠 **reworded** `100005` · Error Codes · similarity 0.83" in result.stdout
    assert "  - after: Open order not found" in result.stdout


def test_a_failed_source_exits_1_and_keeps_its_state(
    tmp_path: Path, server: PageServer, env: dict[str, str]
) -> None:
    first_night(tmp_path, server, env)
    server.pages["/docs/"] = Page(b"gone", status=404)
    result = run_cli(["run"], env)
    assert result.exit_code == 1
    assert "opnx-ws**: fetch failed (http\\_status): HTTP 404" in result.stdout
    current = json_out(run_cli(["current", "opnx-ws", "--json"], env))
    assert len(current) == 45
    with sqlite3.connect(env["ERRATA_DB"]) as conn:
        kinds = conn.execute("SELECT outcome, error_kind FROM fetches ORDER BY id").fetchall()
    assert kinds == [("new", None), ("failed", "http_status")]
    assert count(env["ERRATA_DB"], "changes") == 0


def test_a_page_that_lost_its_table_is_held_back_not_reported_as_removals(
    tmp_path: Path, server: PageServer, env: dict[str, str]
) -> None:
    first_night(tmp_path, server, env)
    server.pages["/docs/"] = Page(
        b"## Error Codes\n\nMoved to our new docs site.\n", "text/markdown"
    )
    result = run_cli(["run", "--json"], env)
    assert json_out(result) == [] and result.exit_code == 4  # held back: never silent
    assert "held back as suspect: the page has no entries" in result.stderr
    assert len(json_out(run_cli(["current", "opnx-ws", "--json"], env))) == 45


@pytest.mark.parametrize(("level", "code"), [("high", 0), ("medium", 3), ("low", 3)])
def test_fail_on(
    tmp_path: Path, server: PageServer, env: dict[str, str], level: str, code: int
) -> None:
    assert two_nights(tmp_path, server, env, "--fail-on", level).exit_code == code


def test_an_unchanged_night_without_validators_adds_one_fetch_row_and_no_archive_file(
    tmp_path: Path, server: PageServer, env: dict[str, str]
) -> None:
    configure(tmp_path, server)
    server.pages["/docs/"] = Page(fixture_bytes(V1), "text/markdown", conditional=False)
    run_cli(["run"], env)
    archived = sorted(Path(env["ERRATA_ARCHIVE"]).rglob("*"))
    result = run_cli(["run", "--json"], env)
    assert result.exit_code == 0 and json_out(result) == []
    assert "If-None-Match" not in server.requests[-1][1]
    assert sorted(Path(env["ERRATA_ARCHIVE"]).rglob("*")) == archived
    with sqlite3.connect(env["ERRATA_DB"]) as conn:
        rows = conn.execute("SELECT outcome, http_status FROM fetches ORDER BY id").fetchall()
        assert conn.execute("SELECT count(*) FROM revisions").fetchone()[0] == 1
    assert rows == [("new", 200), ("unchanged", 200)]
