"""Differ: two revisions in, classified changes out. Pure functions, no I/O."""

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
from errata.differ.diff import diff
from errata.differ.health import duplicates, new_duplicates, suspicion
from errata.differ.kinds import HEADINGS, TABLE, Heading, KindSpec, carries, spec
from errata.differ.policy import DEFAULT_MAX_REMOVED, DEFAULT_POLICY, SEVERITY_KEYS, Policy

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
