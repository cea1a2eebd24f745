"""The schema, as sqlite-utils migrations applied whenever a database is opened.

Migrations are append-only: a released migration is never edited, a change
to the schema is a new function below the others. A migration that needs
``transform()`` must call ``transform()`` from this module, which puts back
the full-text-search triggers that sqlite-utils' own drops.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from errata.differ import COLUMNS as CHANGE_COLUMNS

migrations = Migrations("errata")


def transform(db: Database, table: str, **changes: Any) -> None:
    """``Table.transform`` that keeps full-text search working.

    sqlite-utils rebuilds the table and drops its triggers, including the
    ones that keep the ``<table>_fts`` index in step; without them new rows
    would silently never be searchable.
    """
    target = db.table(table)
    fts = target.detect_fts()
    columns: list[str] = []
    if fts is not None:
        columns = [c.name for c in db.table(fts).columns]
    target.transform(**changes)
    if fts is not None:
        target.disable_fts()
        target.enable_fts(columns, create_triggers=True, tokenize="unicode61")
        if table == "entry_versions":
            index_in_batches(db)


def index_in_batches(db: Database) -> None:
    """Entry versions reach the full-text index a batch at a time, not through a row trigger.

    sqlite-utils' insert trigger indexes row by row: for a first night's
    3,000 rows that is 70 ms against 11 ms for one ``INSERT … SELECT`` after
    the batch, which ``Store`` does. Closing a version (setting ``valid_to``)
    changes no indexed text, so the update trigger fires only when code or
    message change; the delete trigger stays as it is.
    """
    db.execute("DROP TRIGGER IF EXISTS entry_versions_ai")
    db.execute("DROP TRIGGER IF EXISTS entry_versions_au")
    db.execute(
        """
        CREATE TRIGGER entry_versions_au AFTER UPDATE OF code, message ON entry_versions BEGIN
          INSERT INTO entry_versions_fts (entry_versions_fts, rowid, code, message)
            VALUES ('delete', old.rowid, old.code, old.message);
          INSERT INTO entry_versions_fts (rowid, code, message)
            VALUES (new.rowid, new.code, new.message);
        END"""
    )


@migrations()
def m001_initial(db: Database) -> None:
    for statement in _INITIAL:
        db.execute(statement)
    db.table("entry_versions").enable_fts(
        ["code", "message"], create_triggers=True, tokenize="unicode61"
    )


@migrations()
def m002_views(db: Database) -> None:
    """Views that answer the common questions in Datasette without SQL."""
    for statement in _VIEWS:
        db.execute(statement)


@migrations()
def m003_pages_and_defects(db: Database) -> None:
    """Sources with one page per locale, and pages that list a row twice."""
    db.execute("ALTER TABLE fetches ADD COLUMN page TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE revisions ADD COLUMN defects TEXT")


@migrations()
def m004_delivery(db: Database) -> None:
    """Health alerts, and what each notify channel was sent: nothing lost, nothing sent twice."""
    for statement in _DELIVERY:
        db.execute(statement)


@migrations()
def m005_categories(db: Database) -> None:
    """A category for every entry version (authentication, rate limit …), kept beside it."""
    for statement in _CATEGORIES:
        db.execute(statement)


@migrations()
def m006_gap_reports(db: Database) -> None:
    """The last recorded gap report per exchange (errata gaps --record), summarised per category."""
    for statement in _GAPS:
        db.execute(statement)


@migrations()
def m007_change_kinds(db: Database) -> None:
    """Struck-through codes and what a struck code was renumbered from, on every entry version;
    the change columns the newer kinds carry (section renames, detail changes)."""
    db.execute("ALTER TABLE entry_versions ADD COLUMN deprecated INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE entry_versions ADD COLUMN replaces TEXT NOT NULL DEFAULT ''")
    add_change_columns(db)
    for statement in _KIND_VIEWS:
        db.execute(statement)


def add_change_columns(db: Database) -> None:
    """Add every ``Change`` field the changes table lacks, and rebuild ``change_log`` with them.

    Idempotent and derived from ``differ.change.COLUMNS``: a migration that
    follows a new change field calls it again, and nothing else needs editing.
    """
    present = {column.name for column in db.table("changes").columns}
    for column in CHANGE_COLUMNS:
        if column.sql and column.name not in present:
            db.execute(f"ALTER TABLE changes ADD COLUMN {column.name} {_nullable(column.sql)}")
    db.execute("DROP VIEW IF EXISTS change_log")
    db.execute(change_log_view())


def change_log_view() -> str:
    """Every change newest first, with the exchange: the contract's fields, then the additions."""
    stored = [column.name for column in CHANGE_COLUMNS if column.sql]
    picked = ", ".join(f"c.{name}" for name in stored if name != "observed_at")
    return (
        "CREATE VIEW change_log AS\n"
        f"SELECT c.observed_at, s.exchange, c.source_id, {picked}, c.change_id, c.revision_id\n"
        "FROM changes c JOIN sources s ON s.id = c.source_id\n"
        "ORDER BY c.observed_at DESC, c.id DESC"
    )


