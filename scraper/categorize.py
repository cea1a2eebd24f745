"""Keep ``entry_categories`` in step with the entries, the rules and the configured overrides.

Categories are derived, like revisions: computed for every entry version
that has none yet, and recomputed for a whole source when the rules or that
source's overrides change (a fingerprint of both is kept per source). So an
edit to ``categories = {...}`` or a rule fix shows in Datasette after the
next write, without a reparse.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from errata.db.store import Store
from errata.differ import category
from errata.scraper.config import Config

RULES_FINGERPRINT = hashlib.sha256(
    json.dumps(
        [
            category.RULE_SOURCES,
            [(r.exchange, r.pattern.pattern, r.category) for r in category.RANGES],
        ]
    ).encode()
).hexdigest()


def overrides_for(config: Config) -> dict[str, Mapping[str, str]]:
    return {source.id: source.categories for source in config.sources}


def refresh(store: Store, config: Config) -> int:
    """Categorise what is not categorised yet; return how many versions were (re)categorised."""
    overrides = overrides_for(config)
    done = 0
    with store.transaction():
        for source_id, exchange in store.db.execute(
            "SELECT id, exchange FROM sources ORDER BY id"
        ).fetchall():
            mine = overrides.get(source_id, {})
            fingerprint = hashlib.sha256(
                (RULES_FINGERPRINT + json.dumps(sorted(mine.items()))).encode()
            ).hexdigest()
            if _stored_fingerprint(store, source_id) != fingerprint:
                store.db.execute(
                    "DELETE FROM entry_categories WHERE version_id IN "
                    "(SELECT id FROM entry_versions WHERE source_id = ?)",
                    [source_id],
                )
                store.db.execute(
                    "INSERT OR REPLACE INTO category_state (source_id, fingerprint) VALUES (?, ?)",
                    [source_id, fingerprint],
                )
            rows = store.db.execute(
                "SELECT v.id, v.code, v.message FROM entry_versions v "
                "LEFT JOIN entry_categories c ON c.version_id = v.id "
                "WHERE v.source_id = ? AND c.version_id IS NULL",
                [source_id],
            ).fetchall()
            reasons = [
                (version, *category.explain(code, message, exchange=exchange, overrides=mine)[:2])
                for version, code, message in rows
            ]
            store.db.conn.executemany(
                "INSERT INTO entry_categories (version_id, category, via) VALUES (?, ?, ?)", reasons
            )
            done += len(reasons)
    return done


def _stored_fingerprint(store: Store, source_id: str) -> str | None:
    row = store.db.execute(
        "SELECT fingerprint FROM category_state WHERE source_id = ?", [source_id]
    ).fetchone()
    return row[0] if row else None
