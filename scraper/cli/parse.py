"""``errata parse``: what a parser finds in a local file."""

from __future__ import annotations

from pathlib import Path

import click

from errata.scraper.cli.app import cli
from errata.scraper.cli.options import json_option, read_input
from errata.scraper.cli.output import emit_json, table


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.option(
    "--parser",
    "parser_name",
    required=True,
    metavar="NAME",
    help="A parser name, 'auto', or 'list'.",
)
@click.option("--url", default="", help="The page's URL; its #fragment selects the section.")
@click.option("--locale", default="en", show_default=True, help="Language of the page.")
@json_option
def parse(file: Path, parser_name: str, url: str, locale: str, as_json: bool) -> None:
    """Print the entries a parser finds in a local file.

    \b
    Example:
      errata parse page.html --parser okx --url 'https://www.okx.com/docs-v5/en/#error-code-websocket'
      errata parse errors.md --parser auto --json
      errata parse - --parser list
    """
    from errata import parsers

    if parser_name == "list":
        specs = parsers.specs()
        if as_json:
            emit_json([{"name": s.name, "version": s.version, "summary": s.summary} for s in specs])
        else:
            click.echo(
                table(
                    ["parser", "version", "reads"], [[s.name, s.version, s.summary] for s in specs]
                )
            )
        return
    content = read_input(file)
    entries = parsers.parse(parser_name, content, url, locale=locale, where=str(file))
    if as_json:
        emit_json([e.to_dict() for e in entries])
        return
    click.echo(
        table(["code", "section", "message"], [[e.code, e.section, e.message] for e in entries])
    )
    click.echo(f"{len(entries)} entries", err=True)
