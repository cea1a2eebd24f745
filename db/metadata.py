"""What Datasette shows of errata's database: descriptions, sorts, facets, search, canned queries.

Datasette 0.65 keeps table settings and canned queries in its metadata (the
1.0 alphas moved them to configuration), so ``metadata()`` is the whole
document ``errata serve`` hands to Datasette. It is plain data and SQL, with
no Datasette import, so a test can run every canned query on a real store
with ``sqlite3``.

Every canned query hides its SQL (a visitor comes for the answer; "Show
SQL" is one click away), and the charts' dashboard (``db/charts.py``) rides
along under ``plugins``.

Every table, view and column a visitor sees is described here;
tests/db/test_metadata.py fails when a migration adds one without a
description, so the pages never grow unexplained columns.

Times in canned-query parameters read like the command line's: a date
(``2026-01-14``, meaning midnight UTC) or an ISO 8601 time (``2026-01-14T08:00:00Z``,
an offset is converted to UTC); SQLite's ``strftime`` turns them into the
stored ``YYYY-MM-DDTHH:MM:SSZ`` form, so comparisons stay plain indexed text
comparisons. A value that is not a time matches nothing rather than everything.

The two feed queries call ``errata_atom_id``, ``errata_xml_text``,
``errata_change_subject`` and ``errata_change_words``, which
``register_functions`` adds to each connection (``errata serve`` does it for
Datasette's). The ids and texts are those of errata's own Atom report
(``reports/atom.py``, ``differ.describe``), so a reader subscribed to both
never sees a change twice, nor two wordings of one.
"""

from __future__ import annotations

import json
import re
import sqlite3
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from errata.db import charts
from errata.db.links import DATABASE
from errata.differ import COLUMNS as CHANGE_COLUMNS
from errata.differ import Change
from errata.differ.describe import in_words, subject

FEED_SIZE = 100  # entries per Atom feed: the newest changes
RECENT_DEFAULT = "-30 days"  # recent_changes without a since
EPOCH = "1970-01-01T00:00:00Z"

__all__ = [
    "DATABASE", "EPOCH", "FEED_SIZE", "HIDDEN", "atom_id", "metadata", "register_functions", "xml_text",
]  # fmt: skip

# Bookkeeping nobody browses (category_state: which rules the stored categories
# came from); Datasette hides the full-text-search tables itself.
HIDDEN = ("_sqlite_migrations", "category_state")


# --- SQL functions the feeds use ------------------------------------------------


def atom_id(change_id: str, observed_at: str, nth: int = 1) -> str:
    """A change's Atom entry id: the same text as ``reports.atom.entry_id``.

    ``nth`` tells apart identical changes of one revision (a page that gains
    the same row twice); the first keeps the report's id.
    """
    name = f"errata:{change_id}:{observed_at}" + (f":{nth}" if nth > 1 else "")
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def xml_text(text: str | None) -> str | None:
    """Page text XML can hold: control characters become spaces.

    XML 1.0 cannot carry them even escaped, and one in a message would make
    the feed generator fail the whole feed.
    """
    return None if text is None else _CONTROL.sub(" ", text)


def change_subject(change_json: str) -> str:
    """What a stored change is about (its code, or the renamed heading), as the Atom report says."""
    return subject(Change.from_dict(json.loads(change_json)))


def change_words(change_json: str) -> str:
    """A stored change in plain words: the Atom report's entry content."""
    return in_words(Change.from_dict(json.loads(change_json)))


def register_functions(conn: sqlite3.Connection) -> None:
    """Make the feed queries' helper functions available on a connection."""
    conn.create_function("errata_atom_id", 3, atom_id, deterministic=True)
    conn.create_function("errata_xml_text", 1, xml_text, deterministic=True)
    conn.create_function("errata_change_subject", 1, change_subject, deterministic=True)
    conn.create_function("errata_change_words", 1, change_words, deterministic=True)


# --- descriptions -------------------------------------------------------------

