"""``errata reparse``: history re-derived from the archive with today's parsers."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from errata import parsers
from errata.parsers import registry
from errata.parsers.document import Document
from tests.support import fixture_path, json_out, run_cli

pytestmark = pytest.mark.corpus  # every test here reads the real-page corpus

V1 = "oxfun/v2-websocket-2023-03-14.md"
V2 = "oxfun/v2-websocket-2023-07-27.md"


@pytest.fixture
def opnx_parser() -> Iterator[Callable[[bool], None]]:
    """A parser registered for the test whose bug (dropping the 7100xx rows) can be fixed."""
    state = {"buggy": True}

    def read(doc: Document) -> list[parsers.Entry]:
        entries = parsers.get("oxfun").func(doc)
        return [e for e in entries if not (state["buggy"] and e.code.startswith("7100"))]

    registry.register("opnx-test", version="1", summary="test parser")(read)

    def set_buggy(buggy: bool) -> None:
        state["buggy"] = buggy

    yield set_buggy
    del registry._REGISTRY["opnx-test"]


def ingest(env: dict[str, str], name: str, at: str) -> None:
    args = ["ingest", "opnx", str(fixture_path(name)), "--observed-at", at, "--parser", "opnx-test"]
    result = run_cli([*args, "--url", "https://docs.ox.fun/#error-codes"], env)
    assert result.exit_code == 0, result.stderr


@pytest.fixture
def history(env: dict[str, str], opnx_parser: Callable[[bool], None]) -> dict[str, str]:
    Path(env["ERRATA_CONFIG"]).write_text("")
    ingest(env, V1, "2023-03-14")
    ingest(env, V2, "2023-07-27")
    return env


def test_reparse_after_a_parser_fix_reports_the_changes_it_now_finds(
    history: dict[str, str], opnx_parser: Callable[[bool], None]
) -> None:
    before = json_out(run_cli(["changes", "--json"], history))
    assert not any(c["code"].startswith("7100") for c in before)

    opnx_parser(False)
    result = run_cli(["reparse", "opnx", "--json"], history)
    assert result.exit_code == 0, result.stderr
    (report,) = json_out(result)
    assert (report["source"], report["revisions_before"], report["revisions_after"]) == (
        "opnx",
        2,
        2,
    )
    assert report["changes_removed"] == [] and report["parse_errors"] == []
    assert sorted((c["kind"], c["code"]) for c in report["changes_added"]) == sorted(
        [("added", "710001"), ("added", "710007")]
        + [("reworded", f"71000{i}") for i in range(2, 7)]
    )
    after = json_out(run_cli(["changes", "--json"], history))
    assert len(after) == len(before) + 7
    assert (
        len(json_out(run_cli(["current", "opnx", "--at", "2023-03-14", "--json"], history))) == 45
    )


def test_reparse_with_nothing_new_changes_nothing(history: dict[str, str]) -> None:
    result = run_cli(["reparse"], history)
    assert result.exit_code == 0 and "## opnx: unchanged (2 revisions)" in result.stdout


def test_a_missing_archive_body_aborts_and_keeps_history(
    history: dict[str, str], opnx_parser: Callable[[bool], None]
) -> None:
    opnx_parser(False)
    archived = sorted(Path(history["ERRATA_ARCHIVE"]).rglob("*.gz"))
    archived[0].unlink()
    result = run_cli(["reparse", "opnx"], history)
    assert result.exit_code == 1
    assert "archive:" in result.stderr and "is missing" in result.stderr
    with sqlite3.connect(history["ERRATA_DB"]) as conn:
        assert conn.execute("SELECT count(*) FROM revisions").fetchone()[0] == 2
        assert conn.execute("SELECT count(*) FROM changes").fetchone()[0] == 8


def test_a_parser_regression_is_reported_and_changes_nothing(
    history: dict[str, str], opnx_parser: Callable[[bool], None]
) -> None:
    def refuse(doc: Document) -> list[parsers.Entry]:
        raise doc.error("refused for the test")

    original = registry._REGISTRY["opnx-test"]
    registry._REGISTRY["opnx-test"] = registry.ParserSpec("opnx-test", "2", "refuses", refuse)
    try:
        result = run_cli(["reparse", "opnx", "--json"], history)
    finally:
        registry._REGISTRY["opnx-test"] = original
    assert result.exit_code == 1
    (report,) = json_out(result)
    assert report["refused"] is True and len(report["parse_errors"]) == 2
    assert "refused for the test" in report["parse_errors"][0]
    assert report["revisions_after"] == report["revisions_before"] == 2
    assert len(json_out(run_cli(["current", "opnx", "--json"], history))) == 47  # history kept


def test_reparse_of_everything_skips_a_source_missing_a_body_and_carries_on(
    history: dict[str, str], opnx_parser: Callable[[bool], None], tmp_path: Path
) -> None:
    """Issue 17.6: one source's missing body used to stop the whole command, silently."""
    later = tmp_path / "z.md"
    for day, rows in (("2023-01-01", "| 1 | a |\n"), ("2023-02-01", "| 1 | a |\n| 2 | b |\n")):
        later.write_text("| Code | Message |\n|--|--|\n" + rows)
        assert run_cli(["ingest", "zz", str(later), "--observed-at", day], history).exit_code == 0
    with sqlite3.connect(history["ERRATA_DB"]) as conn:
        (sha,) = conn.execute(
            "SELECT sha256 FROM fetches WHERE source_id = 'opnx' ORDER BY id LIMIT 1"
        ).fetchone()
        conn.execute("DELETE FROM changes WHERE source_id = 'zz'")  # so its rebuild shows
    next(Path(history["ERRATA_ARCHIVE"]).rglob(f"{sha}.gz")).unlink()
    opnx_parser(False)  # opnx would change if it were rebuilt: it must not be

    result = run_cli(["reparse"], history)
    assert result.exit_code == 1
    assert "## opnx: skipped" in result.stdout and "is missing" in result.stdout
    assert "## zz: 2 → 2 revisions, 1 change(s) added" in result.stdout
    assert "Skipped 1 of 2 sources: opnx" in result.stdout
    assert "opnx: skipped" in result.stderr  # the log says so too
    with sqlite3.connect(history["ERRATA_DB"]) as conn:
        assert (
            conn.execute("SELECT count(*) FROM changes WHERE source_id = 'opnx'").fetchone()[0] == 8
        )
        assert (
            conn.execute("SELECT count(*) FROM changes WHERE source_id = 'zz'").fetchone()[0] == 1
        )

    as_json = json_out(run_cli(["reparse", "--json"], history))
    assert [(r["source"], r["skipped"] is not None) for r in as_json] == [
        ("opnx", True),
        ("zz", False),
    ]
