"""``errata check``: look a deployment over before the night it matters."""

from __future__ import annotations

import os
import sys

import click

from errata.scraper.cli.app import cli
from errata.scraper.cli.options import Paths, json_option, with_paths
from errata.scraper.cli.output import emit_json, table


@cli.command()
@json_option
@with_paths()
def check(as_json: bool, paths: Paths) -> None:
    """Verify a deployment: the database, the archive, the config and the routes' variables.

    Runs PRAGMA integrity_check and foreign_key_check on the database (opened
    read-only), checks that every page body a fetch stored is in the archive
    (errata reparse needs them all), that the config loads, and that every
    [[notify]] route's environment variables are set and usable. Nothing is
    written, fetched or sent. Exits 2 when the config, a route's variables or
    the database file need fixing, 1 when the database or the archive is
    damaged, 0 when all is well.

    \b
    Example:
      errata check
      errata check --json
    """
    from errata.scraper import checkup

    findings = [
        *checkup.configuration(paths.config, os.environ),
        *checkup.database(paths.db, paths.archive),
    ]
    if as_json:
        emit_json([finding.as_dict() for finding in findings])
    else:
        rows = [[f.check, "ok" if f.ok else "FAILED", f.detail] for f in findings]
        click.echo(table(["check", "result", "detail"], rows))
    sys.exit(checkup.exit_code(findings))