_COLUMNS = {
    "source_id": "The watched page: a source id from sources.toml (or an ad hoc one from errata ingest).",
    "exchange": "The exchange whose API the page documents.",
    "locale": "The language of the table the row comes from (en, zh, …).",
    "section": "The headings above the table on the page, joined with ' > '.",
    "code": "The error code exactly as the page writes it (05001, -1013, AMBIGUOUS_SYMBOL). Click for its history.",
    "message": "The error message as the page words it.",
    "extra": "The table's other columns (HTTP status, recommendation, …) as a JSON object keyed by header.",
    "observed_at": "When the page was read in this state (UTC).",
    "change_id": "What changed, as a 16-hex id stable across runs and re-derivations (use it in ignore lists); a change that flips back and forth recurs with the same id.",
    "revision_id": "The revision of the page that showed the change.",
    "category": "What kind of failure the code means, the same on every exchange (authentication, "
    "rate_limit, order_not_found, …; other when unknown): the key an SDK maps to an exception.",
    "deprecated": "1 when the page strikes the code through (~~31001~~, <del>): still documented, "
    "but retired.",
    "replaces": "The old code the page strikes beside this one (~~50010~~ 50210): the code it "
    "renumbered; empty otherwise.",
    "valid_from": "When this version first appeared (UTC).",
    "valid_to": "When this version disappeared, by rewording or removal (UTC); empty while current.",
}

# The change fields' own descriptions (differ.change.COLUMNS), for any table or view that
# shows them; the generic ones above (code, section, locale …) stay as they are.
_COLUMNS.update({c.name: c.description for c in CHANGE_COLUMNS if c.sql and c.name not in _COLUMNS})

# The changes table's own columns, then one per stored Change field (differ.change.COLUMNS).
_CHANGE_FIELDS: list[str | tuple[str, str]] = [
    (column.name, column.description) for column in CHANGE_COLUMNS if column.sql
]
_CHANGE_LOG_FIELDS: list[str | tuple[str, str]] = [
    "observed_at",
    "exchange",
    "source_id",
    *(field for field in _CHANGE_FIELDS if field[0] != "observed_at"),
    ("change_id", _COLUMNS["change_id"] + " Click for this change alone."),
    "revision_id",
]