def _nullable(sql: str) -> str:
    """A column added to a table with rows cannot be NOT NULL without a default."""
    return sql.replace(" NOT NULL", "")


_KIND_VIEWS = [
    "DROP VIEW current_entries",
    """
    CREATE VIEW current_entries AS
    SELECT v.source_id, s.exchange, v.locale, v.section, v.code, v.message, c.category, v.extra,
           v.deprecated, v.replaces, v.valid_from AS since
    FROM entry_versions v JOIN sources s ON s.id = v.source_id
    LEFT JOIN entry_categories c ON c.version_id = v.id
    WHERE v.valid_to_revision IS NULL
    ORDER BY v.source_id, v.position, v.id""",
]


@migrations()
def m008_fetch_strategy(db: Database) -> None:
    """Which fetch strategy produced each body: http, markdown (the .md rendition) or browser.

    NULL for files, git history and fetches stored before errata recorded it.
    Independent of every migration after m006, so it applies in any order with them.
    """
    db.execute("ALTER TABLE fetches ADD COLUMN strategy TEXT")


@migrations()
def m009_reading_views(db: Database) -> None:
    """Series for the charts: codes documented per exchange over time, changes per week by kind."""
    for statement in _READING:
        db.execute(statement)


@migrations()
def m011_ops(db: Database) -> None:
    """Each message of a delivery marked sent the moment its channel accepts it.

    A Slack report can take several messages; killed after the first, the next
    run resends only the rest (same delivery id, same parts). A delivery's
    parts are dropped once the whole delivery is recorded. Independent of
    every other migration, so it applies in any order with them.
    """
    db.execute(
        """
        CREATE TABLE IF NOT EXISTS delivery_parts (
            channel TEXT NOT NULL,
            delivery_id TEXT NOT NULL,
            part INTEGER NOT NULL,
            sent_at TEXT NOT NULL,
            PRIMARY KEY (channel, delivery_id, part)
        )"""
    )


@migrations()
def m012_fts_in_batches(db: Database) -> None:
    """The message index is filled a batch at a time by the store (see ``index_in_batches``)."""
    index_in_batches(db)


@migrations()
def m013_latest_fetch(db: Database) -> None:
    """A page's latest fetches in order, so ``Store.last_good_fetch`` (twice per page and night)
    reads back from the newest instead of sorting the page's whole history: 2 ms for a source
    with three years of nightly fetches before, about 15 µs after."""
    db.execute("CREATE INDEX fetches_page_latest ON fetches(source_id, page, id)")


# A week is named by its Monday: '-6 days' then 'weekday 1' is the Monday on or
# before the day. Codes are counted in each source's own locale, per (source,
# code), at every moment one of the exchange's pages was read in a new state
# (suspect revisions change nothing, so they add no point), and at its last
# good read, so a line runs up to what errata last saw.
_READING = [
    """
    CREATE VIEW codes_over_time AS
    SELECT m.exchange, m.observed_at,
           (SELECT count(DISTINCT v.source_id || char(31) || v.code)
            FROM entry_versions v JOIN sources s ON s.id = v.source_id
            WHERE s.exchange = m.exchange AND v.locale = s.locale AND v.valid_from <= m.observed_at
              AND (v.valid_to IS NULL OR v.valid_to > m.observed_at)) AS codes
    FROM (
        SELECT s.exchange, r.observed_at
        FROM revisions r JOIN sources s ON s.id = r.source_id
        WHERE r.status != 'suspect'
        UNION
        SELECT s.exchange, max(f.fetched_at)
        FROM fetches f JOIN sources s ON s.id = f.source_id
        WHERE f.outcome != 'failed'
        GROUP BY s.exchange
    ) m
    ORDER BY m.exchange, m.observed_at""",
    """
    CREATE VIEW changes_per_week AS
    SELECT date(c.observed_at, '-6 days', 'weekday 1') AS week, s.exchange, c.kind,
           count(*) AS changes
    FROM changes c JOIN sources s ON s.id = c.source_id
    GROUP BY week, s.exchange, c.kind
    ORDER BY week, s.exchange, c.kind""",
]

