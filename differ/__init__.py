"""Differ: two revisions in, classified changes out. Pure functions, no I/O."""

from differ.change import KINDS, SEVERITIES, Change, Kind, Severity, severity_rank
from differ.diff import diff
from differ.health import DEFAULT_MAX_REMOVED, suspicion
from differ.policy import DEFAULT_POLICY, Policy

__all__ = [
    "DEFAULT_MAX_REMOVED",
    "DEFAULT_POLICY",
    "KINDS",
    "SEVERITIES",
    "Change",
    "Kind",
    "Policy",
    "Severity",
    "diff",
    "severity_rank",
    "suspicion",
]