_TABLES: dict[str, tuple[str, Sequence[str | tuple[str, str]], dict[str, Any]]] = {
    "sources": (
        "The watched pages, mirrored from sources.toml. A source taken out of the config keeps its history.",
        [
            ("id", "The source's id, as in sources.toml and on the command line."),
            "exchange",
            ("api", "Which API the page documents (rest, websocket), when configured."),
            ("url", "The documentation page; a #fragment selects the section that is watched."),
            ("parser", "The parser that reads the page."),
            ("locale", "The language of the page (en unless configured)."),
            ("title", "A title for the source, when configured."),
            (
                "in_config",
                "1 while the source is in sources.toml; 0 for ad hoc and retired sources.",
            ),
        ],
        {"label_column": "id", "sort": "id", "facets": ["exchange", "in_config"]},
    ),
    "runs": (
        "One row per errata run: when it ran, how it ended and what it found.",
        [
            ("id", "The run's number."),
            ("started_at", "When the run started (UTC)."),
            (
                "finished_at",
                "When the run finished (UTC); empty while it runs, or if it was killed.",
            ),
            ("status", "running, ok, or failed when at least one source could not be read."),
            ("sources", "How many sources the run read."),
            ("failed", "How many of them failed."),
            ("changes", "How many changes the run found."),
        ],
        {"sort_desc": "started_at", "facets": ["status"]},
    ),
    "fetches": (
        "One row per page read: over HTTP, from a file (errata ingest) or from git history (errata import-git).",
        [
            ("id", "The fetch's number."),
            "source_id",
            ("run_id", "The run that made the fetch; empty outside errata run."),
            ("fetched_at", "When the page was read (UTC)."),
            ("url", "The address actually read (a Markdown twin of the page, say)."),
            ("origin", "http, file or git."),
            (
                "outcome",
                "new (a body not seen before), unchanged, not_modified (HTTP 304) or failed.",
            ),
            ("http_status", "The HTTP status of the answer."),
            ("etag", "The ETag the server sent, for the next conditional request."),
            ("last_modified", "The Last-Modified the server sent."),
            ("content_type", "The Content-Type of the body."),
            ("sha256", "The SHA-256 of the body; the raw body is archived under this name."),
            ("bytes", "The size of the body."),
            ("elapsed_ms", "How long the request took, in milliseconds."),
            (
                "error_kind",
                "Why it failed: timeout, connect, http_status, redirect, bad_content, parse, …",
            ),
            ("error_message", "The failure in words."),
            ("commit_id", "For errata import-git: the commit the page came from."),
            ("page", "Empty for a source's main page, else the locale of its extra page."),
            (
                "strategy",
                "How a network fetch got the body: http, markdown (the page's .md rendition) or "
                "browser (rendered in headless Chromium); empty for files and older fetches.",
            ),
        ],
        {"sort_desc": "fetched_at", "facets": ["source_id", "outcome", "error_kind", "strategy"]},
    ),
    "revisions": (
        "A source's parsed state; a new revision only when the entries differ from the current ones. "
        "A suspect revision (no entries, or most of them gone) is held back until errata accept.",
        [
            ("id", "The revision's number."),
            "source_id",
            ("fetch_id", "The fetch it was parsed from."),
            ("observed_at", "When the page was read in this state (UTC)."),
            ("parser", "The parser that produced it."),
            ("parser_version", "The parser's version, so errata reparse knows what to redo."),
            ("entry_count", "How many entries (rows) the page had."),
            ("digest", "A hash of the entries, independent of their order."),
            ("status", "ok, suspect (held back) or accepted (applied by errata accept)."),
            ("reason", "Why a revision is suspect."),
            ("defects", "Documentation defects found in it (rows listed twice), as a JSON list."),
        ],
        {"sort_desc": "observed_at", "facets": ["source_id", "status"]},
    ),
    "entry_versions": (
        "Every version of every entry: one row per (code, message, section, locale, extra) "
        "with the time it appeared and the time it went. Full-text search covers codes and messages.",
        [
            ("id", "The version's number."),
            "source_id",
            "code",
            "message",
            "section",
            "locale",
            "extra",
            "deprecated",
            "replaces",
            (
                "ordinal",
                "Which copy of an identical row this is, when a page repeats a row (0 for the first).",
            ),
            ("position", "The row's place on the page when it appeared."),
            ("valid_from_revision", "The revision where this version appeared."),
            "valid_from",
            ("valid_to_revision", "The revision where it went; empty while current."),
            "valid_to",
        ],
        {
            "sort_desc": "valid_from",
            "facets": ["source_id", "locale"],
            "fts_table": "entry_versions_fts",
            "fts_pk": "id",
            "searchmode": "escaped",  # words as typed; ?_searchmode=raw for FTS5 syntax
        },
    ),
    "changes": (
        "Every detected change, with the revision that showed it.",
        [
            ("id", "The change's number."),
            "change_id",
            "source_id",
            "revision_id",
            *_CHANGE_FIELDS,
        ],
        {"sort_desc": "observed_at", "facets": ["source_id", "kind", "severity", "locale"]},
    ),
    "current_entries": (
        "The codes every source documents now.",
        [
            "source_id",
            "exchange",
            "locale",
            "section",
            "code",
            "message",
            "category",
            "extra",
            "deprecated",
            "replaces",
            ("since", "When this version of the entry appeared (UTC)."),
        ],
        {"facets": ["exchange", "source_id", "locale", "category"]},
    ),
    "change_log": (
        "Every change, newest first: codes added, removed, reworded, moved, renumbered, "
        "deprecated or restored, headings renamed, details changed.",
        _CHANGE_LOG_FIELDS,
        {
            "title": "Change log",
            "sort_desc": "observed_at",
            "facets": ["exchange", "source_id", "kind", "severity", "locale"],
        },
    ),
    "code_timeline": (
        "One row per code of each source and locale: when it was first and last seen, and whether it was removed.",
        [
            "source_id",
            "exchange",
            "locale",
            "code",
            ("first_seen", "When the code first appeared (UTC)."),
            ("last_seen", "The last successful read of the page that still had the code (UTC)."),
            ("removed_at", "When the code disappeared (UTC); empty while documented."),
            ("current_occurrences", "How many times the page lists the code now (0 once removed)."),
            ("versions", "How many versions (wordings, sections) the code has had."),
        ],
        {"facets": ["exchange", "source_id", "locale"]},
    ),
    "entry_categories": (
        "The category of every entry version, and how it was decided; kept current after every write.",
        [
            ("version_id", "The entry version (a row of entry_versions)."),
            "category",
            (
                "via",
                "How it was decided: override (sources.toml), rule (the message), range "
                "(the code range the page files it under) or default.",
            ),
        ],
        {"facets": ["category", "via"]},
    ),
    "category_summary": (
        "How many codes each source documents now in each category.",
        [
            "exchange",
            "source_id",
            "category",
            ("codes", "How many distinct codes of the source are in the category now."),
        ],
        {"facets": ["exchange", "source_id", "category"]},
    ),
    "sdk_gaps": (
        "The last gap report recorded per exchange (errata gaps ccxt --record): documented codes "
        "an exception map lacks or maps badly, and mapped codes no longer documented.",
        [
            ("id", "Row number."),
            "exchange",
            ("map", "The map compared: a JSON file, or the installed ccxt and its version."),
            ("checked_at", "When the report was recorded (UTC)."),
            (
                "status",
                "unmapped, disagree (the class contradicts the category), generic "
                "(ExchangeError where a specific class exists) or stale (mapped, not documented).",
            ),
            "code",
            "category",
            ("mapped", "The class the map gives the code, if any."),
            ("expected", "The class the code's category suggests."),
        ],
        {"sort": "code", "facets": ["exchange", "status", "category"]},
    ),
    "exchange_summary": (
        "Per exchange and category: codes documented now, and from the last recorded gap report "
        "how many of them an SDK map lacks or maps badly.",
        [
            "exchange",
            "category",
            (
                "codes",
                "Distinct codes documented now in this category, over the exchange's sources.",
            ),
            ("unmapped", "Of those, codes the last recorded map lacks."),
            ("mismatched", "Codes the map gives a class that disagrees or is generic."),
            ("checked_at", "When that gap report was recorded; empty if none was."),
        ],
        {"facets": ["exchange", "category"]},
    ),
    "codes_over_time": (
        "How many codes each exchange documented, at every moment one of its pages was read "
        "in a new state (the series behind the codes chart).",
        [
            "exchange",
            ("observed_at", "When one of the exchange's pages was read in a new state (UTC)."),
            (
                "codes",
                "Distinct codes its sources documented then, each in the source's own locale.",
            ),
        ],
        {"facets": ["exchange"]},
    ),
    "changes_per_week": (
        "How many changes of each kind each exchange had, week by week (the series behind "
        "the changes chart).",
        [
            ("week", "The week, named by its Monday (UTC)."),
            "exchange",
            "kind",
            ("changes", "How many changes of this kind the exchange had that week."),
        ],
        {"sort_desc": "week", "facets": ["exchange", "kind"]},
    ),
    "alerts": (
        "Health alerts: a source that keeps failing, or a revision held back as suspect.",
        [
            ("id", "The alert's number."),
            "source_id",
            ("raised_at", "When the alert was raised (UTC)."),
            ("kind", "failing (fetches fail run after run) or suspect (a revision is held back)."),
            ("message", "What is wrong, in words."),
        ],
        {"sort_desc": "raised_at", "facets": ["source_id", "kind"]},
    ),
    "channels": (
        "The notify routes (Slack, email, webhook, files …) and where each stands.",
        [
            ("name", "The route's name in sources.toml."),
            ("channel", "What kind of channel it delivers to (slack, email, webhook, …)."),
            ("since", "When the route was first configured: it owes nothing older (UTC)."),
            ("last_digest_at", "When its last digest period closed (UTC)."),
            ("last_sent_at", "When it last delivered something (UTC)."),
        ],
        {"sort": "name", "facets": ["channel"]},
    ),
    "deliveries": (
        "What each route has delivered: one row per change or alert sent, so nothing goes twice.",
        [
            ("id", "The delivery's number."),
            ("channel", "The route that sent it."),
            ("change_id", "The change sent (with observed_at); empty for an alert."),
            ("observed_at", "When that change was observed (UTC)."),
            ("alert_id", "The alert sent; empty for a change."),
            ("sent_at", "When the route accepted it (UTC)."),
        ],
        {"sort_desc": "sent_at", "facets": ["channel"]},
    ),
    "delivery_attempts": (
        "Every attempt to deliver, successful or not: what went where, and the error if it failed.",
        [
            ("id", "The attempt's number."),
            ("channel", "The route."),
            ("attempted_at", "When (UTC)."),
            ("kind", "changes, digest or alert."),
            ("items", "How many changes and alerts it carried."),
            ("ok", "1 when the channel accepted it; 0 when it failed (it is retried next run)."),
            ("error", "Why it failed."),
        ],
        {"sort_desc": "attempted_at", "facets": ["channel", "kind", "ok"]},
    ),
    "delivery_parts": (
        "Messages of a delivery in progress that their channel already accepted, so a delivery "
        "cut short (a crash, a kill) resends only the rest. Emptied when the delivery completes.",
        [
            ("channel", "The route."),
            ("delivery_id", "The delivery (also X-Errata-Delivery and the email's Message-ID)."),
            ("part", "Which message of the delivery, from 0 (Slack splits long reports)."),
            ("sent_at", "When the channel accepted it (UTC)."),
        ],
        {"sort_desc": "sent_at", "facets": ["channel"]},
    ),
}


