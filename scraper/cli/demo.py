"""``errata demo``."""

from __future__ import annotations

from pathlib import Path

import click

from errata.scraper.cli.app import cli
from errata.scraper.cli.options import report_format_option
from errata.scraper.cli.output import report_format, show_report


@cli.command()
@click.option("--dir", "workdir", default="errata-demo", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Where the demo database and archive go.")  # fmt: skip
@report_format_option
def demo(workdir: Path, fmt: str | None, as_json: bool) -> None:
    """Run the whole pipeline offline: bundled pages, a local server, two nights.

    Prints the second night's changes, then commands to explore the
    database it leaves behind.

    \b
    Example:
      errata demo
      errata demo --dir /tmp/errata-demo
    """
    from errata.scraper import demo as demo_module

    report, db_path, archive_path = demo_module.main(workdir)
    show_report(report, report_format(fmt, as_json))
    for line in demo_module.closing_lines(db_path, archive_path):
        click.echo(line, err=True)
