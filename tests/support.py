"""Helpers shared by the tests: the shared fixtures, and the CLI run for real."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from errata.scraper.cli import cli

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ERRATA_SHARED", REPO.parent / "shared"))
FIXTURES = SHARED / "fixtures"


def fixture_path(name: str) -> Path:
    path = FIXTURES / name
    if not path.exists():
        pytest.skip(f"shared fixture {name} not found under {FIXTURES} (set ERRATA_SHARED)")
    return path


def fixture_bytes(name: str) -> bytes:
    return fixture_path(name).read_bytes()


def run_cli(
    args: Sequence[str], env: Mapping[str, str] | None = None, stdin: bytes | None = None
) -> Result:
    """Invoke ``errata`` in-process, with stdout and stderr kept apart."""
    return CliRunner().invoke(
        cli, list(args), env=dict(env or {}), input=stdin, catch_exceptions=False
    )


def json_out(result: Result) -> Any:
    assert result.stdout.strip(), f"no JSON on stdout; stderr: {result.stderr}"
    return json.loads(result.stdout)
