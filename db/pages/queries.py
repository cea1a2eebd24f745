"""What errata's own pages read: one async function per block of a page.

Each takes Datasette's ``Database`` (reads go through its read-only
connections) and returns plain dicts for the templates. Health comes from
the ``source_health`` canned query itself, so the pages, the canned query and
``errata health`` can never disagree.
"""

from __future__ import annotations

from typing import Any

from errata.db.links import DATABASE
from errata.db.metadata import metadata
from errata.differ import COLUMNS as CHANGE_COLUMNS

Row = dict[str, Any]
HIGH_LIMIT = 20  # high-severity changes on the home page
EXCHANGE_LIMIT = 25  # recent changes on an exchange's page

# Every stored change field (differ.change.COLUMNS), so a card shows what any kind carries
# (a renamed heading's count, a detail change's column and texts).
CHANGE_SELECT = f"""
SELECT s.exchange, c.source_id, s.url AS page_url, c.change_id,
       {", ".join(f"c.{column.name}" for column in CHANGE_COLUMNS if column.sql)}
FROM changes c JOIN sources s ON s.id = c.source_id"""

_HIGH = f"""{CHANGE_SELECT}
WHERE c.severity = 'high'
ORDER BY c.observed_at DESC, c.id DESC LIMIT {HIGH_LIMIT}"""

_EXCHANGE_CHANGES = f"""{CHANGE_SELECT}
WHERE s.exchange = :exchange
ORDER BY c.observed_at DESC, c.id DESC LIMIT {EXCHANGE_LIMIT}"""

_TOTALS = """
SELECT (SELECT count(DISTINCT exchange) FROM sources) AS exchanges,
       (SELECT count(*) FROM sources) AS sources,
       (SELECT coalesce(sum(codes), 0) FROM category_summary) AS codes,
       (SELECT count(*) FROM changes) AS changes,
       (SELECT max(observed_at) FROM changes) AS last_change"""

_EXCHANGES = """
SELECT s.exchange, count(*) AS sources,
       (SELECT coalesce(sum(k.codes), 0) FROM category_summary k WHERE k.exchange = s.exchange)
           AS codes,
       (SELECT count(*) FROM changes c JOIN sources t ON t.id = c.source_id
        WHERE t.exchange = s.exchange) AS changes,
       (SELECT max(c.observed_at) FROM changes c JOIN sources t ON t.id = c.source_id
        WHERE t.exchange = s.exchange) AS last_change
FROM sources s GROUP BY s.exchange ORDER BY s.exchange"""

_SOURCES = """
SELECT id, exchange, api, url, title, locale, in_config FROM sources
WHERE exchange = :exchange ORDER BY id"""

_CATEGORIES = """
SELECT category, codes, unmapped, mismatched, checked_at FROM exchange_summary
WHERE exchange = :exchange ORDER BY codes DESC, category"""


async def _rows(db: Any, sql: str, params: dict[str, str] | None = None) -> list[Row]:
    results = await db.execute(sql, params or {})
    return [dict(row) for row in results.rows]


async def health(db: Any) -> list[Row]:
    """Every source's health, as the ``source_health`` canned query reports it."""
    sql = metadata()["databases"][DATABASE]["queries"]["source_health"]["sql"]
    return await _rows(db, sql)


async def home(db: Any) -> dict[str, Any]:
    """The home page: totals, sources that need a person, high-severity changes, exchanges."""
    [totals] = await _rows(db, _TOTALS)
    return {
        "totals": totals,
        "attention": [row for row in await health(db) if row["status"] != "ok"],
        "high": await _rows(db, _HIGH),
        "exchanges": await _rows(db, _EXCHANGES),
    }


async def exchange(db: Any, name: str) -> dict[str, Any] | None:
    """One exchange's page, or None when errata watches no page of that exchange."""
    sources = await _rows(db, _SOURCES, {"exchange": name})
    if not sources:
        return None
    ids = {source["id"] for source in sources}
    return {
        "exchange": name,
        "sources": sources,
        "health": [row for row in await health(db) if row["source_id"] in ids],
        "categories": await _rows(db, _CATEGORIES, {"exchange": name}),
        "changes": await _rows(db, _EXCHANGE_CHANGES, {"exchange": name}),
        "limit": EXCHANGE_LIMIT,
    }


async def source_pages(db: Any) -> dict[str, Row]:
    """Each source's exchange and documentation page, for the links beside a change."""
    rows = await _rows(db, "SELECT id, exchange, url, title FROM sources")
    return {row["id"]: row for row in rows}
