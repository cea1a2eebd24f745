"""Datasette metadata: everything visible is described, and every canned query answers right.

The canned queries run here with plain ``sqlite3`` on a store built by
``errata ingest``, and their answers are checked against the store's own
reads and the command line's (``errata changes``, ``current``, ``health``).
"""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from errata import differ
from errata.db import metadata as meta
from errata.db.store import FetchRecord, Store
from errata.reports.atom import entry_id
from tests import history
from tests.support import json_out, run_cli

QUERIES: dict[str, dict[str, Any]] = meta.metadata()["databases"][meta.DATABASE]["queries"]
TABLES: dict[str, dict[str, Any]] = meta.metadata()["databases"][meta.DATABASE]["tables"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The shared history, plus two failed HTTP fetches of oxfun-ws for the health query."""
    env = history.environment(tmp_path_factory.mktemp("history"))
    history.build(env)
    store = Store.open(env["ERRATA_DB"])
    try:
        with store.transaction():
            for at in ("2023-08-01T00:00:00Z", "2023-08-02T00:00:00Z"):
                store.add_fetch(
                    FetchRecord("oxfun-ws", at, "https://docs.ox.fun/x", "http", "failed",
                                error_kind="timeout", error_message=f"no answer on {at}")
                )  # fmt: skip
    finally:
        store.close()
    return Path(env["ERRATA_DB"]), env


@pytest.fixture
def conn(built: tuple[Path, dict[str, str]]) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(f"file:{built[0]}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    meta.register_functions(connection)
    yield connection
    connection.close()


def run(conn: sqlite3.Connection, name: str, **params: str) -> list[dict[str, Any]]:
    """A canned query as Datasette runs it: every declared parameter present, '' when not given."""
    values = dict.fromkeys(QUERIES[name].get("params", []), "") | params
    return [dict(row) for row in conn.execute(QUERIES[name]["sql"], values)]


# --- descriptions and settings -------------------------------------------------------


def visible_tables(path: Path) -> dict[str, list[str]]:
    """What Datasette lists for a visitor (its own hiding rules), with each one's columns."""
    from errata.db.browse import datasette

    database = datasette(path).databases[meta.DATABASE]

    async def names() -> list[str]:
        hidden = set(await database.hidden_table_names())
        everything = await database.table_names() + await database.view_names()
        return [name for name in everything if name not in hidden]

    with sqlite3.connect(path) as conn:
        return {
            name: [row[1] for row in conn.execute(f"PRAGMA table_info([{name}])")]
            for name in asyncio.run(names())
        }


@pytest.mark.corpus
def test_every_visible_table_view_and_column_is_described(
    built: tuple[Path, dict[str, str]],
) -> None:
    """When a migration adds a table or a column, describe it in db/metadata.py."""
    visible = visible_tables(built[0])
    assert {"sources", "changes", "entry_versions", "change_log", "current_entries"} <= set(visible)
    assert "_sqlite_migrations" not in visible and "entry_versions_fts" not in visible
    for name, columns in visible.items():
        assert name in TABLES, f"{name} has no description in db/metadata.py"
        assert TABLES[name]["description"].strip(), name
        described = TABLES[name]["columns"]
        assert set(columns) - set(described) == set(), f"undescribed columns of {name}"
        assert set(described) - set(columns) == set(), f"described columns {name} lacks"
        assert all(text.strip() for text in described.values()), name


@pytest.mark.corpus
def test_sorts_facets_labels_and_search_name_real_columns(
    built: tuple[Path, dict[str, str]],
) -> None:
    visible = visible_tables(built[0])
    for name, settings in TABLES.items():
        if settings.get("hidden"):
            continue
        columns = set(visible[name])
        named = [settings.get(k) for k in ("sort", "sort_desc", "label_column", "fts_pk")]
        assert {n for n in named if n} <= columns, name
        assert set(settings.get("facets", [])) <= columns, name
    assert TABLES["change_log"]["sort_desc"] == TABLES["changes"]["sort_desc"] == "observed_at"
    assert {"exchange", "source_id", "kind", "severity", "locale"} <= set(
        TABLES["change_log"]["facets"]
    )
    assert TABLES["entry_versions"]["fts_table"] == "entry_versions_fts"
    assert TABLES["sources"]["label_column"] == "id"


def test_the_metadata_is_plain_json() -> None:
    assert json.loads(json.dumps(meta.metadata())) == meta.metadata()


def test_canned_queries_are_read_only_described_and_declare_their_parameters() -> None:
    assert set(QUERIES) == {
        "recent_changes", "exchange_changes", "code_history", "as_of", "search_messages",
        "source_health", "feed", "exchange_feed",
    }  # fmt: skip
    for name, query in QUERIES.items():
        assert query["title"] and query["description"], name
        assert "write" not in query, name
        assert query["hide_sql"] is True, name  # the answer first; "Show SQL" on request
        code = re.sub(r"'(?:[^']|'')*'", "''", query["sql"])  # not inside string literals
        used = list(dict.fromkeys(re.findall(r":(\w+)", code)))
        assert used == query.get("params", []), name


# --- the canned queries -------------------------------------------------------------


def cli_changes(env: dict[str, str], *args: str) -> list[dict[str, Any]]:
    rows = json_out(run_cli(["changes", "--json", *args], env))
    assert isinstance(rows, list)
    return rows


def key(row: dict[str, Any]) -> tuple[str, str, str, str, str]:
    return (row.get("source_id") or row["source"], row["observed_at"], row["kind"], row["code"], row["change_id"])  # fmt: skip


@pytest.mark.corpus
def test_recent_changes_are_the_change_log_since_a_time_newest_first(
    conn: sqlite3.Connection, built: tuple[Path, dict[str, str]]
) -> None:
    rows = run(conn, "recent_changes", since="2020-01-01")
    expected = cli_changes(built[1], "--since", "2020-01-01")
    assert len(rows) == len(expected) > 30
    assert sorted(map(key, rows)) == sorted(map(key, expected))
    assert [r["observed_at"] for r in rows] == sorted(
        (r["observed_at"] for r in rows), reverse=True
    )
    removed = [r for r in rows if r["kind"] == "removed"]
    assert [(r["source_id"], r["code"], r["severity"], r["exchange"]) for r in removed] == [
        ("kucoin-legacy", "429", "high", "kucoin")
    ]


@pytest.mark.corpus
def test_recent_changes_default_to_the_last_30_days(conn: sqlite3.Connection) -> None:
    cutoff = (datetime.now(UTC) - timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    everything = run(conn, "recent_changes", since="1970-01-01")
    assert run(conn, "recent_changes") == [r for r in everything if r["observed_at"] >= cutoff]


@pytest.mark.corpus
@pytest.mark.parametrize(
    "since", ["2020-08-05", "2020-08-05T00:00:00Z", "2020-08-05T02:00:00+02:00", " 2020-08-05 "]
)
def test_times_read_like_the_command_lines(conn: sqlite3.Connection, since: str) -> None:
    rows = run(conn, "recent_changes", since=since)
    assert {r["source_id"] for r in rows} == {"kucoin-legacy", "oxfun-ws"}


@pytest.mark.corpus
@pytest.mark.parametrize("since", ["yesterday", "2020", "20200805"])
def test_a_time_that_is_not_one_matches_nothing(conn: sqlite3.Connection, since: str) -> None:
    assert run(conn, "recent_changes", since=since) == []
    assert run(conn, "as_of", source="kucoin-legacy", at=since) == []


@pytest.mark.corpus
def test_exchange_changes(conn: sqlite3.Connection) -> None:
    rows = run(conn, "exchange_changes", exchange=" KuCoin ")
    assert len(rows) == 22 and {r["exchange"] for r in rows} == {"kucoin"}
    assert run(conn, "exchange_changes", exchange="kucoin", since="2020-08-06") == []
    assert len(run(conn, "exchange_changes", exchange="oxfun", since="2023-01-01")) == 15
    assert run(conn, "exchange_changes", exchange="nope") == []


@pytest.mark.corpus
def test_code_history_tells_how_each_version_came_and_went(conn: sqlite3.Connection) -> None:
    reworded = run(conn, "code_history", source="oxfun-ws", code="100005")
    assert [
        (r["message"], r["valid_to"] is None, r["came_by"], r["went_by"]) for r in reworded
    ] == [
        ("Open order not found with id", False, None, "reworded"),
        ("Open order not found", True, "reworded", None),
    ]
    assert {r["category"] for r in reworded} == {"order_not_found"}
    removed = run(conn, "code_history", source="kucoin-legacy", code="429")
    assert [(r["valid_from"], r["valid_to"], r["current"], r["went_by"]) for r in removed] == [
        ("2019-02-23T00:00:00Z", "2020-08-05T00:00:00Z", 0, "removed")
    ]
    added = run(conn, "code_history", source="kucoin-legacy", code="900001")
    assert [(r["came_by"], r["current"]) for r in added] == [("added", 1)]
    assert run(conn, "code_history", source="kucoin-legacy", code="4") == []  # exact, not a prefix


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("at", "stored"),
    [("2019-02-23", "2019-02-23T00:00:00Z"), ("2020-08-04T23:59:59Z", "2020-08-04T23:59:59Z"),
     ("2020-08-05", "2020-08-05T00:00:00Z"), ("", None)],
)  # fmt: skip
def test_as_of_is_the_stores_as_of(
    conn: sqlite3.Connection, built: tuple[Path, dict[str, str]], at: str, stored: str | None
) -> None:
    rows = run(conn, "as_of", source="kucoin-legacy", at=at)
    store = Store.open(built[0])
    try:
        expected = store.entries_at("kucoin-legacy", stored) if stored else store.current("kucoin-legacy")  # fmt: skip
    finally:
        store.close()
    assert [(r["code"], r["message"], r["section"]) for r in rows] == [
        (e.code, e.message, e.section) for e in expected
    ]
    assert rows


@pytest.mark.corpus
def test_search_messages_across_exchanges(conn: sqlite3.Connection) -> None:
    rows = run(conn, "search_messages", q="requests MANY")
    found = {(r["exchange"], r["code"], r["current"]) for r in rows}
    assert {("tickdb", "429", 1), ("kucoin", "429", 0)} <= found
    assert all("many" in r["message"].lower() and "requests" in r["message"].lower() for r in rows)
    assert {r["code"] for r in run(conn, "search_messages", q="100005")} == {"100005"}


@pytest.mark.corpus
@pytest.mark.parametrize("q", ["", "   ", '"', "-1013", "a OR", "NEAR(", "x* AND :", "'; drop"])
def test_any_search_text_is_a_valid_query(conn: sqlite3.Connection, q: str) -> None:
    assert isinstance(run(conn, "search_messages", q=q), list)


@pytest.mark.corpus
def test_source_health_agrees_with_errata_health(
    conn: sqlite3.Connection, built: tuple[Path, dict[str, str]]
) -> None:
    rows = {r["source_id"]: r for r in run(conn, "source_health")}
    health = {r["source"]: r for r in json_out(run_cli(["health", "--json"], built[1]))}
    assert set(rows) == set(health) == {"kucoin-legacy", "oxfun-ws", "tickdb"}
    shared = ["status", "entries", "last_success", "last_fetch", "consecutive_failures",
              "last_error_at", "last_error_kind", "last_error", "revision_status", "exchange"]  # fmt: skip
    for source, row in rows.items():
        assert {k: row[k] for k in shared} == {k: health[source][k] for k in shared}, source
    assert (rows["oxfun-ws"]["status"], rows["oxfun-ws"]["consecutive_failures"]) == ("failing", 2)
    assert rows["tickdb"]["status"] == "suspect" and rows["kucoin-legacy"]["status"] == "ok"


@pytest.mark.corpus
def test_feed_ids_are_those_of_errata_s_atom_report(
    conn: sqlite3.Connection, built: tuple[Path, dict[str, str]]
) -> None:
    changes = [differ.Change.from_dict(c) for c in cli_changes(built[1])]
    rows = run(conn, "feed")
    assert len(rows) == min(len(changes), meta.FEED_SIZE)
    assert {r["atom_id"] for r in rows} == {entry_id(c) for c in changes}
    assert [r["atom_updated"] for r in rows] == sorted((r["atom_updated"] for r in rows), reverse=True)  # fmt: skip
    removed = next(r for r in rows if "removed 429" in r["atom_title"])
    assert removed["atom_title"] == "kucoin kucoin-legacy: removed 429 (high)"
    assert removed["atom_content"].startswith("Section: HTTP error status codes\n")
    assert removed["atom_link"] == "https://docs.kucoin.com/#errors"
    reworded = next(
        r for r in rows if r["atom_title"].startswith("oxfun oxfun-ws: reworded 100005")
    )
    assert reworded["atom_content"].endswith(
        "Before: Open order not found with id\nAfter: Open order not found"
    )


@pytest.mark.corpus
def test_an_exchange_feed_and_an_empty_one(conn: sqlite3.Connection) -> None:
    rows = run(conn, "exchange_feed", exchange="OXFUN")
    assert len(rows) == 15 and all(r["atom_title"].startswith("oxfun oxfun-ws: ") for r in rows)
    [placeholder] = run(conn, "exchange_feed", exchange="binance")
    assert placeholder["atom_id"] == "urn:errata:no-changes"
    assert placeholder["atom_updated"] == meta.EPOCH


def test_identical_changes_of_one_revision_get_their_own_ids() -> None:
    first = meta.atom_id("0123456789abcdef", "2026-01-14T00:00:00Z")
    assert meta.atom_id("0123456789abcdef", "2026-01-14T00:00:00Z", 1) == first
    assert meta.atom_id("0123456789abcdef", "2026-01-14T00:00:00Z", 2) != first


def test_feed_text_loses_what_xml_cannot_hold() -> None:
    assert meta.xml_text("a\x00b\x1bc\td\ne") == "a b c\td\ne"
    assert meta.xml_text(None) is None