def _table_metadata(
    description: str, columns: Iterable[str | tuple[str, str]], settings: dict[str, Any]
) -> dict[str, Any]:
    described = {}
    for column in columns:
        name, text = column if isinstance(column, tuple) else (column, _COLUMNS[column])
        described[name] = text
    return {"description": description, "columns": described, **settings}


# --- canned queries --------------------------------------------------------------


def _moment(param: str, default: str) -> str:
    """SQL for a time parameter in the stored form: ``default`` when empty, NULL when not a time.

    The GLOB keeps out bare numbers, which SQLite would read as Julian days.
    """
    value = f"trim(:{param})"
    return (
        f"CASE WHEN {value} = '' THEN {default} "
        f"WHEN {value} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*' "
        f"THEN strftime('%Y-%m-%dT%H:%M:%SZ', {value}) END"
    )


_NOW = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"

_CHANGE_COLUMNS = ", ".join(
    [
        "c.observed_at",
        "s.exchange",
        "c.source_id",
        *(f"c.{c.name}" for c in CHANGE_COLUMNS if c.sql and c.name != "observed_at"),
        "c.change_id",
    ]
)
# A stored change as the JSON ``Change.from_dict`` reads, for the feed's text functions.
_CHANGE_JSON = (
    "json_object(" + ", ".join(f"'{c.name}', {c.name}" for c in CHANGE_COLUMNS if c.sql) + ")"
)

