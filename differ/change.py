"""The change: one classified difference between two revisions of a source."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, Literal

Kind = Literal["added", "removed", "reworded", "moved", "renumbered"]
Severity = Literal["low", "medium", "high"]
KINDS: tuple[Kind, ...] = ("added", "removed", "reworded", "moved", "renumbered")
SEVERITIES: tuple[Severity, ...] = ("low", "medium", "high")


@dataclass(frozen=True, slots=True)
class Change:
    """Fields and order follow the interface contract's change JSON.

    The differ fills what it can know from two entry lists; the pipeline adds
    ``source``, ``exchange`` and ``observed_at`` with ``dataclasses.replace``.
    """

    source: str | None
    exchange: str | None
    observed_at: str | None
    kind: Kind
    severity: Severity
    trivial: bool | None
    similarity: float | None
    code: str
    new_code: str | None
    locale: str
    section: str | None
    old_section: str | None
    old_message: str | None
    new_message: str | None

    def to_dict(self) -> dict[str, Any]:
        """The contract's change object, plus ``change_id`` (for ``ignore`` lists) at the end."""
        return {**{name: getattr(self, name) for name in _FIELDS}, "change_id": self.change_id}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Change:
        """A change from its JSON or database row; ValueError for an unknown kind or severity."""
        kind, severity = data["kind"], data["severity"]
        if kind not in KINDS or severity not in SEVERITIES:
            raise ValueError(f"not a change: kind {kind!r}, severity {severity!r}")
        trivial, similarity = data.get("trivial"), data.get("similarity")
        return cls(
            source=data.get("source"),
            exchange=data.get("exchange"),
            observed_at=data.get("observed_at"),
            kind=kind,
            severity=severity,
            trivial=None if trivial is None else bool(trivial),
            similarity=None if similarity is None else float(similarity),
            code=str(data["code"]),
            new_code=data.get("new_code"),
            locale=str(data.get("locale") or "en"),
            section=data.get("section"),
            old_section=data.get("old_section"),
            old_message=data.get("old_message"),
            new_message=data.get("new_message"),
        )

    @property
    def change_id(self) -> str:
        """Stable across runs and re-derivations: what changed, not when."""
        key = [self.source, self.kind, self.locale, self.code, self.new_code]
        key += [self.old_message, self.new_message]
        digest = hashlib.sha256(json.dumps(key, ensure_ascii=False).encode()).hexdigest()
        return digest[:16]

    def rank(self) -> int:
        return severity_rank(self.severity)


_FIELDS = tuple(f.name for f in fields(Change))


def severity_rank(severity: str) -> int:
    """0 for low up to 2 for high; ValueError for an unknown name."""
    try:
        return _RANK[severity]
    except KeyError:
        raise ValueError(
            f"unknown severity {severity!r} (known: {', '.join(SEVERITIES)})"
        ) from None


_RANK: dict[str, int] = {name: rank for rank, name in enumerate(SEVERITIES)}
