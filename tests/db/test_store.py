from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from errata.db import schema
from errata.db.store import FetchRecord, SourceRecord, Store
from errata.errors import StoreError
from errata.parsers import Entry

SOURCE = SourceRecord(
    "okx-ws", "okx", "https://www.okx.com/docs-v5/en/#error-code-websocket", "okx"
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(tmp_path / "errata.db")
    opened.sync_sources([SOURCE])
    yield opened
    opened.close()


def revise(store: Store, at: str, entries: Sequence[Entry], status: str = "ok") -> int:
    with store.transaction():
        fetch_id = store.add_fetch(
            FetchRecord(SOURCE.id, at, SOURCE.url, "file", "new", sha256="x" * 64)
        )
        return store.add_revision(
            source_id=SOURCE.id, fetch_id=fetch_id, observed_at=at, parser="okx",
            parser_version="1", entries=entries, status=status,
        )  # fmt: skip


V1 = [Entry("60029", "Only VIP5"), Entry("20034", "Tag too long"), Entry("20034", "Tag too long")]
V2 = [Entry("60029", "Only VIP6"), Entry("20034", "Tag too long")]


def test_opening_migrates_and_sets_wal_and_foreign_keys(store: Store) -> None:
    tables = set(store.db.table_names())
    assert {
        "sources",
        "runs",
        "fetches",
        "revisions",
        "entry_versions",
        "changes",
        "entry_versions_fts",
    } <= tables
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_reopening_applies_nothing_twice(tmp_path: Path) -> None:
    Store.open(tmp_path / "a.db").close()
    again = Store.open(tmp_path / "a.db")
    rows = list(again.db.query("SELECT name FROM _sqlite_migrations"))
    assert [r["name"] for r in rows] == [
        "m001_initial",
        "m002_views",
        "m003_pages_and_defects",
        "m004_delivery",
        "m005_categories",
        "m006_gap_reports",
        "m007_change_kinds",
        "m008_fetch_strategy",
        "m009_reading_views",
        "m011_ops",
        "m012_fts_in_batches",
        "m013_latest_fetch",
    ]
    again.close()


def test_the_latest_good_fetch_is_read_back_from_the_newest_not_sorted(store: Store) -> None:
    """Every run asks it twice per page; sorting a page's whole history would grow every night."""
    asked: list[str] = []
    store.db.conn.set_trace_callback(asked.append)
    store.last_good_fetch("okx-ws")
    store.db.conn.set_trace_callback(None)
    (query,) = [sql for sql in asked if sql.lstrip().upper().startswith("SELECT")]
    plan = " ".join(row[-1] for row in store.db.execute(f"EXPLAIN QUERY PLAN {query}"))
    assert "fetches_page_latest" in plan and "TEMP B-TREE" not in plan


def test_current_and_as_of_reads(store: Store) -> None:
    revise(store, "2026-01-01T02:00:00Z", V1)
    revise(store, "2026-02-01T02:00:00Z", V2)
    assert store.current("okx-ws") == V2
    assert store.entries_at("okx-ws", "2026-02-01T01:59:59Z") == V1
    assert store.entries_at("okx-ws", "2026-02-01T02:00:00Z") == V2
    assert store.entries_at("okx-ws", "2025-12-31T23:59:59Z") == []


def test_duplicates_are_versions_of_their_own(store: Store) -> None:
    revise(store, "2026-01-01T02:00:00Z", V1)
    revise(store, "2026-02-01T02:00:00Z", V2)
    history = store.history("okx-ws", "20034")
    assert [(h["valid_from"], h["valid_to"]) for h in history] == [
        ("2026-01-01T02:00:00Z", None),
        ("2026-01-01T02:00:00Z", "2026-02-01T02:00:00Z"),
    ]


def test_history_of_a_reworded_code(store: Store) -> None:
    revise(store, "2026-01-01T02:00:00Z", V1)
    revise(store, "2026-02-01T02:00:00Z", V2)
    assert [(h["message"], h["valid_to"]) for h in store.history("okx-ws", "60029")] == [
        ("Only VIP5", "2026-02-01T02:00:00Z"),
        ("Only VIP6", None),
    ]


def test_history_is_appended_in_time_order(store: Store) -> None:
    revise(store, "2026-02-01T00:00:00Z", V1)
    with pytest.raises(StoreError, match="before its latest revision"):
        revise(store, "2026-01-01T00:00:00Z", V2)
    assert store.current("okx-ws") == V1


def test_a_suspect_revision_is_kept_but_not_applied(store: Store) -> None:
    revise(store, "2026-01-01T00:00:00Z", V1)
    revise(store, "2026-01-02T00:00:00Z", [], status="suspect")
    assert store.current("okx-ws") == V1
    latest = store.latest_revision("okx-ws")
    assert latest is not None and latest.status == "suspect"


def test_a_failed_transaction_leaves_nothing(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        store.add_fetch(FetchRecord(SOURCE.id, "2026-01-01T00:00:00Z", SOURCE.url, "file", "new"))
        raise RuntimeError("crash")
    assert store.db["fetches"].count == 0


@pytest.mark.parametrize("nested", [False, True], ids=["transaction", "savepoint"])
def test_a_full_disk_is_reported_as_itself_and_leaves_nothing(store: Store, nested: bool) -> None:
    """SQLite rolls back on SQLITE_FULL by itself; its error must not turn into another."""
    revise(store, "2026-01-01T00:00:00Z", V1)
    (pages,) = store.db.execute("PRAGMA page_count").fetchone()
    store.db.execute(f"PRAGMA max_page_count = {pages + 2}")
    many = [Entry(str(code), f"message {code}" * 20) for code in range(5_000)]
    outer = store.transaction() if nested else contextlib.nullcontext()
    with pytest.raises(sqlite3.OperationalError, match="full"), outer:
        revise(store, "2026-01-02T00:00:00Z", many)  # a savepoint inside ``outer``
    assert store.current("okx-ws") == V1
    assert not store.db.conn.in_transaction
    assert store.db["fetches"].count == 1


def test_full_text_search_over_messages(store: Store) -> None:
    revise(store, "2026-01-01T00:00:00Z", V1)
    hits = store.db.execute(
        "SELECT code FROM entry_versions WHERE rowid IN "
        "(SELECT rowid FROM entry_versions_fts WHERE entry_versions_fts MATCH 'VIP5')"
    ).fetchall()
    assert hits == [("60029",)]


def test_sources_leaving_the_config_keep_their_history(store: Store) -> None:
    revise(store, "2026-01-01T00:00:00Z", V1)
    store.sync_sources(
        [SourceRecord("tickdb", "tickdb", "https://docs.tickdb.ai/en/errors", "tickdb")]
    )
    row = store.source("okx-ws")
    assert row is not None and row["in_config"] == 0
    assert store.current("okx-ws") == V1


def test_views_answer_the_common_questions(store: Store) -> None:
    revise(store, "2026-01-01T02:00:00Z", V1)
    with store.transaction():
        store.add_fetch(
            FetchRecord(
                SOURCE.id, "2026-01-15T02:00:00Z", SOURCE.url, "http", "unchanged", sha256="y" * 64
            )
        )
    revise(store, "2026-02-01T02:00:00Z", [Entry("20034", "Tag too long")])
    current = list(store.db.query("SELECT code, exchange FROM current_entries"))
    assert current == [{"code": "20034", "exchange": "okx"}]
    timeline = {
        row["code"]: (
            row["first_seen"],
            row["last_seen"],
            row["removed_at"],
            row["current_occurrences"],
        )
        for row in store.db.query("SELECT * FROM code_timeline")
    }
    assert timeline == {
        "60029": ("2026-01-01T02:00:00Z", "2026-01-15T02:00:00Z", "2026-02-01T02:00:00Z", 0),
        "20034": ("2026-01-01T02:00:00Z", "2026-02-01T02:00:00Z", None, 1),
    }


def test_change_log_view_is_newest_first(store: Store) -> None:
    for day, message in (("01", "a"), ("02", "b"), ("03", "c")):
        with store.transaction():
            fetch_id = store.add_fetch(
                FetchRecord(SOURCE.id, f"2026-01-{day}T00:00:00Z", SOURCE.url, "file", "new")
            )
            store.add_revision(
                source_id=SOURCE.id, fetch_id=fetch_id, observed_at=f"2026-01-{day}T00:00:00Z", parser="okx",
                parser_version="1", entries=[Entry("1", message)],
                changes=[{"change_id": day, "observed_at": f"2026-01-{day}T00:00:00Z", "kind": "reworded",
                          "severity": "medium", "code": "1", "locale": "en"}],
            )  # fmt: skip
    assert [r["change_id"] for r in store.db.query("SELECT change_id FROM change_log")] == [
        "03",
        "02",
        "01",
    ]


def test_transform_keeps_full_text_search_working(store: Store) -> None:
    """sqlite-utils' transform drops the index's triggers; schema.transform puts back the
    ones errata keeps (delete, and update of code or message) and never a row-by-row insert
    trigger, which would index each new version twice (the store indexes them in batches)."""
    revise(store, "2026-01-01T00:00:00Z", V1)
    plain = Store.open(store.db.conn.execute("PRAGMA database_list").fetchone()[2])

    def search(db: Store, word: str) -> list[str]:
        sql = "SELECT code FROM entry_versions WHERE rowid IN (SELECT rowid FROM entry_versions_fts WHERE entry_versions_fts MATCH ?)"
        return [row[0] for row in db.db.execute(sql, [word])]

    def triggers(db: Store) -> set[str]:
        rows = db.db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {row[0] for row in rows if row[0].startswith("entry_versions_")}

    assert triggers(store) == {"entry_versions_ad", "entry_versions_au"}
    with plain.transaction():
        plain.db.table("entry_versions").transform(types={"position": int})  # sqlite-utils' own
    assert triggers(plain) == set()  # a deleted or edited version would stay in the index
    with store.transaction():
        schema.transform(store.db, "entry_versions", types={"position": int})
    assert triggers(store) == {"entry_versions_ad", "entry_versions_au"}
    revise(store, "2026-01-03T00:00:00Z", [*V1, Entry("60031", "Only VIP3")])
    assert search(store, "VIP3") == ["60031"]
    count = "SELECT count(*) FROM entry_versions_fts WHERE entry_versions_fts MATCH 'VIP3'"
    assert store.db.execute(count).fetchone()[0] == 1  # indexed once
    plain.close()


def test_nested_transactions_are_savepoints(store: Store) -> None:
    with store.transaction():
        store.add_fetch(FetchRecord(SOURCE.id, "2026-01-01T00:00:00Z", SOURCE.url, "file", "new"))
        with pytest.raises(RuntimeError), store.transaction():
            store.add_fetch(
                FetchRecord(SOURCE.id, "2026-01-02T00:00:00Z", SOURCE.url, "file", "new")
            )
            raise RuntimeError("inner step fails")
    assert [r["fetched_at"] for r in store.db.query("SELECT fetched_at FROM fetches")] == [
        "2026-01-01T00:00:00Z"
    ]
