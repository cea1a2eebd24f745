"""Differ: two revisions in, classified changes out. Pure functions, no I/O."""

from errata.differ.change import KINDS, SEVERITIES, Change, Kind, Severity, severity_rank
from errata.differ.diff import diff
from errata.differ.health import duplicates, new_duplicates, suspicion
from errata.differ.policy import DEFAULT_MAX_REMOVED, DEFAULT_POLICY, SEVERITY_KEYS, Policy

__all__ = [
    "DEFAULT_MAX_REMOVED",
    "DEFAULT_POLICY",
    "KINDS",
    "SEVERITIES",
    "SEVERITY_KEYS",
    "Change",
    "Kind",
    "Policy",
    "Severity",
    "diff",
    "duplicates",
    "new_duplicates",
    "severity_rank",
    "suspicion",
]
