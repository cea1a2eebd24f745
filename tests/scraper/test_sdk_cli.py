"""``errata export ccxt`` and ``errata gaps ccxt`` over a real page history, and stored categories."""

from __future__ import annotations

import ast
import json
import sqlite3
from pathlib import Path

import pytest

from tests.support import fixture_path, json_out, run_cli

URL = "https://docs.kucoin.com/#errors"
SOURCE = f"""
[[source]]
id = "kucoin-legacy"
exchange = "kucoin"
url = "{URL}"
parser = "kucoin"
"""


def history(tmp_path: Path, env: dict[str, str], extra: str = "") -> None:
    """KuCoin's legacy page in 2019, then 2020 (which dropped 429 and reworded 400100)."""
    (tmp_path / "sources.toml").write_text(SOURCE + extra)
    for day in ("2019-02-23", "2020-08-05"):
        page = fixture_path(f"kucoin/legacy-index-{day}.md")
        result = run_cli(["ingest", "kucoin-legacy", str(page), "--observed-at", day], env)
        assert result.exit_code == 0, result.stderr


def categories(env: dict[str, str]) -> dict[str, str]:
    with sqlite3.connect(env["ERRATA_DB"]) as db:
        return dict(
            db.execute("SELECT code, category FROM current_entries WHERE locale = 'en'").fetchall()
        )


@pytest.mark.corpus
def test_export_is_a_ccxt_map_of_every_documented_code(tmp_path: Path, env: dict[str, str]) -> None:
    history(tmp_path, env)
    data = json.loads(
        run_cli(["export", "ccxt", "--exchange", "kucoin", "--format", "json"], env).stdout
    )
    assert set(data) == {"exact", "broad"} and data["broad"] == {}
    exact = data["exact"]
    assert exact["400005"] == "AuthenticationError"  # Signature error
    assert exact["200004"] == "InsufficientFunds"  # Balance insufficient
    assert exact["900001"] == "BadSymbol"  # symbol not exists
    assert exact["500000"] == "ExchangeError"  # Internal Server Error
    assert "429" not in exact  # gone since 2020
    assert list(exact) == sorted(exact, key=int) and all(isinstance(c, str) for c in exact)
    python = run_cli(["export", "ccxt", "--source", "kucoin-legacy"], env).stdout
    body = python[python.index("{") :]
    assert ast.literal_eval(body)["exact"] == exact
    assert "'400005': 'AuthenticationError',  # authentication · Signature error" in python


@pytest.mark.corpus
def test_gaps_against_a_hand_written_map(tmp_path: Path, env: dict[str, str]) -> None:
    history(tmp_path, env)
    mapping = tmp_path / "kucoin.json"
    mapping.write_text(json.dumps({"exact": {
        "429": "RateLimitExceeded", "400005": "AuthenticationError", "900001": "BadSymbol",
        "400100": "InsufficientFunds", "500000": "ExchangeError", "123456": "BadRequest",
    }, "broad": {}}))  # fmt: skip
    report = json_out(
        run_cli(["gaps", "ccxt", "--exchange", "kucoin", "--map", str(mapping), "--json"], env)
    )
    documented = len(
        json.loads(
            run_cli(["export", "ccxt", "--exchange", "kucoin", "--format", "json"], env).stdout
        )["exact"]
    )
    assert report["counts"]["documented"] == documented
    assert [(s["code"], s["removed_at"]) for s in report["stale"]] == [
        ("429", "2020-08-05"),
        ("123456", None),
    ]
    assert [(g["code"], g["mapped"], g["expected"]) for g in report["disagree"]] == [
        ("400100", "InsufficientFunds", "BadRequest")
    ]
    assert [
        g["code"] for g in report["generic"]
    ] == []  # 500000 is an internal error: ExchangeError agrees
    assert len(report["unmapped"]) == documented - 4
    markdown = run_cli(["gaps", "ccxt", "--exchange", "kucoin", "--map", str(mapping)], env).stdout
    assert markdown.startswith("# kucoin (kucoin-legacy) against ") and "`429`" in markdown


