"""The change: one classified difference between two revisions of a source.

``Change``'s fields are the one list of change columns: each carries its SQL
type and its description (its metadata), and the store's table, its SELECTs
and the Datasette descriptions are built from ``COLUMNS``. The contract's
fields come first, in the contract's order; fields added since (``count``,
``column``, ``old_detail``, ``new_detail``) follow, and a change's JSON shows
them only when its kind carries them (``differ.kinds``), so every other change
keeps the contract's exact shape.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, NamedTuple

from errata.differ.kinds import (
    KINDS,
    SEVERITIES,
    SPECS,
    TABLE,
    Kind,
    Severity,
    carries,
)

__all__ = [
    "COLUMNS", "CONTRACT_FIELDS", "EXTENSION_FIELDS", "KINDS", "SEVERITIES", "Change", "Column",
    "Kind", "Severity", "severity_rank",
]  # fmt: skip


def _col(sql: str, description: str) -> dict[str, str]:
    """A Change field's metadata: its SQL column type and the description Datasette shows."""
    return {"sql": sql, "description": description}


@dataclass(frozen=True, slots=True)
class Change:
    """Fields and order follow the interface contract's change JSON, then the additions.

    The differ fills what it can know from two entry lists; the pipeline adds
    ``source``, ``exchange`` and ``observed_at`` with ``dataclasses.replace``.
    """

    source: str | None = field(metadata=_col("", "The watched page: a source id."))
    exchange: str | None = field(metadata=_col("", "The exchange whose API the page documents."))
    observed_at: str | None = field(
        metadata=_col("TEXT NOT NULL", "When the page was read in this state (UTC).")
    )
    kind: Kind = field(metadata=_col("TEXT NOT NULL", ""))  # described from differ.kinds
    severity: Severity = field(
        metadata=_col(
            "TEXT NOT NULL",
            "high, medium or low; the default per kind is in the README, [severity] overrides it.",
        )
    )
    trivial: bool | None = field(
        metadata=_col(
            "INTEGER",
            "For a rewording: 1 when only case, whitespace, punctuation, quotes or hyphenation changed.",
        )
    )
    similarity: float | None = field(
        metadata=_col(
            "REAL",
            "For a rewording: how alike the old and new messages are, 0 to 1 (a typo fix is near 1).",
        )
    )
    code: str = field(
        metadata=_col(
            "TEXT NOT NULL",
            "The error code exactly as the page writes it (05001, -1013, AMBIGUOUS_SYMBOL); "
            "empty for a section rename.",
        )
    )
    new_code: str | None = field(
        metadata=_col("TEXT", "For a renumbering: the code the message moved to.")
    )
    locale: str = field(metadata=_col("TEXT NOT NULL", "The language of the table (en, zh, …)."))
    section: str | None = field(
        metadata=_col(
            "TEXT",
            "The headings above the table on the page, joined with ' > ' (after the change).",
        )
    )
    old_section: str | None = field(
        metadata=_col(
            "TEXT",
            "For a move or a section rename: the section before (empty text: no heading above it).",
        )
    )
    old_message: str | None = field(
        metadata=_col("TEXT", "The message before the change (empty for an addition).")
    )
    new_message: str | None = field(
        metadata=_col("TEXT", "The message after the change (empty for a removal).")
    )
    count: int | None = field(
        default=None,
        metadata=_col("INTEGER", "For a section rename: how many codes moved with the heading."),
    )
    column: str | None = field(
        default=None,
        metadata=_col(
            "TEXT", "For a detail change: the column that changed (Description, HTTP Status …)."
        ),
    )
    old_detail: str | None = field(
        default=None, metadata=_col("TEXT", "For a detail change: the column's text before.")
    )
    new_detail: str | None = field(
        default=None, metadata=_col("TEXT", "For a detail change: the column's text after.")
    )

    def to_dict(self) -> dict[str, Any]:
        """The contract's change object, ``change_id``, then the additions the kind carries."""
        data = {name: getattr(self, name) for name in CONTRACT_FIELDS}
        data["change_id"] = self.change_id
        data.update(
            {name: getattr(self, name) for name in EXTENSION_FIELDS if carries(self.kind, name)}
        )
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Change:
        """A change from its JSON or database row; ValueError for an unknown kind or severity."""
        kind, severity = data["kind"], data["severity"]
        if kind not in KINDS or severity not in SEVERITIES:
            raise ValueError(f"not a change: kind {kind!r}, severity {severity!r}")
        trivial, similarity, count = data.get("trivial"), data.get("similarity"), data.get("count")
        values: dict[str, Any] = {name: data.get(name) for name in FIELD_NAMES}
        values.update(
            kind=kind,
            severity=severity,
            trivial=None if trivial is None else bool(trivial),
            similarity=None if similarity is None else float(similarity),
            count=None if count is None else int(count),
            code=str(data.get("code") or ""),
            locale=str(data.get("locale") or "en"),
        )
        return cls(**values)

    @property
    def change_id(self) -> str:
        """Stable across runs and re-derivations: what changed, not when."""
        key = [self.source, self.kind, self.locale, self.code, self.new_code]
        key += [self.old_message, self.new_message]
        key += [getattr(self, name) for name in SPECS[self.kind].identity]
        digest = hashlib.sha256(json.dumps(key, ensure_ascii=False).encode()).hexdigest()
        return digest[:16]

    def rank(self) -> int:
        return severity_rank(self.severity)


class Column(NamedTuple):
    """One change field as the database and Datasette see it."""

    name: str
    sql: str  # "" for fields the changes table does not store (source, exchange)
    description: str


KIND_DESCRIPTION = "What changed: " + "; ".join(f"{k.name}: {k.description}" for k in TABLE) + "."
COLUMNS: tuple[Column, ...] = tuple(
    Column(f.name, f.metadata["sql"], f.metadata["description"] or KIND_DESCRIPTION)
    for f in fields(Change)
)
FIELD_NAMES = tuple(c.name for c in COLUMNS)
EXTENSION_FIELDS = ("count", "column", "old_detail", "new_detail")  # after the contract's
CONTRACT_FIELDS = tuple(name for name in FIELD_NAMES if name not in EXTENSION_FIELDS)


def severity_rank(severity: str) -> int:
    """0 for low up to 2 for high; ValueError for an unknown name."""
    try:
        return _RANK[severity]
    except KeyError:
        raise ValueError(
            f"unknown severity {severity!r} (known: {', '.join(SEVERITIES)})"
        ) from None


_RANK: dict[str, int] = {name: rank for rank, name in enumerate(SEVERITIES)}
