"""Differ: two revisions in, classified changes out. Pure functions, no I/O.

``diff`` (in ``classify``) is imported on first use: it brings in rapidfuzz,
which the commands that only read the store never need (the store takes its
change columns from here).
"""

from typing import TYPE_CHECKING, Any

from errata.differ.change import (
    COLUMNS,
    CONTRACT_FIELDS,
    EXTENSION_FIELDS,
    KINDS,
    SEVERITIES,
    Change,
    Column,
    Kind,
    Severity,
    severity_rank,
)
from errata.differ.health import duplicates, new_duplicates, suspicion
from errata.differ.kinds import HEADINGS, TABLE, Heading, KindSpec, carries, spec
from errata.differ.policy import DEFAULT_MAX_REMOVED, DEFAULT_POLICY, SEVERITY_KEYS, Policy

if TYPE_CHECKING:
    from errata.differ.classify import diff


def __getattr__(name: str) -> Any:
    if name == "diff":
        from errata.differ.classify import diff

        return diff
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "COLUMNS",
    "CONTRACT_FIELDS",
    "DEFAULT_MAX_REMOVED",
    "DEFAULT_POLICY",
    "EXTENSION_FIELDS",
    "HEADINGS",
    "KINDS",
    "SEVERITIES",
    "SEVERITY_KEYS",
    "TABLE",
    "Change",
    "Column",
    "Heading",
    "Kind",
    "KindSpec",
    "Policy",
    "Severity",
    "carries",
    "diff",
    "duplicates",
    "new_duplicates",
    "severity_rank",
    "spec",
    "suspicion",
]
