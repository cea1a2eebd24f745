"""``errata add URL``: set a page up in one command (the work is in errata.scraper.adding)."""

from __future__ import annotations

import click

from errata.scraper.cli.app import cli
from errata.scraper.cli.options import Paths, json_option, with_paths


@cli.command()
@click.argument("url")
@click.option(
    "--id",
    "source_id",
    default=None,
    metavar="ID",
    help="Id of the new source (with several sections: their common prefix).",
)
@click.option("--exchange", default=None, help="Exchange name [default: from the host name].")
@click.option("--yes", "-y", is_flag=True, help="Add every section found without asking.")
@json_option
@with_paths()
def add(url: str, source_id: str | None, exchange: str | None, yes: bool, as_json: bool,
        paths: Paths) -> None:  # fmt: skip
    """Find the error-code sections of a page, preview them, append [[source]] blocks.

    A URL with a #fragment watches that section only. Refuses a URL or an id
    already in the config (--config / ERRATA_CONFIG, created if missing).
    Without --yes, asks which sections to add.

    \b
    Example:
      errata add https://docs.tickdb.ai/en/errors
      errata add 'https://www.okx.com/docs-v5/en/#error-code-websocket' --id okx-ws --yes
    """
    from errata.scraper.adding import add_sources  # fetching and parsing: only when it runs

    add_sources(url, source_id, exchange, yes, paths.config, as_json)
