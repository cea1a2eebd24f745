"""The command line: parse, ingest, the reads, and the contract around them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import REPO, fixture_path, json_out, run_cli

CONTRACT_KEYS = [
    "source", "exchange", "observed_at", "kind", "severity", "trivial", "similarity", "code",
    "new_code", "locale", "section", "old_section", "old_message", "new_message", "change_id",
]  # fmt: skip
KUCOIN = "https://docs.kucoin.com/#errors"


@pytest.fixture
def env(env: dict[str, str]) -> dict[str, str]:
    """Ad hoc sources only: an empty sources.toml."""
    Path(env["ERRATA_CONFIG"]).write_text("# no sources\n")
    return env


def ingest(env: dict[str, str], name: str, at: str, *extra: str) -> tuple[int, object]:
    result = run_cli(
        ["ingest", "kucoin-legacy", str(fixture_path(name)), "--observed-at", at, "--json", *extra],
        env,
    )
    return result.exit_code, json_out(result) if result.stdout.strip() else result.stderr


@pytest.mark.corpus
def test_parse_prints_codes_as_strings() -> None:
    result = run_cli(
        ["parse", str(fixture_path("oxfun/seed-003-error-codes.txt")), "--parser", "auto", "--json"]
    )
    entries = json_out(result)
    codes = [e["code"] for e in entries]
    assert "05001" in codes and "000101" in codes
    assert all(isinstance(c, str) for c in codes)
    assert set(entries[0]) == {"code", "message", "section", "locale", "extra"}


@pytest.mark.corpus
def test_parse_prints_a_table_for_people() -> None:
    result = run_cli(
        ["parse", str(fixture_path("tickdb/errors-2026-01-21.md")), "--parser", "tickdb"]
    )
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["code", "section", "message"]
    assert lines[2].startswith("0     Error Code Quick Reference  Success")
    assert result.stderr.strip() == "20 entries"


def test_parse_list_names_every_parser() -> None:
    result = run_cli(["parse", "-", "--parser", "list", "--json"])
    names = [p["name"] for p in json_out(result)]
    assert names == ["auto", "html", "kucoin", "markdown", "okx", "oxfun", "tickdb"]


def test_parse_errors(tmp_path: Path) -> None:
    page = tmp_path / "file.pdf"
    page.write_bytes(b"%PDF-1.4 ...")
    bad = run_cli(["parse", str(page), "--parser", "auto"])
    assert bad.exit_code == 2 and len(bad.stderr.splitlines()) == 1
    assert bad.stderr.startswith(f"errata: error: auto parser: {page}: the content is a PDF file")
    unknown = run_cli(["parse", str(page), "--parser", "nope"])
    assert unknown.exit_code == 2 and "unknown parser 'nope'" in unknown.stderr
    missing = run_cli(["parse", str(tmp_path / "absent.md"), "--parser", "auto"])
    assert missing.exit_code == 2 and "absent.md" in missing.stderr


@pytest.mark.corpus
def test_ingesting_a_pages_history_in_date_order(env: dict[str, str]) -> None:
    opts = ("--parser", "kucoin", "--url", KUCOIN)
    assert ingest(env, "kucoin/legacy-index-2019-02-23.md", "2019-02-23", *opts) == (0, [])
    code, changes = ingest(env, "kucoin/legacy-index-2020-08-05.md", "2020-08-05T00:00:00Z")
    assert code == 0 and isinstance(changes, list)
    assert all(list(c) == CONTRACT_KEYS for c in changes)
    assert {(c["source"], c["exchange"], c["observed_at"]) for c in changes} == {
        ("kucoin-legacy", "kucoin", "2020-08-05T00:00:00Z")
    }
    # written by hand from the two pages' "Errors" tables
    assert sorted((c["kind"], c["code"]) for c in changes) == sorted(
        [("reworded", code) for code in ("400", "401", "403", "415", "400002", "400005", "400007", "404000", "400100", "411100", "500000")]
        + [("removed", "429")]
        + [("added", code) for code in ("200001", "200002", "200003", "200009", "200004", "400200", "400500", "400700", "400800", "900001")]
    )  # fmt: skip
    by_code = {c["code"]: c for c in changes}
    assert by_code["400"]["trivial"] is True and by_code["400"]["severity"] == "low"
    assert by_code["403"]["trivial"] is False
    assert (
        by_code["403"]["new_message"]
        == "Forbidden or Too Many Requests -- The request is forbidden or Access limit breached."
    )
    assert (
        by_code["429"]["section"] == "HTTP error status codes"
        and by_code["429"]["severity"] == "high"
    )
    assert (
        by_code["200001"]["section"] == "System error codes"
        and by_code["200001"]["old_message"] is None
    )
    code, later = ingest(env, "kucoin/legacy-index-2023-06-09.md", "2023-06-09")
    assert code == 0 and {"260210", "400600", "415000"} <= {
        c["code"] for c in later if c["kind"] == "added"
    }


@pytest.mark.corpus
def test_ingest_is_idempotent_and_refuses_going_back_in_time(env: dict[str, str]) -> None:
    opts = ("--parser", "kucoin", "--url", KUCOIN)
    ingest(env, "kucoin/legacy-index-2019-02-23.md", "2019-02-23", *opts)
    ingest(env, "kucoin/legacy-index-2020-08-05.md", "2020-08-05")
    again = ingest(env, "kucoin/legacy-index-2020-08-05.md", "2020-08-05")
    assert again == (0, [])
    code, message = ingest(env, "kucoin/legacy-index-2019-02-23.md", "2019-03-01")
    assert code == 2 and "is before its latest revision (2020-08-05T00:00:00Z)" in str(message)


@pytest.mark.corpus
def test_reads_after_ingest(env: dict[str, str]) -> None:
    opts = ("--parser", "kucoin", "--url", KUCOIN)
    ingest(env, "kucoin/legacy-index-2019-02-23.md", "2019-02-23", *opts)
    ingest(env, "kucoin/legacy-index-2020-08-05.md", "2020-08-05")
    before = json_out(
        run_cli(["current", "kucoin-legacy", "--at", "2020-08-04T23:59:59Z", "--json"], env)
    )
    at = json_out(run_cli(["current", "kucoin-legacy", "--at", "2020-08-05", "--json"], env))
    now = json_out(run_cli(["current", "kucoin-legacy", "--json"], env))
    assert "429" in {e["code"] for e in before} and "429" not in {e["code"] for e in at}
    assert len(before) == 20 and len(at) == len(now) == 29
    history = json_out(run_cli(["history", "kucoin-legacy", "403", "--json"], env))
    assert [(h["valid_from"], h["valid_to"]) for h in history] == [
        ("2019-02-23T00:00:00Z", "2020-08-05T00:00:00Z"),
        ("2020-08-05T00:00:00Z", None),
    ]
    log = json_out(
        run_cli(["changes", "--source", "kucoin-legacy", "--since", "2020-01-01", "--json"], env)
    )
    assert len(log) == 22
    assert json_out(run_cli(["changes", "--until", "2020-08-05", "--json"], env)) == []
    table = run_cli(["current", "kucoin-legacy"], env)
    assert "400001" in table.stdout and table.stderr.strip() == "29 entries"


def test_python_dash_m_scraper_is_errata() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "errata", "--help"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and "Usage: errata" in result.stdout


def test_every_command_help_has_an_example() -> None:
    from errata.scraper.cli import cli

    for name in cli.list_commands(None):  # type: ignore[arg-type]
        help_text = run_cli([name, "--help"]).stdout
        assert "Example:" in help_text, name