@pytest.mark.corpus
def test_gaps_errors_are_one_line_and_exit_2(tmp_path: Path, env: dict[str, str]) -> None:
    history(tmp_path, env)
    (tmp_path / "bad.json").write_text("{nope")
    bad = run_cli(
        ["gaps", "ccxt", "--exchange", "kucoin", "--map", str(tmp_path / "bad.json")], env
    )
    assert bad.exit_code == 2 and "bad.json: not JSON: line 1" in bad.stderr
    nobody = run_cli(
        ["gaps", "ccxt", "--exchange", "bitnowhere", "--map", str(tmp_path / "bad.json")], env
    )
    assert nobody.exit_code == 2


def test_gaps_against_the_installed_ccxt(tmp_path: Path, env: dict[str, str]) -> None:
    pytest.importorskip(
        "ccxt",
        reason="the optional ccxt package is not installed (pip install 'errata-watch[ccxt]')",
    )
    history(tmp_path, env)
    report = json_out(run_cli(["gaps", "ccxt", "--exchange", "kucoin", "--json"], env))
    assert report["map"].startswith("ccxt ") and report["counts"]["mapped"] > 0


@pytest.mark.corpus
def test_categories_are_stored_and_follow_overrides(tmp_path: Path, env: dict[str, str]) -> None:
    history(tmp_path, env)
    assert (
        categories(env)["400100"] == "invalid_parameter"
        and categories(env)["200004"] == "insufficient_funds"
    )
    (tmp_path / "sources.toml").write_text(SOURCE + 'categories = { "400100" = "rate_limit" }\n')
    assert (
        run_cli(["reparse", "kucoin-legacy"], env).exit_code == 0
    )  # any write brings categories up to date
    assert (
        categories(env)["400100"] == "rate_limit"
        and categories(env)["200004"] == "insufficient_funds"
    )
    with sqlite3.connect(env["ERRATA_DB"]) as db:
        summary = dict(
            db.execute(
                "SELECT category, codes FROM category_summary WHERE source_id = 'kucoin-legacy'"
            ).fetchall()
        )
    assert summary["rate_limit"] >= 1 and sum(summary.values()) == len(categories(env))


def test_a_bad_category_override_is_a_config_error(tmp_path: Path, env: dict[str, str]) -> None:
    (tmp_path / "sources.toml").write_text(SOURCE + 'categories = { "400100" = "ratelimit" }\n')
    result = run_cli(["export", "ccxt"], env)
    assert result.exit_code == 2
    assert (
        "source 'kucoin-legacy': categories: unknown category 'ratelimit' for code '400100'"
        in result.stderr
    )


@pytest.mark.corpus
def test_a_recorded_gap_report_feeds_the_exchange_summary(
    tmp_path: Path, env: dict[str, str]
) -> None:
    history(tmp_path, env)
    mapping = tmp_path / "kucoin.json"
    mapping.write_text(
        json.dumps({"exact": {"400005": "AuthenticationError", "400100": "InsufficientFunds"}})
    )
    args = ["gaps", "ccxt", "--exchange", "kucoin", "--map", str(mapping), "--json"]
    report = json_out(run_cli([*args, "--record"], env))
    with sqlite3.connect(env["ERRATA_DB"]) as db:
        summary = {row[0]: row[1:] for row in db.execute(
            "SELECT category, codes, unmapped, mismatched FROM exchange_summary WHERE exchange = 'kucoin'")}  # fmt: skip
        statuses = dict(
            db.execute("SELECT status, count(*) FROM sdk_gaps GROUP BY status").fetchall()
        )
    assert sum(unmapped for _, unmapped, _ in summary.values()) == len(report["unmapped"])
    assert summary["invalid_parameter"][2] == 1  # 400100 mapped to InsufficientFunds
    assert statuses == {"unmapped": len(report["unmapped"]), "disagree": 1}
    json_out(run_cli([*args, "--record"], env))  # recording again replaces, never doubles
    with sqlite3.connect(env["ERRATA_DB"]) as db:
        assert db.execute("SELECT count(*) FROM sdk_gaps").fetchone()[0] == sum(statuses.values())