_GAPS = [
    """
    CREATE TABLE sdk_gaps (
        id INTEGER PRIMARY KEY,
        exchange TEXT NOT NULL,
        map TEXT NOT NULL,
        checked_at TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('unmapped', 'disagree', 'generic', 'stale')),
        code TEXT NOT NULL,
        category TEXT,
        mapped TEXT,
        expected TEXT
    )""",
    "CREATE INDEX sdk_gaps_exchange ON sdk_gaps(exchange, status)",
    """
    CREATE VIEW exchange_summary AS
    SELECT t.exchange, t.category, t.codes,
           (SELECT count(*) FROM sdk_gaps g WHERE g.exchange = t.exchange
            AND g.category = t.category AND g.status = 'unmapped') AS unmapped,
           (SELECT count(*) FROM sdk_gaps g WHERE g.exchange = t.exchange
            AND g.category = t.category AND g.status IN ('disagree', 'generic')) AS mismatched,
           (SELECT max(g.checked_at) FROM sdk_gaps g WHERE g.exchange = t.exchange) AS checked_at
    FROM (
        SELECT exchange, category, sum(codes) AS codes FROM category_summary GROUP BY exchange, category
    ) t
    ORDER BY t.exchange, t.codes DESC""",
]

_CATEGORIES = [
    """
    CREATE TABLE entry_categories (
        version_id INTEGER PRIMARY KEY REFERENCES entry_versions(id),
        category TEXT NOT NULL,
        via TEXT NOT NULL
    )""",
    "CREATE INDEX entry_categories_category ON entry_categories(category)",
    """
    CREATE TABLE category_state (
        source_id TEXT PRIMARY KEY REFERENCES sources(id),
        fingerprint TEXT NOT NULL
    )""",
    "DROP VIEW current_entries",
    """
    CREATE VIEW current_entries AS
    SELECT v.source_id, s.exchange, v.locale, v.section, v.code, v.message, c.category, v.extra,
           v.valid_from AS since
    FROM entry_versions v JOIN sources s ON s.id = v.source_id
    LEFT JOIN entry_categories c ON c.version_id = v.id
    WHERE v.valid_to_revision IS NULL
    ORDER BY v.source_id, v.position, v.id""",
    """
    CREATE VIEW category_summary AS
    SELECT s.exchange, v.source_id, coalesce(c.category, 'other') AS category,
           count(DISTINCT v.code) AS codes
    FROM entry_versions v JOIN sources s ON s.id = v.source_id
    LEFT JOIN entry_categories c ON c.version_id = v.id
    WHERE v.valid_to_revision IS NULL AND v.locale = s.locale
    GROUP BY s.exchange, v.source_id, coalesce(c.category, 'other')
    ORDER BY s.exchange, v.source_id, codes DESC""",
]

_DELIVERY = [
    """
    CREATE TABLE alerts (
        id INTEGER PRIMARY KEY,
        source_id TEXT NOT NULL REFERENCES sources(id),
        raised_at TEXT NOT NULL,
        kind TEXT NOT NULL,
        message TEXT NOT NULL
    )""",
    """
    CREATE TABLE channels (
        name TEXT PRIMARY KEY,
        channel TEXT NOT NULL,
        since TEXT NOT NULL,
        last_digest_at TEXT,
        last_sent_at TEXT
    )""",
    """
    CREATE TABLE deliveries (
        id INTEGER PRIMARY KEY,
        channel TEXT NOT NULL REFERENCES channels(name),
        change_id TEXT,
        observed_at TEXT,
        alert_id INTEGER REFERENCES alerts(id),
        sent_at TEXT NOT NULL,
        CHECK ((change_id IS NULL) != (alert_id IS NULL))
    )""",
    "CREATE UNIQUE INDEX deliveries_change ON deliveries(channel, change_id, observed_at)",
    "CREATE UNIQUE INDEX deliveries_alert ON deliveries(channel, alert_id)",
    """
    CREATE TABLE delivery_attempts (
        id INTEGER PRIMARY KEY,
        channel TEXT NOT NULL REFERENCES channels(name),
        attempted_at TEXT NOT NULL,
        kind TEXT NOT NULL,
        items INTEGER NOT NULL,
        ok INTEGER NOT NULL,
        error TEXT
    )""",
]

