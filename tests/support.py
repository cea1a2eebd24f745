"""Helpers shared by the tests: the real-page corpus, and the CLI run for real."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from errata.scraper.cli import cli
from tests.corpus import FIXTURES, REPO, SHARED, SKIP_REASON, available

__all__ = ["FIXTURES", "REPO", "SHARED", "fixture_bytes", "fixture_path", "json_out", "run_cli"]

# Set by conftest around each test: is the running test marked ``corpus``? None while collecting.
current_test_marked: bool | None = None


def fixture_path(name: str) -> Path:
    """A file of the corpus; only tests marked ``@pytest.mark.corpus`` may ask for one.

    On a clone without the corpus, marked tests are skipped before they run,
    and a module that reads the corpus while it is collected is skipped whole.
    """
    if current_test_marked is False:
        pytest.fail(
            f"reads the corpus ({name}) but is not marked @pytest.mark.corpus", pytrace=False
        )
    if not available():
        pytest.skip(SKIP_REASON, allow_module_level=True)
    path = FIXTURES / name
    if not path.exists():
        pytest.fail(f"corpus file {name} not found under {FIXTURES}", pytrace=False)
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