_RECENT_CHANGES = f"""
SELECT {_CHANGE_COLUMNS}
FROM changes c JOIN sources s ON s.id = c.source_id
WHERE c.observed_at >= {_moment("since", f"strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '{RECENT_DEFAULT}')")}
ORDER BY c.observed_at DESC, c.id DESC"""

_EXCHANGE_CHANGES = f"""
SELECT {_CHANGE_COLUMNS}
FROM changes c JOIN sources s ON s.id = c.source_id
WHERE lower(s.exchange) = lower(trim(:exchange))
  AND c.observed_at >= {_moment("since", "''")}
ORDER BY c.observed_at DESC, c.id DESC"""

_CODE_HISTORY = """
SELECT v.source_id, v.code, v.locale, v.section, v.message, k.category, v.extra, v.valid_from,
       v.valid_to, v.valid_to IS NULL AS current,
       (SELECT c.kind FROM changes c
        WHERE c.source_id = v.source_id AND c.observed_at = v.valid_from AND c.locale = v.locale
          AND coalesce(c.new_code, c.code) = v.code AND c.new_message IS v.message
        ORDER BY c.id LIMIT 1) AS came_by,
       (SELECT c.kind FROM changes c
        WHERE c.source_id = v.source_id AND c.observed_at = v.valid_to AND c.locale = v.locale
          AND c.code = v.code AND c.old_message IS v.message
        ORDER BY c.id LIMIT 1) AS went_by
FROM entry_versions v LEFT JOIN entry_categories k ON k.version_id = v.id
WHERE v.source_id = trim(:source) AND v.code = trim(:code)
ORDER BY v.valid_from, v.position, v.id"""

_AS_OF = f"""
SELECT v.source_id, v.locale, v.section, v.code, v.message, k.category, v.extra, v.valid_from,
       v.valid_to
FROM entry_versions v LEFT JOIN entry_categories k ON k.version_id = v.id
WHERE v.source_id = trim(:source)
  AND v.valid_from <= {_moment("at", _NOW)}
  AND (v.valid_to IS NULL OR v.valid_to > {_moment("at", _NOW)})
ORDER BY v.position, v.id"""

