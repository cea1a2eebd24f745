"""The versioned store: every fetch, revision and entry version of every source.

An entry version is one row of a page (locale, section, code, message, extra,
and its ordinal among identical rows) with the revision and time it appeared
(``valid_from``) and disappeared (``valid_to``, NULL while current). "As of T"
is then one indexed range query, and removals are first-class: a closed
version is a code that was removed, and when.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from json.encoder import encode_basestring as _quote
from pathlib import Path
from typing import Any

from sqlite_utils import Database
from sqlite_utils.db import Table

from errata.db.schema import migrations
from errata.differ import COLUMNS as CHANGE_COLUMNS
from errata.errors import StoreError
from errata.parsers import Entry

_ENTRY_COLUMNS = "code, message, section, locale, extra, deprecated, replaces"
# The Change fields the changes table stores (source and exchange come from sources).
_STORED = [column.name for column in CHANGE_COLUMNS if column.sql]
# The change log's rows as change objects; callers add WHERE and ORDER BY.
CHANGE_SELECT = (
    "SELECT c.source_id AS source, s.exchange, "
    + ", ".join(f"c.{name}" for name in _STORED)
    + " FROM changes c JOIN sources s ON s.id = c.source_id"
)
_CHANGE_COLUMNS = ["change_id", *_STORED]


@dataclass(frozen=True, slots=True)
class SourceRecord:
    id: str
    exchange: str
    url: str
    parser: str
    api: str | None = None
    locale: str = "en"
    title: str | None = None


@dataclass(frozen=True, slots=True)
class FetchRecord:
    source_id: str
    fetched_at: str
    url: str
    origin: str  # "http" (the network), "file" or "git"
    outcome: str  # "new", "unchanged", "not_modified" or "failed"
    page: str = ""  # "" for a source's main page, else the locale of its extra page
    run_id: int | None = None
    http_status: int | None = None
    strategy: str | None = None  # network fetches: "http", "markdown" or "browser"
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    sha256: str | None = None
    bytes: int | None = None
    elapsed_ms: int | None = None
    error_kind: str | None = None
    error_message: str | None = None
    commit_id: str | None = None


@dataclass(frozen=True, slots=True)
class Revision:
    id: int
    source_id: str
    fetch_id: int
    observed_at: str
    parser: str
    parser_version: str
    entry_count: int
    digest: str
    status: str
    reason: str | None
    defects: str | None = None  # JSON list of documentation defects found in it


def digest(entries: Iterable[Entry]) -> str:
    """Identity of a revision's content, independent of row order.

    A struck-through code (``deprecated``) and the code a cell strikes beside
    it (``replaces``) count, so a code becoming struck is a new revision; they
    are added only when set, so every other revision keeps the digest it had.
    """
    rows = sorted(
        "\x1f".join((e.locale, e.section, e.code, e.message, extra_json(e.extra), *_marks(e)))
        for e in entries
    )
    return hashlib.sha256("\x1e".join(rows).encode()).hexdigest()


def _marks(entry: Entry) -> tuple[str, ...]:
    if not entry.deprecated and not entry.replaces:
        return ()
    return ("deprecated" if entry.deprecated else "", entry.replaces)


def _pk(table: Table) -> int:
    """The rowid sqlite-utils just inserted."""
    assert table.last_pk is not None
    return int(table.last_pk)


def _insert(conn: sqlite3.Connection, table: str, row: Mapping[str, Any]) -> int:
    """Insert one row of plain values and return its rowid.

    For the rows every page writes (its fetch, its revision): sqlite-utils'
    ``insert`` reads the table's schema on each call, ten times the cost of the
    statement itself.
    """
    columns = ", ".join(f'"{name}"' for name in row)
    marks = ", ".join("?" * len(row))
    cursor = conn.execute(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', list(row.values()))
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def extra_json(extra: Mapping[str, str]) -> str:
    """``extra`` as stored: keys sorted, so equal columns always compare equal.

    The same text as ``json.dumps(..., ensure_ascii=False)`` of the sorted dict,
    built with the C string encoder: this runs for every entry of every revision.
    """
    if not extra:
        return "{}"
    return "{" + ", ".join(f"{_quote(k)}: {_quote(v)}" for k, v in sorted(extra.items())) + "}"


def _open(conn: sqlite3.Connection) -> bool:
    """Whether a transaction is still open: on SQLITE_FULL and a few other errors SQLite
    rolls back by itself, and a ROLLBACK then would fail and hide the real error."""
    return conn.in_transaction


def _extra(stored: str) -> dict[str, str]:
    return {} if stored == "{}" else dict(json.loads(stored))


def open_problem(error: sqlite3.DatabaseError) -> str:
    """What a person should read when SQLite cannot open (or migrate) a database file."""
    text = str(error)
    if "not a database" in text or "malformed" in text:
        return f"not an errata database, or a corrupt one ({text})"
    if "readonly" in text or "read-only" in text:
        return f"the database cannot be written: a read-only file or mount ({text})"
    if "unable to open" in text:
        return f"cannot open the database: its folder is missing or not writable ({text})"
    return f"cannot open the database ({text})"


class Store:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._savepoints = itertools.count()

    @classmethod
    def open(cls, path: str | Path, *, timeout: float = 30.0) -> Store:
        """Open (creating if needed) and migrate; WAL so readers never wait for the writer.

        A file that is no database, a corrupt one, a missing folder or a
        read-only mount is a ``StoreError``: one line naming the file, exit 2.
        """
        try:
            return cls._connect(path, timeout)
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{path}: {open_problem(error)}") from None

    @classmethod
    def _connect(cls, path: str | Path, timeout: float) -> Store:
        conn = sqlite3.connect(str(path), timeout=timeout, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA synchronous=NORMAL")
            # No sqlite-utils plugins: they would change errata's connection, and finding them
            # scans every installed package's metadata on each start (~20 ms of a read command).
            store = cls(Database(conn, execute_plugins=False))
            if migrations.pending(store.db):
                with store.transaction():
                    migrations.apply(store.db)
        except BaseException:
            conn.close()
            raise
        return store

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """A write transaction that takes SQLite's write lock up front (BEGIN IMMEDIATE),
        so two writers queue instead of one failing half-way. Nested, it is a savepoint:
        ``reparse`` wraps a whole source in one transaction around the usual steps."""
        conn = self.db.conn
        if conn.in_transaction:
            name = f"errata_{next(self._savepoints)}"
            conn.execute(f"SAVEPOINT {name}")
            try:
                yield
            except BaseException:
                if _open(conn):  # SQLite may have rolled it all back already (a full disk)
                    conn.execute(f"ROLLBACK TO {name}")
                    conn.execute(f"RELEASE {name}")
                raise
            conn.execute(f"RELEASE {name}")
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if _open(conn):  # else SQLite rolled back itself; its error is the one to see
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    # --- sources, runs, fetches -------------------------------------------------

    def sync_sources(self, sources: Iterable[SourceRecord]) -> None:
        """Mirror the config; sources no longer configured keep their history."""
        rows = [{**asdict(s), "in_config": 1} for s in sources]
        with self.transaction():
            self.db.execute("UPDATE sources SET in_config = 0")
            if rows:
                self.db.table("sources").upsert_all(rows, pk="id")

    def ensure_source(self, source: SourceRecord) -> None:
        """Create an ad hoc source (``errata ingest`` of an id not in the config) if missing."""
        with self.transaction():
            if self.source(source.id) is None:
                self.db.table("sources").insert({**asdict(source), "in_config": 0}, pk="id")

    def source(self, source_id: str) -> dict[str, Any] | None:
        rows = list(self.db.query("SELECT * FROM sources WHERE id = ?", [source_id]))
        return rows[0] if rows else None

    def source_ids(self) -> list[str]:
        return [row["id"] for row in self.db.query("SELECT id FROM sources ORDER BY id")]

    def start_run(self, started_at: str) -> int:
        """A new run. A run still ``running`` was killed (runs hold the write lock, so none
        is alive now): it is marked ``interrupted`` instead of running forever."""
        with self.transaction():
            self.db.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
            return _pk(self.db.table("runs").insert({"started_at": started_at}))

    def finish_run(
        self, run_id: int, finished_at: str, status: str, sources: int, failed: int, changes: int
    ) -> None:
        with self.transaction():
            self.db.table("runs").update(
                run_id,
                {
                    "finished_at": finished_at,
                    "status": status,
                    "sources": sources,
                    "failed": failed,
                    "changes": changes,
                },
            )

    def add_fetch(self, fetch: FetchRecord) -> int:
        return _insert(self.db.conn, "fetches", asdict(fetch))

    def set_fetch_outcome(
        self,
        fetch_id: int,
        outcome: str,
        error_kind: str | None = None,
        error_message: str | None = None,
    ) -> None:
        """What a stored body led to; ``reparse`` rewrites it with today's parsers."""
        self.db.execute(
            "UPDATE fetches SET outcome = ?, error_kind = ?, error_message = ? WHERE id = ?",
            [outcome, error_kind, error_message, fetch_id],
        )

    def bodies(self, source_id: str) -> list[dict[str, Any]]:
        """The fetches of a source that stored a body, in the order they happened."""
        return list(
            self.db.query(
                "SELECT id, fetched_at, sha256, content_type, error_kind, page FROM fetches "
                "WHERE source_id = ? AND sha256 IS NOT NULL ORDER BY fetched_at, id",
                [source_id],
            )
        )

    def clear_derived(self, source_id: str) -> None:
        """Drop a source's revisions, entry versions and changes (``reparse`` rebuilds them)."""
        self.db.execute(
            "DELETE FROM entry_categories WHERE version_id IN "
            "(SELECT id FROM entry_versions WHERE source_id = ?)",
            [source_id],
        )
        for table in ("changes", "entry_versions", "revisions"):
            self.db.execute(f"DELETE FROM {table} WHERE source_id = ?", [source_id])

    def has_applied_revision(self, source_id: str, page: str = "") -> bool:
        """Whether a revision from this page of the source was ever applied (the first is its baseline)."""
        row = self.db.execute(
            "SELECT 1 FROM revisions r JOIN fetches f ON f.id = r.fetch_id "
            "WHERE r.source_id = ? AND f.page = ? AND r.status != 'suspect' LIMIT 1",
            [source_id, page],
        ).fetchone()
        return row is not None

    def health(self, source_id: str) -> dict[str, Any]:
        """How a source is doing: last success, failures in a row (its worst page), last error."""
        q = self.db.execute
        last_success = q(
            "SELECT max(fetched_at) FROM fetches WHERE source_id = ? AND outcome != 'failed'",
            [source_id],
        ).fetchone()[0]
        last_fetch = q(
            "SELECT max(fetched_at) FROM fetches WHERE source_id = ?", [source_id]
        ).fetchone()[0]
        streaks = q(
            "SELECT count(*) FROM fetches f WHERE f.source_id = ? AND f.origin = 'http' AND f.outcome = 'failed' "
            "AND f.id > coalesce((SELECT max(g.id) FROM fetches g WHERE g.source_id = f.source_id "
            "AND g.page = f.page AND g.origin = 'http' AND g.outcome != 'failed'), 0) GROUP BY f.page",
            [source_id],
        ).fetchall()
        error = q(
            "SELECT fetched_at, error_kind, error_message FROM fetches WHERE source_id = ? "
            "AND outcome = 'failed' ORDER BY id DESC LIMIT 1",
            [source_id],
        ).fetchone()
        latest = self.latest_revision(source_id)
        return {
            "last_success": last_success,
            "last_fetch": last_fetch,
            "consecutive_failures": max((n for (n,) in streaks), default=0),
            "last_error_at": error[0] if error else None,
            "last_error_kind": error[1] if error else None,
            "last_error": error[2] if error else None,
            "revision_status": latest.status if latest else None,
            "revision_reason": latest.reason if latest and latest.status == "suspect" else None,
            "entries": self.count_current(source_id),
        }

    def revision_count(self, source_id: str) -> int:
        row = self.db.execute(
            "SELECT count(*) FROM revisions WHERE source_id = ?", [source_id]
        ).fetchone()
        return int(row[0])

    def accepted_digests(self, source_id: str) -> frozenset[str]:
        rows = self.db.execute(
            "SELECT digest FROM revisions WHERE source_id = ? AND status = 'accepted'", [source_id]
        )
        return frozenset(row[0] for row in rows)

    def fetch(self, fetch_id: int) -> dict[str, Any]:
        return dict(self.db.table("fetches").get(fetch_id))

    def last_good_fetch(self, source_id: str, page: str = "") -> dict[str, Any] | None:
        """The latest fetch whose body was read without error (its validators are trustworthy)."""
        rows = self.db.query(
            "SELECT * FROM fetches WHERE source_id = ? AND page = ? AND sha256 IS NOT NULL "
            "AND error_kind IS NULL ORDER BY id DESC LIMIT 1",
            [source_id, page],
        )
        return next(iter(rows), None)

    def has_fetch(self, source_id: str, sha256: str, fetched_at: str) -> bool:
        rows = self.db.query(
            "SELECT 1 FROM fetches WHERE source_id = ? AND sha256 = ? AND fetched_at = ? LIMIT 1",
            [source_id, sha256, fetched_at],
        )
        return next(iter(rows), None) is not None

    # --- revisions ------------------------------------------------------------

    def latest_revision(self, source_id: str) -> Revision | None:
        rows = self.db.query(
            "SELECT * FROM revisions WHERE source_id = ? ORDER BY id DESC LIMIT 1", [source_id]
        )
        row = next(iter(rows), None)
        return Revision(**row) if row else None

    def add_revision(
        self,
        *,
        source_id: str,
        fetch_id: int,
        observed_at: str,
        parser: str,
        parser_version: str,
        entries: Sequence[Entry],
        status: str = "ok",
        reason: str | None = None,
        changes: Sequence[Mapping[str, Any]] = (),
        content_digest: str | None = None,
        defects: Sequence[str] = (),
    ) -> int:
        """Store a revision; unless it is suspect, make its entries the current ones.

        Call inside ``transaction()`` together with the fetch it came from, so a
        crash leaves either all of it or none.
        """
        latest = self.latest_revision(source_id)
        if latest is not None and observed_at < latest.observed_at:
            raise StoreError(
                f"source {source_id!r}: {observed_at} is before its latest revision "
                f"({latest.observed_at}); history is appended in time order"
            )
        revision_id = _insert(
            self.db.conn,
            "revisions",
            {
                "source_id": source_id,
                "fetch_id": fetch_id,
                "observed_at": observed_at,
                "parser": parser,
                "parser_version": parser_version,
                "entry_count": len(entries),
                "digest": content_digest or digest(entries),
                "status": status,
                "reason": reason,
                "defects": json.dumps(list(defects), ensure_ascii=False) if defects else None,
            },
        )
        if status != "suspect":
            self._apply(source_id, revision_id, observed_at, entries)
            self._add_changes(source_id, revision_id, changes)
        return revision_id

    def accept_revision(
        self, revision: Revision, entries: Sequence[Entry], changes: Sequence[Mapping[str, Any]]
    ) -> None:
        """Apply a suspect revision after all, as a person decided (``errata accept``)."""
        self.db.execute("UPDATE revisions SET status = 'accepted' WHERE id = ?", [revision.id])
        self._apply(revision.source_id, revision.id, revision.observed_at, entries)
        self._add_changes(revision.source_id, revision.id, changes)

    def _add_changes(
        self, source_id: str, revision_id: int, changes: Sequence[Mapping[str, Any]]
    ) -> None:
        self.db.table("changes").insert_all(
            {
                **{column: change.get(column) for column in _CHANGE_COLUMNS},
                "source_id": source_id,
                "revision_id": revision_id,
            }
            for change in changes
        )

    def _apply(
        self, source_id: str, revision_id: int, observed_at: str, entries: Sequence[Entry]
    ) -> None:
        open_rows = self.db.execute(
            f"SELECT id, {_ENTRY_COLUMNS}, ordinal FROM entry_versions "
            "WHERE source_id = ? AND valid_to_revision IS NULL",
            [source_id],
        ).fetchall()
        current = {tuple(row[1:]): row[0] for row in open_rows}
        wanted: dict[tuple[Any, ...], int] = {}
        seen: Counter[tuple[str | int, ...]] = Counter()
        for position, entry in enumerate(entries):
            key = (
                entry.code,
                entry.message,
                entry.section,
                entry.locale,
                extra_json(entry.extra),
                int(entry.deprecated),
                entry.replaces,
            )
            wanted[(*key, seen[key])] = position
            seen[key] += 1
        closing = [
            (revision_id, observed_at, vid) for key, vid in current.items() if key not in wanted
        ]
        self.db.conn.executemany(
            "UPDATE entry_versions SET valid_to_revision = ?, valid_to = ? WHERE id = ?", closing
        )
        (last_id,) = self.db.execute("SELECT coalesce(max(id), 0) FROM entry_versions").fetchone()
        self.db.conn.executemany(
            f"INSERT INTO entry_versions (source_id, {_ENTRY_COLUMNS}, ordinal, "
            "position, valid_from_revision, valid_from) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (source_id, *key, position, revision_id, observed_at)
                for key, position in wanted.items()
                if key not in current
            ),
        )
        self.db.execute(  # the full-text index, for the whole batch at once (schema.index_in_batches)
            "INSERT INTO entry_versions_fts (rowid, code, message) "
            "SELECT id, code, message FROM entry_versions WHERE id > ?",
            [last_id],
        )

    # --- reads ----------------------------------------------------------------

    def current(self, source_id: str) -> list[Entry]:
        return self._entries("valid_to_revision IS NULL", [source_id])

    def count_current(self, source_id: str) -> int:
        row = self.db.execute(
            "SELECT count(*) FROM entry_versions WHERE source_id = ? AND valid_to_revision IS NULL",
            [source_id],
        ).fetchone()
        return int(row[0])

    def entries_at(self, source_id: str, at: str) -> list[Entry]:
        return self._entries(
            "valid_from <= ? AND (valid_to IS NULL OR valid_to > ?)", [source_id, at, at]
        )

    def _entries(self, where: str, params: list[Any]) -> list[Entry]:
        rows = self.db.execute(
            f"SELECT {_ENTRY_COLUMNS} FROM entry_versions WHERE source_id = ? AND {where} ORDER BY position, id",
            params,
        )
        return [
            Entry(code, message, section, locale, _extra(extra), bool(deprecated), replaces)
            for code, message, section, locale, extra, deprecated, replaces in rows
        ]

    def history(self, source_id: str, code: str) -> list[dict[str, Any]]:
        rows = self.db.query(
            f"SELECT {_ENTRY_COLUMNS}, valid_from, valid_to FROM entry_versions "
            "WHERE source_id = ? AND code = ? ORDER BY valid_from, position, id",
            [source_id, code],
        )
        return [_version(row) for row in rows]

    def changes(
        self, *, source: str | None = None, since: str | None = None, until: str | None = None
    ) -> list[dict[str, Any]]:
        """The change log, oldest first, as contract change objects."""
        clauses, params = [], []
        for clause, value in (
            ("c.source_id = ?", source),
            ("c.observed_at >= ?", since),
            ("c.observed_at < ?", until),
        ):
            if value is not None:
                clauses.append(clause)
                params.append(value)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self.db.query(f"{CHANGE_SELECT} {where} ORDER BY c.observed_at, c.id", params)
        return [
            {**row, "trivial": None if row["trivial"] is None else bool(row["trivial"])}
            for row in rows
        ]


def _version(row: Mapping[str, Any]) -> dict[str, Any]:
    """An entry version as ``errata history`` shows it: the entry's JSON shape (``deprecated``
    and ``replaces`` only when set), then its times."""
    entry = Entry(
        row["code"],
        row["message"],
        row["section"],
        row["locale"],
        _extra(row["extra"]),
        bool(row["deprecated"]),
        row["replaces"],
    )
    return {**entry.to_dict(), "valid_from": row["valid_from"], "valid_to": row["valid_to"]}
