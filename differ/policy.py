"""How changes are judged: severity per kind, silenced changes, when a page is unbelievable.

Built from sources.toml (global ``[severity]``, ``ignore`` and ``[health]``,
then the same keys on a source); the differ only reads it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from errata.differ.change import SEVERITIES, Kind, Severity

# "reworded" is split: a trivial rewording is not the news a redefinition is.
DEFAULT_SEVERITY: Mapping[str, Severity] = {
    "added": "medium",
    "removed": "high",
    "reworded": "medium",
    "reworded_trivial": "low",
    "moved": "low",
    "renumbered": "high",
}
SEVERITY_KEYS = tuple(DEFAULT_SEVERITY)
DEFAULT_MAX_REMOVED = 0.5


@dataclass(frozen=True, slots=True)
class Policy:
    severity: Mapping[str, Severity] = field(default_factory=lambda: dict(DEFAULT_SEVERITY))
    ignore: frozenset[str] = frozenset()  # change ids
    max_removed: float = DEFAULT_MAX_REMOVED  # share of codes a believable revision may lose

    def severity_of(self, kind: Kind, trivial: bool | None = None) -> Severity:
        key = "reworded_trivial" if kind == "reworded" and trivial else kind
        return self.severity.get(key, DEFAULT_SEVERITY[key])

    def refined(
        self,
        severity: Mapping[str, str] | None = None,
        ignore: Iterable[str] = (),
        max_removed: float | None = None,
    ) -> Policy:
        """This policy with overrides on top (a source's on top of the global ones)."""
        merged: dict[str, Severity] = dict(self.severity)
        for key, level in (severity or {}).items():
            if key not in DEFAULT_SEVERITY:
                raise ValueError(f"unknown change kind {key!r} (known: {', '.join(SEVERITY_KEYS)})")
            if level not in SEVERITIES:
                raise ValueError(f"unknown severity {level!r} (known: {', '.join(SEVERITIES)})")
            merged[key] = level
        if max_removed is not None and not 0 < max_removed <= 1:
            raise ValueError(f"max_removed must be a share between 0 and 1, not {max_removed}")
        return Policy(
            merged,
            self.ignore | frozenset(ignore),
            self.max_removed if max_removed is None else max_removed,
        )


DEFAULT_POLICY = Policy()
