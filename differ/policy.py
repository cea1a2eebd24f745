"""Severity of each kind of change, and which changes a user has silenced."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from differ.change import SEVERITIES, Kind, Severity

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


@dataclass(frozen=True, slots=True)
class Policy:
    severity: Mapping[str, Severity] = field(default_factory=lambda: dict(DEFAULT_SEVERITY))
    ignore: frozenset[str] = frozenset()  # change ids

    def severity_of(self, kind: Kind, trivial: bool | None = None) -> Severity:
        key = "reworded_trivial" if kind == "reworded" and trivial else kind
        return self.severity.get(key, DEFAULT_SEVERITY[key])

    def with_overrides(self, overrides: Mapping[str, str]) -> Policy:
        merged: dict[str, Severity] = dict(self.severity)
        for key, level in overrides.items():
            if key not in DEFAULT_SEVERITY:
                raise ValueError(f"unknown change kind {key!r} (known: {', '.join(SEVERITY_KEYS)})")
            if level not in SEVERITIES:
                raise ValueError(f"unknown severity {level!r} (known: {', '.join(SEVERITIES)})")
            merged[key] = level
        return Policy(merged, self.ignore)


DEFAULT_POLICY = Policy()