# Datasette's "escaped" search mode in SQL: every word quoted, so any text is a
# valid query (a code like -1013 or a stray quote is not FTS5 syntax), and every
# word must appear.
_SEARCH_MESSAGES = """
WITH RECURSIVE words(word, rest) AS (
    SELECT '', trim(:q) || ' '
    UNION ALL
    SELECT substr(rest, 1, instr(rest, ' ') - 1), ltrim(substr(rest, instr(rest, ' ') + 1))
    FROM words WHERE rest != ''
),
terms(query) AS (
    SELECT group_concat('"' || replace(word, '"', '""') || '"', ' ') FROM words WHERE word != ''
)
SELECT s.exchange, v.source_id, v.code, v.locale, v.section, v.message, k.category,
       v.valid_from, v.valid_to, v.valid_to IS NULL AS current
FROM entry_versions_fts f
JOIN entry_versions v ON v.id = f.rowid
JOIN sources s ON s.id = v.source_id
LEFT JOIN entry_categories k ON k.version_id = v.id
WHERE entry_versions_fts MATCH coalesce((SELECT query FROM terms), '""')
ORDER BY f.rank, v.valid_to IS NOT NULL, v.source_id, v.position
LIMIT 500"""

# The same answers as errata health (without --max-age), one row per source.
_SOURCE_HEALTH = """
WITH h AS (
    SELECT s.id, s.exchange, s.api, s.url, s.in_config,
        (SELECT max(fetched_at) FROM fetches WHERE source_id = s.id AND outcome != 'failed')
            AS last_success,
        (SELECT max(fetched_at) FROM fetches WHERE source_id = s.id) AS last_fetch,
        coalesce((SELECT max(n) FROM (
            SELECT count(*) AS n FROM fetches f
            WHERE f.source_id = s.id AND f.origin = 'http' AND f.outcome = 'failed'
              AND f.id > coalesce((SELECT max(g.id) FROM fetches g
                                   WHERE g.source_id = f.source_id AND g.page = f.page
                                     AND g.origin = 'http' AND g.outcome != 'failed'), 0)
            GROUP BY f.page)), 0) AS consecutive_failures,
        (SELECT id FROM fetches WHERE source_id = s.id AND outcome = 'failed'
         ORDER BY id DESC LIMIT 1) AS last_error_fetch,
        (SELECT status FROM revisions WHERE source_id = s.id ORDER BY id DESC LIMIT 1)
            AS revision_status,
        (SELECT reason FROM revisions WHERE source_id = s.id ORDER BY id DESC LIMIT 1)
            AS revision_reason,
        (SELECT count(*) FROM entry_versions WHERE source_id = s.id AND valid_to_revision IS NULL)
            AS entries,
        (SELECT count(*) FROM revisions WHERE source_id = s.id) AS revisions,
        (SELECT max(observed_at) FROM changes WHERE source_id = s.id) AS last_change
    FROM sources s
)
SELECT h.id AS source_id, h.exchange,
       CASE WHEN h.last_success IS NULL THEN 'never'
            WHEN h.consecutive_failures > 0 THEN 'failing'
            WHEN h.revision_status = 'suspect' THEN 'suspect'
            ELSE 'ok' END AS status,
       h.entries, h.last_success, h.last_fetch, h.consecutive_failures,
       e.fetched_at AS last_error_at, e.error_kind AS last_error_kind,
       e.error_message AS last_error, h.revision_status, h.revision_reason, h.revisions,
       h.last_change,
       h.in_config AS configured, h.api, h.url
FROM h LEFT JOIN fetches e ON e.id = h.last_error_fetch
ORDER BY h.id"""


