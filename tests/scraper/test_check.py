"""``errata check`` on real deployments: sound, damaged, misconfigured (issue 17.9)."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from tests.scraper.test_environment import corrupt_a_page_of, many_codes
from tests.support import json_out, run_cli

ROUTE = '[[notify]]\nname = "ops"\nchannel = "webhook"\nurl_env = "ERRATA_CHECK_HOOK"\n'


@pytest.fixture
def deployment(tmp_path: Path, env: dict[str, str]) -> dict[str, str]:
    """Two sources ingested twice each, and a webhook route whose variable is set."""
    Path(env["ERRATA_CONFIG"]).write_text(
        '[[source]]\nid = "a"\nexchange = "x"\nurl = "https://docs.example/a"\n' + ROUTE
    )
    page = tmp_path / "page.md"
    for source in ("a", "b"):
        for day, count in (("2026-01-01", 300), ("2026-01-02", 301)):
            page.write_text(f"# Errors of {source}\n\n" + many_codes(count))
            args = ["ingest", source, str(page), "--observed-at", day]
            assert run_cli(args, env).exit_code == 0
    return {**env, "ERRATA_CHECK_HOOK": "https://hooks.example/T0/XXXXsecretTOKEN"}


def findings(result: object) -> dict[str, tuple[bool, str]]:
    return {f["check"]: (f["ok"], f["detail"]) for f in json_out(result)}


def test_a_sound_deployment_passes_every_check_and_nothing_is_written(
    deployment: dict[str, str],
) -> None:
    db = Path(deployment["ERRATA_DB"])
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    result = run_cli(["check", "--json"], deployment)
    assert result.exit_code == 0, result.stdout
    found = findings(result)
    assert set(found) == {"config", "route ops", "integrity", "foreign keys", "schema", "archive"}
    assert all(ok for ok, _ in found.values())
    assert found["archive"][1].startswith("4 page bodies, all present")
    assert found["route ops"][1] == "webhook: ERRATA_CHECK_HOOK set"
    assert "XXXXsecretTOKEN" not in result.stdout
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    table = run_cli(["check"], deployment)
    assert (
        table.exit_code == 0 and "integrity     ok      PRAGMA integrity_check: ok" in table.stdout
    )


def test_a_missing_body_is_exit_1_naming_its_source(deployment: dict[str, str]) -> None:
    with sqlite3.connect(deployment["ERRATA_DB"]) as conn:
        (sha,) = conn.execute("SELECT sha256 FROM fetches WHERE source_id = 'b' LIMIT 1").fetchone()
    next(Path(deployment["ERRATA_ARCHIVE"]).rglob(f"{sha}.gz")).unlink()
    result = run_cli(["check", "--json"], deployment)
    assert result.exit_code == 1
    ok, detail = findings(result)["archive"]
    assert not ok and detail.startswith("1 of 4 page bodies missing") and "(b 2026-01-01" in detail


def test_a_broken_foreign_key_is_exit_1(deployment: dict[str, str]) -> None:
    with sqlite3.connect(deployment["ERRATA_DB"]) as conn:  # foreign keys off, as in any client
        conn.execute("UPDATE fetches SET source_id = 'gone' WHERE id = 1")
    result = run_cli(["check", "--json"], deployment)
    assert result.exit_code == 1
    ok, detail = findings(result)["foreign keys"]
    assert not ok and "fetches row 1 → sources" in detail


def test_a_corrupted_database_is_exit_1(deployment: dict[str, str]) -> None:
    corrupt_a_page_of(Path(deployment["ERRATA_DB"]), "entry_versions")
    result = run_cli(["check", "--json"], deployment)
    assert result.exit_code == 1
    failed = {check: detail for check, (ok, detail) in findings(result).items() if not ok}
    assert set(failed) & {"integrity", "database"} and "malformed" in " ".join(failed.values())


@pytest.mark.parametrize(
    ("variables", "expected"),
    [({"ERRATA_CHECK_HOOK": ""}, "webhook: ERRATA_CHECK_HOOK not set"),
     ({"ERRATA_CHECK_HOOK": "http://[::1/XXXXsecretTOKEN"}, "the URL in ERRATA_CHECK_HOOK (url_env) cannot work")],
    ids=["unset", "malformed"],
)  # fmt: skip
def test_a_route_variable_that_cannot_work_is_exit_2(
    deployment: dict[str, str], variables: dict[str, str], expected: str
) -> None:
    result = run_cli(["check", "--json"], {**deployment, **variables})
    assert result.exit_code == 2
    ok, detail = findings(result)["route ops"]
    assert not ok and expected in detail and "XXXXsecretTOKEN" not in result.stdout


def test_an_invalid_config_or_a_missing_database_is_exit_2(
    deployment: dict[str, str], tmp_path: Path
) -> None:
    Path(deployment["ERRATA_CONFIG"]).write_text('[[source]]\nid = "a"\n')
    bad_config = run_cli(["check", "--json"], deployment)
    assert bad_config.exit_code == 2
    assert "missing required key 'exchange'" in findings(bad_config)["config"][1]
    missing = run_cli(["check", "--json", "--db", str(tmp_path / "typo.db")], deployment)
    assert missing.exit_code == 2 and not (tmp_path / "typo.db").exists()
    assert findings(missing)["database"] == (False, f"{tmp_path / 'typo.db'}: no such database")
