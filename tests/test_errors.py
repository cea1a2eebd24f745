"""The error tree: one documented place, each class carrying the exit code the CLI ends with."""

from __future__ import annotations

import click
import pytest

from errata import errors
from errata.errors import ErrataError
from errata.scraper.cli import cli
from tests.support import run_cli


def _tree(cls: type[ErrataError]) -> list[type[ErrataError]]:
    return [cls, *(c for sub in cls.__subclasses__() for c in _tree(sub))]


TREE = _tree(ErrataError)
SAMPLES = {  # the classes whose constructors take more than a message
    errors.UnknownParser: lambda m: errors.UnknownParser(m, ["auto"]),
    errors.ParseError: lambda m: errors.ParseError("auto", "", m),
    errors.FetchError: lambda m: errors.FetchError("timeout", m),
}


@pytest.mark.parametrize("cls", TREE, ids=lambda c: c.__name__)
def test_every_error_is_documented_in_the_tree(cls: type[ErrataError]) -> None:
    assert cls.__module__ == "errata.errors"
    assert f"── {cls.__name__} " in (errors.__doc__ or "") or cls is ErrataError
    assert cls.__doc__ and cls.exit_code in (1, 2, 75)


@pytest.mark.parametrize("cls", TREE, ids=lambda c: c.__name__)
def test_the_cli_ends_with_the_errors_exit_code(cls: type[ErrataError]) -> None:
    error = SAMPLES.get(cls, cls)("something went wrong")

    @cli.command("raise-for-test", hidden=True)
    def raise_for_test() -> None:
        raise error

    try:
        result = run_cli(["raise-for-test"])
    finally:
        assert isinstance(cli, click.Group)
        cli.commands.pop("raise-for-test")
    assert result.exit_code == cls.exit_code
    assert result.stderr.count("\n") == 1 and "something went wrong" in result.stderr
    assert result.stderr.startswith("errata: error: ")
    assert "Traceback" not in result.stderr
