"""JSON: the contract's change objects, one list."""

from __future__ import annotations

import json

from errata.reports.model import Report
from errata.reports.registry import renderer


@renderer("json")
def render_json(report: Report) -> str:
    return json.dumps([change.to_dict() for change in report.changes], ensure_ascii=False, indent=2)
