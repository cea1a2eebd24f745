"""The ``errata`` command line (also ``python -m errata``): one module per kind of command."""

from errata.scraper.cli import (
    add,
    collect,
    demo,
    health,
    notify,
    parse,
    read,
    rebuild,
    schedule,
    sdk,
    serve,
)
from errata.scraper.cli.app import cli, main

__all__ = ["cli", "main"]

_COMMANDS = (
    add,
    collect,
    demo,
    health,
    notify,
    parse,
    read,
    rebuild,
    schedule,
    sdk,
    serve,
)  # importing them registers their commands