def _feed(where: str) -> str:
    """An Atom feed of the newest changes (datasette-atom reads the ``atom_*`` columns).

    Title and content follow errata's own Atom report. When nothing matches,
    one placeholder entry stands in: datasette-atom cannot render an empty
    feed, and a reader subscribed before the first change should get a feed.
    Its link is empty (the feed itself): feedgen refuses a missing one.
    """
    return f"""
WITH picked AS (
    SELECT c.*, s.exchange, s.url AS page_url,
           row_number() OVER (PARTITION BY c.change_id, c.observed_at ORDER BY c.id) AS nth
    FROM changes c JOIN sources s ON s.id = c.source_id
    WHERE {where}
    ORDER BY c.observed_at DESC, c.id DESC
    LIMIT {FEED_SIZE}
)
SELECT errata_atom_id(change_id, observed_at, nth) AS atom_id,
       errata_xml_text(exchange || ' ' || source_id || ': ' || kind || ' '
                       || errata_change_subject({_CHANGE_JSON}) || ' (' || severity || ')')
           AS atom_title,
       observed_at AS atom_updated,
       errata_xml_text(errata_change_words({_CHANGE_JSON})) AS atom_content,
       page_url AS atom_link,
       'errata' AS atom_author_name,
       id AS change_row
FROM picked
UNION ALL
SELECT 'urn:errata:no-changes', 'No changes recorded yet', '{EPOCH}',
       'errata has not recorded a change here yet.', '', 'errata', NULL
WHERE NOT EXISTS (SELECT 1 FROM picked)
ORDER BY atom_updated DESC, change_row DESC"""


_FEED = _feed("1")
_EXCHANGE_FEED = _feed("lower(s.exchange) = lower(trim(:exchange))")

_QUERIES: dict[str, dict[str, Any]] = {
    "recent_changes": {
        "title": "Recent changes",
        "description": "Every change observed since a time, newest first. since: a date "
        "(2026-01-14) or an ISO 8601 time; empty means the last 30 days.",
        "sql": _RECENT_CHANGES,
        "params": ["since"],
    },
    "exchange_changes": {
        "title": "Changes for one exchange",
        "description": "The changes of one exchange's pages, newest first. exchange: its name "
        "(okx, kucoin, …); since: a date or time, empty for all of its history.",
        "sql": _EXCHANGE_CHANGES,
        "params": ["exchange", "since"],
    },
    "code_history": {
        "title": "One code's full history",
        "description": "Every version of one code of one source, oldest first: its wording, "
        "section and category, when each appeared and went, and the change that brought and "
        "ended it. source: a source id (okx-ws); code: exactly as the page writes it.",
        "sql": _CODE_HISTORY,
        "params": ["source", "code"],
    },
    "as_of": {
        "title": "All codes of a source as of a date",
        "description": "The entries one source documented at a moment, in page order. source: a "
        "source id; at: a date (midnight UTC) or an ISO 8601 time, empty for now.",
        "sql": _AS_OF,
        "params": ["source", "at"],
    },
    "search_messages": {
        "title": "Search messages across exchanges",
        "description": "Codes and messages, current and past, on every exchange, that contain all "
        "the words of q; best matches and current versions first.",
        "sql": _SEARCH_MESSAGES,
        "params": ["q"],
    },
    "source_health": {
        "title": "Sources and their health",
        "description": "Each source's status (ok, failing, suspect, never), entry count, last "
        "success, failures in a row, last error and last change: errata health as a page.",
        "sql": _SOURCE_HEALTH,
    },
    "feed": {
        "title": "errata: changes to exchange API error codes",
        "description": f"The newest {FEED_SIZE} changes as an Atom feed: subscribe to feed.atom.",
        "sql": _FEED,
    },
    "exchange_feed": {
        "title": "errata: changes to one exchange's API error codes",
        "description": f"The newest {FEED_SIZE} changes of one exchange as an Atom feed: "
        "subscribe to exchange_feed.atom?exchange=okx.",
        "sql": _EXCHANGE_FEED,
        "params": ["exchange"],
    },
}


def metadata() -> dict[str, Any]:
    """The Datasette metadata document for errata's database (served as ``errata``)."""
    tables = {name: _table_metadata(*spec) for name, spec in _TABLES.items()}
    for name in HIDDEN:
        tables[name] = {"hidden": True}
    return {
        "title": "errata",
        "description": "Every version of every documented error code of the watched exchange "
        "APIs, and what changed: codes added, removed, reworded, moved or renumbered.",
        "databases": {
            DATABASE: {
                "description": "Start with change_log (every change, newest first), the canned "
                "queries below, or the Atom feed (feed.atom).",
                "tables": tables,
                "queries": {
                    name: {**query, "sql": query["sql"].strip(), "hide_sql": True}
                    for name, query in _QUERIES.items()
                },
            }
        },
        "plugins": {"datasette-dashboards": charts.dashboards()},
    }
