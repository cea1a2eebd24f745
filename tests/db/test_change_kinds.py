"""Storage for issue 15: struck codes on entry versions, the newer change kinds' columns.

Real SQLite files; the upgrade test builds a database as the release before
m007_change_kinds left it, with history in it, and opens it with today's store.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from errata.db.schema import migrations
from errata.db.store import FetchRecord, SourceRecord, Store, digest, extra_json
from errata.differ import COLUMNS, KINDS, Change, Policy, diff
from errata.parsers import Entry

SOURCE = SourceRecord("demo-ws", "demo", "https://docs.example.com/errors", "auto")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(tmp_path / "errata.db")
    opened.sync_sources([SOURCE])
    yield opened
    opened.close()


def revise(store: Store, at: str, entries: Sequence[Entry], changes: Sequence[Change] = ()) -> int:
    with store.transaction():
        fetch_id = store.add_fetch(
            FetchRecord(SOURCE.id, at, SOURCE.url, "file", "new", sha256="x" * 64)
        )
        return store.add_revision(
            source_id=SOURCE.id, fetch_id=fetch_id, observed_at=at, parser="auto",
            parser_version="1", entries=entries, changes=[c.to_dict() for c in changes],
        )  # fmt: skip


LIVE = [Entry("31001", "Order type not supported", "Trade"), Entry("50010", "Frozen", "Account")]
STRUCK = [replace(LIVE[0], deprecated=True), Entry("50210", "Frozen", "Account", replaces="50010")]


def test_a_code_becoming_struck_is_a_new_revision_with_its_marks_stored(store: Store) -> None:
    assert digest(LIVE) != digest(STRUCK[:1] + LIVE[1:])
    revise(store, "2026-01-01T00:00:00Z", LIVE)
    revise(store, "2026-02-01T00:00:00Z", STRUCK)
    assert store.current(SOURCE.id) == STRUCK
    assert store.entries_at(SOURCE.id, "2026-01-15T00:00:00Z") == LIVE
    history = store.history(SOURCE.id, "31001")
    assert [(h.get("deprecated", False), h["valid_to"]) for h in history] == [
        (False, "2026-02-01T00:00:00Z"),
        (True, None),
    ]
    assert "replaces" not in history[0]  # the entry's JSON shape: marks only when set
    assert store.history(SOURCE.id, "50210")[0]["replaces"] == "50010"


def test_digests_of_unmarked_entries_are_what_they_were() -> None:
    """Marks enter the digest only when set: an upgrade does not make every source look new."""
    entries = [Entry("1", "a", "S", extra={"HTTP": "400"}), Entry("2", "b")]
    rows = sorted("\x1f".join((e.locale, e.section, e.code, e.message, extra_json(e.extra))) for e in entries)  # fmt: skip
    assert digest(entries) == hashlib.sha256("\x1e".join(rows).encode()).hexdigest()


def every_kind() -> list[Change]:
    """One change of each kind, as the differ makes them."""
    hotel = [Entry(str(n), f"Hotel {n}", "Hotel") for n in (1, 2, 3)]
    old = [
        *hotel,
        Entry("10", "gone"),
        Entry("11", "old words"),
        Entry("12", "moving", "A"),
        Entry("13", "same", "R"),
        Entry("14", "struck"),
        Entry("15", "unstruck", deprecated=True),
        Entry("16", "m", extra={"Description": "Recieve"}),
    ]
    new = [
        *(replace(e, section="Hotelier") for e in hotel),
        Entry("11", "new words"),
        Entry("12", "moving", "B"),
        Entry("113", "same", "R"),
        Entry("14", "struck", deprecated=True),
        Entry("15", "unstruck"),
        Entry("16", "m", extra={"Description": "Receive"}),
        Entry("20", "new code"),
    ]
    changes = diff(old, new, Policy(), source=SOURCE.id, exchange="demo", observed_at="2026-03-01T00:00:00Z")  # fmt: skip
    assert sorted(c.kind for c in changes) == sorted(KINDS)
    return changes


def test_every_kind_is_stored_and_read_back_whole(store: Store) -> None:
    changes = every_kind()
    revise(store, "2026-03-01T00:00:00Z", [Entry("0", "x")], changes)
    read = [Change.from_dict(row) for row in store.changes(source=SOURCE.id)]
    assert read == changes
    log = list(store.db.query("SELECT * FROM change_log WHERE kind = 'section_renamed'"))
    assert [(r["old_section"], r["section"], r["count"]) for r in log] == [("Hotel", "Hotelier", 3)]


def test_the_changes_table_has_one_column_per_stored_change_field(store: Store) -> None:
    columns = {c.name for c in store.db.table("changes").columns}
    stored = {c.name for c in COLUMNS if c.sql}
    assert stored <= columns
    assert columns - stored == {"id", "change_id", "source_id", "revision_id"}
    assert {"source", "exchange"} & columns == set()  # joined from sources, not stored


def old_database(path: Path) -> None:
    """A database as the release before m007 left it, with a revision, entries and a change."""
    db = Database(sqlite3.connect(str(path), isolation_level=None))
    migrations.apply(db, stop_before="m007_change_kinds")
    run = db.execute
    run("INSERT INTO sources (id, exchange, url, parser) VALUES ('demo-ws', 'demo', 'u', 'auto')")
    run("INSERT INTO fetches (id, source_id, fetched_at, url, origin, outcome) "
        "VALUES (1, 'demo-ws', '2026-01-01T00:00:00Z', 'u', 'file', 'new')")  # fmt: skip
    run("INSERT INTO revisions (id, source_id, fetch_id, observed_at, parser, parser_version, "
        "entry_count, digest, status) VALUES (1, 'demo-ws', 1, '2026-01-01T00:00:00Z', 'auto', "
        "'1', 1, ?, 'ok')", [digest([Entry("1", "a")])])  # fmt: skip
    run("INSERT INTO entry_versions (source_id, code, message, section, locale, position, "
        "valid_from_revision, valid_from) VALUES ('demo-ws', '1', 'a', '', 'en', 0, 1, "
        "'2026-01-01T00:00:00Z')")  # fmt: skip
    run("INSERT INTO changes (change_id, source_id, revision_id, observed_at, kind, severity, "
        "code, locale, new_message) VALUES ('abc', 'demo-ws', 1, '2026-01-01T00:00:00Z', "
        "'added', 'medium', '1', 'en', 'a')")  # fmt: skip
    db.close()


def test_m007_upgrades_a_database_with_history(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old_database(path)
    store = Store.open(path)
    try:
        assert store.current("demo-ws") == [Entry("1", "a")]
        latest = store.latest_revision("demo-ws")
        assert latest is not None and latest.digest == digest(store.current("demo-ws"))
        (row,) = store.changes()
        change: dict[str, Any] = Change.from_dict(row).to_dict()
        assert (change["kind"], change["code"], "count" in change) == ("added", "1", False)
        (logged,) = store.db.query("SELECT * FROM change_log")
        assert logged["count"] is None and logged["new_message"] == "a"
    finally:
        store.close()


def test_the_datasette_feed_words_every_kind_as_the_atom_report_does(store: Store) -> None:
    from xml.etree import ElementTree as ET

    from errata.db import metadata as meta
    from errata.reports import Report, render

    changes = every_kind()
    revise(store, "2026-03-01T00:00:00Z", [Entry("0", "x")], changes)
    store.db.conn.row_factory = sqlite3.Row
    meta.register_functions(store.db.conn)
    feed = meta.metadata()["databases"][meta.DATABASE]["queries"]["feed"]["sql"]
    rows = {row["atom_id"]: dict(row) for row in store.db.conn.execute(feed)}
    atom = ET.fromstring(render("atom", Report(changes)))
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = atom.findall("a:entry", ns)
    assert len(entries) == len(rows) == len(changes)
    for entry in entries:
        row = rows[entry.findtext("a:id", namespaces=ns) or ""]
        assert row["atom_title"] == entry.findtext("a:title", namespaces=ns)
        assert row["atom_content"] == entry.findtext("a:content", namespaces=ns)
    renamed = next(r for r in rows.values() if "section_renamed" in r["atom_title"])
    assert renamed["atom_title"] == "demo demo-ws: section_renamed Hotel → Hotelier (low)"
    assert renamed["atom_content"].endswith("3 codes moved with it")