_INITIAL = [
    """
    CREATE TABLE sources (
        id TEXT PRIMARY KEY,
        exchange TEXT NOT NULL,
        api TEXT,
        url TEXT NOT NULL,
        parser TEXT NOT NULL,
        locale TEXT NOT NULL DEFAULT 'en',
        title TEXT,
        in_config INTEGER NOT NULL DEFAULT 1
    )""",
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        status TEXT NOT NULL DEFAULT 'running',
        sources INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0,
        changes INTEGER NOT NULL DEFAULT 0
    )""",
    """
    CREATE TABLE fetches (
        id INTEGER PRIMARY KEY,
        source_id TEXT NOT NULL REFERENCES sources(id),
        run_id INTEGER REFERENCES runs(id),
        fetched_at TEXT NOT NULL,
        url TEXT NOT NULL,
        origin TEXT NOT NULL,
        outcome TEXT NOT NULL,
        http_status INTEGER,
        etag TEXT,
        last_modified TEXT,
        content_type TEXT,
        sha256 TEXT,
        bytes INTEGER,
        elapsed_ms INTEGER,
        error_kind TEXT,
        error_message TEXT,
        commit_id TEXT
    )""",
    """
    CREATE TABLE revisions (
        id INTEGER PRIMARY KEY,
        source_id TEXT NOT NULL REFERENCES sources(id),
        fetch_id INTEGER NOT NULL REFERENCES fetches(id),
        observed_at TEXT NOT NULL,
        parser TEXT NOT NULL,
        parser_version TEXT NOT NULL,
        entry_count INTEGER NOT NULL,
        digest TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('ok', 'suspect', 'accepted')),
        reason TEXT
    )""",
    """
    CREATE TABLE entry_versions (
        id INTEGER PRIMARY KEY,
        source_id TEXT NOT NULL REFERENCES sources(id),
        code TEXT NOT NULL,
        message TEXT NOT NULL,
        section TEXT NOT NULL,
        locale TEXT NOT NULL,
        extra TEXT NOT NULL DEFAULT '{}',
        ordinal INTEGER NOT NULL DEFAULT 0,
        position INTEGER NOT NULL,
        valid_from_revision INTEGER NOT NULL REFERENCES revisions(id),
        valid_from TEXT NOT NULL,
        valid_to_revision INTEGER REFERENCES revisions(id),
        valid_to TEXT
    )""",
    """
    CREATE TABLE changes (
        id INTEGER PRIMARY KEY,
        change_id TEXT NOT NULL,
        source_id TEXT NOT NULL REFERENCES sources(id),
        revision_id INTEGER NOT NULL REFERENCES revisions(id),
        observed_at TEXT NOT NULL,
        kind TEXT NOT NULL,
        severity TEXT NOT NULL,
        trivial INTEGER,
        similarity REAL,
        code TEXT NOT NULL,
        new_code TEXT,
        locale TEXT NOT NULL,
        section TEXT,
        old_section TEXT,
        old_message TEXT,
        new_message TEXT
    )""",
    "CREATE INDEX fetches_source_time ON fetches(source_id, fetched_at)",
    "CREATE INDEX revisions_source ON revisions(source_id, id)",
    "CREATE INDEX versions_current ON entry_versions(source_id, valid_to_revision)",
    "CREATE INDEX versions_as_of ON entry_versions(source_id, valid_from, valid_to)",
    "CREATE INDEX versions_code ON entry_versions(source_id, code)",
    "CREATE INDEX changes_time ON changes(observed_at)",
    "CREATE INDEX changes_source_time ON changes(source_id, observed_at)",
]

_VIEWS = [
    """
    CREATE VIEW current_entries AS
    SELECT v.source_id, s.exchange, v.locale, v.section, v.code, v.message, v.extra,
           v.valid_from AS since
    FROM entry_versions v JOIN sources s ON s.id = v.source_id
    WHERE v.valid_to_revision IS NULL
    ORDER BY v.source_id, v.position, v.id""",
    """
    CREATE VIEW change_log AS
    SELECT c.observed_at, s.exchange, c.source_id, c.kind, c.severity, c.code, c.new_code,
           c.locale, c.section, c.old_section, c.old_message, c.new_message, c.trivial,
           c.similarity, c.change_id, c.revision_id
    FROM changes c JOIN sources s ON s.id = c.source_id
    ORDER BY c.observed_at DESC, c.id DESC""",
    """
    CREATE VIEW code_timeline AS
    SELECT t.source_id, s.exchange, t.locale, t.code, t.first_seen,
           CASE WHEN t.current > 0 THEN (
               SELECT max(f.fetched_at) FROM fetches f
               WHERE f.source_id = t.source_id AND f.sha256 IS NOT NULL AND f.error_kind IS NULL
           ) ELSE (
               SELECT max(f.fetched_at) FROM fetches f
               WHERE f.source_id = t.source_id AND f.sha256 IS NOT NULL AND f.error_kind IS NULL
                 AND f.fetched_at < t.last_valid_to
           ) END AS last_seen,
           CASE WHEN t.current > 0 THEN NULL ELSE t.last_valid_to END AS removed_at,
           t.current AS current_occurrences, t.versions
    FROM (
        SELECT source_id, locale, code, min(valid_from) AS first_seen, max(valid_to) AS last_valid_to,
               sum(valid_to_revision IS NULL) AS current, count(*) AS versions
        FROM entry_versions GROUP BY source_id, locale, code
    ) t JOIN sources s ON s.id = t.source_id""",
]
