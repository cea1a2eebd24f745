"""Issue 15's layouts end to end: each hand-written page history, version by version,
through ``errata ingest`` into a real store, reports exactly the changes its
``expected.json`` names, and holds a version back as suspect only where it says so.

The pages and their expected steps are in ``tests/fixtures/patterns`` (see
tests/parsers/test_patterns.py); the parsers read them, the differ classifies,
the store keeps them: nothing here is stubbed.
"""

from __future__ import annotations

import itertools
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from errata.db.store import Store
from tests.parsers.test_patterns import HISTORIES, PATTERNS, spec_of
from tests.support import json_out, run_cli

FIELDS = ("kind", "code", "new_code", "section", "old_section")


def _key(change: dict[str, Any]) -> tuple[Any, ...]:
    """What a step names of a change; an empty code (a renamed heading's) is the step's null."""
    return tuple(change.get(name) or None for name in FIELDS)


def _ingest(env: dict[str, str], spec: dict[str, Any], page: Path, day: int) -> list[Any]:
    args = ["ingest", "pattern", str(page), "--observed-at", f"2024-01-{day:02d}T00:00:00Z"]
    args += ["--parser", spec["parser"], "--locale", spec["locale"], "--json"]
    args += ["--url", spec["url"]] if spec["url"] else []
    result = run_cli(args, env)
    assert result.exit_code == 0, result.stderr
    changes: list[Any] = json_out(result)
    return changes


def _latest_status(env: dict[str, str]) -> str:
    store = Store.open(env["ERRATA_DB"])
    try:
        revision = store.latest_revision("pattern")
        assert revision is not None
        return revision.status
    finally:
        store.close()


@pytest.mark.parametrize("history", HISTORIES, ids=lambda h: str(h.relative_to(PATTERNS)))
def test_each_step_reports_exactly_its_expected_changes(history: Path, env: dict[str, str]) -> None:
    Path(env["ERRATA_CONFIG"]).write_text("# no sources: each history is ingested ad hoc\n")
    spec = spec_of(history)
    versions = spec["versions"]
    assert _ingest(env, spec, history / versions[0], 1) == []  # the baseline reports nothing
    steps = {(step["from"], step["to"]): step for step in spec["steps"]}
    for day, (old, new) in enumerate(itertools.pairwise(versions), start=2):
        step = steps[(old, new)]
        found = _ingest(env, spec, history / new, day)
        assert Counter(map(_key, found)) == Counter(map(_key, step["changes"])), f"{old} → {new}"
        held = _latest_status(env) == "suspect"
        assert held == step["suspect"], f"{old} → {new}: suspect {held}"
